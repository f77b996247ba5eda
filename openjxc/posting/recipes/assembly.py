"""Recipes of assembly and disassembly (组装单 / 拆卸单), in the document's one warehouse.

assembly: each line's components leave at the moving average; the line's item comes in at
what they took plus its share of the processing fee (`extra_cost`, shared over the lines by
quantity). Voucher: 借 1405 output value / 贷 1405 components consumed / 贷 5001 (or the account
given) the fee. The 1405 pair is a wash in the balance, kept so that the voucher shows what was
turned into what; the fee is what 1405 gains.

disassembly: each line's item leaves at the moving average; its components come in with
shares of that value by their average cost × quantity on approval (inventory/links.py).
Voucher: 借 1405 / 贷 1405 the value taken apart (a wash).

A later change to a component's cost re-states the output (inventory/links.py) and whatever
follows it; inside one document these changes add up to zero in 1405, so no counter account
is needed (counter None). A red-letter reversal that cannot take the output back at its own
cost (the average moved since) books the difference to 1901, like an other issue."""

from decimal import Decimal

from django.db import connection

from openjxc.core.errors import DomainError
from openjxc.core.numbers import QTY_SCALE, div_half_up, to_fen
from openjxc.documents.components import components_of
from openjxc.inventory.links import split_share, weighted
from openjxc.inventory.models import StockMove as M
from openjxc.inventory.services import MoveSpec, balance_at
from openjxc.ledger import chart as A

from .base import Recipe, pair


def _components(doc, lines=None) -> dict:
    """line id -> its LineComponent rows, read once per document."""
    cached = getattr(doc, "_components", None)
    if cached is None:
        cached = doc._components = components_of(
            [ln.id for ln in lines] if lines is not None else doc.lines.values_list("id", flat=True)
        )
    return cached


def _keys(doc, lines) -> set:
    """The lines' items and their components, all in the document's warehouse."""
    components = {c.item_id for cs in _components(doc, lines).values() for c in cs}
    return {(i, doc.warehouse_id) for i in components | {ln.item_id for ln in lines}}


def _fee_shares(doc, line_id) -> int:
    """The line's share of the fee: by quantity, cumulatively rounded (the shares add up)."""
    lines = list(doc.lines.order_by("line_no").values_list("id", "qty"))
    rows = [(lid, abs(q)) for lid, q in lines]
    return split_share(doc.fee, weighted(rows)[line_id]) if doc.fee else 0


def _fee_account(doc) -> str:
    if not doc.account_id:
        return A.REVENUE
    with connection.cursor() as cur:
        cur.execute("SELECT code FROM ledger_account WHERE id = %s", [doc.account_id])
        code = cur.fetchone()[0]
    if A.is_control(code):
        raise DomainError(
            "control_account", f"{code} is a control account", {"field": "account", "account": code}
        )
    return code


def _assemble(doc, ln, src, balances):
    if ln.line_no == 1:
        _fee_account(doc)  # refused before anything moves
    wh = doc.warehouse_id
    specs = [
        MoveSpec(ln.id, c.item_id, wh, -c.qty, M.AVERAGE_OUT)
        for c in _components(doc).get(ln.id, ())
    ]
    fee = _fee_shares(doc, ln.id)
    return [*specs, MoveSpec(ln.id, ln.item_id, wh, ln.base_qty, M.ASSEMBLED_IN, fixed=fee)]


def _disassemble(doc, ln, src, balances):
    wh = doc.warehouse_id
    comps = _components(doc).get(ln.id, ())
    weights = []
    for c in comps:
        qty, value = balance_at((c.item_id, wh), doc.date, balances)
        if qty > 0 and value > 0:
            weights.append(div_half_up(value * c.qty, qty))
        else:  # none in stock: its purchase price
            price = c.item.purchase_price or Decimal(0)
            weights.append(max(to_fen(price * c.qty / QTY_SCALE), 0))
    if not sum(weights):  # nothing has a cost: split by quantity
        weights = [c.qty for c in comps]
    for c, w in zip(comps, weights, strict=True):
        if c.weight != w:
            c.weight = w
            c.save(update_fields=["weight"])
    shares = weighted([(c.item_id, w) for c, w in zip(comps, weights, strict=True)])
    out = [MoveSpec(ln.id, ln.item_id, wh, -ln.base_qty, M.AVERAGE_OUT)]
    return out + [
        MoveSpec(
            ln.id, c.item_id, wh, c.qty, M.SPLIT_IN, link_same_line=True, share=shares[c.item_id]
        )
        for c in comps
    ]


def _assembly_voucher(doc, values):
    consumed = -sum(v for v in values if v < 0)
    return pair(A.INVENTORY, A.INVENTORY, consumed) + pair(A.INVENTORY, _fee_account(doc), doc.fee)


def _disassembly_voucher(doc, values):
    return pair(A.INVENTORY, A.INVENTORY, -sum(v for v in values if v < 0))


ASSEMBLY = Recipe(
    moves=_assemble, voucher=_assembly_voucher, keys=_keys, reversal_counter=A.PENDING_PL
)
DISASSEMBLY = Recipe(
    moves=_disassemble, voucher=_disassembly_voucher, keys=_keys, reversal_counter=A.PENDING_PL
)
