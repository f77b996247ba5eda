"""Recipes of the documents that take goods out: sales deliveries and other issues (at the
moving average) and purchase returns (at the cost they came in with, capped)."""

from openjxc.inventory.models import StockMove as M
from openjxc.inventory.services import MoveSpec
from openjxc.ledger import chart as A

from .base import Recipe, pair


def _average_out(doc, ln, src, balances):
    return [MoveSpec(ln.id, ln.item_id, doc.warehouse_id, -ln.qty, M.AVERAGE_OUT)]


def _returned_out(doc, ln, src, balances):
    rule = M.CAPPED_OUT if src else M.AVERAGE_OUT
    return [MoveSpec(ln.id, ln.item_id, doc.warehouse_id, -ln.qty, rule, source_move_id=src)]


def _delivery_voucher(doc, values):
    n, t, g, p = doc.amount, doc.tax, doc.amount_incl_tax, doc.partner_id
    return [
        (A.RECEIVABLE, g, 0, p),
        (A.REVENUE, 0, n, None),
        (A.OUTPUT_VAT, 0, t, None),
        *pair(A.COGS, A.INVENTORY, -sum(values)),
    ]


def _return_voucher(doc, values):
    n, t, g, total = doc.amount, doc.tax, doc.amount_incl_tax, sum(values)
    return [
        (A.INVENTORY, total, 0, None),
        (A.INPUT_VAT, -t, 0, None),
        (A.COGS, -n - total, 0, None),
        (A.PAYABLE, 0, -g, doc.partner_id),
    ]


SALES_DELIVERY = Recipe(
    moves=_average_out,
    voucher=_delivery_voucher,
    open_item=lambda doc: ("receivable", doc.amount_incl_tax),
    counter=A.COGS,
)
OTHER_OUT = Recipe(
    moves=_average_out,
    voucher=lambda doc, values: pair(A.PENDING_PL, A.INVENTORY, -sum(values)),
    counter=A.PENDING_PL,
)
PURCHASE_RETURN = Recipe(
    moves=_returned_out,
    voucher=_return_voucher,
    open_item=lambda doc: ("payable", -doc.amount_incl_tax),
    counter=A.COGS,
)
