"""Printable statement pages: for users, and through a share link for someone without an account."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from openjxc.core.errors import DomainError
from openjxc.core.services import get_setting
from openjxc.documents.access import partner_kinds
from openjxc.documents.rules import parse_date
from openjxc.documents.types import type_label
from openjxc.partners.models import Partner

from . import money
from .sharing import resolve


def _render(request, partner, date_from, date_to):
    data = money.statement([partner.id], date_from, date_to)
    for line in data["lines"]:
        line["type_label"] = type_label(line["type"])
    return render(
        request,
        "reports/statement.html",
        {"partner": partner, "data": data, "company": get_setting("company_name", "")},
    )


@login_required
def statement_page(request, kind: str, code: str):
    partner = Partner.objects.filter(kind=kind, code=code).first()
    if partner is None:
        raise Http404
    if partner.kind not in partner_kinds(request.user):
        return render(request, "web/403.html", status=403)
    today = timezone.localdate()
    try:
        date_from = parse_date(request.GET.get("from") or today.replace(day=1), "from")
        date_to = parse_date(request.GET.get("to") or today, "to")
    except DomainError:
        raise Http404 from None
    return _render(request, partner, date_from, date_to)


def shared_statement(request, token: str):
    try:
        link = resolve(token)
    except DomainError:
        raise Http404 from None
    return _render(request, link.partner, link.date_from, link.date_to)
