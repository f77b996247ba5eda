"""补货建议 page: the reorder report (the API's selector), Excel export, and one click to the
draft purchase orders (one per last supplier). Reading needs the purchase or stock area,
drafting the purchase area."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from openjxc.core.errors import DomainError
from openjxc.documents.access import may_use_type
from openjxc.documents.types import order_type
from openjxc.inventory.selectors import warehouse_scope
from openjxc.reports import reorder
from openjxc.reports.excel import period_text
from openjxc.users.services import PURCHASE, STOCK

from .decorators import page
from .errors import error_message
from .params import today, warehouse_choice
from .report_helpers import _export, _query

COLUMNS = [
    ("item", gettext_lazy("Item code")),
    ("item_name", gettext_lazy("Item name")),
    ("unit", gettext_lazy("Unit")),
    ("warehouse_name", gettext_lazy("Warehouse")),
    ("on_hand", gettext_lazy("On hand")),
    ("reserved", gettext_lazy("Reserved")),
    ("on_order", gettext_lazy("On order")),
    ("in_transit", gettext_lazy("Quantity in transit")),
    ("min_qty", gettext_lazy("Minimum")),
    ("max_qty", gettext_lazy("Maximum")),
    ("daily_sales", gettext_lazy("Daily sales")),
    ("days_of_cover", gettext_lazy("Days of cover")),
    ("suggested_qty", gettext_lazy("Suggested quantity")),
    ("supplier_name", gettext_lazy("Supplier")),
]


def _days(request) -> int:
    raw = (request.GET.get("days") or "30").strip()
    if not raw.isdigit():
        raise DomainError("invalid", "days must be a whole number", {"field": "days"})
    return int(raw)


@page(PURCHASE, STOCK)
def reorder_page(request):
    user = request.user
    choices, restricted, wh = warehouse_choice(request, one_when_restricted=False)
    data, error, status, days = {"items": []}, None, 200, 30
    try:
        days = _days(request)
        scope = warehouse_scope(user, wh)
        if request.method == "POST":
            result = reorder.draft_orders(user, scope, days, today())
            made = ", ".join(o["number"] for o in result["orders"]) or "—"
            messages.success(request, _("Draft purchase orders: %(numbers)s") % {"numbers": made})
            for s in result["skipped"]:
                if s["reason"] == "no_supplier":
                    messages.warning(
                        request,
                        _("%(item)s (%(warehouse)s) has no supplier yet: order it by hand.") % s,
                    )
            return redirect(f"{request.path}?{_query(request)}")
        data = reorder.reorder(scope, days, today())
    except DomainError as exc:
        error, status = error_message(exc), exc.status
    if request.GET.get("format") == "xlsx" and not error:
        return _export(
            request,
            "补货建议.xlsx",
            "补货建议",
            COLUMNS,
            data["items"],
            period=period_text(today()),
        )
    return render(
        request,
        "web/reports/reorder.html",
        {
            "rows": data["items"],
            "data": data,
            "days": days,
            "warehouses": choices,
            "warehouse": wh,
            "restricted": restricted,
            "may_order": may_use_type(user, order_type("purchase")),
            "error": error,
            "export_query": _query(request, format="xlsx"),
        },
        status=status,
    )
