"""Recipes of the documents inside the warehouses: transfers (no voucher: the value stays in
1405) and stock counts (the difference to the books, against 1901)."""

from collections import namedtuple

from django.db import connection

from openjxc.catalog.models import Item
from openjxc.documents.models import DocumentLine
from openjxc.inventory.count_selectors import uncounted_line_ids
from openjxc.inventory.models import StockMove as M
from openjxc.inventory.services import MoveSpec, book_at
from openjxc.ledger import chart as A

from .base import Recipe, pair

Line = namedtuple("Line", "id item_id")


def _transfer(doc, ln, src, balances):
    return [
        MoveSpec(ln.id, ln.item_id, doc.warehouse_id, -ln.base_qty, M.AVERAGE_OUT),
        MoveSpec(
            ln.id, ln.item_id, doc.to_warehouse_id, ln.base_qty, M.LINKED_IN, link_same_line=True
        ),
    ]


def _count_context(doc, balances) -> dict:
    """What every line of a count needs, read once per count (a count may have 20,000 lines):
    the lines nobody counted (left out), the book quantity of the keys with later moves, and the
    items' purchase prices (a gain's unit cost when the book is empty)."""
    ctx = doc.__dict__.get("_count_context")
    if ctx is None:
        with connection.cursor() as cur:
            cur.execute(
                "SELECT id, item_id FROM documents_documentline WHERE document_id = %s", [doc.id]
            )
            lines = [Line(*r) for r in cur.fetchall()]
        later = [k for k, b in balances.items() if b[2] is not None and b[2] > doc.date]
        ctx = doc.__dict__["_count_context"] = {
            "skip": uncounted_line_ids(doc, lines),
            "book": book_at(later, doc.date),
            "purchase": dict(
                Item.objects.filter(
                    id__in=DocumentLine.objects.filter(document_id=doc.id).values("item_id")
                ).values_list("id", "purchase_price")
            ),
        }
    return ctx


def _counted(doc, ln, src, balances):
    # a move even for no difference: it marks where the count stands in the timeline, so that
    # a back-dated change before it can re-state it; a line nobody counted states nothing
    ctx = _count_context(doc, balances)
    if ln.id in ctx["skip"]:
        return []
    key = (ln.item_id, doc.warehouse_id)
    book = ctx["book"][key] if key in ctx["book"] else balances[key][0]
    fallback = ln.price if ln.price is not None else ctx["purchase"].get(ln.item_id)
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
