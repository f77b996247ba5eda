"""Material requirements (物料需求): what the open sales orders need, BOMs exploded and netted.

The demand is what the chosen open sales orders (approved or partly delivered; all of them the
user may read when none are chosen) still hold reserved — their remaining quantities. Items are
netted level by level, each item once at its lowest level (its low-level code), so that what is
in stock of an assembled item is used before its components are asked for:

    available = on hand − reserved by orders NOT in the selection   (never below 0)
    shortage  = max(0, required − available − on order)

and an item with a BOM passes its shortage down: its components are required shortage × their
BOM quantity / the BOM's quantity (rounded up to 1/10,000). Items with a BOM are made (their
shortage is an assembly to enter); the others are bought. Stock and orders count in the user's
warehouses (or the one asked for).

`draft_purchase_orders` makes one draft purchase order per supplier for the bought items that
are short: the supplier is the item's last supplier (the partner of the latest approved purchase
order or receipt with the item); items without one go to the `supplier` given in the request,
else they are listed as `without_supplier` and left out."""

from collections import defaultdict

from django.db import connection
from django.db.models import Sum
from django.utils.translation import gettext as _

from openjxc.catalog.bom import all_boms
from openjxc.core.errors import DomainError, not_found
from openjxc.core.numbers import qty_str
from openjxc.documents.access import may_read_type, require_type, visible
from openjxc.documents.models import Document
from openjxc.documents.services import create_draft
from openjxc.documents.types import codes, order_of, order_type
from openjxc.inventory.models import ReservationEntry, Warehouse
from openjxc.inventory.selectors import warehouse_scope
from openjxc.ledger.periods import default_date
from openjxc.users.services import EDIT, require

OPEN = (Document.APPROVED, Document.PARTIAL)


def open_orders(user, numbers=None):
    """The open sales orders the user may read (those named, when any)."""
    qs = Document.objects.filter(type=order_type("sales"), status__in=OPEN)
    if numbers:
        qs = qs.filter(number__in=numbers)
        found = set(visible(user, qs).values_list("number", flat=True))
        missing = sorted(set(numbers) - found)
        if missing:
            raise not_found("document", missing[0])
    return visible(user, qs)


def open_order_rows(user) -> list[dict]:
    """The open sales orders the user may read, newest first: for choosing on the page."""
    qs = open_orders(user).select_related("partner").order_by("-date", "-id")
    return [
        {
            "number": d.number,
            "date": d.date.isoformat(),
            "partner": d.partner.name if d.partner_id else "",
            "status": d.status,
        }
        for d in qs[:500]
    ]


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def _levels(demand, boms) -> dict[int, int]:
    """Low-level code of every item reached from the demand: the deepest level it appears at."""
    level = dict.fromkeys(demand, 0)
    frontier = list(demand)
    while frontier:
        nxt = []
        for item in frontier:
            for comp, _q in boms.get(item, (0, ()))[1]:
                if level.get(comp, -1) < level[item] + 1:
                    level[comp] = level[item] + 1
                    nxt.append(comp)
        frontier = nxt
    return level


def _balances(items, scope) -> dict:
    """item -> (on hand, reserved, on order) summed over the warehouses in scope."""
    if not items:
        return {}
    where, params = "", []
    if scope is not None:
        where = f" AND warehouse_id IN ({','.join(['%s'] * len(scope))})" if scope else " AND 1 = 0"
        params = list(scope)
    with connection.cursor() as cur:
        cur.execute(
            "SELECT item_id, SUM(qty), SUM(reserved), SUM(on_order) FROM inventory_stockbalance "
            f"WHERE 1 = 1{where} GROUP BY item_id",
            params,
        )
        return {r[0]: (int(r[1]), int(r[2]), int(r[3])) for r in cur.fetchall() if r[0] in items}


def _explode(user, numbers, warehouse) -> tuple[list, list]:
    """(order numbers, [(item id, level, assembled, required, available, on order, shortage)])
    in integers (1/10,000 base units), ordered by level then item."""
    scope = warehouse_scope(user, warehouse)
    orders = open_orders(user, numbers)
    rows = ReservationEntry.objects.filter(document__in=orders)
    if scope is not None:
        rows = rows.filter(warehouse_id__in=scope)
    demand = {
        r["item_id"]: int(r["q"])
        for r in rows.values("item_id").annotate(q=Sum("reserved"))
        if r["q"] and int(r["q"]) > 0
    }
    boms = all_boms()
    level = _levels(demand, boms)
    stock = _balances(set(level), scope)
    gross = defaultdict(int, demand)
    out = []
    for item in sorted(level, key=lambda i: (level[i], i)):
        on_hand, reserved, on_order = stock.get(item, (0, 0, 0))
        available = max(0, on_hand - (reserved - demand.get(item, 0)))
        required = gross[item]
        short = max(0, required - available - on_order)
        bom = boms.get(item)
        if bom and short:
            for comp, q in bom[1]:
                gross[comp] += _ceil_div(short * q, bom[0])
        out.append((item, level[item], bool(bom), required, available, on_order, short))
    return sorted(orders.values_list("number", flat=True)), out


def material_requirements(user, numbers=None, warehouse: Warehouse | None = None) -> dict:
    """{"orders": [numbers], "items": [{item, item_name, level, assembled, required, available,
    on_order, shortage}]}: quantities as text, in base units."""
    orders, out = _explode(user, numbers, warehouse)
    names = _item_names([r[0] for r in out])
    return {
        "orders": orders,
        "items": [
            {
                "item": names[i][0],
                "item_name": names[i][1],
                "level": lvl,
                "assembled": made,
                "required": qty_str(req),
                "available": qty_str(avail),
                "on_order": qty_str(oo),
                "shortage": qty_str(short),
            }
            for i, lvl, made, req, avail, oo, short in out
        ],
    }


def _item_names(ids) -> dict:
    if not ids:
        return {}
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT id, code, name FROM catalog_item WHERE id IN ({','.join(['%s'] * len(ids))})",
            list(ids),
        )
        return {r[0]: (r[1], r[2]) for r in cur.fetchall()}


def last_suppliers(item_ids) -> dict[int, str]:
    """item id -> code of its last supplier: the partner of the latest approved purchase order
    or receipt (by date, then number) with a line of the item."""
    if not item_ids:
        return {}
    types = (order_type("purchase"),) + tuple(
        c for c in codes(side="purchase", kind="stock") if order_of(c)
    )
    marks = ",".join(["%s"] * len(item_ids))
    statuses = ",".join(["%s"] * len(Document.POSTED))
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT l.item_id, p.code FROM documents_documentline l "
            f"JOIN documents_document d ON d.id = l.document_id "
            f"JOIN partners_partner p ON p.id = d.partner_id "
            f"WHERE l.item_id IN ({marks}) AND d.type IN ({','.join(['%s'] * len(types))}) "
            f"AND d.status IN ({statuses}) AND d.reversal_of_id IS NULL ORDER BY d.date, d.id",
            list(item_ids) + list(types) + list(Document.POSTED),
        )
        return dict(cur.fetchall())  # the last row of an item wins


def draft_purchase_orders(user, data: dict) -> dict:
    """One draft purchase order per supplier for what is short; see the module's docstring.
    Who drafts them reads the sales orders and writes purchase orders (else 403 forbidden)."""
    require(user, EDIT)
    require_type(user, order_type("purchase"))
    if not may_read_type(user, order_type("sales")):
        require_type(user, order_type("sales"))
    numbers = data.get("orders") or None
    wh = None
    if data.get("warehouse"):
        wh = Warehouse.objects.filter(code=data["warehouse"]).first()
        if wh is None:
            raise not_found("warehouse", data["warehouse"])
    _orders, out = _explode(user, numbers, wh)
    short = [(r[0], r[6]) for r in out if r[6] > 0 and not r[2]]  # bought items that are short
    if not short:
        raise DomainError("nothing_to_order", "nothing is short", {})
    suppliers = last_suppliers([i for i, _q in short])
    names = _item_names([i for i, _q in short])
    fallback = data.get("supplier") or None
    by_supplier: dict = defaultdict(list)
    without = []
    for item, qty in short:
        supplier = suppliers.get(item) or fallback
        if supplier is None:
            without.append(names[item][0])
        else:
            by_supplier[supplier].append({"item": names[item][0], "qty": qty_str(qty)})
    if not by_supplier:
        raise DomainError(
            "invalid",
            "no item that is short has a last supplier: name a supplier",
            {"field": "supplier"},
            kind="required",
        )
    warehouse = (wh or _default_warehouse(user)).code
    day = data.get("date") or str(default_date())
    created = []
    for supplier in sorted(by_supplier):
        doc, _created = create_draft(
            user,
            {
                "type": order_type("purchase"),
                "date": day,
                "partner": supplier,
                "warehouse": warehouse,
                "memo": _("Created from material requirements"),
                "lines": [_priced(line) for line in by_supplier[supplier]],
            },
        )
        created.append(doc)
    return {"documents": created, "without_supplier": without}


def _priced(line: dict) -> dict:
    """A line at the item's purchase price, 0 when it has none (the buyer fills it in)."""
    with connection.cursor() as cur:
        cur.execute("SELECT purchase_price FROM catalog_item WHERE code = %s", [line["item"]])
        price = cur.fetchone()[0]
    return {**line, "price": str(price if price is not None else 0)}


def _default_warehouse(user) -> Warehouse:
    scope = warehouse_scope(user)
    qs = Warehouse.objects.filter(active=True).order_by("code")
    if scope is not None:
        qs = qs.filter(id__in=scope)
    wh = qs.first()
    if wh is None:
        raise DomainError("invalid", "warehouse is required", {"field": "warehouse"})
    return wh
