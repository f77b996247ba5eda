from ninja import Query, Router, Status

from openjxc.core.api import Input, Output, page, page_of, typed
from openjxc.documents.access import visible_partner_ids
from openjxc.documents.rules import query_date
from openjxc.users.services import VIEW_COST, require

from . import accounts as account_services
from . import selectors
from .accounts import chart as chart_rows

router = Router(tags=["accounting"])


class AccountOut(Output):
    """parent: the parent's code; level 1 = top; leaf: may take postings; control: owned by a
    subledger (never posted by hand)."""

    code: str
    name: str
    category: str
    direction: str
    parent: str | None
    level: int
    leaf: bool
    control: bool


class AccountIn(Input):
    code: str
    name: str
    parent: str


class TrialRowOut(Output):
    account: str
    name: str
    parent: str | None
    opening_debit: str
    opening_credit: str
    debit: str
    credit: str
    closing_debit: str
    closing_credit: str


class TrialTotalsOut(Output):
    opening_debit: str
    opening_credit: str
    debit: str
    credit: str
    closing_debit: str
    closing_credit: str


class TrialBalanceOut(Output):
    """Also carries `from` and `to` (the dates asked for)."""

    period: str | None
    items: list[TrialRowOut]
    count: int
    totals: TrialTotalsOut
    balanced: bool


class BalanceOut(Output):
    """receivable / payable are net (advances included); advance_received / advance_paid the
    unallocated money within them (2203 预收 / 1123 预付), positive."""

    partner: str
    receivable: str
    payable: str
    advance_received: str
    advance_paid: str


class OpenItemOut(Output):
    """amount and open_amount are masked on purchase documents without view_cost."""

    document: str
    date: str
    due_date: str | None  # when it falls due (账期); none on money documents
    type: str
    kind: str
    amount: str | None
    open_amount: str | None
    due_date: str | None = None


@router.get("/accounts", response=typed(page_of(AccountOut)))
def accounts(request, limit: int = 1000, offset: int = 0):
    return page(chart_rows(), limit, offset)


@router.post("/accounts", response=typed(AccountOut, 201))
def add_account(request, payload: AccountIn):
    """A sub-account: code = the parent's code and two digits; category and side inherited;
    duplicate → 409 duplicate_code, a control parent → 422 control_account."""
    return Status(201, account_services.add_account(request.user, payload.model_dump()))


@router.get("/reports/trial-balance", response=typed(TrialBalanceOut))
def trial_balance(
    request,
    period: str | None = None,
    date_from: str | None = Query(None, alias="from", description="YYYY-MM-DD"),
    date_to: str | None = Query(None, alias="to", description="YYYY-MM-DD"),
):
    """Rows per account for ?period=YYYY-MM (or ?from=&to=); totals balance."""
    require(request.user, VIEW_COST)
    return selectors.trial_balance(period, query_date(date_from, "from"), query_date(date_to, "to"))


@router.get("/partners/{code}/balance", response=typed(BalanceOut), tags=["accounting"])
def balance(request, code: str):
    """Open receivable and payable of the customer and/or supplier with this code (the ones of
    the user's areas: customers for sales and money users, suppliers for purchase and money)."""
    return {"partner": code, **selectors.partner_balance(visible_partner_ids(request.user, code))}


@router.get(
    "/partners/{code}/open-items", response=typed(page_of(OpenItemOut)), tags=["accounting"]
)
def open_items(request, code: str, limit: int = 1000, offset: int = 0):
    return page(selectors.open_items(visible_partner_ids(request.user, code)), limit, offset)
