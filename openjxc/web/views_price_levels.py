"""Price levels (价格等级): the list of levels, adding one, and an item's price at every level —
in force today, the dated history, and new prices from a chosen date.

Thin views: every write goes through catalog.services (permission, validation, audit); a
DomainError shows the page again with the input and the message, nothing changed."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from openjxc.catalog.pricing import level_prices, price_level_dict
from openjxc.catalog.selectors import all_price_levels, items_by_code, level_price_history
from openjxc.catalog.services import create_price_level, set_level_prices
from openjxc.core.errors import DomainError
from openjxc.core.numbers import price_str
from openjxc.users.services import MASTER_DATA, can

from .admin_forms import _error, _form
from .decorators import forbidden, page


def _item_prices(item, levels) -> dict:
    """The item's price at each level today (base unit and alternate units) and its history."""
    today = timezone.localdate()
    current = level_prices(item, today)
    history = [
        {
            "level": row.level.name,
            "unit": row.unit or item.unit,
            "price": price_str(row.price),
            "valid_from": row.valid_from.isoformat(),
            "document": row.document.number if row.document_id else "",
            "cancelled": row.cancelled,
        }
        for row in level_price_history(item)
    ]
    base = {r["level"]: r["price"] for r in current if r["unit"] == item.unit}
    return {
        "item": item,
        "sale_price": price_str(item.sale_price),
        "current": current,
        "history": history,
        "rows": [{"level": lv, "price": base.get(lv.code)} for lv in levels],
        "today": today,
    }


def _page(request, item_code: str, values: dict, error=None):
    levels = list(all_price_levels())
    item = items_by_code([item_code]).get(item_code) if item_code else None
    ctx = {
        "levels": [price_level_dict(lv) for lv in levels],
        "may_edit": can(request.user, MASTER_DATA),
        "q": item_code,
        "not_found": bool(item_code) and item is None,
        "v": values,
        **(_item_prices(item, levels) if item else {}),
        **(_error(request, error) if error else {}),
    }
    return render(
        request, "web/admin/price_levels.html", ctx, status=error.status if error else 200
    )


@page()
def price_levels(request):
    item_code = (request.GET.get("item") or request.POST.get("item") or "").strip()
    if request.method != "POST":
        return _page(request, item_code, {})
    if not can(request.user, MASTER_DATA):
        return forbidden(request)
    if request.POST.get("action") == "prices":
        return _save_prices(request, item_code)
    values = _form(request, ("code", "name"))
    try:
        level = create_price_level(request.user, values)
    except DomainError as exc:
        return _page(request, item_code, values, exc)
    messages.success(request, _("%(code)s %(name)s saved.") % level)
    return redirect("price_levels")


def _save_prices(request, item_code: str):
    """New prices of one item, one per level typed, from the date given, in one transaction."""
    valid_from = request.POST.get("valid_from") or None
    unit = (request.POST.get("unit") or "").strip() or None
    typed = [
        (lv.code, request.POST.get(f"price_{lv.code}", "").strip()) for lv in all_price_levels()
    ]
    try:
        set_level_prices(request.user, item_code, typed, valid_from, unit)
    except DomainError as exc:
        return _page(request, item_code, dict(request.POST.items()), exc)
    messages.success(request, _("Prices of %(code)s saved.") % {"code": item_code})
    return redirect(reverse("price_levels") + "?" + urlencode({"item": item_code}))
