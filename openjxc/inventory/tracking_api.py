"""API of batches and serial numbers (API.md "Inventory depth"): stock per batch, the expiry
report, the stock ledger per batch and a serial's history."""

from ninja import Query, Router

from openjxc.catalog.selectors import get_item
from openjxc.core.api import Output, page, page_of, typed
from openjxc.core.errors import DomainError, not_found

from . import tracking_selectors as sel
from .selectors import get_warehouse

router = Router(tags=["stock"])


class BatchOut(Output):
    item: str
    item_name: str
    unit: str
    warehouse: str
    warehouse_name: str
    batch: str
    production_date: str | None
    expiry_date: str | None
    days_left: int | None  # days to expiry from today; negative: expired
    qty: str


BatchPage = page_of(BatchOut)  # one schema for the batch stock and the expiry report


class BatchMoveOut(Output):
    date: str
    document: str
    type: str
    type_name: str
    warehouse: str
    batch: str
    qty: str  # signed: + in, − out
    balance_qty: str  # the batch's balance in that warehouse after the move
    kind: str  # original | reversal (a cancelled document's move taken back)


class SerialMoveOut(Output):
    item: str
    item_name: str
    date: str
    document: str
    type: str
    type_name: str
    warehouse: str
    direction: str  # in | out
    kind: str  # original | reversal
    in_stock_at: str | None  # the warehouse holding the serial now (none: not in stock)


class SerialOut(Output):
    serial: str
    in_stock: bool
    warehouse: str | None  # where it is now
    items: list[SerialMoveOut]
    count: int


def _ids(item, warehouse):
    return (
        get_item(item).id if item else None,
        get_warehouse(warehouse).id if warehouse else None,
    )


@router.get("/stock/batches", response=typed(BatchPage))
def batches(
    request,
    item: str | None = None,
    warehouse: str | None = None,
    limit: int = 1000,
    offset: int = 0,
):
    """Stock per batch × warehouse of batch-tracked items, earliest expiry first."""
    item_id, wh_id = _ids(item, warehouse)
    return page(sel.batch_rows(request.user, item_id, wh_id), limit, offset)


@router.get("/stock/batch-moves", response=typed(page_of(BatchMoveOut)))
def batch_moves(
    request,
    item: str,
    warehouse: str | None = None,
    batch: str | None = None,
    limit: int = 1000,
    offset: int = 0,
):
    """The stock ledger per batch of one item: moves in posting order with running balances."""
    item_id, wh_id = _ids(item, warehouse)
    return page(sel.batch_move_rows(request.user, item_id, wh_id, batch), limit, offset)


@router.get("/reports/expiring", response=typed(BatchPage), tags=["reports"])
def expiring(
    request,
    days: int = Query(30, description="batches expiring within this many days (expired too)"),
    warehouse: str | None = None,
    limit: int = 1000,
    offset: int = 0,
):
    """近效期: batches in stock expiring within ?days= from today, expired ones first."""
    if days < 0 or days > 36500:
        raise DomainError("invalid", "days must be between 0 and 36500", {"field": "days"})
    _, wh_id = _ids(None, warehouse)
    return page(sel.expiring_rows(request.user, days, wh_id), limit, offset)


@router.get("/serials/{serial}", response=typed(SerialOut))
def serial(request, serial: str):
    """A serial number's history: every move (date, document, warehouse, in / out)."""
    rows = sel.serial_trace(request.user, serial)
    if not rows:
        raise not_found("serial", serial)
    now = next((r["in_stock_at"] for r in rows if r["in_stock_at"]), None)
    return {
        "serial": serial,
        "in_stock": now is not None,
        "warehouse": now,
        "items": rows,
        "count": len(rows),
    }
