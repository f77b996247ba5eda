"""Recipes of the documents that bring goods in: purchase receipts, other receipts (at the
value given) and sales returns (at the cost they left with)."""

from openjxc.inventory.models import StockMove as M
from openjxc.inventory.services import MoveSpec
from openjxc.ledger import chart as A

from .base import Recipe, pair


def _fixed_in(doc, ln, src, balances):
    return [MoveSpec(ln.id, ln.item_id, doc.warehouse_id, ln.qty, M.FIXED_IN, fixed=ln.amount)]


def _returned_in(doc, ln, src, balances):
    rule = M.LINKED_IN if src else M.AVERAGE_IN
    return [
        MoveSpec(
            ln.id,
            ln.item_id,
            doc.warehouse_id,
            ln.qty,
            rule,
            source_move_id=src,
            fallback=ln.item.purchase_price,
        )
    ]


def _receipt_voucher(doc, values):
    t, g = doc.tax, doc.amount_incl_tax
    return [
        (A.INVENTORY, sum(values), 0, None),
        (A.INPUT_VAT, t, 0, None),
        (A.PAYABLE, 0, g, doc.partner_id),
    ]


def _return_voucher(doc, values):
    n, t, g, total = doc.amount, doc.tax, doc.amount_incl_tax, sum(values)
    return [
        (A.RECEIVABLE, -g, 0, doc.partner_id),
        (A.REVENUE, 0, -n, None),
        (A.OUTPUT_VAT, 0, -t, None),
        (A.COGS, -total, 0, None),
        (A.INVENTORY, 0, -total, None),
    ]


PURCHASE_RECEIPT = Recipe(
    moves=_fixed_in,
    voucher=_receipt_voucher,
    open_item=lambda doc: ("payable", doc.amount_incl_tax),
    # never adjusted (a fixed value); its reversal takes the goods out at a cost capped at the
    # average, whose later re-statements belong to cost of goods sold, not to the payable
    counter=A.PAYABLE,
    reversal_counter=A.COGS,
)
OTHER_IN = Recipe(
    moves=_fixed_in,
    voucher=lambda doc, values: pair(A.INVENTORY, A.PENDING_PL, sum(values)),
    counter=A.PENDING_PL,
)
SALES_RETURN = Recipe(
    moves=_returned_in,
    voucher=_return_voucher,
    open_item=lambda doc: ("receivable", -doc.amount_incl_tax),
    counter=A.COGS,
)
