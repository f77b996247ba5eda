"""The entry grid's small endpoints: item lookup (scanner, search), what a line needs beside it
(stock, prices, cost for the margin on sales), a money document's open items (HTMX). The reads
are reports/entry.py's."""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone

from openjxc.core.dates import parse_date
from openjxc.core.errors import DomainError
from openjxc.documents.access import may_use_type
from openjxc.documents.types import TYPES
from openjxc.reports.entry import line_info as line_info_of
from openjxc.reports.entry import lookup_items

from .decorators import forbidden, page
from .params import warehouse_param
from .views_entry import _open_item_rows


def _typed(request):
    """The document type named by ?type=, if the user may use it (else None)."""
    t = TYPES.get(request.GET.get("type") or "")
    return t if t is not None and may_use_type(request.user, t.code) else None


def _refused(code: str, status: int) -> JsonResponse:
    return JsonResponse({"error": {"code": code}}, status=status)


@page()
def item_lookup(request):
    """Items for the entry grid: an exact barcode / code (what a scanner sends), else a search
    by code, name, spec or pinyin initials. JSON: {"exact": bool, "items": [...]}"""
    t = _typed(request)
    if request.GET.get("type") and t is None:
        return _refused("forbidden", 403)
    partner, day = _partner_and_day(request, t)
    q = (request.GET.get("q") or "").strip()
    return JsonResponse(lookup_items(request.user, t, q, partner, day))


@page()
def line_info(request):
    """What the clerk needs beside a line: stock on hand / available in the warehouse, last price
    to this partner, list and partner price, and (cost users only) the unit cost for the margin."""
    t = _typed(request)
    if t is None:
        return _refused("forbidden", 403)
    try:
        data = line_info_of(
            request.user,
            t,
            request.GET.get("item") or "",
            warehouse_param(request),
            *_partner_and_day(request, t),
            request.GET.get("source_line"),
            request.GET.get("unit"),
        )
    except DomainError as exc:
        return _refused(exc.code, exc.status)
    return JsonResponse(data)


def _partner_and_day(request, t):
    """The entry form's partner code (?partner=) and date (?date=, else today): a customer's
    level price depends on both."""
    partner = (request.GET.get("partner") or "") if t is not None and t.partner else None
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
    rows = _open_item_rows(t, request.GET.get("partner"), {})
    return render(request, "web/documents/_open_items.html", {"open_items": rows})
