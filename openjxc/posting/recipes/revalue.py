"""成本调整单 (cost_adjustment): each line changes the stock value of an item in a warehouse by a
signed amount at the document's date — a value-only move (quantity 0, FIXED_IN at that value),
so the engine re-states every later outgoing move as for any back-dated change. Voucher 借 1405 /
贷 the offset account (setting `cost_adjustment_account`, default 5401 主营业务成本), or the
reverse for a decrease."""

from openjxc.core.errors import DomainError
from openjxc.core.numbers import fen_str
from openjxc.core.services import get_setting
from openjxc.inventory.models import StockMove as M
from openjxc.inventory.services import MoveSpec, balance_at
from openjxc.ledger import chart as A

from .base import Recipe, pair

OFFSET_SETTING = "cost_adjustment_account"


def offset_account() -> str:
    return get_setting(OFFSET_SETTING) or A.COGS


def _where(doc, ln) -> int:
    return ln.warehouse_id or doc.warehouse_id


def _keys(doc, lines):
    return {(ln.item_id, _where(doc, ln)) for ln in lines}


def _revalue(doc, ln, src, balances):
    key = (ln.item_id, _where(doc, ln))
    qty, value = balance_at(key, doc.date, balances)
    if qty <= 0:
        from openjxc.inventory.selectors import warehouse_codes

        raise DomainError(
            "no_stock_to_revalue",
            f"no stock of {ln.item.code} to revalue on {doc.date}",
            {
                "item": ln.item.code,
                "warehouse": warehouse_codes([key[1]])[key[1]],
                "date": str(doc.date),
            },
        )
    if value + ln.amount < 0:
        raise DomainError(
            "invalid",
            f"line {ln.line_no}: the stock value ({fen_str(value)}) cannot go below zero",
            {"field": f"lines[{ln.line_no - 1}].value"},
            kind="too_large",
        )
    return [MoveSpec(ln.id, ln.item_id, key[1], 0, M.FIXED_IN, fixed=ln.amount)]


COST_ADJUSTMENT = Recipe(
    moves=_revalue,
    keys=_keys,
    voucher=lambda doc, values: pair(A.INVENTORY, offset_account(), sum(values)),
    counter=A.COGS,  # its own value is fixed: a re-statement never changes it
)
