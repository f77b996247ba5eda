"""Stock reads: balances at any date and the stock ledger with running balances."""

import datetime as dt
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from openjxc.catalog.selectors import matching_codes
from openjxc.core.codes import preview_code
from openjxc.core.errors import not_found
from openjxc.core.numbers import fen_str, qty_dec, qty_str, unit_cost_str
from openjxc.users.services import allowed_warehouse_ids, require_warehouses

from .cost_notes import annotate
from .costing import as_date
from .models import Warehouse
from .transit import in_transit_by_target, transit_ids

KIND_NAMES = {0: "original", 1: "reversal", 2: "adjustment"}


def warehouse_dict(wh: Warehouse) -> dict:
    return {"id": wh.id, "code": wh.code, "name": wh.name, "active": wh.active}


def all_warehouses():
    """Every warehouse, in code order (not the hidden ones of goods in transit)."""
    return Warehouse.objects.filter(transit_for__isnull=True).order_by("code")


def active_warehouses() -> list[Warehouse]:
    """The warehouses in use, in code order (a transfer may go to any of them)."""
    return list(all_warehouses().filter(active=True))


def user_warehouses(user, *, active_only: bool = False) -> list[Warehouse]:
    """The warehouses this user may use (all for an unrestricted user), in code order."""
    qs = all_warehouses()
    if active_only:
        qs = qs.filter(active=True)
    allowed = allowed_warehouse_ids(user)
    return list(qs if allowed is None else qs.filter(id__in=allowed))


def warehouse_scope(user, warehouse: Warehouse | None = None) -> list[int] | None:
    """The warehouses a read for this user covers: the one given (forbidden unless it is one of
    the user's), else the user's (None: all of them)."""
    if warehouse is not None:
        require_warehouses(user, warehouse)
        return [warehouse.id]
    allowed = allowed_warehouse_ids(user)
    return None if allowed is None else sorted(allowed)


def next_warehouse_code() -> str:
    """The automatic code a new warehouse saved without one would probably get (not reserved)."""
    return preview_code("warehouse", lambda c: Warehouse.objects.filter(code=c).exists())


def find_warehouse(code: str | None) -> Warehouse | None:
    return all_warehouses().filter(code=code or "").first()


def warehouse_codes(ids) -> dict[int, str]:
    """id -> code of the given warehouses."""
    return dict(Warehouse.objects.filter(id__in=set(ids)).values_list("id", "code"))


def warehouse_names(codes=None) -> dict[str, str]:
    """code -> name of the given warehouses (of all when none are given)."""
    qs = Warehouse.objects.all() if codes is None else Warehouse.objects.filter(code__in=set(codes))
    return dict(qs.values_list("code", "name"))


def get_warehouse(code: str) -> Warehouse:
    wh = all_warehouses().filter(code=code).first()
    if wh is None:
        raise not_found("warehouse", code)
    return wh


def in_categories(categories, column: str = "item_id") -> tuple[str, list]:
    """The SQL condition "the item is in one of these categories" (ids of a category's subtree,
    catalog.categories.subtree_ids), as a sub-select: no item ids travel as parameters."""
    ids = sorted(categories) or [0]
    return (
        f"{column} IN (SELECT ci.id FROM catalog_item ci WHERE ci.category_id IN "
        f"({', '.join(['%s'] * len(ids))}))",
        ids,
    )


def stock_filters(item_id, warehouse_id, alias="", categories=None):
    """SQL conditions for one item and one warehouse id or a list of them (a user's warehouses),
    and the items of some categories (None: every item)."""
    sql, params = [], []
    if item_id:
        sql.append(f"{alias}item_id = %s")
        params.append(item_id)
    if categories is not None:
        cond, ids = in_categories(categories, f"{alias}item_id")
        sql.append(cond)
        params += ids
    if isinstance(warehouse_id, list | tuple | set | frozenset):
        ids = sorted(warehouse_id) or [0]
        sql.append(f"{alias}warehouse_id IN ({', '.join(['%s'] * len(ids))})")
        params += ids
    elif warehouse_id:
        sql.append(f"{alias}warehouse_id = %s")
        params.append(warehouse_id)
    return sql, params


def in_category_ids(categories, item_ids) -> list[int]:
    """Those of item_ids that are in one of the category ids."""
    cond, params = in_categories(categories, "id")
    ids = sorted(item_ids) or [0]
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT id FROM catalog_item WHERE {cond} AND id IN ({', '.join(['%s'] * len(ids))})",
            params + ids,
        )
        return [r[0] for r in cur.fetchall()]


def by_date_index(item_id) -> str:
    """For all items, SQLite's planner walks the item index and reads every row for these sums;
    the covering (date, item, warehouse, qty, value) index answers them from the index alone
    (3x faster). One item is better served by the item index."""
    return " INDEXED BY move_date_cover" if connection.vendor == "sqlite" and not item_id else ""


def balances_at(
    day: dt.date | None = None, item_id=None, warehouse_id=None, categories=None
) -> dict:
    """(item_id, warehouse_id) -> [qty, value, reserved, on_order] at the end of `day`.

    The cache holds everything posted; moves dated after `day` are taken back out — or, when
    most of the ledger lies after `day`, the moves up to `day` are summed instead."""
    day = day or timezone.localdate()
    where, params = stock_filters(item_id, warehouse_id, categories=categories)
    cond = (" AND " + " AND ".join(where)) if where else ""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT item_id, warehouse_id, qty, value, reserved, on_order FROM inventory_stockbalance "
            "WHERE 1=1" + cond,
            params,
        )
        cache = {(r[0], r[1]): [int(r[2]), int(r[3]), int(r[4]), int(r[5])] for r in cur.fetchall()}
        # Two subqueries: SQLite only uses the index for a lone MIN or MAX.
        cur.execute(
            "SELECT (SELECT MIN(date) FROM inventory_stockmove), (SELECT MAX(date) FROM inventory_stockmove)"
        )
        first, last = (as_date(v) for v in cur.fetchone())
        if last is None or last <= day:
            return cache
        mostly_after = first is not None and (day - first) < (last - day)
        if mostly_after:
            cur.execute(
                f"SELECT item_id, warehouse_id, SUM(qty), SUM(value) FROM inventory_stockmove{by_date_index(item_id)} "
                "WHERE date <= %s" + cond + " GROUP BY item_id, warehouse_id",
                [day, *params],
            )
            result = {k: [0, 0, v[2], v[3]] for k, v in cache.items()}
            for i, w, q, v in cur.fetchall():
                result.setdefault((i, w), [0, 0, 0, 0])[:2] = [int(q), int(v)]
            return result
        cur.execute(
            f"SELECT item_id, warehouse_id, SUM(qty), SUM(value) FROM inventory_stockmove{by_date_index(item_id)} "
            "WHERE date > %s" + cond + " GROUP BY item_id, warehouse_id",
            [day, *params],
        )
        for i, w, q, v in cur.fetchall():
            row = cache.setdefault((i, w), [0, 0, 0, 0])
            row[0] -= int(q)
            row[1] -= int(v)
    return cache


def stock_rows(
    day=None, item_id=None, warehouse_id=None, include_zero=False, categories=None
) -> list[dict]:
    """Stock per item × warehouse at the end of `day`; `categories`: only items in these
    category ids. Each row names the item's category."""
    bal = balances_at(day, item_id, warehouse_id, categories)
    hidden = transit_ids()
    bal = {k: v for k, v in bal.items() if k[1] not in hidden}
    transit = in_transit_by_target(day, item_id, warehouse_id)
    if categories is not None and transit:
        keep = {k[0] for k in transit} & set(in_category_ids(categories, {k[0] for k in transit}))
        transit = {k: v for k, v in transit.items() if k[0] in keep}
    for k in transit:
        bal.setdefault(k, [0, 0, 0, 0])
    items = item_names({k[0] for k in bal})
    whs = dict(_names("inventory_warehouse", {k[1] for k in bal}))
    rows = []
    for (i, w), (q, v, reserved, on_order) in bal.items():
        tq, tv = transit.get((i, w), (0, 0))
        if not include_zero and not (q or v or reserved or on_order or tq or tv):
            continue
        rows.append(
            {
                "item": items[i][0],
                "item_name": items[i][1],
                "category": items[i][3],
                "category_name": items[i][4],
                "warehouse": whs[w][0],
                "warehouse_name": whs[w][1],
                "on_hand": qty_str(q),
                "reserved": qty_str(reserved),
                "on_order": qty_str(on_order),
                "available": qty_str(q - reserved),
                "unit_cost": unit_cost_str(v, q),
                "value": fen_str(v),
                "in_transit": qty_str(tq),  # on its way here (调拨在途), not on hand
                "in_transit_value": fen_str(tv),
            }
        )
    rows.sort(key=lambda r: (r["item"], r["warehouse"]))
    return rows


def item_names(ids) -> dict[int, tuple]:
    """id -> (code, name, unit, category code, category name) of the given items (None for an
    item without a category)."""
    ids = list(ids)
    out = {}
    with connection.cursor() as cur:
        for n in range(0, len(ids), 900):
            chunk = ids[n : n + 900]
            cur.execute(
                "SELECT i.id, i.code, i.name, i.unit, c.code, c.name FROM catalog_item i "
                "LEFT JOIN catalog_category c ON c.id = i.category_id "
                f"WHERE i.id IN ({','.join(['%s'] * len(chunk))})",
                chunk,
            )
            out.update({r[0]: tuple(r[1:]) for r in cur.fetchall()})
    return out


def _names(table: str, ids) -> list:
    ids = list(ids)
    out = []
    with connection.cursor() as cur:
        for n in range(0, len(ids), 900):
            chunk = ids[n : n + 900]
            cur.execute(
                f"SELECT id, code, name FROM {table} WHERE id IN ({','.join(['%s'] * len(chunk))})",
                chunk,
            )
            out += [(r[0], (r[1], r[2])) for r in cur.fetchall()]
    return out


def move_rows(
    item_id=None,
    warehouse_id=None,
    date_from=None,
    date_to=None,
    include_cancelled=False,
    per_item=False,
    opening=None,
    categories=None,
):
    """Stock ledger rows in posting order with the running balance per item × warehouse (or per
    item across warehouses with per_item=True). `opening` may give the balances before date_from;
    `categories`: only items in these category ids."""
    where, params = stock_filters(item_id, warehouse_id, "m.", categories)
    known_opening = opening is not None
    opening = dict(opening or {})
    with connection.cursor() as cur:
        if date_from and not known_opening:
            cond = " AND ".join(where + ["m.date < %s"])
            cur.execute(
                f"SELECT m.item_id, m.warehouse_id, SUM(m.qty), SUM(m.value) FROM inventory_stockmove m "
                f"WHERE {cond} GROUP BY m.item_id, m.warehouse_id",
                [*params, date_from],
            )
            for r in cur.fetchall():
                bal = opening.setdefault(r[0] if per_item else (r[0], r[1]), [0, 0])
                bal[0] += int(r[2])
                bal[1] += int(r[3])
        conds = list(where)
        args = list(params)
        if date_from:
            conds.append("m.date >= %s")
            args.append(date_from)
        if date_to:
            conds.append("m.date <= %s")
            args.append(date_to)
        if not include_cancelled:
            conds.append("d.status <> 'cancelled'")
        conds.append("(m.qty <> 0 OR m.value <> 0)")  # a count that found the book quantity
        cur.execute(
            "SELECT m.date, d.number, d.type, i.code, w.code, m.qty, m.value, m.kind, c.number, "
            "m.item_id, m.warehouse_id, d.status, m.id, m.anchor_id FROM inventory_stockmove m "
            "JOIN documents_document d ON d.id = m.document_id "
            "JOIN catalog_item i ON i.id = m.item_id JOIN inventory_warehouse w ON w.id = m.warehouse_id "
            "LEFT JOIN documents_document c ON c.id = m.cause_id "
            + ("WHERE " + " AND ".join(conds) if conds else "")
            + " ORDER BY m.date, COALESCE(m.anchor_id, m.id), m.id",
            args,
        )
        rows = cur.fetchall()
    out, ids = [], []
    for day, number, dtype, item, wh, qty, value, kind, cause, i, w, status, mid, anchor in rows:
        ids.append((mid, kind, i, w, int(qty), int(value), anchor))
        bal = opening.setdefault(i if per_item else (i, w), [0, 0])
        bal[0] += int(qty)
        bal[1] += int(value)
        out.append(
            {
                "date": str(as_date(day)),
                "document": number,
                "type": dtype,
                "item": item,
                "warehouse": wh,
                "qty": qty_str(int(qty)),
                "unit_cost": unit_cost_str(abs(int(value)), abs(int(qty))),
                "value": fen_str(int(value)),
                "balance_qty": qty_str(bal[0]),
                "balance_value": fen_str(bal[1]),
                "kind": KIND_NAMES[kind],
                "cause": cause,
                "status": status,
            }
        )
    annotate(out, ids)  # which FIFO layers or which average each outgoing move used
    return out


def in_allowed_warehouses(user, rows: list[dict]) -> list[dict]:
    """Rows (with a "warehouse" code) of the warehouses this user may see."""
    allowed = allowed_warehouse_ids(user)
    if allowed is None:
        return rows
    codes = set(Warehouse.objects.filter(id__in=allowed).values_list("code", flat=True))
    return [r for r in rows if r["warehouse"] in codes]


def held_for_line(line_id, warehouse_id: int) -> Decimal:
    """What an order line still reserves in a warehouse: a delivery made from that line takes
    its own reservation, so this is available to it."""
    if not str(line_id or "").isdigit():
        return Decimal(0)
    with connection.cursor() as cur:
        cur.execute(
            "SELECT COALESCE(SUM(reserved), 0) FROM inventory_reservationentry "
            "WHERE line_id = %s AND warehouse_id = %s",
            [int(line_id), warehouse_id],
        )
        return qty_dec(max(int(cur.fetchone()[0]), 0))


def stock_report(user, day=None, warehouse_id=None, search: str = "", categories=None) -> dict:
    """库存余额: the balances at `day` in the warehouses this user may see (one of them when
    given), of the items a search finds (at most 5,000 of them) — of some categories' items
    when given — with the total value."""
    rows = in_allowed_warehouses(
        user, stock_rows(day, warehouse_id=warehouse_id, categories=categories)
    )
    if search:
        codes = matching_codes(search, 5000)
        rows = [r for r in rows if r["item"] in codes]
    total = sum((Decimal(r["value"]) for r in rows), Decimal("0.00"))
    return {"items": rows, "totals": {"value": str(total)}}
