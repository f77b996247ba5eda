"""日记账 and 资金报表 through the API (reports/funds.py). Both need the money area
(money_documents), not view_cost: money accounts hold money, and no cost is read."""

from django.utils.translation import gettext_lazy
from ninja import Router

from openjxc.core.api import Output, typed
from openjxc.users.services import MONEY, require

from . import funds
from .api import FROM, TO, _range, _report_xlsx

router = Router(tags=["reports"])

JOURNAL_COLUMNS = [
    ("date", gettext_lazy("Date")),
    ("voucher", gettext_lazy("Voucher")),
    ("document", gettext_lazy("Document")),
    ("type_name", gettext_lazy("Document type")),
    ("memo", gettext_lazy("Voucher summary")),
    ("partner_name", gettext_lazy("Partner")),
    ("debit", gettext_lazy("Debit (in)")),
    ("credit", gettext_lazy("Credit (out)")),
    ("balance", gettext_lazy("Balance")),
]
FUNDS_COLUMNS = [
    ("account", gettext_lazy("Cash/bank account code")),
    ("name", gettext_lazy("Cash/bank account")),
    ("gl_account", gettext_lazy("Ledger account")),
    ("opening", gettext_lazy("Opening balance")),
    ("in", gettext_lazy("Money in")),
    ("out", gettext_lazy("Money out")),
    ("closing", gettext_lazy("Closing balance")),
]


class CashJournalLineOut(Output):
    date: str
    voucher: str | None  # its number once the period is closed (记-0001)
    document: str | None
    type: str | None
    type_name: str | None
    memo: str
    partner: str | None
    partner_name: str | None
    debit: str
    credit: str
    balance: str


class CashJournalOut(Output):
    """Also carries `from` and `to`; `lines` are `items` (API.md names them lines, as on the
    partner statement)."""

    account: str
    name: str
    gl_account: str
    opening: str
    items: list[CashJournalLineOut]
    lines: list[CashJournalLineOut]
    count: int
    debit: str
    credit: str
    closing: str


class FundsRowOut(Output):
    """Also carries `in` and `out` (money in and out over the range)."""

    account: str
    name: str
    kind: str
    gl_account: str
    active: bool
    opening: str
    closing: str


class FundsTotalsOut(Output):
    opening: str
    closing: str


class FundsOut(Output):
    items: list[FundsRowOut]
    count: int
    totals: FundsTotalsOut


def journal_rows(data: dict) -> list[dict]:
    """The 日记账 as sheet rows: the opening balance first (期初余额)."""
    opening = {"date": data["from"], "memo": "期初余额", "balance": data["opening"]}
    return [opening, *data["items"]]


@router.get("/reports/cash-journal", response=typed(CashJournalOut))
def cash_journal(
    request,
    account: str,
    format: str = "json",
    date_from: str | None = FROM,
    date_to: str | None = TO,
):
    """日记账 of one cash or bank account: ?account=ICBC&from=&to=&format=xlsx; a parent account
    (1002) includes its sub-accounts."""
    require(request.user, MONEY)
    date_from, date_to = _range(date_from, date_to)
    data = funds.cash_journal(account, date_from, date_to)
    if format == "xlsx":
        totals = {"memo": "本期合计", "debit": data["debit"], "credit": data["credit"]}
        title = f"日记账 {data['name']}"
        return _report_xlsx(
            request,
            title,
            JOURNAL_COLUMNS,
            journal_rows(data),
            {**totals, "balance": data["closing"]},
            date_from,
            date_to,
            f"日记账_{account}_{date_from}_{date_to}.xlsx",
        )
    return data


@router.get("/reports/funds", response=typed(FundsOut))
def funds_report(
    request, format: str = "json", date_from: str | None = FROM, date_to: str | None = TO
):
    """资金报表: per money account opening, in, out, closing (?from=&to=&format=xlsx)."""
    require(request.user, MONEY)
    date_from, date_to = _range(date_from, date_to)
    data = funds.funds(date_from, date_to)
    if format == "xlsx":
        return _report_xlsx(
            request,
            "资金报表",
            FUNDS_COLUMNS,
            data["items"],
            data["totals"],
            date_from,
            date_to,
            f"资金报表_{date_from}_{date_to}.xlsx",
        )
    return data
