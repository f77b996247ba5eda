"""Expense and income types (费用类型): POST/GET /expense-types, GET/PUT /expense-types/{code}."""

from ninja import Router, Status

from openjxc.core.api import Input, Output, page, page_of, typed

from . import expense_types

router = Router(tags=["accounting"])


class ExpenseTypeIn(Input):
    code: str
    name: str
    kind: str | None = None  # expense (default) | income
    account: str | None = None  # an existing sub-account of 5601/5602/5603 (5051/5301)
    parent: str | None = None  # else a new sub-account under it (default 5602 / 5051)
    active: bool | None = None


class ExpenseTypePatch(Input):
    name: str | None = None
    account: str | None = None
    parent: str | None = None  # a new sub-account under it
    active: bool | None = None
    kind: str | None = None  # refused: a type's kind never changes


class ExpenseTypeOut(Output):
    id: int
    code: str
    name: str
    kind: str
    account: str
    account_name: str
    active: bool


@router.post("/expense-types", response=typed(ExpenseTypeOut, 201))
def create_expense_type(request, payload: ExpenseTypeIn):
    data = payload.model_dump(exclude_unset=True)
    return Status(201, expense_types.create_expense_type(request.user, data))


@router.get("/expense-types", response=typed(page_of(ExpenseTypeOut)))
def list_expense_types(
    request, kind: str | None = None, active: bool | None = None, limit: int = 1000, offset: int = 0
):
    """Every type, expenses first, by account; ?kind=expense|income, ?active=true."""
    return page(expense_types.expense_type_list(kind, active_only=bool(active)), limit, offset)


@router.get("/expense-types/{code}", response=typed(ExpenseTypeOut))
def get_expense_type(request, code: str):
    return expense_types.get_expense_type(code)


@router.put("/expense-types/{code}", response=typed(ExpenseTypeOut))
def update_expense_type(request, code: str, payload: ExpenseTypePatch):
    data = payload.model_dump(exclude_unset=True)
    return expense_types.update_expense_type(request.user, code, data)
