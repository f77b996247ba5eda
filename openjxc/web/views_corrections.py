"""Corrections (红冲蓝补) on the web: the entry form filled with an approved document, its impact
preview (both halves and the net effect), the correction page (approve, undo) and the list.

Thin views: every write goes through posting/corrections.py (which checks permissions, maker ≠
checker and business rules); a DomainError shows the page again with the message."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from openjxc.core.errors import DomainError
from openjxc.core.numbers import fen_str
from openjxc.documents.access import (
    hides_prices,
    keep_hidden_prices,
    may_use_type,
    readable_numbers,
)
from openjxc.documents.models import Correction
from openjxc.documents.selectors import entry_dict, prices_include_tax
from openjxc.documents.types import STATUS_LABELS, TYPES, type_label
from openjxc.posting import corrections
from openjxc.users.services import REVERSE, can

from .correction_links import CORRECTION_STATUS, ROLES, correction_row, may_correct
from .decorators import forbidden, page
from .errors import error_message
from .settlement_links import _blocked_error, doc_url
from .views_documents import _load
from .views_entry import _body_from_post, _entry, _posted_form_data
from .views_impact import _backup_taken, _readable

PAGE_SIZE = 50


# ---------------------------------------------------------------- the form and its preview


def _form(request, doc, data, form, error=None, impact=None, status=200):
    """The entry form in correction mode: the reason, the correction date and the preview."""
    extra = {"correcting": True, "correction": form, "impact": impact}
    return _entry(request, TYPES[doc.type], data, doc, error, status=status, extra=extra)


def _readable_preview(user, result: dict) -> dict:
    """The preview with names and cost masked: each half (the service's steps: red takes the
    original out — a red reversal, or its cancel in an open period — blue re-enters it
    corrected) and the net effect, its vouchers summed per account."""
    blocked = _blocked_error(result.get("blocked_by"))
    steps = {s["step"]: s for s in result.get("steps") or []}
    return {
        "allowed": result.get("allowed", True),
        "blocked_message": error_message(blocked) if blocked else None,
        "blocked_code": blocked.code if blocked else None,
        "red": _readable(user, steps["red"], []) if "red" in steps else None,
        "blue": _readable(user, steps["blue"], []) if "blue" in steps else None,
        "net": _readable(user, {**result, "vouchers": _net_voucher(result)}, []),
    }


def _net_voucher(result: dict) -> list[dict]:
    """The net effect on the general ledger as one voucher-like table: each account's sum over
    both halves' vouchers, on the side it nets to (none when everything cancels out)."""
    lines = [
        {
            "account": a["account"],
            "account_name": a["account_name"],
            "debit": "0.00" if a["net_debit"].startswith("-") else a["net_debit"],
            "credit": a["net_debit"].removeprefix("-")
            if a["net_debit"].startswith("-")
            else "0.00",
        }
        for a in result.get("net_accounts") or []
    ]
    return [{"date": "", "kind": "net", "memo": "", "lines": lines}] if lines else []


@page(REVERSE)
def doc_correct(request, number):
    """GET: the form filled with the document; POST preview: the impact of both halves (nothing
    changes); POST correct: the correction, waiting for approval."""
    doc, denied = _load(request, number)
    if denied:
        return denied
    user = request.user
    if not may_correct(user, doc):
        if not may_use_type(user, doc.type):
            return forbidden(request)
        messages.error(request, _("%(number)s cannot be corrected.") % {"number": doc.number})
        return redirect("doc_detail", number=doc.number)
    if request.method != "POST":
        form = {"reason": "", "date": ""}
        return _form(request, doc, entry_dict(doc, prices_include_tax()), form)
    t = TYPES[doc.type]
    body = _body_from_post(request.POST, t, prices_include_tax())
    body.pop("version", None)
    if hides_prices(user, t.code):
        keep_hidden_prices(doc, body)
    form = {
        "reason": (request.POST.get("reason") or "").strip(),
        "date": (request.POST.get("correction_date") or "").strip(),
    }
    data = _posted_form_data(body, request.POST)
    data.update(number=doc.number, status=doc.status)
    try:
        if request.POST.get("action") == "preview":
            result = corrections.preview(user, doc.number, body, form["date"] or None)
            return _form(request, doc, data, form, impact=_readable_preview(user, result))
        c = corrections.propose(user, doc.number, form["reason"], body, form["date"] or None)
    except DomainError as exc:
        return _form(request, doc, data, form, exc, status=exc.status)
    messages.success(
        request,
        _("Correction %(id)s of %(number)s is waiting for approval.")
        % {"id": c.id, "number": doc.number},
    )
    return redirect("correction_detail", correction_id=c.id)


# ---------------------------------------------------------------- the correction page


def _get(request, correction_id: int):
    """(correction, None) or (None, response): 404 for an unknown id, 403 when the user may not
    read its original document."""
    try:
        return corrections.get(request.user, correction_id), None
    except DomainError as exc:
        if exc.code == "forbidden":
            return None, forbidden(request)
        raise Http404(correction_id) from exc


def _documents(user, c: Correction) -> list[dict]:
    """Its documents (original, red, blue, and after undo the blue's reversal and the restored
    original): type, date, status, amount (masked as cost)."""
    docs = [(role, getattr(c, role)) for role in ROLES if getattr(c, role) is not None]
    readable = readable_numbers(user, [d.number for _role, d in docs])
    rows = []
    for role, d in docs:
        rows.append(
            {
                "role": role,
                "role_label": ROLES[role],
                "number": d.number,
                "url": doc_url(d.number) if d.number in readable else None,
                "type": type_label(d.type),
                "date": d.date,
                "status": d.status,
                "status_label": STATUS_LABELS.get(d.status, d.status),
                "amount": "—" if hides_prices(user, d.type) else fen_str(d.amount_incl_tax),
            }
        )
    return rows


@page()
def correction_detail(request, correction_id: int):
    c, denied = _get(request, correction_id)
    if denied:
        return denied
    error = None
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "approve":
                c, backup_id = corrections.approve(request.user, c.id)
                messages.success(request, _("Correction %(id)s approved.") % {"id": c.id})
            elif action == "undo":
                reason = (request.POST.get("reason") or "").strip()
                c, backup_id = corrections.undo(request.user, c.id, reason)
                messages.success(request, _("Correction %(id)s undone.") % {"id": c.id})
            else:
                raise Http404(action)
        except DomainError as exc:
            error = exc
        else:
            _backup_taken(request, backup_id)
            return redirect("correction_detail", correction_id=c.id)
        c, _denied = _get(request, correction_id)
    user = request.user
    row = correction_row(c)
    may_act = can(user, REVERSE) and may_use_type(user, c.original.type)
    return render(
        request,
        "web/corrections/detail.html",
        {
            "c": row,
            "documents": _documents(user, c),
            "can_approve": may_act
            and c.status == "pending_approval"
            and not corrections.needs_other_approver(c, user),
            "awaits_other": c.status == "pending_approval"
            and corrections.needs_other_approver(c, user),
            "can_undo": may_act and c.status == "approved",
            "error": error_message(error) if error else None,
            "undo_reason": (request.POST.get("reason") or "") if error else "",
        },
        status=error.status if error else 200,
    )


@page()
def correction_list(request):
    """更正记录: the corrections of the documents the user may read, newest first."""
    status = request.GET.get("status") or ""
    found = corrections.list_corrections(
        request.user, status if status in CORRECTION_STATUS else None
    )
    page_ = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {**correction_row(c), "type": type_label(c.original.type), "date": c.original.date}
        for c in page_
    ]
    linked = readable_numbers(request.user, [r[role] for r in rows for role in ROLES])
    return render(
        request,
        "web/corrections/list.html",
        {
            "rows": rows,
            "page": page_,
            "status": status,
            "statuses": CORRECTION_STATUS.items(),
            "linked": linked,
        },
    )
