"""利润表 and 资产负债表 (reports/statements.py): JSON or ?format=xlsx. They show cost of goods
and every balance, so they need view_cost, as the trial balance does."""

from urllib.parse import quote

from django.utils import timezone
from django.utils.translation import gettext_lazy
from ninja import Router

from openjxc.core.api import Output, typed
from openjxc.ledger.periods import bounds_of
from openjxc.users.services import VIEW_COST, require

from . import statements
from .excel import export_xlsx

router = Router(tags=["accounting"])

INCOME_COLUMNS = [
    ("name", gettext_lazy("Statement line")),
    ("line", gettext_lazy("Line")),
    ("this_period", gettext_lazy("This month's amount")),
    ("year_to_date", gettext_lazy("Year to date")),
]
SHEET_COLUMNS = [
    ("name", gettext_lazy("Statement line")),
    ("line", gettext_lazy("Line")),
    ("closing", gettext_lazy("Closing balance")),
    ("opening", gettext_lazy("Year-start balance")),
]
MONEY = {"this_period": "money", "year_to_date": "money", "opening": "money", "closing": "money"}


class IncomeRowOut(Output):
    line: int
    name: str
    total: bool
    this_period: str
    year_to_date: str


class NetProfitOut(Output):
    this_period: str
    year_to_date: str


class IncomeStatementOut(Output):
    """Also carries `from`, `to` (the period's days) and `year_from` (where the year starts)."""

    period: str
    items: list[IncomeRowOut]
    count: int
    net_profit: NetProfitOut


class SheetRowOut(Output):
    line: int | None  # none: 期初余额差额 while the opening balances do not balance
    name: str
    total: bool
    sub: bool
    opening: str
    closing: str


class SheetTotalOut(Output):
    opening: str
    closing: str


class SheetTotalsOut(Output):
    assets: SheetTotalOut
    liabilities_and_equity: SheetTotalOut


class BalanceSheetOut(Output):
    """items = assets then liabilities_and_equity; opening is at the year's start."""

    period: str
    year_from: str
    to: str
    assets: list[SheetRowOut]
    liabilities_and_equity: list[SheetRowOut]
    items: list[SheetRowOut]
    count: int
    totals: SheetTotalsOut
    balanced: bool


def period_or_current(period: str | None) -> str:
    return period or bounds_of(timezone.localdate())[0]


def _xlsx(request, title: str, period: str, columns, rows):
    return export_xlsx(
        request.user,
        quote(f"{title}_{period}.xlsx"),
        title,
        columns,
        rows,
        period=period,
        formats=MONEY,
    )


@router.get("/reports/income-statement", response=typed(IncomeStatementOut))
def income_statement(request, period: str | None = None, format: str = "json"):
    """利润表 (会小企02表) of ?period=YYYY-MM (default the current one): this period and the
    year to date, 结转损益 vouchers left out. ?format=xlsx for Excel."""
    require(request.user, VIEW_COST)
    data = statements.income_statement(period_or_current(period))
    if format == "xlsx":
        return _xlsx(request, "利润表", data["period"], INCOME_COLUMNS, data["items"])
    return data


@router.get("/reports/balance-sheet", response=typed(BalanceSheetOut))
def balance_sheet(request, period: str | None = None, format: str = "json"):
    """资产负债表 (会小企01表) at the end of ?period=YYYY-MM (default the current one), with the
    year-start column; balanced when assets = liabilities + equity. ?format=xlsx for Excel."""
    require(request.user, VIEW_COST)
    data = statements.balance_sheet(period_or_current(period))
    if format == "xlsx":
        return _xlsx(request, "资产负债表", data["period"], SHEET_COLUMNS, data["items"])
    return data
