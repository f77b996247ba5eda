"""期初 through the API: the opening balances of the accounts no subledger owns and the opening
trial balance (API.md "Master data and go-live"). Opening stock, receivables and payables are
documents (POST /documents with their types)."""

from ninja import Router

from openjxc.core.api import Input, Num, Output, typed
from openjxc.documents.schemas import AccountLineOut

from . import opening_balances as opening

router = Router(tags=["opening"])


class OpeningAccountIn(Input):
    account: str
    debit: Num | None = None
    credit: Num | None = None


class OpeningCheckOut(Output):
    """试算平衡 of all opening balances; `difference` = debit − credit (the balance of 3999)."""

    balanced: bool
    debit: str
    credit: str
    difference: str


class OpeningAccountsOut(Output):
    document: str | None
    items: list[AccountLineOut]
    count: int
    check: OpeningCheckOut


@router.get("/opening/check", response=typed(OpeningCheckOut))
def check(request):
    """The opening trial balance: total debit, total credit, their difference."""
    return opening.opening_check(request.user)


@router.get("/opening/accounts", response=typed(OpeningAccountsOut))
def accounts(request):
    """The opening balances typed into accounts (cash, bank, equity …)."""
    return opening.account_balances(request.user)


@router.put("/opening/accounts", response=typed(OpeningAccountsOut))
def set_accounts(request, payload: list[OpeningAccountIn]):
    """Set the opening balance of every account no subledger owns: `[{"account", "debit" |
    "credit"}]`, the whole set (an account left out has none). Control accounts (1405, 1122,
    2202 …) → 422 control_account."""
    entries = [e.model_dump(exclude_unset=True) for e in payload]
    return opening.set_account_balances(request.user, entries)
