from ninja import Query, Router, Status

from openjxc.catalog.categories import subtree_ids
from openjxc.catalog.selectors import get_item, with_units
from openjxc.catalog.units import mixed_units
from openjxc.core.api import Input, Num, Output, page, page_of, page_qs, typed
from openjxc.documents.rules import query_date

from . import limits, selectors
from .services import create_warehouse, update_warehouse

router = Router(tags=["stock"])


class WarehouseIn(Input):
    code: str | None = None  # none: the next automatic code (numbering setting, e.g. CK001)
    name: str


class WarehousePatch(Input):
    """A PUT changes only the fields sent (the code stays); active false: 停用."""

    name: str | None = None
    active: bool | None = None


class WarehouseOut(Output):
    id: int
    code: str
    name: str
    active: bool


class StockOut(Output):
    """Cost fields are nullable: masked without view_cost."""

    item: str
    item_name: str
    category: str | None = None  # the item's category code
    category_name: str | None = None
    warehouse: str
    warehouse_name: str
    on_hand: str
    reserved: str
    on_order: str
    available: str
    unit_cost: str | None
    value: str | None
    in_transit: str = "0"  # on its way here from an in-transit transfer (调拨在途)
    in_transit_value: str | None = None
    # ?units=mixed: the quantities also in the item's units, largest first ("3箱5个")
    on_hand_in_units: str | None = None
    reserved_in_units: str | None = None
    available_in_units: str | None = None


class CostLayerOut(Output):
    document: str  # the receipt (or other incoming move) the layer came from
    date: str
    qty: str
    value: str | None  # cost: masked without view_cost


class MoveOut(Output):
    date: str
    document: str
    type: str
    item: str
    warehouse: str
    qty: str
    unit_cost: str | None
    value: str | None
    balance_qty: str
    balance_value: str | None
    kind: str
    cause: str | None
    status: str
    costing_method: str | None = None  # the item's 计价方法
    # outgoing moves: the FIFO layers taken, or the average unit cost used (a monthly average
    # is provisional until its period closes); cost: masked without view_cost
    cost_layers: list[CostLayerOut] | None = None
    average_cost: str | None = None
    average_provisional: bool | None = None


@router.post("/warehouses", response=typed(WarehouseOut, 201), tags=["master data"])
def create(request, payload: WarehouseIn):
    return Status(201, create_warehouse(request.user, payload.model_dump(exclude_unset=True)))


@router.get("/warehouses", response=typed(page_of(WarehouseOut)), tags=["master data"])
def list_warehouses(request, active: bool | None = None, limit: int = 100, offset: int = 0):
    """?active=true lists only warehouses in use, ?active=false only deactivated ones."""
    qs = selectors.all_warehouses()
    if active is not None:
        qs = qs.filter(active=active)
    return page_qs(qs, selectors.warehouse_dict, limit, offset)


@router.put("/warehouses/{code}", response=typed(WarehouseOut), tags=["master data"])
def put_warehouse(request, code: str, payload: WarehousePatch):
    """Rename or (de)activate a warehouse: only the fields sent change."""
    data = {k: v for k, v in payload.model_dump(exclude_unset=True).items() if v is not None}
    return update_warehouse(request.user, code, data)


@router.get("/warehouses/{code}", response=typed(WarehouseOut), tags=["master data"])
def get_warehouse(request, code: str):
    return selectors.warehouse_dict(selectors.get_warehouse(code))


def _ids(item, warehouse):
    return (
        get_item(item).id if item else None,
        selectors.get_warehouse(warehouse).id if warehouse else None,
    )


@router.get("/stock", response=typed(page_of(StockOut)))
def stock(
    request,
    item: str | None = None,
    warehouse: str | None = None,
    date: str | None = Query(None, description="YYYY-MM-DD, default today"),
    units: str | None = Query(
        None, description='"mixed": quantities also in the items\' units, e.g. 3箱5个'
    ),
    category: str | None = Query(None, description="a category code: its items and its subtree's"),
    limit: int = 1000,
    offset: int = 0,
):
    """Stock per item × warehouse as of ?date= (default today); ?units=mixed adds on_hand,
    reserved and available in the items' units ("3箱5个", fields *_in_units); ?category= the
    items of that category and of every category below it."""
    mixed = mixed_units(units)
    item_id, wh_id = _ids(item, warehouse)
    rows = selectors.stock_rows(
        query_date(date, "date"), item_id, wh_id, categories=subtree_ids(category)
    )
    rows = page(selectors.in_allowed_warehouses(request.user, rows), limit, offset)
    if mixed:
        rows["items"] = with_units(rows["items"], ("on_hand", "reserved", "available"))
    return rows


@router.get("/stock/moves", response=typed(page_of(MoveOut)))
def moves(
    request,
    item: str | None = None,
    warehouse: str | None = None,
    include_cancelled: bool = False,
    date_from: str | None = Query(None, alias="from", description="YYYY-MM-DD"),
    date_to: str | None = Query(None, alias="to", description="YYYY-MM-DD"),
    category: str | None = Query(None, description="a category code: its items and its subtree's"),
    limit: int = 1000,
    offset: int = 0,
):
    """Stock ledger rows in posting order with running balances (?category=: of the items of
    that category and below)."""
    item_id, wh_id = _ids(item, warehouse)
    rows = selectors.move_rows(
        item_id,
        wh_id,
        query_date(date_from, "from"),
        query_date(date_to, "to"),
        include_cancelled,
        categories=subtree_ids(category),
    )
    return page(selectors.in_allowed_warehouses(request.user, rows), limit, offset)


class StockLimitIn(Input):
    min_qty: Num | None  # both null: the limit is removed
    max_qty: Num | None


class StockLimitOut(Output):
    item: str
    warehouse: str
    warehouse_name: str
    min_qty: str | None
    max_qty: str | None


class StockLimitList(Output):
    items: list[StockLimitOut]


@router.get("/items/{code}/stock-limits", response=typed(StockLimitList), tags=["master data"])
def stock_limits(request, code: str):
    """The item's reorder limits (补货) in every warehouse the user may use; null: none set."""
    return {"items": limits.item_limits(request.user, code)}


@router.put(
    "/items/{code}/stock-limits/{warehouse}", response=typed(StockLimitOut), tags=["master data"]
)
def put_stock_limits(request, code: str, warehouse: str, payload: StockLimitIn):
    """Set the item's minimum and maximum quantity in one warehouse (0 ≤ min ≤ max; both null
    removes them). The reorder report lists the item there once its projected stock is at or
    below the minimum and suggests ordering up to the maximum."""
    return limits.set_limits(request.user, code, warehouse, payload.model_dump())
