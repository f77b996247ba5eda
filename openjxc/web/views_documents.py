"""Document pages: lists per type, detail (approve, derive, close), print; entry is views_entry.

Thin views: every write goes through documents.services / posting (which check permissions and
business rules); a DomainError re-renders the form with the user's input and the message."""

import datetime as dt

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from openjxc.core.errors import DomainError
from openjxc.core.numbers import fen_str
from openjxc.documents import workflow
from openjxc.documents.access import (
    hides_prices,
    mask_document,
    may_read_type,
    may_use_type,
    readable_numbers,
    require_readable,
    visible,
)
from openjxc.documents.models import Document, DocumentLine
from openjxc.documents.selectors import document_dict, get_document, list_documents
from openjxc.documents.services import delete_draft
from openjxc.documents.types import STATUS_LABELS, TYPES, type_label
from openjxc.posting.engine import approve
from openjxc.posting.orders import close_order
from openjxc.reports.excel import query_filters, query_period, xlsx_response
from openjxc.reports.money import margin
from openjxc.users.masking import sees_cost
from openjxc.users.services import (
    APPROVE,
    CANCEL,
    EDIT,
    EXPORT,
    REVERSE,
    can,
)

from .decorators import forbidden, page
from .doc_common import MARGIN_TYPES, _doc_type, _incl, _percent
from .errors import error_message
from .views_entry import _approved_messages, _derive, _entry, _form_data, _save

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
    rows = [
        {
            "doc": d,
            "type_name": type_label(d.type),
            "status_name": STATUS_LABELS.get(d.status, d.status),
            "amount": "—" if hides_prices(request.user, d.type) else fen_str(d.amount_incl_tax),
        }
        for d in page_
    ]
    types = [
        (t.code, str(t.label))
        for t in TYPES.values()
        if t.posts and may_read_type(request.user, t.code)
    ]
    return render(
        request,
        "web/documents.html",
        {
            "rows": rows,
            "page": page_,
            "types": types,
            "type": doc_type,
            "status": status,
            "statuses": STATUS_LABELS.items(),
        },
    )


# ---------------------------------------------------------------- helpers


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


def _date(value):
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


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
    date_from, date_to = _date(request.GET.get("from")), _date(request.GET.get("to"))
    base = visible(user, list_documents(type=doc_type, date_from=date_from, date_to=date_to))
    if q:
        lines = DocumentLine.objects.filter(
            Q(item__code__icontains=q)
            | Q(item__name__icontains=q)
            | Q(item__barcode=q)
            | Q(item__pinyin__icontains=q.lower())
        ).values("document_id")
        base = base.filter(
            Q(number__icontains=q)
            | Q(partner__code__icontains=q)
            | Q(partner__name__icontains=q)
            | Q(memo__icontains=q)
            | Q(id__in=lines)
        )
    counts = dict(base.order_by().values_list("status").annotate(n=Count("id")))
    qs = base.filter(status=status) if status else base
    total = qs.aggregate(amount=Sum("amount"), tax=Sum("tax"), gross=Sum("amount_incl_tax"))
    totals = {
        k: "—" if hides_prices(request.user, doc_type) else fen_str(v or 0)
        for k, v in total.items()
    }
    rows = [
        {
            "number": d.number,
            "date": d.date.isoformat(),
            "partner": d.partner.name if d.partner_id else "",
            "warehouse": d.warehouse.name if d.warehouse_id else "",
            "to_warehouse": d.to_warehouse.name if d.to_warehouse_id else "",
            **(
                {k: "—" for k in ("amount", "tax", "amount_incl_tax")}
                if hides_prices(request.user, d.type)
                else {
                    "amount": fen_str(d.amount),
                    "tax": fen_str(d.tax),
                    "amount_incl_tax": fen_str(d.amount_incl_tax),
                }
            ),
            "status": d.status,
            "status_name": STATUS_LABELS.get(d.status, d.status),
            "memo": d.memo,
            "salesperson": d.salesperson,
        }
        for d in (
            qs
            if request.GET.get("export") == "xlsx"
            else Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
        )
    ]
    if request.GET.get("export") == "xlsx":
        if not can(user, EXPORT):
            return forbidden(request)
        columns = [("number", "单据编号"), ("date", "日期")]
        if t.partner:
            columns.append(("partner", "客户" if t.partner == "customer" else "供应商"))
        if t.warehouse:
            columns.append(("warehouse", "仓库"))
        if t.to_warehouse:
            columns.append(("to_warehouse", "调入仓库"))
        if t.priced or t.kind == "money":
            columns += [("amount", "金额"), ("tax", "税额"), ("amount_incl_tax", "价税合计")]
        columns += [("status_name", "状态"), ("memo", "备注")]
        return xlsx_response(
            f"{t.label}.xlsx",
            str(t.label),
            columns,
            rows,
            totals if t.priced or t.kind == "money" else None,
            period=query_period(request.GET),
            filters=query_filters(request.GET),
        )
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
            "rows": rows,
            "page": page_,
            "tabs": tabs,
            "status": status,
            "keep": keep,
            "totals": totals,
            "show_amounts": t.priced or t.kind == "money",
            "can_edit": can(user, EDIT) and may_use_type(user, doc_type),
            "can_export": can(user, EXPORT),
        },
    )


# ---------------------------------------------------------------- detail


@page()
def doc_detail(request, number):
    doc, denied = _load(request, number)
    if denied:
        return denied
    t = TYPES[doc.type]
    user = request.user
    if request.method == "POST":
        return _detail_post(request, doc, t)
    if doc.status == Document.DRAFT and _may_edit(user, doc):
        return _entry(request, t, _form_data(doc, _incl()), doc)
    return _detail(request, doc, t)


def _may_edit(user, doc) -> bool:
    """Edit, approve and cancel need the type's own area; a reading area only sees the document.
    A draft without item lines (an opening receivable) is edited through the API or 期初 page."""
    return can(user, EDIT) and may_use_type(user, doc.type) and TYPES[doc.type].kind != "ledger"


def _doc_data(doc) -> dict:
    data = document_dict(doc)
    for ln in data["lines"]:
        ln["tax_percent"] = _percent(ln["tax_rate"])
    return data


def _detail(request, doc, t, error=None, status=200, notice=None):
    user = request.user
    data = mask_document(user, _doc_data(doc), "—")
    posted = doc.status in Document.POSTED
    writable = may_use_type(user, doc.type)
    actions = []
    if posted and doc.status not in (Document.REVERSED,) and writable:
        for action, perm, label in (
            ("cancel", CANCEL, _("Cancel (void)")),
            ("reverse", REVERSE, _("Reverse")),
            ("cancel-chain", CANCEL, _("Cancel chain")),
        ):
            if action == "cancel-chain" and t.kind not in ("order", "stock") or not can(user, perm):
                continue
            if action == "reverse" and t.kind == "order":
                continue
            if not workflow.can(doc, action.replace("-", "_")):
                continue  # e.g. an opening balance is cancelled, never reversed
            url = _link("doc_impact", number=doc.number, action=action)
            if url:
                actions.append({"label": label, "url": url, "action": action})
    derive_to = []
    if doc.status in (Document.APPROVED, Document.PARTIAL) and can(user, EDIT):
        derive_to = [
            (code, str(tt.label))
            for code, tt in TYPES.items()
            if tt.posts and doc.type in tt.source_types and may_use_type(user, code)
        ]
    margin_info = None
    if doc.type in MARGIN_TYPES and sees_cost(user) and doc.lines.exists():
        margin_info = margin(doc)
    allocations = []
    if t.kind == "money" or t.partner:
        from openjxc.ledger.models import Allocation

        allocations = [
            {
                "number": a.target.number if a.source_id == doc.id else a.source.number,
                "amount": fen_str(a.amount),
                "date": a.date.isoformat(),
            }
            for a in Allocation.objects.filter(Q(source=doc) | Q(target=doc))
            .select_related("source", "target")
            .order_by("date", "id")
        ]
    derived = list(Document.objects.filter(source=doc).order_by("date", "id"))
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
            "derive_to": derive_to,
            "margin": margin_info,
            "status_name": STATUS_LABELS.get(doc.status, doc.status),
            "error": notice or (error_message(error) if error else None),
            "can_approve": writable
            and can(user, APPROVE)
            and doc.status in (Document.DRAFT, Document.PENDING),
            "can_close": writable
            and can(user, APPROVE)
            and t.kind == "order"
            and doc.status in (Document.APPROVED, Document.PARTIAL),
            "allocations": allocations,
            "derived": derived,
            "linked": linked,
            "account_name": doc.account.name if doc.account_id else "",
            "maker": doc.created_by.username if doc.created_by_id else "",
            "approver": doc.approved_by.username if doc.approved_by_id else "",
        },
        status=status,
    )


def _detail_post(request, doc, t):
    user = request.user
    action = request.POST.get("action")
    if action in ("save", "approve") and "date" in request.POST:  # the entry form
        if not _may_edit(user, doc):
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
        if doc.status == Document.DRAFT and _may_edit(user, doc):
            return _entry(request, t, _form_data(doc, _incl()), doc, exc, status=exc.status)
        return _detail(request, doc, t, exc, status=exc.status)
    return redirect("doc_detail", number=doc.number)
