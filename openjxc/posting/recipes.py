"""One recipe per document type: which stock moves it makes, and its voucher and open items.

Amounts are integer fen; `values` are the stock values the ledger gave each move (signed)."""

from decimal import Decimal

from openjxc.inventory.costing import FALLBACK_LOADERS
from openjxc.inventory.models import StockMove as M
from openjxc.inventory.services import MoveSpec, balance_at
from openjxc.ledger import chart as A


def pair(debit: str, credit: str, amount: int, partner=None) -> list:
    """借 debit / 贷 credit amount; a negative amount is written with the sides swapped."""
    if amount >= 0:
        return [(debit, amount, 0, partner), (credit, 0, amount, partner)]
    return [(credit, -amount, 0, partner), (debit, 0, -amount, partner)]


def fallback_cost(doc_type: str, line_price, purchase_price) -> Decimal | None:
    """Unit cost of an average-in move when its balance is empty: a count line's own price,
    else the item's purchase price."""
    if doc_type == "stock_count" and line_price is not None:
        return line_price
    return purchase_price


def fallback_costs(move_ids) -> dict:
    """fallback_cost of existing moves, for a restatement that re-values them."""
    rows = M.objects.filter(id__in=move_ids).values_list(
        "id", "document__type", "line__price", "line__item__purchase_price"
    )
    return {mid: fallback_cost(t, price, purchase) for mid, t, price, purchase in rows}


FALLBACK_LOADERS.append(fallback_costs)


def stock_specs(doc, lines, balances, source_moves) -> list[MoveSpec]:
    wh = doc.warehouse_id
    specs = []
    for ln in lines:
        key = (ln.item_id, wh)
        src = source_moves.get(ln.source_line_id)
        t = doc.type
        if t in ("purchase_receipt", "other_in"):
            specs.append(MoveSpec(ln.id, ln.item_id, wh, ln.qty, M.FIXED_IN, fixed=ln.amount))
        elif t == "purchase_return":
            rule = M.CAPPED_OUT if src else M.AVERAGE_OUT
            specs.append(MoveSpec(ln.id, ln.item_id, wh, -ln.qty, rule, source_move_id=src))
        elif t in ("sales_delivery", "other_out"):
            specs.append(MoveSpec(ln.id, ln.item_id, wh, -ln.qty, M.AVERAGE_OUT))
        elif t == "sales_return":
            rule = M.LINKED_IN if src else M.AVERAGE_IN
            specs.append(MoveSpec(ln.id, ln.item_id, wh, ln.qty, rule, source_move_id=src,
                                  fallback=fallback_cost(t, ln.price, ln.item.purchase_price)))
        elif t == "transfer":
            specs.append(MoveSpec(ln.id, ln.item_id, wh, -ln.qty, M.AVERAGE_OUT))
            specs.append(MoveSpec(ln.id, ln.item_id, doc.to_warehouse_id, ln.qty, M.LINKED_IN,
                                  link_same_line=True))
        elif t == "stock_count":
            # a move even for no difference: it marks where the count stands in the timeline,
            # so that a back-dated change before it can re-state it
            book, _ = balance_at(key, doc.date, balances)
            specs.append(MoveSpec(ln.id, ln.item_id, wh, ln.qty - book, M.COUNTED,
                                  fallback=fallback_cost(t, ln.price, ln.item.purchase_price)))
    return specs


def stock_keys(doc, lines) -> set:
    keys = {(ln.item_id, doc.warehouse_id) for ln in lines}
    if doc.type == "transfer":
        keys |= {(ln.item_id, doc.to_warehouse_id) for ln in lines}
    return keys


def voucher_lines(doc, values: list[int]) -> list:
    p = doc.partner_id
    n, t, g = doc.amount, doc.tax, doc.amount_incl_tax
    total = sum(values)
    match doc.type:
        case "purchase_receipt":
            return [(A.INVENTORY, total, 0, None), (A.INPUT_VAT, t, 0, None), (A.PAYABLE, 0, g, p)]
        case "purchase_return":
            return [(A.INVENTORY, total, 0, None), (A.INPUT_VAT, -t, 0, None),
                    (A.COGS, -n - total, 0, None), (A.PAYABLE, 0, -g, p)]
        case "sales_delivery":
            return [(A.RECEIVABLE, g, 0, p), (A.REVENUE, 0, n, None), (A.OUTPUT_VAT, 0, t, None),
                    *pair(A.COGS, A.INVENTORY, -total)]
        case "sales_return":
            return [(A.RECEIVABLE, -g, 0, p), (A.REVENUE, 0, -n, None), (A.OUTPUT_VAT, 0, -t, None),
                    (A.COGS, -total, 0, None), (A.INVENTORY, 0, -total, None)]
        case "other_in":
            return pair(A.INVENTORY, A.PENDING_PL, total)
        case "other_out":
            return pair(A.PENDING_PL, A.INVENTORY, -total)
        case "stock_count":
            gains = sum(v for v in values if v > 0)
            losses = -sum(v for v in values if v < 0)
            return pair(A.INVENTORY, A.PENDING_PL, gains) + pair(A.PENDING_PL, A.INVENTORY, losses)
    return []


# Where a change in the stock value of a document's moves is booked against 1405.
ADJUSTMENT_COUNTER = {
    "sales_delivery": A.COGS,
    "sales_return": A.COGS,
    "purchase_return": A.COGS,
    "other_in": A.PENDING_PL,
    "other_out": A.PENDING_PL,
    "stock_count": A.PENDING_PL,
    "purchase_receipt": A.PAYABLE,  # never adjusted: fixed value
}
# A red-letter reversal of a receipt takes the goods back out at a cost capped at the average,
# which later re-statements may adjust: its differences belong to cost of goods sold, never to
# the supplier's payable.
REVERSAL_COUNTER = {**ADJUSTMENT_COUNTER, "purchase_receipt": A.COGS}


def open_item_amount(doc) -> tuple[str, int] | None:
    match doc.type:
        case "purchase_receipt":
            return "payable", doc.amount_incl_tax
        case "purchase_return":
            return "payable", -doc.amount_incl_tax
        case "sales_delivery":
            return "receivable", doc.amount_incl_tax
        case "sales_return":
            return "receivable", -doc.amount_incl_tax
    return None
