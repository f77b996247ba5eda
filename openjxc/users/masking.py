"""Price visibility: a user without view_cost sees no cost, stock value, margin or purchase
price. Masking happens on the server, in what the API and the pages return — a hidden column
is not a permission."""

from .services import VIEW_COST, can

COST_FIELDS = frozenset({
    "unit_cost", "value", "cost", "margin", "margin_pct", "opening_value", "in_value", "out_value",
    "closing_value", "balance_value", "purchase_price", "cost_value", "stock_value", "gross_margin",
})


def sees_cost(user) -> bool:
    return can(user, VIEW_COST)


def mask_cost(user, data):
    """data with every cost field set to None (recursively), unless the user may see cost."""
    if sees_cost(user):
        return data
    return _masked(data)


def _masked(data):
    if isinstance(data, dict):
        return {k: (None if k in COST_FIELDS else _masked(v)) for k, v in data.items()}
    if isinstance(data, list):
        return [_masked(v) for v in data]
    return data
