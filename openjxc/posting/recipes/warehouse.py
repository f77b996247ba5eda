"""Recipes of the documents inside the warehouses: transfers and their receipts when in transit
(no voucher: the value stays in 1405, in transit too — inventory/transit.py) and stock counts (the difference to the books, against 1901)."""

from collections import namedtuple

from django.db import connection

from openjxc.catalog.models import Item
from openjxc.core.errors import DomainError
from openjxc.documents.models import DocumentLine
from openjxc.inventory.count_selectors import uncounted_line_ids
from openjxc.inventory.models import StockMove as M
from openjxc.inventory.services import MoveSpec, book_at
from openjxc.inventory.transit import transit_warehouse
from openjxc.ledger import chart as A

from .base import Recipe, pair

Line = namedtuple("Line", "id item_id")


def _transit_of(doc):
    """The hidden warehouse of an in-transit transfer (made on its approval), or of the
    transfer a receipt receives; a receipt must arrive where its transfer goes."""
    if doc.source_id is None:
        return transit_warehouse(doc, create=True).id
    source = doc.source
    found = transit_warehouse(source) if source.in_transit else None
    if found is None or source.to_warehouse_id != doc.warehouse_id:
        raise DomainError(
            "not_in_transit", f"{source.number} is not in transit", {"document": source.number}
        )
    return found.id


def _transfer_keys(doc, lines):
    if not doc.in_transit:
        return {(ln.item_id, w) for ln in lines for w in (doc.warehouse_id, doc.to_warehouse_id)}
    doc.transit_id = _transit_of(doc)
    return {(ln.item_id, w) for ln in lines for w in (doc.warehouse_id, doc.transit_id)}


def _transfer(doc, ln, src, balances):
    # in transit: into the transfer's hidden warehouse; the receipts bring it to the target
    target = doc.transit_id if doc.in_transit else doc.to_warehouse_id
    return [
        MoveSpec(ln.id, ln.item_id, doc.warehouse_id, -ln.base_qty, M.AVERAGE_OUT),
        MoveSpec(ln.id, ln.item_id, target, ln.base_qty, M.LINKED_IN, link_same_line=True),
    ]


def _receipt_keys(doc, lines):
    doc.transit_id = _transit_of(doc)
    return {(ln.item_id, w) for ln in lines for w in (doc.transit_id, doc.warehouse_id)}


def _received(doc, ln, src, balances):
    # out of transit at its average (only this transfer's goods are there), in at that value
    return [
        MoveSpec(ln.id, ln.item_id, doc.transit_id, -ln.base_qty, M.AVERAGE_OUT),
        MoveSpec(
            ln.id, ln.item_id, doc.warehouse_id, ln.base_qty, M.LINKED_IN, link_same_line=True
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


TRANSFER = Recipe(moves=_transfer, keys=_transfer_keys)
# the arrival of an in-transit transfer (POST /documents/{number}/receive); no voucher either
TRANSFER_RECEIPT = Recipe(moves=_received, keys=_receipt_keys)
STOCK_COUNT = Recipe(
    moves=_counted, voucher=_count_voucher, counter=A.PENDING_PL, own_price_fallback=True
)
