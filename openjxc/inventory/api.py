from ninja import Router, Schema

from openjxc.catalog.selectors import get_item
from openjxc.core.api import page, page_qs
from openjxc.documents.rules import optional_date

from . import selectors
from .models import Warehouse
from .services import create_warehouse

router = Router(tags=["stock"])


class WarehouseIn(Schema):
    code: str
    name: str


@router.post("/warehouses", response={201: dict}, tags=["master data"])
def create(request, payload: WarehouseIn):
    return 201, create_warehouse(request.user, payload.model_dump())


@router.get("/warehouses", response=dict, tags=["master data"])
def list_warehouses(request, limit: int = 100, offset: int = 0):
    return page_qs(Warehouse.objects.order_by("code"), selectors.warehouse_dict, limit, offset)


@router.get("/warehouses/{code}", response=dict, tags=["master data"])
def get_warehouse(request, code: str):
    return selectors.warehouse_dict(selectors.get_warehouse(code))


def _ids(item, warehouse):
    return (get_item(item).id if item else None, selectors.get_warehouse(warehouse).id if warehouse else None)


@router.get("/stock", response=dict)
def stock(request, item: str | None = None, warehouse: str | None = None, limit: int = 1000, offset: int = 0):
    """Stock per item × warehouse as of ?date= (default today)."""
    item_id, wh_id = _ids(item, warehouse)
    rows = selectors.stock_rows(optional_date(request, "date"), item_id, wh_id)
    return page(rows, limit, offset)


@router.get("/stock/moves", response=dict)
def moves(request, item: str | None = None, warehouse: str | None = None, include_cancelled: bool = False,
          limit: int = 1000, offset: int = 0):
    """Stock ledger rows in posting order with running balances; takes ?from=&to=."""
    item_id, wh_id = _ids(item, warehouse)
    rows = selectors.move_rows(item_id, wh_id, optional_date(request, "from"), optional_date(request, "to"),
                               include_cancelled)
    return page(rows, limit, offset)
