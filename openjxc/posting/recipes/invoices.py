"""Recipe of invoices: they record what was invoiced against their source lines and post
nothing (the tax was booked by the delivery or receipt)."""

from .base import Recipe

INVOICE = Recipe()
