"""Excel export of report rows: Chinese headers, numbers as numbers, a totals row."""

import io
from decimal import Decimal

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(filename: str, title: str, columns: list[tuple[str, str]], rows: list[dict],
                  totals: dict | None = None) -> HttpResponse:
    """columns: (key, Chinese header). Decimal-looking strings become numbers in the sheet."""
    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    ws.append([header for _, header in columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([_cell(row.get(key)) for key, _ in columns])
    if totals is not None:
        ws.append([_cell(totals.get(key)) if n else "合计" for n, (key, _) in enumerate(columns)])
        for cell in ws[ws.max_row]:
            cell.font = Font(bold=True)
    for n, (_, header) in enumerate(columns, start=1):
        ws.column_dimensions[ws.cell(1, n).column_letter].width = max(10, len(header) * 2 + 2)
    buf = io.BytesIO()
    wb.save(buf)
    response = HttpResponse(buf.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


def export_xlsx(user, filename: str, title: str, columns: list[tuple[str, str]], rows: list[dict],
                totals: dict | None = None) -> HttpResponse:
    """xlsx_response for a user: needs the export permission; cost columns are left out for a
    user who may not see cost."""
    from openjxc.users.masking import is_cost_field, masked, sees_cost
    from openjxc.users.services import EXPORT, require

    require(user, EXPORT)
    if not sees_cost(user):
        columns = [(k, h) for k, h in columns if not is_cost_field(k)]
        rows, totals = masked(rows), masked(totals)
    return xlsx_response(filename, title, columns, rows, totals)


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value):
    """Decimal strings become numbers; other text never becomes a formula (a name typed as
    =HYPERLINK(…) must not run in the spreadsheet of whoever exports it)."""
    if isinstance(value, str):
        try:
            d = Decimal(value)
        except ArithmeticError:
            return "'" + value if value.startswith(FORMULA_START) else value
        if d.is_finite() and value.strip() and value.lstrip("-").replace(".", "", 1).isdigit():
            return float(d) if d != d.to_integral_value() else int(d)
    return value
