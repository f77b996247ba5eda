"""The posting recipes, found through the registry of document types: `recipe_of(type)` imports
the recipe the type names (documents/types.py `recipe`), and the functions below apply it for
the engine, the reversal and the cost re-statement."""

from decimal import Decimal

from django.utils.module_loading import import_string

from openjxc.documents.types import TYPES
from openjxc.inventory.costing import FALLBACK_LOADERS
from openjxc.inventory.models import StockMove as M
from openjxc.inventory.services import MoveSpec
from openjxc.ledger.rows import OpenItemLine, VoucherLine

from .base import Recipe, pair

__all__ = [
    "Recipe",
    "pair",
    "recipe_of",
    "stock_keys",
    "stock_specs",
    "voucher_lines",
    "raised_open_item",
    "counter",
    "fallback_cost",
]

NOTHING = Recipe()  # a type that does not post
_RECIPES: dict[str, Recipe] = {}


def recipe_of(doc_type: str) -> Recipe:
    recipe = _RECIPES.get(doc_type)
    if recipe is None:
        t = TYPES.get(doc_type)
        recipe = _RECIPES[doc_type] = import_string(t.recipe) if t and t.recipe else NOTHING
    return recipe


def stock_keys(doc, lines) -> set:
    keys = recipe_of(doc.type).keys
    if keys is not None:
        return keys(doc, lines)
    keys = {(ln.item_id, doc.warehouse_id) for ln in lines}
    if TYPES[doc.type].to_warehouse:
        keys |= {(ln.item_id, doc.to_warehouse_id) for ln in lines}
    return keys


def stock_specs(doc, lines, balances, source_moves) -> list[MoveSpec]:
    moves = recipe_of(doc.type).moves
    if moves is None:
        return []
    return [
        s for ln in lines for s in moves(doc, ln, source_moves.get(ln.source_line_id), balances)
    ]


def voucher_lines(doc, values: list[int]) -> list[VoucherLine]:
    voucher = recipe_of(doc.type).voucher
    return voucher(doc, values) if voucher else []


def raised_open_item(doc) -> OpenItemLine | None:
    """The entry that raises the open item of a stock document; a money document's own open
    item is posting/money.py's."""
    open_item = recipe_of(doc.type).open_item
    return open_item(doc) if open_item else None


def counter(doc_type: str, reversal: bool = False) -> str | None:
    """Where a change in the stock value of a document's moves is booked against 1405."""
    recipe = recipe_of(doc_type)
    return (recipe.reversal_counter or recipe.counter) if reversal else recipe.counter


def fallback_cost(doc_type: str, line_price, purchase_price) -> Decimal | None:
    """Unit cost of an average-in move when its balance is empty: the line's own price where the
    recipe says so (a count), else the item's purchase price."""
    if recipe_of(doc_type).own_price_fallback and line_price is not None:
        return line_price
    return purchase_price


def fallback_costs(move_ids) -> dict:
    """fallback_cost of existing moves, for a restatement that re-values them."""
    rows = M.objects.filter(id__in=move_ids).values_list(
        "id", "document__type", "line__price", "line__item__purchase_price"
    )
    return {mid: fallback_cost(t, price, purchase) for mid, t, price, purchase in rows}


FALLBACK_LOADERS.append(fallback_costs)
