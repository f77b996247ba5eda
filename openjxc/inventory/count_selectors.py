"""Reads of stock counts by several people (issue 13): the book quantity of a warehouse's items
at a count's date, what a count covers, its sheets, and what its draft lines show (book,
counted, difference and the difference's value — cost, masked by its name)."""

import datetime as dt

from django.db import connection

from openjxc.catalog.categories import subtree_ids
from openjxc.catalog.models import Item
from openjxc.core.numbers import fen_str, qty_str
from openjxc.documents.models import Document

from .costing import value_for
from .models import CountSheet, CountSheetLine, StockCount
from .models import StockMove as M


def book_quantities(
    warehouse_id: int, day: dt.date, *, categories=None, document_id: int | None = None
) -> dict[int, tuple[int, int]]:
    """{item id: (qty, value)} at the end of `day` in the warehouse: of every active item that
    moved there by then (of `categories`), or of the lines of a document. One grouped query."""
    sql = (
        "SELECT m.item_id, SUM(m.qty), SUM(m.value) FROM inventory_stockmove m "
        "JOIN catalog_item i ON i.id = m.item_id "
        "WHERE m.warehouse_id = %s AND m.date <= %s"
    )
    params: list = [warehouse_id, day]
    if document_id is not None:
        sql += (
            " AND m.item_id IN (SELECT item_id FROM documents_documentline WHERE document_id = %s)"
        )
        params.append(document_id)
    else:
        sql += " AND i.active"
    if categories is not None:
        if not categories:
            return {}
        sql += f" AND i.category_id IN ({','.join(['%s'] * len(categories))})"
        params += list(categories)
    with connection.cursor() as cur:
        cur.execute(sql + " GROUP BY m.item_id", params)
        return {i: (int(q), int(v)) for i, q, v in cur.fetchall()}


def count_of(doc: Document) -> StockCount | None:
    return StockCount.objects.filter(document_id=doc.id).select_related("category").first()


def scope_item_ids(doc: Document) -> set[int] | None:
    """The items a count covers (None: every item): its lines, or its category's subtree."""
    sc = count_of(doc)
    if sc is not None and sc.scope == StockCount.ALL:
        return None
    if sc is not None and sc.scope == StockCount.CATEGORY:
        cats = subtree_ids(sc.category.code)
        return set(Item.objects.filter(category_id__in=cats).values_list("id", flat=True))
    return set(doc.lines.values_list("item_id", flat=True))


def scope_dict(doc: Document) -> dict:
    sc = count_of(doc)
    return {
        "scope": sc.scope if sc else StockCount.ITEMS,
        "category": sc.category.code if sc and sc.category_id else None,
        "filled": bool(sc and sc.filled),
    }


def _sheet_items(document_id: int) -> set[int] | None:
    """Items on any sheet of the count (None: it has no sheet)."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT DISTINCT l.item_id FROM inventory_countsheetline l JOIN inventory_countsheet s "
            "ON s.id = l.sheet_id WHERE s.document_id = %s",
            [document_id],
        )
        found = {r[0] for r in cur.fetchall()}
    if found or CountSheet.objects.filter(document_id=document_id).exists():
        return found
    return None


def uncounted_line_ids(doc: Document, lines) -> set[int]:
    """Lines nobody counted: with sheets, the items on none; without, every line of a count
    filled with the book quantity. Approval leaves them out."""
    sc = count_of(doc)
    if sc is None:
        return set()
    on_sheets = _sheet_items(doc.id)
    if on_sheets is None:
        return {ln.id for ln in lines} if sc.filled else set()
    return {ln.id for ln in lines if ln.item_id not in on_sheets}


def add_count_fields(doc: Document, lines, line_dicts: list[dict]) -> None:
    """A draft count's lines gain book_qty (at its date), difference, difference_value (cost)
    and counted (false: not yet counted)."""
    if doc.status != Document.DRAFT or not doc.warehouse_id:
        return
    books = book_quantities(doc.warehouse_id, doc.date, document_id=doc.id)
    skip = uncounted_line_ids(doc, lines)
    for ln, d in zip(lines, line_dicts, strict=True):
        bq, bv = books.get(ln.item_id, (0, 0))
        counted = ln.id not in skip
        diff = ln.base_qty - bq if counted else 0
        fallback = ln.price if ln.price is not None else ln.item.purchase_price
        d["book_qty"] = qty_str(bq)
        d["counted"] = counted
        d["difference"] = qty_str(diff)
        d["difference_value"] = fen_str(value_for(M.COUNTED, diff, bq, bv, fallback=fallback))


def sheet_dict(sheet: CountSheet) -> dict:
    rows = (
        CountSheetLine.objects.filter(sheet=sheet)
        .order_by("item__code")
        .values_list("item__code", "item__name", "qty")
    )
    return {
        "id": sheet.id,
        "counter": sheet.counter,
        "location": sheet.location or None,
        "created_by": sheet.created_by.username if sheet.created_by_id else None,
        "created_at": sheet.created_at.isoformat(),
        "lines": [{"item": c, "item_name": n, "qty": qty_str(q)} for c, n, q in rows],
    }
