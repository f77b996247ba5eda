"""The entry grid's small endpoints: item lookup (scanner, search), what a line needs beside it
(stock, prices, cost for the margin on sales), a money document's open items (HTMX)."""

from decimal import Decimal

from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone

from openjxc.catalog.models import Item
from openjxc.catalog.pricing import default_sale_price
from openjxc.catalog.selectors import item_by_barcode, search_items
from openjxc.core.dates import parse_date
from openjxc.core.errors import DomainError
from openjxc.documents.access import may_use_type
from openjxc.documents.types import TYPES, type_label
from openjxc.inventory.models import Warehouse
from openjxc.inventory.selectors import held_for_line, stock_rows
from openjxc.ledger.selectors import open_items
from openjxc.partners.models import Partner
from openjxc.posting.money import money_side
from openjxc.reports.money import suggest_price
from openjxc.users.masking import mask_cost, sees_cost
from openjxc.users.services import allowed_warehouse_ids

from .decorators import forbidden, page
from .doc_common import MARGIN_TYPES, _entry_price, _incl, _percent


def _typed(request):
    """The document type named by ?type=, if the user may use it (else None)."""
    t = TYPES.get(request.GET.get("type") or "")
    return t if t is not None and may_use_type(request.user, t.code) else None


@page()
def item_lookup(request):
    """Items for the entry grid: an exact barcode / code (what a scanner sends), else a search
    by code, name, spec or pinyin initials. JSON: {"exact": bool, "items": [...]}"""
    q = (request.GET.get("q") or "").strip()
    t = _typed(request)
    if request.GET.get("type") and t is None:
        return JsonResponse({"error": {"code": "forbidden"}}, status=403)
    exact = item_by_barcode(q) if q else None
    found = [exact] if exact else list(search_items(q).filter(active=True)[:20]) if q else []
    incl = _incl()
    show_purchase = sees_cost(request.user)
    partner, day = _partner_and_day(request, t)
    items = []
    for item in found:
        price = getattr(item, t.price_field) if t is not None and t.priced else None
        if price is not None and t.price_field == "sale_price" and partner is not None:
            price = default_sale_price(item, partner, day)  # price list > level > list price
        if t is not None and t.price_field == "purchase_price" and not show_purchase:
            price = None
        items.append(
            {
                "code": item.code,
                "name": item.name,
                "spec": item.spec,
                "unit": item.unit,
                "barcode": item.barcode,
                "tax_percent": _percent(item.tax_rate if t is None or t.partner else 0),
                "price": _entry_price(price, item.tax_rate if t is None or t.partner else 0, incl),
            }
        )
    return JsonResponse({"exact": exact is not None, "items": items})


@page()
def line_info(request):
    """What the clerk needs beside a line: stock on hand / available in the warehouse, last price
    to this partner, list and partner price, and (cost users only) the unit cost for the margin."""
    t = _typed(request)
    if t is None:
        return JsonResponse({"error": {"code": "forbidden"}}, status=403)
    item = Item.objects.filter(code=request.GET.get("item") or "").first()
    if item is None:
        return JsonResponse({"error": {"code": "not_found"}}, status=404)
    wh = Warehouse.objects.filter(code=request.GET.get("warehouse") or "").first()
    allowed = allowed_warehouse_ids(request.user)
    if wh is not None and allowed is not None and wh.id not in allowed:
        return JsonResponse({"error": {"code": "forbidden"}}, status=403)
    partner, day = _partner_and_day(request, t)
    row = (
        next(iter(stock_rows(item_id=item.id, warehouse_id=wh.id, include_zero=True)), None)
        if wh
        else None
    )
    held = held_for_line(request.GET.get("source_line"), wh.id) if wh else 0
    kind = "sales" if t.price_field == "sale_price" else "purchase"
    prices = suggest_price(item, partner, kind, day)
    rate = item.tax_rate if t.partner else Decimal(0)
    incl = _incl()
    conv = {
        k: _entry_price(Decimal(prices[k]) if prices[k] else None, rate, incl)
        for k in ("last_price", "list_price", "partner_price", "level_price")
    }
    if kind == "purchase" and not sees_cost(request.user):
        conv = dict.fromkeys(conv)
    # the customer's own price, then the customer's level, then what was charged last time
    suggested = (
        conv["partner_price"] or conv["level_price"] or conv["last_price"] or conv["list_price"]
    )
    data = {
        "item": item.code,
        "name": item.name,
        "unit": item.unit,
        "warehouse": wh.code if wh else None,
        "on_hand": row["on_hand"] if row else "0",
        "reserved": row["reserved"] if row else "0",
        "available": format(Decimal(row["available"] if row else "0") + held, "f"),
        **conv,
        "suggested_price": suggested,
        "tax_percent": _percent(rate),
        "unit_cost": row["unit_cost"] if row and t.code in MARGIN_TYPES else None,
        "margin": None,
    }
    return JsonResponse(mask_cost(request.user, data))


def _partner_and_day(request, t):
    """The entry form's partner (?partner=, of the type's kind) and date (?date=, else today):
    a customer's level price depends on both."""
    code = request.GET.get("partner") or ""
    partner = (
        Partner.objects.filter(kind=t.partner, code=code).first()
        if t is not None and t.partner and code
        else None
    )
    try:
        day = parse_date(request.GET.get("date") or timezone.localdate())
    except DomainError:
        day = timezone.localdate()
    return partner, day


@page()
def money_open_items(request):
    """HTMX: the partner's open items a money document can be allocated to."""
    t = _typed(request)
    if t is None or t.kind != "money":
        return forbidden(request)
    rows = money_open_item_rows(t, request.GET.get("partner"), {})
    return render(request, "web/documents/_open_items.html", {"open_items": rows})


def money_open_item_rows(t, partner_code, typed: dict, exclude=None) -> list[dict]:
    partner = Partner.objects.filter(kind=t.partner, code=partner_code or "").first()
    if partner is None:
        return []
    kind, sign, _d, _c = money_side(t.code)
    out = []
    for r in open_items([partner.id]):
        amount = Decimal(r["open_amount"])
        if r["kind"] != kind or r["document"] == exclude or amount * sign >= 0:
            continue
        out.append(
            {
                **r,
                "type_name": type_label(r["type"]),
                "open": str(abs(amount)),
                "typed": typed.get(r["document"], ""),
            }
        )
    return out
