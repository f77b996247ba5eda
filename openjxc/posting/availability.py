"""Orders: availability (API.md). A sales order beyond what is available (on hand − reserved)
warns, or is refused when the setting `oversell` is `block`. A delivery not derived from an order
may take only stock that no order reserves: refused, or allowed with a warning when the setting
`reserved_stock_policy` is `warn`. Both read the balance rows under the posting lock, so two
clerks cannot each take the same last units."""

from collections import defaultdict

from django.db import connection

from openjxc.core.errors import DomainError
from openjxc.core.numbers import qty_str
from openjxc.core.services import policy
from openjxc.documents.models import Document
from openjxc.documents.types import order_of
from openjxc.inventory.services import lock_balances

from .recipes import recipe_of


def _balances(keys) -> dict:
    """(item_id, warehouse_id) -> (on hand, reserved, item code, warehouse code)."""
    keys = sorted(keys)
    cond = " OR ".join(["(b.item_id = %s AND b.warehouse_id = %s)"] * len(keys))
    with connection.cursor() as cur:
        cur.execute(
            "SELECT b.item_id, b.warehouse_id, b.qty, b.reserved, i.code, w.code FROM inventory_stockbalance b "
            "JOIN catalog_item i ON i.id = b.item_id JOIN inventory_warehouse w ON w.id = b.warehouse_id "
            f"WHERE {cond}",
            [x for k in keys for x in k],
        )
        return {(r[0], r[1]): (int(r[2]), int(r[3]), r[4], r[5]) for r in cur.fetchall()}


def _outcome(setting: str, code: str, problems: list[tuple[str, dict]]) -> list[dict]:
    """Warnings for the problems, or the first one as a refusal when the policy blocks."""
    if problems and policy(setting) == "block":
        message, details = problems[0]
        raise DomainError(code, message, {**details, "problems": [d for _m, d in problems]})
    return [
        {"code": code, "message": DomainError(code, m, d).sentence(), "details": d}
        for m, d in problems
    ]


def check_order(doc: Document, lines) -> list[dict]:
    """Before a sales order reserves: is every item within what is available?"""
    wanted: dict = defaultdict(int)
    for ln in lines:
        wanted[(ln.item_id, doc.warehouse_id)] += ln.base_qty
    if not wanted:
        return []
    lock_balances(wanted)
    balances = _balances(wanted)
    problems = []
    for key, qty in sorted(wanted.items()):
        on_hand, reserved, item, wh = balances[key]
        if qty > on_hand - reserved:
            details = {
                "item": item,
                "warehouse": wh,
                "available": qty_str(on_hand - reserved),
                "required": qty_str(qty),
            }
            problems.append(
                (
                    f"{item} in {wh}: {qty_str(qty)} ordered, {details['available']} available",
                    details,
                )
            )
    return _outcome("oversell", "exceeds_available", problems)


def check_delivery(doc: Document, lines) -> list[dict]:
    """After a delivery has posted (and released its own order's reservation): lines not derived
    from an order must not have left the stock below what orders reserve."""
    order = order_of(doc.type)
    if order is None or recipe_of(order).reservation != "reserved":
        return []
    derived = doc.source_id is not None and doc.source.type == order
    free_lines: dict = defaultdict(int)
    for ln in lines:
        if not (derived and ln.source_line_id):
            free_lines[(ln.item_id, doc.warehouse_id)] += ln.base_qty
    if not free_lines:
        return []
    balances = _balances(free_lines)
    problems = []
    for key, qty in sorted(free_lines.items()):
        on_hand, reserved, item, wh = balances[key]
        if on_hand < reserved:
            details = {
                "item": item,
                "warehouse": wh,
                "reserved": qty_str(reserved),
                "free": qty_str(max(on_hand + qty - reserved, 0)),
                "required": qty_str(qty),
            }
            problems.append(
                (
                    f"{item} in {wh}: {qty_str(reserved)} reserved for orders, only {details['free']} "
                    f"free, {qty_str(qty)} delivered without an order",
                    details,
                )
            )
    return _outcome("reserved_stock_policy", "reserved_for_orders", problems)
