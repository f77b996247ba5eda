"""The 期初 page: opening stock, receivables, payables and account balances, with the live
试算平衡 panel. Thin: every write is posting.opening_balances / documents.services / the engine;
after each change the section and the check panel are sent back (HTMX swaps both), or the page
is reloaded without JavaScript."""

import re

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from openjxc.core.errors import DomainError
from openjxc.core.numbers import fen_str
from openjxc.documents.access import may_use_type
from openjxc.documents.opening import go_live
from openjxc.documents.selectors import get_document
from openjxc.documents.types import STATUS_LABELS, TYPES, opening_type
from openjxc.partners.selectors import search_partners
from openjxc.posting import opening_balances as opening
from openjxc.posting.drafts import save_draft
from openjxc.posting.engine import cancel
from openjxc.users.services import APPROVE, CANCEL, EDIT, MONEY, can

from .decorators import forbidden, page
from .errors import error_message
from .nav import may_open

TABS = ("stock", "receivable", "payable", "accounts")
TAB_LABELS = {code: TYPES[opening_type(code)].plural for code in TABS}


def _tab(request) -> str:
    tab = request.POST.get("tab") or request.GET.get("tab") or "stock"
    return tab if tab in TABS else "stock"


def _document_rows(of: str) -> list[dict]:
    return [
        {
            "number": d.number,
            "status": d.status,
            "status_name": STATUS_LABELS.get(d.status, d.status),
            "partner": f"{d.partner.code} {d.partner.name}" if d.partner_id else "",
            "warehouse": d.warehouse.name if d.warehouse_id else "",
            "date": d.origin_date.isoformat() if d.origin_date else d.date.isoformat(),
            "due_date": d.due_date.isoformat() if d.due_date else "",
            "amount": fen_str(d.amount_incl_tax),
        }
        for d in opening.opening_documents(of)
    ]


def _context(request, tab: str, **extra) -> dict:
    user = request.user
    closed = opening.first_period_closed()
    may_write = not closed and can(user, EDIT) and can(user, APPROVE)
    ctx = {
        "tab": tab,
        "tabs": [(code, TAB_LABELS[code]) for code in TABS],
        "go_live": go_live(),
        "closed": closed,
        "check": opening.opening_check(),
        "may_write": may_write and may_use_type(user, opening_type(tab)),
        "may_cancel": not closed and can(user, CANCEL) and may_use_type(user, opening_type(tab)),
        "form": {},
        "error": None,
        **extra,
    }
    if tab == "accounts":
        ctx["accounts"] = _typed(opening.account_rows(), ctx["form"])
    else:
        ctx["documents"] = _document_rows(tab)
    if tab in ("receivable", "payable"):
        kind = TYPES[opening_type(tab)].partner
        ctx["partners"] = search_partners(kind, active_only=True)
        ctx["import_kind"] = f"opening_{tab}s"
    if tab == "stock":
        ctx["new_url"] = reverse("doc_new", kwargs={"doc_type": opening_type("stock")})
        ctx["import_kind"] = "opening"
    return ctx


def _typed(rows: list[dict], form: dict) -> list[dict]:
    """The account rows with what the user typed (kept after a refusal)."""
    for row in rows:
        if not row["control"] and form:
            row["debit"] = form.get(f"debit_{row['code']}", "")
            row["credit"] = form.get(f"credit_{row['code']}", "")
        row["invalid"] = row["code"] == form.get("_invalid")
    return rows


def _section(request, tab: str, status: int = 200, **extra):
    """The section (and, for HTMX, the check panel out of band), or the whole page."""
    ctx = _context(request, tab, **extra)
    name = "web/opening/_section.html" if request.htmx else "web/opening/page.html"
    return render(request, name, ctx, status=status)


@page(MONEY)
def opening_page(request):
    if not may_open(request.user):
        return forbidden(request)
    return _section(request, _tab(request))


@page(MONEY)
def opening_check(request):
    """The 试算平衡 panel alone (for a refresh)."""
    if not may_open(request.user):
        return forbidden(request)
    return render(request, "web/opening/_check.html", {"check": opening.opening_check()})


def _done(request, tab: str, text: str):
    if request.htmx:
        return _section(request, tab, notice=text)
    messages.success(request, text)
    return redirect(f"{reverse('opening')}?tab={tab}")


def _refused(request, tab: str, exc: DomainError, form: dict):
    if not request.htmx:
        messages.error(request, error_message(exc))
        return redirect(f"{reverse('opening')}?tab={tab}")
    return _section(request, tab, status=exc.status, error=error_message(exc), form=form)


@page(MONEY)
def opening_item_add(request, of):
    """Add an opening receivable or payable (created and approved in one transaction)."""
    if of not in ("receivable", "payable") or request.method != "POST":
        raise Http404(of)
    if not may_open(request.user):
        return forbidden(request)
    form = {k: (request.POST.get(k) or "").strip() for k in ("partner", "amount", "date", "due")}
    body = {
        "type": opening_type(of),
        "partner": form["partner"] or None,
        "amount": form["amount"] or None,
    }
    if form["date"]:
        body["date"] = form["date"]
    if form["due"]:
        body["due_date"] = form["due"]
    try:
        number, _approved = save_draft(request.user, body, approve_it=True)
    except DomainError as exc:
        return _refused(request, of, exc, form)
    return _done(request, of, _("Approved %(number)s.") % {"number": number})


@page(MONEY)
def opening_cancel(request, number):
    """作废 an opening document (a correction while the first period is open)."""
    if request.method != "POST":
        raise Http404(number)
    if not may_open(request.user):
        return forbidden(request)
    try:
        doc = get_document(number)
    except DomainError:
        raise Http404(number) from None
    if not TYPES[doc.type].opening:
        raise Http404(number)
    tab = TYPES[doc.type].opening
    try:
        cancel(request.user, number, _("Opening balance corrected"))
    except DomainError as exc:
        return _refused(request, tab, exc, {})
    return _done(request, tab, _("Cancelled %(number)s.") % {"number": number})


def _account_entries(post) -> list[dict]:
    """The typed balances of the form: one entry per account with a debit or credit."""
    entries = []
    for code in post.getlist("account"):
        entry = {"account": code}
        for side in ("debit", "credit"):
            value = (post.get(f"{side}_{code}") or "").strip()
            if value:
                entry[side] = value
        if len(entry) > 1:
            entries.append(entry)
    return entries


def _refused_account(exc: DomainError, entries: list[dict]) -> str:
    """The account a refusal is about: named in its details, or by its field ("[2].debit")."""
    details = exc.details or {}
    found = re.match(r"\[(\d+)\]", str(details.get("field", "")))
    if details.get("account"):
        return str(details["account"])
    return entries[int(found[1])]["account"] if found and int(found[1]) < len(entries) else ""


@page(MONEY)
def opening_accounts_save(request):
    if request.method != "POST":
        raise Http404
    if not may_open(request.user):
        return forbidden(request)
    form = {k: v for k, v in request.POST.items() if k.startswith(("debit_", "credit_"))}
    entries = _account_entries(request.POST)
    try:
        result = opening.set_account_balances(request.user, entries)
    except DomainError as exc:
        form["_invalid"] = _refused_account(exc, entries)
        return _refused(request, "accounts", exc, form)
    return _done(
        request,
        "accounts",
        _("Saved the opening account balances (%(number)s).")
        % {"number": result["document"] or "—"},
    )


@page(MONEY)
def opening_accounts_preview(request):
    """What the check would show with the typed balances, before saving them."""
    if request.method != "POST":
        raise Http404
    if not may_open(request.user):
        return forbidden(request)
    try:
        check = opening.preview_check(_account_entries(request.POST))
    except DomainError as exc:
        check = {**opening.opening_check(), "error": error_message(exc)}
    return render(request, "web/opening/_check.html", {"check": check, "preview": True})
