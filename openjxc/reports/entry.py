"""Reads of the entry form's grid: the items a scan or a search finds, what a line needs beside
it (stock, prices, cost for the margin), the customers' credit, a money document's open items.

They live here, above posting, because a line's prices come from the price suggestion
(reports/money.py) and a partner's credit and open items from the posted books. Prices come
as the user types them (with tax when the company types prices with tax); what is cost is
left out for a user who may not see cost."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from openjxc.catalog.pricing import default_sale_price, unit_list_price
from openjxc.catalog.selectors import get_item, search_items, unit_by_barcode, unit_choices
from openjxc.catalog.units import unit_factor
from openjxc.core.numbers import fen_str, percent_str
from openjxc.documents.rules import entry_price
from openjxc.documents.selectors import prices_include_tax
from openjxc.documents.types import type_label
from openjxc.inventory.selectors import held_for_line, stock_rows
from openjxc.ledger.selectors import open_items
from openjxc.partners.selectors import find_partner
from openjxc.posting.money import money_side
from openjxc.posting.orders import receivables
from openjxc.users.masking import mask_cost, sees_cost

from .money import visible_prices

LOOKUP_LIMIT = 20  # items a search offers


def lookup_items(
    user, t, q: str, partner_code: str | None = None, day: dt.date | None = None
) -> dict:
    """The item a scanner read (exact barcode or code), else active items a search finds, each
    with the price and tax rate a line of type t starts with (t None: the sale price); a
    customer's sale price is their default on `day` (price list > level price > list price).
    多单位: each item lists its units; a scanned barcode of an alternate unit (a 箱's) answers
    that unit as `scan_unit`, priced per that unit."""
    exact, scanned = unit_by_barcode(q) if q else (None, "")
    found = (
        [exact] if exact else list(search_items(q, active_only=True)[:LOOKUP_LIMIT]) if q else []
    )
    choices = unit_choices(i.code for i in found)
    incl = prices_include_tax()
    hide_purchase = t is not None and t.price_field == "purchase_price" and not sees_cost(user)
    partner = find_partner(t.partner, partner_code) if t is not None and t.partner else None
    items = []
    for item in found:
        unit = scanned if item is exact else ""
        factor = unit_factor(item, unit, "unit")[1]
        price = None
        if t is not None and t.priced:
            price = unit_list_price(item, unit, factor, t.price_field)
        if price is not None and t.price_field == "sale_price" and partner is not None:
            price = default_sale_price(item, partner, day or timezone.localdate(), unit, factor)
        rate = item.tax_rate if t is None or t.partner else 0
        items.append(
            {
                "code": item.code,
                "name": item.name,
                "spec": item.spec,
                "unit": item.unit,
                "units": choices.get(item.code, []),
                "scan_unit": unit,
                "barcode": item.barcode,
                "tax_percent": percent_str(rate),
                "price": None if hide_purchase else entry_price(price, rate, incl),
                "batch_tracked": item.batch_tracked,  # the form asks for batch / serials
                "serial_tracked": item.serial_tracked,
            }
        )
    return {"exact": exact is not None, "items": items}


def line_info(
    user,
    t,
    item_code: str,
    warehouse=None,
    partner_code=None,
    day=None,
    source_line=None,
    unit=None,
):
    """What the clerk needs beside a line of type t: stock on hand, reserved and available in the
    warehouse (what the order line being delivered holds counts as available), the last price to
    this partner, the list, the partner's and (sales) the customer's level price on `day`, and
    (cost users only) the unit cost for the margin. Raises not_found for an unknown item."""
    item = get_item(item_code)
    partner = find_partner(t.partner, partner_code) if t.partner else None
    row = None
    held = Decimal(0)
    if warehouse is not None:
        rows = stock_rows(item_id=item.id, warehouse_id=warehouse.id, include_zero=True)
        row = next(iter(rows), None)
        held = held_for_line(source_line, warehouse.id)
    kind = "sales" if t.price_field == "sale_price" else "purchase"
    prices = visible_prices(user, item, partner, kind, day, unit or None)  # per the line's unit
    rate = item.tax_rate if t.partner else Decimal(0)
    incl = prices_include_tax()
    conv = {
        k: entry_price(Decimal(prices[k]) if prices[k] else None, rate, incl)
        for k in ("last_price", "list_price", "partner_price", "level_price")
    }
    # the customer's own price, then the customer's level, then what was charged last time
    suggested = (
        conv["partner_price"] or conv["level_price"] or conv["last_price"] or conv["list_price"]
    )
    data = {
        "item": item.code,
        "name": item.name,
        "unit": item.unit,  # stock and unit_cost are per the base unit
        "price_unit": prices["unit"],
        "warehouse": warehouse.code if warehouse is not None else None,
        "on_hand": row["on_hand"] if row else "0",
        "reserved": row["reserved"] if row else "0",
        "available": format(Decimal(row["available"] if row else "0") + held, "f"),
        **conv,
        "suggested_price": suggested,
        "tax_percent": percent_str(rate),
        "unit_cost": row["unit_cost"] if row and t.margin else None,
        "margin": None,
    }
    return mask_cost(user, data)


def credit_positions(partners) -> dict[int, dict]:
    """partner id -> its credit limit and what it owes, for the customers that have a limit (the
    entry page warns before approval)."""
    limited = [p for p in partners if p.credit_limit is not None]
    owed = receivables([p.id for p in limited])
    return {
        p.id: {"limit": fen_str(p.credit_limit), "owed": fen_str(owed.get(p.id, 0))}
        for p in limited
    }


def allocatable_items(t, partner_code: str | None, exclude: str | None = None) -> list[dict]:
    """The partner's open items a money document of type t can be allocated to (those of the
    other sign), with the open amount as a positive figure; `exclude` leaves out the money
    document itself."""
    partner = find_partner(t.partner, partner_code)
    if partner is None:
        return []
    kind, sign, _debit, _credit = money_side(t.code)
    out = []
    for r in open_items([partner.id]):
        amount = Decimal(r["open_amount"])
        if r["kind"] != kind or r["document"] == exclude or amount * sign >= 0:
            continue
        out.append({**r, "type_name": type_label(r["type"]), "open": str(abs(amount))})
    return out
