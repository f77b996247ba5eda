"""Receivables and payables (应收应付), aging (账龄) and statements (对账单)."""

from urllib.parse import urlencode

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from openjxc.core.errors import DomainError
from openjxc.documents.access import partner_kinds
from openjxc.documents.types import type_label
from openjxc.partners.models import Partner
from openjxc.partners.selectors import search_partners
from openjxc.reports import dashboard, money
from openjxc.reports.excel import period_text
from openjxc.users.services import (
    MONEY,
    PURCHASE,
    SALES,
)

from .decorators import page
from .errors import error_message
from .params import date_param, period_param, this_month, today, wants_xlsx
from .report_helpers import _bars, _export, _query


def _partner_kinds(user) -> list[str]:
    return partner_kinds(user)


@page(MONEY, SALES, PURCHASE)
def receivables(request):
    kinds = _partner_kinds(request.user)
    kind = request.GET.get("kind") if request.GET.get("kind") in kinds else None
    data = dashboard.receivables_summary(kinds, kind)
    rows, totals = data["items"], data["totals"]
    if wants_xlsx(request):
        for r in rows:
            r["kind_label"] = "客户" if r["partner_kind"] == Partner.CUSTOMER else "供应商"
        columns = [
            ("kind_label", gettext_lazy("Kind")),
            ("partner", gettext_lazy("Partner code")),
            ("partner_name", gettext_lazy("Partner")),
            ("receivable", gettext_lazy("Receivable")),
            ("payable", gettext_lazy("Payable")),
            ("net", gettext_lazy("Net")),
            ("open_items", gettext_lazy("Open documents (count)")),
            ("oldest", gettext_lazy("Oldest document date")),
        ]
        return _export(
            request,
            "应收应付.xlsx",
            "应收应付",
            columns,
            rows,
            totals,
            period=period_text(today()),
        )
    return render(
        request,
        "web/reports/receivables.html",
        {
            "rows": rows,
            "totals": totals,
            "kinds": kinds,
            "kind": kind,
            "today": today(),
            "export_query": _query(request, format="xlsx"),
        },
    )


@page(MONEY, SALES, PURCHASE)
def aging(request):
    kinds = _partner_kinds(request.user)
    allowed = [
        k
        for k, p in (("receivable", Partner.CUSTOMER), ("payable", Partner.SUPPLIER))
        if p in kinds
    ]
    kind = request.GET.get("kind") if request.GET.get("kind") in allowed else allowed[0]
    basis = request.GET.get("basis") if request.GET.get("basis") in money.BASES else "date"
    error, data = None, {"items": [], "totals": {}}
    try:
        as_of = date_param(request, "as_of", today())
        data = money.aging(kind, as_of, basis)
    except DomainError as exc:
        error, as_of = error_message(exc), today()
    buckets = [label for label, _limit in money.BUCKETS]
    if basis == "due_date":
        buckets.insert(0, money.NOT_DUE)
    if wants_xlsx(request) and not error:
        columns = [
            ("partner", gettext_lazy("Partner code")),
            ("partner_name", gettext_lazy("Partner")),
            ("total", gettext_lazy("Open total")),
        ] + [(b, "未到期" if b == money.NOT_DUE else f"{b}天") for b in buckets]
        name = "应收账龄" if kind == "receivable" else "应付账龄"
        return _export(
            request,
            f"{name}_{as_of}.xlsx",
            name,
            columns,
            data["items"],
            data["totals"],
            period=period_text(as_of),
            formats=dict.fromkeys(buckets, "money"),
        )
    partner_kind = Partner.CUSTOMER if kind == "receivable" else Partner.SUPPLIER
    for r in data["items"]:
        r["cells"] = [r[b] for b in buckets]
    chart_rows = [
        {
            "label": _("Not yet due") if b == money.NOT_DUE else b,
            "amount": data["totals"].get(b, "0"),
        }
        for b in buckets
    ]
    return render(
        request,
        "web/reports/aging.html",
        {
            "data": data,
            "kind": kind,
            "kinds": allowed,
            "basis": basis,
            "not_due": money.NOT_DUE,
            "as_of": as_of,
            "buckets": buckets,
            "error": error,
            "partner_kind": partner_kind,
            "total_cells": [data["totals"].get(b) for b in buckets],
            "chart": _bars(chart_rows, "label", "amount") if data["items"] else None,
            "export_query": _query(request, format="xlsx"),
        },
        status=422 if error else 200,
    )


def _statement_columns() -> list[tuple[str, str]]:
    """The 对账单 sheet's columns, headed in the user's language like the page."""
    return [
        ("date", _("Date")),
        ("document", _("Document")),
        ("type_label", _("Type")),
        ("kind_label", _("Receivable or payable")),
        ("amount", _("Amount")),
        ("balance", _("Balance")),
    ]


@page(MONEY, SALES, PURCHASE)
def statements(request):
    kinds = _partner_kinds(request.user)
    kind = request.GET.get("kind") if request.GET.get("kind") in kinds else kinds[0]
    partners = list(search_partners(kind))
    code = (request.GET.get("partner") or "").strip()
    partner = next((p for p in partners if p.code == code), None) if code else None
    data, error = None, None
    try:
        date_from, date_to = period_param(request)
        if partner is not None:
            data = money.statement([partner.id], date_from, date_to)
    except DomainError as exc:
        error = error_message(exc)
        date_from, date_to = this_month()
    if data is not None:
        for r in data["lines"]:
            r["type_label"] = type_label(r["type"])
            r["kind_label"] = _("receivable") if r["kind"] == "receivable" else _("payable")
        if wants_xlsx(request):
            title = _("Statement")
            return _export(
                request,
                f"{title}_{partner.code}_{date_from}_{date_to}.xlsx",
                title,
                _statement_columns(),
                data["lines"],
                period=period_text(date_from, date_to),
            )
    print_url = None
    if partner is not None:
        print_url = (
            reverse("statement", kwargs={"kind": kind, "code": partner.code})
            + "?"
            + urlencode({"from": date_from, "to": date_to})
        )
    return render(
        request,
        "web/reports/statements.html",
        {
            "kinds": kinds,
            "kind": kind,
            "partners": partners,
            "partner": partner,
            "data": data,
            "error": error,
            "date_from": date_from,
            "date_to": date_to,
            "print_url": print_url,
            "balance_kind": "receivable" if kind == Partner.CUSTOMER else "payable",
            "export_query": _query(request, format="xlsx"),
        },
        status=422 if error else 200,
    )
