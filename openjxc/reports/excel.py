"""Excel export of report rows, the one writer every export goes through.

A sheet opens with a title block (report name; company, period and filters) above the header
row, which stays frozen while scrolling. Numeric columns hold numbers, not text, so that users
can sum them, shown with digit grouping (#,##0.00 for money); column widths fit the content, a
CJK character counting double. Text never becomes a formula."""

import datetime as dt
import io
from decimal import Decimal, InvalidOperation

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from openjxc.core.services import get_setting
from openjxc.core.sheets import display_width
from openjxc.documents.types import STATUS_LABELS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

MONEY = "#,##0.00"
QTY = "#,##0.####"
PRICE = "#,##0.00####"
RATE = "0.00"
COUNT = "#,##0"
FORMATS = {"money": MONEY, "qty": QTY, "price": PRICE, "rate": RATE, "count": COUNT}

QTY_KEYS = {
    "qty",
    "on_hand",
    "reserved",
    "on_order",
    "available",
    "shortage",
    "suggested",
    "projected",
    "safety_stock",
}
PRICE_KEYS = {"price", "unit_cost", "purchase_price", "sale_price", "closing_unit_cost"}
RATE_KEYS = {"tax_rate", "margin_pct"}
COUNT_KEYS = {"open_items"}
MONEY_KEYS = {
    "amount",
    "tax",
    "amount_incl_tax",
    "value",
    "cost",
    "margin",
    "credit_limit",
    "receivable",
    "payable",
    "net",
    "total",
    "balance",
    "debit",
    "credit",
    "opening",
    "closing",
    "in",
    "out",
}

# report filters as they appear in a query string, with the label of the title block
FILTER_LABELS = {
    "warehouse": gettext_lazy("Warehouse"),
    "item": gettext_lazy("Item"),
    "partner": gettext_lazy("Partner"),
    "salesperson": gettext_lazy("Salesperson"),
    "kind": gettext_lazy("Kind"),
    "by": gettext_lazy("Grouped by"),
    "status": gettext_lazy("Status"),
    "q": gettext_lazy("Search"),
    "by_warehouse": gettext_lazy("One row per warehouse"),
    "category": gettext_lazy("Category"),
    "by_category": gettext_lazy("Subtotals by category"),
}
# coded filter values shown by name
VALUE_LABELS = {
    "kind": {
        "customer": gettext_lazy("Customers"),
        "supplier": gettext_lazy("Suppliers"),
        "receivable": gettext_lazy("Receivables"),
        "payable": gettext_lazy("Payables"),
    },
    "by": {
        "item": gettext_lazy("By item"),
        "partner": gettext_lazy("By partner"),
        "salesperson": gettext_lazy("By salesperson"),
        "period": gettext_lazy("By period"),
        "category": gettext_lazy("By category"),
    },
    "by_warehouse": {"1": gettext_lazy("Yes"), "true": gettext_lazy("Yes")},
    "by_category": {"1": gettext_lazy("Yes"), "true": gettext_lazy("Yes")},
}

HEADER_FILL = PatternFill("solid", fgColor="EEF2F7")
HEADER_BORDER = Border(bottom=Side(style="thin", color="8A96A8"))
TITLE_ROWS = 2  # title, then company · period · filters; the header row follows


def number_format(key: str) -> str | None:
    """The Excel number format of a column by its key; None for a text column."""
    if key in QTY_KEYS or key.endswith("_qty"):
        return QTY
    if key in PRICE_KEYS or key.endswith("_price"):
        return PRICE
    if key in RATE_KEYS:
        return RATE
    if key in COUNT_KEYS:
        return COUNT
    if key in MONEY_KEYS or key.endswith(("_value", "_amount")):
        return MONEY
    return None


def period_text(date_from: dt.date, date_to: dt.date | None = None) -> str:
    """'2026-11-01 to 2026-11-30', or 'as of 2026-11-30' for a report at one date."""
    if date_to is None:
        return _("as of %(date)s") % {"date": date_from}
    return _("%(from)s to %(to)s") % {"from": date_from, "to": date_to}


def query_period(params) -> str:
    """period_text of ?from=&to= for a list that has no default period ("" when neither is set)."""
    date_from, date_to = params.get("from") or "", params.get("to") or ""
    return period_text(date_from or "…", date_to or "…") if date_from or date_to else ""


def query_filters(params, skip=("from", "to", "format", "export", "page", "type")) -> list:
    """(label, value) of the report filters set in a query string, for the title block."""
    out = []
    for key, value in params.items():
        value = (value or "").strip()
        if key in skip or not value or key not in FILTER_LABELS:
            continue
        if key == "status":
            value = STATUS_LABELS.get(value, value)
        out.append((str(FILTER_LABELS[key]), str(VALUE_LABELS.get(key, {}).get(value, value))))
    return out


def xlsx_bytes(
    title: str,
    columns: list[tuple[str, str]],
    rows: list[dict],
    totals: dict | None = None,
    *,
    period: str = "",
    filters=(),
    formats: dict | None = None,
) -> bytes:
    """columns: (key, Chinese header). formats: number format kind ("money", "qty", …) of
    columns whose key says nothing (an aging bucket "31-60")."""
    fmts = [FORMATS.get((formats or {}).get(key)) or number_format(key) for key, _h in columns]
    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    ws.append([title])
    ws["A1"].font = Font(bold=True, size=14)
    meta = [f"{_('Company')}: {get_setting('company_name') or ''}"]
    if period:
        meta.append(f"{_('Period')}: {period}")
    meta += [f"{label}: {value}" for label, value in filters]
    meta.append(f"{_('Exported at')}: {timezone.localtime():%Y-%m-%d %H:%M}")
    ws.append(["　".join(meta)])
    ws.append([str(header) for _k, header in columns])  # a lazy translation: its text now
    header_row = TITLE_ROWS + 1
    for cell in ws[header_row]:
        cell.font, cell.fill, cell.border = Font(bold=True), HEADER_FILL, HEADER_BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center")
    for row in rows:
        ws.append([_cell(row.get(key), fmt) for (key, _h), fmt in zip(columns, fmts, strict=True)])
        if row.get("subtotal"):  # a subtotal row among the data (进销存汇总表 by category)
            for cell in ws[ws.max_row]:
                cell.font = Font(bold=True)
    last_data = ws.max_row
    if totals is not None:
        ws.append(
            [
                _cell(totals.get(key), fmt) if n else _("Total")
                for n, ((key, _h), fmt) in enumerate(zip(columns, fmts, strict=True))
            ]
        )
        for cell in ws[ws.max_row]:
            cell.font = Font(bold=True)
    for n, fmt in enumerate(fmts, start=1):
        if fmt:
            for (cell,) in ws.iter_rows(min_row=header_row + 1, min_col=n, max_col=n):
                cell.number_format = fmt
    ws.freeze_panes = ws.cell(header_row + 1, 1)
    if last_data > header_row:
        ws.auto_filter.ref = f"A{header_row}:{get_column_letter(len(columns))}{last_data}"
    _fit_widths(ws, header_row, fmts)
    ws.print_title_rows = f"{header_row}:{header_row}"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def xlsx_response(
    filename: str,
    title: str,
    columns: list[tuple[str, str]],
    rows: list[dict],
    totals: dict | None = None,
    **title_block,
) -> HttpResponse:
    """The sheet of xlsx_bytes as a download (title_block: period, filters, formats)."""
    body = xlsx_bytes(title, columns, rows, totals, **title_block)
    response = HttpResponse(body, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


def export_xlsx(
    user,
    filename: str,
    title: str,
    columns: list[tuple[str, str]],
    rows: list[dict],
    totals: dict | None = None,
    **title_block,
) -> HttpResponse:
    """xlsx_response for a user: needs the export permission; cost columns are left out for a
    user who may not see cost."""
    from openjxc.users.masking import is_cost_field, masked, sees_cost
    from openjxc.users.services import EXPORT, require

    require(user, EXPORT)
    if not sees_cost(user):
        columns = [(k, h) for k, h in columns if not is_cost_field(k)]
        rows, totals = masked(rows), masked(totals)
    return xlsx_response(filename, title, columns, rows, totals, **title_block)


def _fit_widths(ws, header_row: int, fmts: list) -> None:
    """Each column as wide as its widest header or value as displayed (grouped numbers)."""
    for n, fmt in enumerate(fmts, start=1):
        widest = 0
        for (cell,) in ws.iter_rows(min_row=header_row, min_col=n, max_col=n):
            value = cell.value
            if isinstance(value, (int, Decimal)) and fmt:
                text = f"{value:,.2f}" if fmt in (MONEY, RATE) else f"{value:,}"
            else:
                text = "" if value is None else str(value)
            widest = max(widest, display_width(text))
        ws.column_dimensions[get_column_letter(n)].width = min(max(widest + 2, 8), 60)


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value, fmt: str | None):
    """A number in a numeric column (a decimal string becomes a number users can sum); other text
    never becomes a formula (a name typed as =HYPERLINK(…) must not run in the spreadsheet of
    whoever exports it)."""
    if isinstance(value, Decimal):
        value = str(value)
    if not isinstance(value, str):
        return value
    if fmt:
        try:
            d = Decimal(value.strip())
        except (InvalidOperation, ValueError):
            d = None
        if d is not None and d.is_finite():
            return d if d != d.to_integral_value() else int(d)
    return "'" + value if value.startswith(FORMULA_START) else value
