"""补货建议 over the API: the reorder report and the purchase orders drafted from it."""

from django.utils import timezone
from ninja import Router, Status

from openjxc.core.api import Input, Output, typed
from openjxc.inventory.selectors import get_warehouse, warehouse_scope
from openjxc.users.services import PURCHASE, STOCK, require_any

from . import reorder

router = Router(tags=["reports"])


class ReorderRowOut(Output):
    item: str
    item_name: str
    unit: str
    warehouse: str
    warehouse_name: str
    on_hand: str
    reserved: str
    on_order: str
    in_transit: str  # on its way here from an in-transit transfer
    projected: str  # on_hand − reserved + on_order + in_transit
    min_qty: str
    max_qty: str
    sold_qty: str  # net sales out of the warehouse over the window
    daily_sales: str
    days_of_cover: str | None  # null: no sales in the window
    suggested_qty: str  # up to max_qty, net of on order, in transit and reservations
    supplier: str | None  # the item's last supplier; null: none yet
    supplier_name: str | None


class ReorderOut(Output):
    days: int
    date_from: str  # the sales window
    date_to: str
    items: list[ReorderRowOut]
    count: int


class ReorderOrderIn(Input):
    warehouse: str | None = None
    days: int = 30
    items: list[str] | None = None  # only these item codes (default: every suggestion)


class DraftedOrderOut(Output):
    number: str
    supplier: str
    warehouse: str
    lines: int


class SkippedOut(Output):
    item: str
    warehouse: str
    reason: str  # no_supplier | nothing_to_order


class ReorderOrdersOut(Output):
    orders: list[DraftedOrderOut]
    skipped: list[SkippedOut]


def _scope(user, code):
    require_any(user, PURCHASE, STOCK)
    return warehouse_scope(user, get_warehouse(code) if code else None)


@router.get("/reports/reorder", response=typed(ReorderOut))
def reorder_report(request, warehouse: str | None = None, days: int = 30):
    """补货建议: items at or below their minimum (inventory limits per warehouse) with their
    sales velocity over the last `days` days and the quantity to order up to the maximum."""
    return reorder.reorder(_scope(request.user, warehouse), days, timezone.localdate())


@router.post("/reports/reorder/purchase-order", response=typed(ReorderOrdersOut, 201))
def reorder_orders(request, payload: ReorderOrderIn):
    """Draft purchase orders for the suggestions: one per supplier (the item's last supplier)
    and warehouse. Suggestions without a supplier come back in `skipped`."""
    scope = _scope(request.user, payload.warehouse)
    result = reorder.draft_orders(
        request.user, scope, payload.days, timezone.localdate(), payload.items
    )
    return Status(201, result)
