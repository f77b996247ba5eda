"""Price visibility: a user without view_cost sees no cost, stock value, margin or purchase
price. Masking happens on the server, in what the API and the pages return — a hidden column
is not a permission.

Cost is a field class, not a list of names: a field is cost when its name says so (the naming
rule of `is_cost_field`, which every report and selector follows), and every price or amount of
a document priced at cost (purchase documents, other-in) is cost too. The API masks every JSON
response by this class in its renderer, so a new endpoint or a new field cannot leak."""

from .services import VIEW_COST, can

# names that are cost on their own, and the endings / beginnings that make a name cost
COST_NAMES = frozenset({"cost", "value", "margin", "purchase_price"})
COST_SUFFIXES = ("_cost", "_value", "_margin", "_margin_pct", "margin_pct", "_purchase_price")
COST_PREFIXES = ("cost_", "value_", "margin_")

# document types whose prices are purchase prices or costs, filled in by the registry of types
# (documents/types.py: `priced_at_cost`), and the fields of such a document (and of its lines)
# that carry them
PRICED_AT_COST: set[str] = set()
MONEY_FIELDS = ("price", "price_incl_tax", "amount", "tax", "amount_incl_tax")


def is_cost_field(name) -> bool:
    """True for a field derived from cost or purchase price, by the naming rule above."""
    return isinstance(name, str) and (
        name in COST_NAMES or name.endswith(COST_SUFFIXES) or name.startswith(COST_PREFIXES)
    )


def is_priced_at_cost(data) -> bool:
    """A document (or a line of a report on documents) whose prices are purchase prices."""
    return isinstance(data, dict) and data.get("type") in PRICED_AT_COST


def sees_cost(user) -> bool:
    return can(user, VIEW_COST)


def mask_cost(user, data, placeholder=None):
    """data with every field of the cost class set to placeholder (recursively), unless the user
    may see cost."""
    if sees_cost(user):
        return data
    return masked(data, placeholder)


def masked(data, placeholder=None):
    if isinstance(data, dict):
        # a key/value pair (a setting) is named by its key; its "value" is not an amount
        setting = "key" in data and "value" in data and len(data) == 2
        at_cost = is_priced_at_cost(data)
        return {
            k: placeholder
            if (is_cost_field(k) and not setting) or (at_cost and k in MONEY_FIELDS)
            else _masked_child(v, at_cost, placeholder)
            for k, v in data.items()
        }
    if isinstance(data, list):
        return [masked(v, placeholder) for v in data]
    return data


def _masked_child(value, at_cost: bool, placeholder):
    """The lines of a document priced at cost carry purchase prices too."""
    if at_cost and isinstance(value, list):
        return [
            _masked_line(v, placeholder) if isinstance(v, dict) else masked(v, placeholder)
            for v in value
        ]
    return masked(value, placeholder)


def _masked_line(line: dict, placeholder) -> dict:
    out = masked(line, placeholder)
    return {k: placeholder if k in MONEY_FIELDS else v for k, v in out.items()}
