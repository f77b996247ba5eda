"""Pages of batches and serial numbers: stock per batch (批次库存), the expiry report (近效期)
and a serial's history (序列号追溯). Thin: the API's selectors, quantities only (cost is per
item × warehouse, never shown here), limited to the user's warehouses; Excel export."""

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from openjxc.catalog.selectors import find_item
from openjxc.core.errors import DomainError
from openjxc.inventory import tracking_selectors as sel
from openjxc.reports.excel import period_text

from .decorators import page
from .errors import error_message
from .params import today, wants_xlsx, warehouse_choice
from .report_helpers import _export, _query

BATCH_COLUMNS = [
    ("item", gettext_lazy("Item code")),
    ("item_name", gettext_lazy("Item name")),
    ("warehouse_name", gettext_lazy("Warehouse")),
    ("batch", gettext_lazy("Batch")),
    ("production_date", gettext_lazy("Production date")),
    ("expiry_date", gettext_lazy("Expiry date")),
    ("days_left", gettext_lazy("Days left")),
    ("qty", gettext_lazy("On hand")),
]


def _rows_page(request, template: str, rows, extra: dict, error=None):
    return render(
        request,
        template,
        {
            "rows": rows,
            "count": len(rows),
            "error": error,
            "export_query": _query(request, format="xlsx"),
            **extra,
        },
        status=422 if error else 200,
    )


@page()
def batch_stock(request):
    choices, restricted, wh = warehouse_choice(request, one_when_restricted=False)
    code = (request.GET.get("item") or "").strip()
    item = find_item(code) if code else None
    rows = sel.batch_rows(request.user, item.id if item else None, wh.id if wh else None)
    if wants_xlsx(request):
        return _export(
            request, "批次库存.xlsx", "批次库存", BATCH_COLUMNS, rows, period=period_text(today())
        )
    extra = {"warehouses": choices, "restricted": restricted, "warehouse": wh, "item": code}
    return _rows_page(request, "web/reports/batches.html", rows, extra)


@page()
def expiring(request):
    choices, restricted, wh = warehouse_choice(request, one_when_restricted=False)
    error, rows, days = None, [], 30
    try:
        text = (request.GET.get("days") or "30").strip()
        if not text.isdigit() or int(text) > 36500:
            raise DomainError("invalid", "days must be between 0 and 36500", {"field": "days"})
        days = int(text)
        rows = sel.expiring_rows(request.user, days, wh.id if wh else None)
    except DomainError as exc:
        error = error_message(exc)
    if wants_xlsx(request) and not error:
        return _export(
            request,
            f"近效期_{days}.xlsx",
            _("Expiring batches"),
            BATCH_COLUMNS,
            rows,
            period=period_text(today()),
        )
    extra = {"warehouses": choices, "restricted": restricted, "warehouse": wh, "days": days}
    return _rows_page(request, "web/reports/expiring.html", rows, extra, error)


@page()
def serial_history(request):
    serial = (request.GET.get("serial") or "").strip()[:100]
    rows = sel.serial_trace(request.user, serial) if serial else []
    now = next((r["in_stock_at"] for r in rows if r["in_stock_at"]), None)
    extra = {"serial": serial, "in_stock_at": now}
    return _rows_page(request, "web/reports/serial.html", rows, extra)
