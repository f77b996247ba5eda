"""Dashboard (首页): today's figures, what waits, the data-check card loaded after the page."""

import datetime as dt
from urllib.parse import urlencode

from django.shortcuts import render
from django.urls import reverse

from openjxc.closing.checks import reconcile
from openjxc.documents.access import partner_kinds
from openjxc.documents.types import STATUS_LABELS, type_label
from openjxc.inventory.selectors import warehouse_scope
from openjxc.reports import dashboard
from openjxc.users.masking import mask_cost, sees_cost
from openjxc.users.services import (
    MONEY,
    SALES,
    VIEW_COST,
    can,
)

from .decorators import page
from .params import today
from .report_helpers import _bars
from .views_trade_reports import KIND_PERMS


@page()
def home(request):
    user, day = request.user, today()
    sales_ok = can(user, SALES) or can(user, MONEY) or can(user, VIEW_COST)
    context = {"today": day, "may_sales_summary": any(can(user, p) for p in KIND_PERMS["sales"])}
    if sales_ok:
        figures = mask_cost(user, dashboard.sales_figures(day, warehouse_scope(user)))
        trend = dashboard.sales_trend(day - dt.timedelta(days=29), day)
        context.update(
            figures=figures,
            chart=_bars(trend["days"], "label", "amount", limit=30),
            trend_total=trend["total"],
        )
    if "customer" in partner_kinds(user):  # receivables are customers' balances
        context["due"] = dashboard.receivables_due(day)
    context["low_stock"] = dashboard.low_stock(warehouse_scope(user))
    waiting = dashboard.waiting_documents(user)
    for w in waiting:
        w["label"] = type_label(w["type"])
        w["status_label"] = STATUS_LABELS.get(w["status"], w["status"])
        w["url"] = (
            reverse("documents") + "?" + urlencode({"type": w["type"], "status": w["status"]})
        )
    context["waiting"] = waiting
    context["waiting_total"] = sum(w["count"] for w in waiting)
    return render(request, "web/home.html", context)


@page()
def home_check(request):
    """The dashboard's data-check card, loaded after the page: reconcile reads every ledger."""
    check = reconcile(deep=False)
    if not sees_cost(request.user):  # the problems quote stock values and account balances
        check = {"ok": check["ok"], "problems": [{"message": "—"} for _ in check["problems"]]}
    return render(request, "web/reports/_data_check.html", {"check": check})
