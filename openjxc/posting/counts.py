"""Stock counts by several people (盘点, issue 13): a count is opened for a warehouse — every
item of it, a category, or the items of its lines — and frozen at its date; each counter adds a
sheet (盘点表); the sheets add up per item into the count's lines, which approval posts.

Why it works this way
---------------------
The draft's lines stay the one thing approval reads (the recipe `warehouse.STOCK_COUNT`): a
sheet writes the sum of every sheet into the lines of the items it touches, inside the lock of
the count's document row, so two counters saving at once are serialised and both sheets count.
A second sheet of the same counter at the same location replaces the first (a recount by the
same person is a correction, not more goods); another location or another counter adds up.
A line that no sheet counted keeps its quantity (the book quantity when the count was filled)
and is "not yet counted": approval leaves it out, so a count states only what was counted.
"""

from collections import defaultdict

from django.db import connection, transaction

from openjxc.audit.services import record
from openjxc.catalog.categories import subtree_ids
from openjxc.catalog.models import Category, Item
from openjxc.core.dates import parse_date
from openjxc.core.db import insert_models, insert_rows
from openjxc.core.errors import DomainError, not_found
from openjxc.core.numbers import QTY_SCALE, parse_decimal
from openjxc.core.services import next_number
from openjxc.core.validation import text_field
from openjxc.documents import workflow
from openjxc.documents.access import require_document, require_readable, require_type
from openjxc.documents.models import Document, DocumentLine
from openjxc.documents.rules import inactive
from openjxc.documents.selectors import document_dict, get_document
from openjxc.documents.types import TYPES
from openjxc.inventory.count_selectors import book_quantities, scope_item_ids, sheet_dict
from openjxc.inventory.models import CountSheet, CountSheetLine, StockCount, Warehouse
from openjxc.ledger.services import ensure_open
from openjxc.users.services import EDIT, require, require_warehouses

MAX_SHEET_LINES = 20000


def _count_type(doc_type):
    t = TYPES.get(doc_type) if isinstance(doc_type, str) else None
    if t is None or not t.counted:
        raise DomainError("invalid", "only a stock count can be filled", {"field": "fill"})
    return t


def open_count(user, data: dict, fill: str, category: str | None = None) -> dict:
    """`POST /documents?fill=all[&category=]`: a draft count of every item of the warehouse
    (of the category's subtree) that has moved there by the count's date, each line at its book
    quantity of that date. Its lines are written in bulk: a warehouse may hold 20,000 items."""
    require(user, EDIT)
    t = _count_type(data.get("type"))
    if fill != "all":
        raise DomainError("invalid", "fill must be all", {"field": "fill"})
    if data.get("lines"):
        raise DomainError("invalid", "a filled count takes no lines", {"field": "lines"})
    day = parse_date(data.get("date"))
    code = data.get("warehouse")
    if not code:
        raise DomainError(
            "invalid", "warehouse is required", {"field": "warehouse"}, kind="required"
        )
    wh = Warehouse.objects.filter(code=code).first()
    if wh is None:
        raise not_found("warehouse", code)
    if not wh.active:
        raise inactive("warehouse", wh.code, "warehouse")
    require_type(user, t.code)
    require_warehouses(user, wh)
    cat_ids = subtree_ids(category)
    memo = text_field(data, "memo", 500)
    with transaction.atomic():
        ensure_open(day)
        doc = Document.objects.create(
            number=next_number(t.prefix, day),
            type=t.code,
            date=day,
            warehouse=wh,
            memo=memo,
            created_by=user,
        )
        books = book_quantities(wh.id, day, categories=cat_ids)
        _add_lines(doc, [(item_id, qty) for item_id, (qty, _v) in books.items()], start=1)
        StockCount.objects.create(
            document=doc,
            scope=StockCount.CATEGORY if cat_ids is not None else StockCount.ALL,
            category=Category.objects.get(code=category) if cat_ids is not None else None,
            filled=True,
        )
        record(
            user,
            "create",
            "document",
            doc.number,
            after={"type": t.code, "warehouse": wh.code, "date": str(day), "lines": len(books)},
        )
    return document_dict(get_document(doc.number))


def _add_lines(doc: Document, rows: list[tuple[int, int]], start: int) -> None:
    """Lines (item id, counted base quantity) in the items' code order, in the base unit."""
    if not rows:
        return
    codes = dict(Item.objects.filter(id__in=[i for i, _q in rows]).values_list("id", "code"))
    rows = sorted(rows, key=lambda r: codes[r[0]])
    columns = ("document_id", "line_no", "item_id", "qty", "unit", "unit_factor", "tax_rate")
    columns += ("amount", "tax", "amount_incl_tax", "batch")
    with connection.cursor() as cur:
        insert_rows(
            cur,
            "documents_documentline",
            columns,
            [
                (doc.id, n, item_id, qty, "", QTY_SCALE, 0, 0, 0, 0, "")
                for n, (item_id, qty) in enumerate(rows, start=start)
            ],
        )


def _parse_sheet(data: dict) -> tuple[str, str, list[tuple[str, int]]]:
    if not isinstance(data, dict):
        raise DomainError("invalid", "body must be a JSON object")
    counter = text_field(data, "counter", 64, True)
    location = text_field(data, "location", 100)
    raw = data.get("lines")
    if not isinstance(raw, list) or not raw:
        raise DomainError(
            "invalid", "at least one line is required", {"field": "lines"}, kind="required"
        )
    if len(raw) > MAX_SHEET_LINES:
        raise DomainError("invalid", f"at most {MAX_SHEET_LINES} lines", {"field": "lines"})
    lines = []
    for i, ln in enumerate(raw):
        if not isinstance(ln, dict) or not isinstance(ln.get("item"), str) or not ln["item"]:
            raise DomainError(
                "invalid", f"lines[{i}].item is required", {"field": f"lines[{i}].item"}
            )
        qty = parse_decimal(ln.get("qty"), f"lines[{i}].qty", 4)
        lines.append((ln["item"], int(qty * QTY_SCALE)))
    return counter, location, lines


def _resolve_items(doc: Document, lines: list[tuple[str, int]]) -> dict[int, int]:
    """{item id: counted quantity} of a sheet (the same item twice adds up: a scanner reads each
    unit); 404 for an unknown item, 422 not_in_count for one outside the count's scope."""
    items = {i.code: i for i in Item.objects.filter(code__in={c for c, _q in lines})}
    scope = scope_item_ids(doc)
    out: dict[int, int] = defaultdict(int)
    for i, (code, qty) in enumerate(lines):
        item = items.get(code)
        if item is None:
            raise not_found("item", code)
        if not item.active:
            raise inactive("item", code, f"lines[{i}].item")
        if scope is not None and item.id not in scope:
            raise DomainError(
                "not_in_count",
                f"item {code} is not part of the count {doc.number}",
                {"item": code, "document": doc.number, "field": f"lines[{i}].item"},
            )
        out[item.id] += qty
    return out


def add_sheet(user, number: str, data: dict) -> dict:
    """Add one counter's sheet to a draft count (replacing that counter's earlier sheet at the
    same location) and write the sums of every sheet into the lines of the items it touches."""
    require(user, EDIT)
    counter, location, raw = _parse_sheet(data)
    with transaction.atomic():
        doc = get_document(number, for_update=True)  # serialises the count's sheets
        if not TYPES[doc.type].counted:
            raise DomainError("invalid", f"{number} is not a stock count", {"field": "document"})
        require_document(user, doc)
        workflow.check(doc, "edit")
        ensure_open(doc.date)
        counted = _resolve_items(doc, raw)
        StockCount.objects.get_or_create(document=doc)
        old = CountSheet.objects.filter(document=doc, counter=counter, location=location).first()
        touched = set(counted)
        if old is not None:
            touched |= set(
                CountSheetLine.objects.filter(sheet=old).values_list("item_id", flat=True)
            )
            old.delete()
        sheet = CountSheet.objects.create(
            document=doc, counter=counter, location=location, created_by=user
        )
        insert_models(
            CountSheetLine,
            [{"sheet_id": sheet.id, "item_id": i, "qty": q} for i, q in counted.items()],
        )
        _write_sums(doc, touched)
        Document.objects.filter(pk=doc.pk).update(version=doc.version + 1)
        result = sheet_dict(sheet)
        record(
            user,
            "edit",
            "document",
            number,
            after={
                "counter": counter,
                "location": location,
                "lines": len(counted),
                "replaced": old is not None,
            },
        )
    return result


def _write_sums(doc: Document, items: set[int]) -> None:
    """The lines of `items` take the sum of every sheet (an item no sheet holds any more keeps
    its line, not counted); items without a line get one."""
    sums = _sheet_sums(doc.id, items)
    lines = dict(
        DocumentLine.objects.filter(document=doc, item_id__in=list(sums)).values_list(
            "item_id", "id"
        )
    )
    updates = [(sums[i], line_id) for i, line_id in lines.items()]
    with connection.cursor() as cur:
        cur.executemany(
            "UPDATE documents_documentline SET qty = %s, unit = '', unit_factor = 10000 "
            "WHERE id = %s",
            updates,
        )
        cur.execute(
            "SELECT COALESCE(MAX(line_no), 0) FROM documents_documentline WHERE document_id = %s",
            [doc.id],
        )
        last = cur.fetchone()[0]
    _add_lines(doc, [(i, q) for i, q in sums.items() if i not in lines], start=last + 1)


def _sheet_sums(document_id: int, items: set[int]) -> dict[int, int]:
    if not items:
        return {}
    ids = list(items)
    out = {}
    with connection.cursor() as cur:
        for n in range(0, len(ids), 500):
            chunk = ids[n : n + 500]
            cur.execute(
                "SELECT l.item_id, SUM(l.qty) FROM inventory_countsheetline l "
                "JOIN inventory_countsheet s ON s.id = l.sheet_id WHERE s.document_id = %s "
                f"AND l.item_id IN ({','.join(['%s'] * len(chunk))}) GROUP BY l.item_id",
                [document_id, *chunk],
            )
            out.update((i, int(q)) for i, q in cur.fetchall())
    return out


def sheets(user, number: str) -> list[dict]:
    """The sheets of a count, oldest first, with their lines."""
    doc = get_document(number)
    require_readable(user, doc)
    if not TYPES[doc.type].counted:
        raise DomainError("invalid", f"{number} is not a stock count", {"field": "document"})
    return [sheet_dict(s) for s in CountSheet.objects.filter(document=doc).order_by("id")]


SHEET_COLUMNS = [("item", "商品编码", True), ("qty", "实盘数量", True)]


def import_sheet(user, number: str, content: bytes, counter: str, location: str = "") -> dict:
    """The Excel import of one counter's sheet (columns 商品编码 / item and 实盘数量 / qty; an
    exported count works too): the same as a sheet through the API, all rows or none."""
    from openjxc.core.sheets import MASTER_MAX_ROWS, read_rows

    rows = read_rows(content, SHEET_COLUMNS, max_rows=MASTER_MAX_ROWS)
    lines = [{"item": r.get("item") or "", "qty": r.get("qty")} for _n, r in rows]
    return add_sheet(user, number, {"counter": counter, "location": location, "lines": lines})
