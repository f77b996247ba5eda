"""结算账户 through the API: POST/GET /money-accounts, GET/PUT /money-accounts/{code}. Reading
and writing need the money area (money_documents): the accounts are what 财务 works with, and
they are money, not cost."""

from ninja import Router, Status

from openjxc.core.api import Input, Output, page, page_of, typed
from openjxc.users.services import MONEY, require

from . import money_accounts as service

router = Router(tags=["money"])


class MoneyAccountIn(Input):
    code: str
    name: str
    kind: str  # cash | bank | other
    bank_name: str | None = None
    account_no: str | None = None


class MoneyAccountPatch(Input):
    """A PUT changes only the fields sent; active false: 停用."""

    name: str | None = None
    bank_name: str | None = None
    account_no: str | None = None
    active: bool | None = None


class MoneyAccountOut(Output):
    code: str
    name: str
    kind: str
    bank_name: str | None
    account_no: str | None
    active: bool
    gl_account: str  # the GL account it posts to (100201, or 1002 itself)
    gl_account_name: str


@router.post("/money-accounts", response=typed(MoneyAccountOut, 201))
def create(request, payload: MoneyAccountIn):
    return Status(
        201, service.create_money_account(request.user, payload.model_dump(exclude_unset=True))
    )


@router.get("/money-accounts", response=typed(page_of(MoneyAccountOut)))
def list_accounts(request, active: bool | None = None, limit: int = 100, offset: int = 0):
    """?active=true lists only the accounts in use."""
    require(request.user, MONEY)
    rows = service.list_money_accounts(active)
    return page([service.money_account_dict(m) for m in rows], limit, offset)


@router.get("/money-accounts/{code}", response=typed(MoneyAccountOut))
def get_account(request, code: str):
    require(request.user, MONEY)
    return service.money_account_dict(service.get_money_account(code))


@router.put("/money-accounts/{code}", response=typed(MoneyAccountOut))
def put_account(request, code: str, payload: MoneyAccountPatch):
    data = {k: v for k, v in payload.model_dump(exclude_unset=True).items() if v is not None}
    return service.update_money_account(request.user, code, data)
