"""Document pages: lists per type, detail (approve, derive, close); the entry form is
views_entry, the prints views_print.

Thin views: reads through documents.selectors (what a user may do: documents.access), every
write through documents.services / posting (which check permissions and business rules); a
DomainError re-renders the form with the user's input and the message."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from openjxc.core.errors import DomainError
from openjxc.documents import workflow
from openjxc.documents.access import (
    AWAITING_APPROVAL,
    awaiting_approval_text,
    document_actions,
    hides_prices,
    mask_document,
    may_edit,
    may_read_type,
    may_receive,
    readable_numbers,
    require_readable,
    visible,
)
from openjxc.documents.models import Document
from openjxc.documents.selectors import (
    amount_totals,
    derived_documents,
    display_dict,
    entry_dict,
    get_document,
    list_documents,
    list_row,
    prices_include_tax,
    status_counts,
)
from openjxc.documents.services import delete_draft
from openjxc.documents.types import STATUS_LABELS, TYPES
from openjxc.ledger.selectors import document_allocations
from openjxc.posting.engine import approve
from openjxc.posting.orders import close_order
from openjxc.reports.excel import query_filters, query_period, xlsx_response
from openjxc.reports.money import document_margin
from openjxc.users.masking import mask_cost
from openjxc.users.services import EXPORT, can

from .correction_links import in_pending_correction, linked_corrections, may_correct
from .decorators import forbidden, page
from .doc_common import _doc_type
from .errors import error_message
from .params import optional_date_param
from .views_entry import _approved_messages, _derive, _entry, _save

PAGE_SIZE = 50
ORDER_TABS = ["draft", "approved", "partial", "completed", "closed", "cancelled"]
OTHER_TABS = ["draft", "pending_approval", "approved", "cancelled", "reversed"]


@page()
def documents(request):
    """All documents the user may see, filtered by type and status (the header's 单据 link)."""
    doc_type = request.GET.get("type") or None
    status = request.GET.get("status") or None
    qs = visible(
        request.user, list_documents(type=doc_type if doc_type in TYPES else None, status=status)
    )
    page_ = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    types = [
        (t.code, str(t.label))
        for t in TYPES.values()
        if t.posts and may_read_type(request.user, t.code)
    ]
    return render(
        request,
        "web/documents.html",
        {
            "rows": _waiting(
                request.user, mask_cost(request.user, [list_row(d) for d in page_], "—")
            ),
            "page": page_,
            "types": types,
            "type": doc_type,
            "status": status,
            "statuses": STATUS_LABELS.items(),
        },
    )


# ---------------------------------------------------------------- helpers


def _waiting(user, rows: list[dict]) -> list[dict]:
    """Each draft (or pending) row tells a user who cannot approve it who can: 待老板审核."""
    cache: dict = {}
    for r in rows:
        if r["status"] in AWAITING_APPROVAL:
            r["waiting"] = awaiting_approval_text(user, r["type"], cache)
    return rows


def _load(request, number: str):
    """(document, None) or (None, response): 404 for an unknown number, 403 when the user may
    not read it (acting on it is checked by the services)."""
    try:
        doc = get_document(number)
    except DomainError:
        raise Http404(number) from None
    try:
        require_readable(request.user, doc)
    except DomainError:
        return None, forbidden(request)
    return doc, None


def _link(name: str, **kwargs) -> str | None:
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return None


# ---------------------------------------------------------------- lists


@page()
def doc_list(request, doc_type):
    t = _doc_type(doc_type)
    user = request.user
    if not may_read_type(user, doc_type):
        return forbidden(request)
    status = request.GET.get("status") or ""
    q = (request.GET.get("q") or "").strip()
    error = None
    try:
        date_from, date_to = (
            optional_date_param(request, "from"),
            optional_date_param(request, "to"),
        )
    except DomainError as exc:  # unfiltered by date, with the message (200: it lists)
        error, date_from, date_to = error_message(exc), None, None
    where = {"type": doc_type, "date_from": date_from, "date_to": date_to, "search": q}
    counts = status_counts(visible(user, list_documents(**where)))
    qs = visible(user, list_documents(**where, status=status or None))
    totals = amount_totals(qs)
    if hides_prices(user, doc_type):
        totals = dict.fromkeys(totals, "—")
    if request.GET.get("export") == "xlsx":
        if not can(user, EXPORT):
            return forbidden(request)
        return _list_xlsx(request, t, mask_cost(user, [list_row(d) for d in qs], "—"), totals)
    page_ = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    order = ORDER_TABS if t.kind == "order" else OTHER_TABS
    tabs = [{"code": "", "label": _("All"), "count": sum(counts.values())}] + [
        {"code": s, "label": STATUS_LABELS[s], "count": counts.get(s, 0)}
        for s in order
        if counts.get(s) or s in ("draft", "approved")
    ]
    keep = {"q": q, "from": request.GET.get("from") or "", "to": request.GET.get("to") or ""}
    return render(
        request,
        "web/documents/list.html",
        {
            "t": t,
            "rows": _waiting(user, mask_cost(user, [list_row(d) for d in page_], "—")),
            "page": page_,
            "tabs": tabs,
            "status": status,
            "keep": keep,
            "totals": totals,
            "error": error,
            "show_amounts": t.priced or t.kind == "money",
            "can_edit": may_edit(user, doc_type),
            "can_export": can(user, EXPORT),
        },
    )


def _list_xlsx(request, t, rows, totals):
    columns = [("number", gettext_lazy("Document")), ("date", gettext_lazy("Date"))]
    if t.partner:
        columns.append(("partner", "客户" if t.partner == "customer" else "供应商"))
    if t.warehouse:
        columns.append(("warehouse", gettext_lazy("Warehouse")))
    if t.to_warehouse:
        columns.append(("to_warehouse", gettext_lazy("To warehouse")))
    if t.priced or t.kind == "money":
        columns += [
            ("amount", gettext_lazy("Amount")),
            ("tax", gettext_lazy("Tax")),
            ("amount_incl_tax", gettext_lazy("Amount incl. tax")),
        ]
    columns += [("status_name", gettext_lazy("Status")), ("memo", gettext_lazy("Memo"))]
    return xlsx_response(
        f"{t.label}.xlsx",
        str(t.label),
        columns,
        rows,
        totals if t.priced or t.kind == "money" else None,
        period=query_period(request.GET),
        filters=query_filters(request.GET),
    )


# ---------------------------------------------------------------- detail


@page()
def doc_detail(request, number):
    doc, denied = _load(request, number)
    if denied:
        return denied
    t = TYPES[doc.type]
    if request.method == "POST":
        return _detail_post(request, doc, t)
    if document_actions(request.user, doc)["edit"]:
        if t.manual_lines:  # 记账凭证: its own form of account rows
            return redirect("voucher_edit", number=doc.number)
        return _entry(request, t, entry_dict(doc, prices_include_tax()), doc)
    return _detail(request, doc, t)


UNDO_ACTIONS = (  # (URL action, key of document_actions, label)
    ("cancel", "cancel", gettext_lazy("Cancel (void)")),
    ("reverse", "reverse", gettext_lazy("Reverse")),
    ("cancel-chain", "cancel_chain", gettext_lazy("Cancel chain")),
)


def _detail(request, doc, t, error=None, status=200, notice=None):
    user = request.user
    data = mask_document(user, display_dict(doc), "—")
    may = document_actions(user, doc)
    actions = [
        {"label": label, "url": url, "action": action}
        for action, key, label in UNDO_ACTIONS
        if may[key] and (url := _link("doc_impact", number=doc.number, action=action))
    ]
    allocations = document_allocations(doc.id) if t.kind == "money" or t.partner else []
    derived = derived_documents(doc)
    corrections = linked_corrections(user, doc)
    half = in_pending_correction(corrections)  # approved on the correction's page
    if half:
        may = {**may, "approve": False}
    linked = readable_numbers(
        user,
        [data.get("source"), data.get("reversal_of"), data.get("reversal")]
        + [a["number"] for a in allocations]
        + [d.number for d in derived],
    )
    return render(
        request,
        "web/documents/detail.html",
        {
            "t": t,
            "doc": doc,
            "data": data,
            "actions": actions,
            "derive_to": may["derive_to"],
            "margin": document_margin(user, doc),
            "status_name": STATUS_LABELS.get(doc.status, doc.status),
            "error": notice or (error_message(error) if error else None),
            "can_approve": may["approve"],
            "waiting_for": ""
            if may["approve"] or half or doc.status not in AWAITING_APPROVAL
            else awaiting_approval_text(user, doc.type),
            "can_close": may["close"],
            "can_receive": any(ln.get("in_transit_qty", "0") != "0" for ln in data["lines"])
            and may_receive(user, doc),
            "allocations": allocations,
            "derived": derived,
            "linked": linked,
            "account_name": doc.account.name if doc.account_id else "",
            "maker": doc.created_by.username if doc.created_by_id else "",
            "approver": doc.approved_by.username if doc.approved_by_id else "",
            "corrections": corrections,
            "can_correct": may_correct(user, doc),
        },
        status=status,
    )


def _detail_post(request, doc, t):
    user = request.user
    action = request.POST.get("action")
    if action in ("save", "approve") and "date" in request.POST:  # the entry form
        if not may_edit(user, doc.type):
            return forbidden(request)
        if not workflow.can(doc, "edit"):  # approved (or cancelled) in another tab meanwhile
            return _detail(
                request,
                doc,
                t,
                workflow.refusal(doc, "edit"),
                status=409,
                notice=_("This document is already approved and cannot be changed.")
                if doc.status != Document.CANCELLED
                else None,
            )
        return _save(request, t, doc)
    try:
        if action == "approve":
            _approved_messages(request, approve(user, doc.number), doc.number)
        elif action == "delete":
            delete_draft(user, doc.number)
            messages.success(request, _("Deleted %(number)s.") % {"number": doc.number})
            return redirect("doc_list", doc_type=doc.type)
        elif action == "close":
            close_order(user, doc.number, request.POST.get("reason") or "")
            messages.success(request, _("Closed %(number)s.") % {"number": doc.number})
        elif action == "derive":
            return _derive(
                request,
                doc.number,
                request.POST.get("target") or "",
                back=reverse("doc_detail", args=[doc.number]),
            )
        else:
            raise Http404(action)
    except DomainError as exc:
        if doc.status == Document.DRAFT and may_edit(user, doc.type):
            return _entry(
                request, t, entry_dict(doc, prices_include_tax()), doc, exc, status=exc.status
            )
        return _detail(request, doc, t, exc, status=exc.status)
    return redirect("doc_detail", number=doc.number)
