"""Sales and purchase summaries and details, the margin report (毛利分析)."""

from decimal import Decimal
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from openjxc.core.errors import DomainError
from openjxc.documents.types import type_label
from openjxc.inventory.selectors import warehouse_scope
from openjxc.ledger.periods import period_bounds
from openjxc.reports import trade
from openjxc.reports.excel import period_text
from openjxc.users.masking import mask_cost
from openjxc.users.services import (
    MONEY,
    PURCHASE,
    SALES,
    VIEW_COST,
    can,
)

from .decorators import forbidden, page
from .errors import error_message
from .params import category_choice, category_ids, period_param, this_month, wants_xlsx
from .report_helpers import _bars, _cost_columns, _export, _query

KIND_PERMS = {"sales": (SALES, MONEY), "purchase": (PURCHASE, MONEY)}
BY_CHOICES = ("item", "partner", "salesperson", "period", "category")


def _kind_allowed(request, kind) -> bool:
    return kind in KIND_PERMS and any(can(request.user, p) for p in KIND_PERMS[kind])


def _trade_summary(request, kind, margin: bool):
    user = request.user
    by = request.GET.get("by") if request.GET.get("by") in BY_CHOICES else "item"
    categories, category = category_choice(request)
    data, error = {"items": [], "totals": {}}, None
    try:
        date_from, date_to = period_param(request)
        data = trade.summary(
            kind, by, date_from, date_to, warehouse_scope(request.user), category_ids(category)
        )
    except DomainError as exc:
        error = error_message(exc)
        date_from, date_to = this_month()
    data = mask_cost(user, data)
    if margin:
        data["items"].sort(key=lambda r: -Decimal(r.get("margin") or 0))
    periods = period_bounds(r.get("period") for r in data["items"]) if by == "period" else {}
    for r in data["items"]:
        r["key"] = r.get(by)
        if by == "period":
            start, end = periods.get(r["key"], (None, None))
            r["details_query"] = (
                urlencode({"from": max(start, date_from), "to": min(end, date_to)})
                if start
                else None
            )
        elif by == "category":  # a row is the category's own items, the details its subtree's
            r["details_query"] = None
        else:  # no link for lines without a salesperson: the details cannot filter on "none"
            keep = {"category": category} if category else {}
            r["details_query"] = (
                urlencode({"from": date_from, "to": date_to, by: r["key"], **keep})
                if r["key"]
                else None
            )
    label = {"sales": "销售汇总", "purchase": "采购汇总"}[kind] if not margin else "毛利分析"
    if wants_xlsx(request) and not error:
        columns = trade.summary_columns(kind, by)
        columns = _cost_columns(request, columns, {"cost", "margin", "margin_pct"})
        return _export(
            request,
            f"{label}_{date_from}_{date_to}.xlsx",
            label,
            columns,
            data["items"],
            data["totals"],
            period=period_text(date_from, date_to),
        )
    chart_rows = sorted(
        data["items"], key=lambda r: -Decimal(r.get("margin" if margin else "amount") or 0)
    )
    if by == "period":
        chart_rows = data["items"]
    chart = (
        _bars(
            chart_rows,
            "period" if by == "period" else "name",
            "margin" if margin else "amount",
            limit=20,
            horizontal=by != "period",
        )
        if data["items"]
        else None
    )
    return render(
        request,
        "web/reports/trade_summary.html",
        {
            "kind": kind,
            "by": by,
            "data": data,
            "date_from": date_from,
            "date_to": date_to,
            "error": error,
            "margin": margin,
            "chart": chart,
            "by_choices": BY_CHOICES,
            "categories": categories,
            "category": category,
            "may_details": _kind_allowed(
                request, kind
            ),  # the margin report reaches cost users without sales
            "export_query": _query(request, format="xlsx"),
        },
        status=422 if error else 200,
    )


@page()
def trade_summary(request, kind):
    if kind not in KIND_PERMS:
        raise Http404
    if not _kind_allowed(request, kind):
        return forbidden(request)
    return _trade_summary(request, kind, margin=False)


@page(VIEW_COST)
def margin_report(request):
    return _trade_summary(request, "sales", margin=True)


@page()
def trade_details(request, kind):
    if kind not in KIND_PERMS:
        raise Http404
    if not _kind_allowed(request, kind):
        return forbidden(request)
    user = request.user
    filters = {
        k: (request.GET.get(k) or "").strip() or None for k in ("partner", "item", "salesperson")
    }
    categories, category = category_choice(request)
    data, error = {"items": [], "totals": {}}, None
    try:
        date_from, date_to = period_param(request)
        data = mask_cost(
            user,
            trade.details(
                kind,
                date_from,
                date_to,
                **filters,
                warehouse_ids=warehouse_scope(user),
                categories=category_ids(category),
            ),
        )
    except DomainError as exc:
        error = error_message(exc)
        date_from, date_to = this_month()
    for r in data["items"]:
        r["type_label"] = type_label(r["type"])
    label = "销售明细" if kind == "sales" else "采购明细"
    if wants_xlsx(request) and not error:
        columns = trade.detail_columns(kind, with_type=True)
        columns = _cost_columns(request, columns, {"cost", "margin", "margin_pct"})
        return _export(
            request,
            f"{label}_{date_from}_{date_to}.xlsx",
            label,
            columns,
            data["items"],
            data["totals"],
            period=period_text(date_from, date_to),
        )
    pager = Paginator(data["items"], 100).get_page(request.GET.get("page"))
    return render(
        request,
        "web/reports/trade_details.html",
        {
            "kind": kind,
            "data": data,
            "rows": pager,
            "page": pager,
            "filters": filters,
            "categories": categories,
            "category": category,
            "date_from": date_from,
            "date_to": date_to,
            "error": error,
            "page_query": _query(request),
            "export_query": _query(request, format="xlsx"),
        },
        status=422 if error else 200,
    )
