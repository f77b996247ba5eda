"""Recipes of orders: no stock move and no voucher; an approved order holds quantities in a
balance column (posting/orders.py writes the reservation entries)."""

from .base import Recipe

SALES_ORDER = Recipe(reservation="reserved", checks_credit=True)
PURCHASE_ORDER = Recipe(reservation="on_order")
