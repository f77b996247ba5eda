"""Recipes of the documents inside the warehouses: transfers (no voucher: the value stays in
1405) and stock counts (the difference to the books, against 1901)."""

from openjxc.inventory.models import StockMove as M
from openjxc.inventory.services import MoveSpec, balance_at
from openjxc.ledger import chart as A

from .base import Recipe, pair


def _transfer(doc, ln, src, balances):
    return [
        MoveSpec(ln.id, ln.item_id, doc.warehouse_id, -ln.base_qty, M.AVERAGE_OUT),
        MoveSpec(
            ln.id, ln.item_id, doc.to_warehouse_id, ln.base_qty, M.LINKED_IN, link_same_line=True
        ),
    ]


def _counted(doc, ln, src, balances):
    # a move even for no difference: it marks where the count stands in the timeline, so that
    # a back-dated change before it can re-state it
    book, _ = balance_at((ln.item_id, doc.warehouse_id), doc.date, balances)
    fallback = ln.price if ln.price is not None else ln.item.purchase_price
    return [
        MoveSpec(
            ln.id, ln.item_id, doc.warehouse_id, ln.base_qty - book, M.COUNTED, fallback=fallback
        )
    ]


def _count_voucher(doc, values):
    gains = sum(v for v in values if v > 0)
    losses = -sum(v for v in values if v < 0)
    return pair(A.INVENTORY, A.PENDING_PL, gains) + pair(A.PENDING_PL, A.INVENTORY, losses)


TRANSFER = Recipe(moves=_transfer)
STOCK_COUNT = Recipe(
    moves=_counted, voucher=_count_voucher, counter=A.PENDING_PL, own_price_fallback=True
)
