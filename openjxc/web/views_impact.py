"""Impact preview of cancel / reverse / cancel-chain: it runs the real action and rolls it
back (posting/impact.py); POST does it, with the reason."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from openjxc.catalog.selectors import item_names
from openjxc.core.errors import DomainError
from openjxc.documents.access import require_document
from openjxc.documents.models import Document
from openjxc.documents.selectors import derived_documents, get_document
from openjxc.documents.types import STATUS_LABELS, type_label
from openjxc.inventory.selectors import warehouse_names
from openjxc.posting import chain, engine, reversal, settled
from openjxc.posting.impact import preview
from openjxc.users.masking import sees_cost
from openjxc.users.services import (
    CANCEL,
    REVERSE,
    can,
)

from .decorators import forbidden, page
from .errors import error_message
from .settlement_links import _blocked_error, doc_url, stock_ledger_url

VOUCHER_KINDS = {
    "posting": gettext_lazy("Posting"),
    "cancellation": gettext_lazy("Cancellation"),
    "cost_adjustment": gettext_lazy("Cost adjustment"),
    "reversal": gettext_lazy("Reversal"),
    "allocation": gettext_lazy("Allocation"),
    "net": gettext_lazy("Net by account"),
}
OPEN_ITEM_KINDS = {
    "receivable": gettext_lazy("Accounts receivable"),
    "payable": gettext_lazy("Accounts payable"),
}
OPEN_ITEM_ENTRIES = {  # every entry posting/ writes (ledger OpenItemEntry.entry)
    "raise": gettext_lazy("Raised"),
    "cancel": gettext_lazy("Cancelled"),
    "allocation": gettext_lazy("Allocation"),
    "unallocation": gettext_lazy("Undo allocation"),
    "reverse": gettext_lazy("Reversal"),
}
STEP_ACTIONS = {
    "cancel": gettext_lazy("Cancel"),
    "reverse": gettext_lazy("Reverse"),
    "unallocate": gettext_lazy("Undo allocation"),
    "refund": gettext_lazy("Refund"),
}
ACTIONS = {
    "cancel": (gettext_lazy("Cancel (void)"), CANCEL),
    "reverse": (gettext_lazy("Red-letter reversal"), REVERSE),
    "cancel-chain": (gettext_lazy("Cancel chain"), CANCEL),
}

# ---------------------------------------------------------------- impact preview → cancel / reverse / cancel-chain


def _run(user, number: str, action: str, reason: str, date: str | None, refund: bool):
    """The one service call behind each action (the same as the API's)."""
    if action == "cancel":
        return engine.cancel(user, number, reason)
    if action == "reverse":
        return reversal.reverse(user, number, reason, date or None)
    return chain.cancel_chain(user, number, reason, refund, date or None)


def _do(user, number: str, action: str, reason: str, date: str | None, refund: bool):
    """The action itself: a reversal, and a chain reaching a closed period, back up first."""
    if action == "reverse":
        rev, backup_id = settled.reverse(user, number, reason, date or None)
        rev.backup_id = backup_id
        return rev
    if action == "cancel-chain":
        return settled.cancel_chain(user, number, reason, refund, date or None)
    return _run(user, number, action, reason, date, refund)


def _backup_taken(request, backup_id: str | None) -> None:
    if backup_id:
        messages.info(request, _("Backup %(id)s was taken first.") % {"id": backup_id})


def _readable(user, result: dict, steps: list) -> dict:
    """The preview with names, Chinese labels, and cost masked for users without VIEW_COST."""
    show_cost = sees_cost(user)
    touched = result.get("stock", []) + result.get("cost_changes", [])
    items = item_names(r["item"] for r in touched)
    warehouses = warehouse_names(r["warehouse"] for r in touched)
    stock = []
    for r in result.get("stock", []):
        row = {
            **r,
            "item_name": items.get(r["item"], ""),
            "warehouse_name": warehouses.get(r["warehouse"], ""),
            "ledger_url": None if r["in_transit"] else stock_ledger_url(r["item"], r["warehouse"]),
        }
        if not show_cost:
            row.update(value_before=None, value_after=None, value_change=None)
        stock.append(row)
    vouchers = []
    for v in result.get("vouchers", []):
        lines = [
            {
                **ln,
                "debit": ln["debit"] if ln["debit"] != "0.00" else "",
                "credit": ln["credit"] if ln["credit"] != "0.00" else "",
            }
            for ln in v["lines"]
        ]
        if not show_cost:
            lines = [
                {
                    **ln,
                    "debit": "***" if ln["debit"] else "",
                    "credit": "***" if ln["credit"] else "",
                }
                for ln in lines
            ]
        vouchers.append(
            {**v, "kind_label": VOUCHER_KINDS.get(v["kind"], v["kind"]), "lines": lines}
        )
    open_items = [
        {
            **e,
            "kind_label": OPEN_ITEM_KINDS.get(e["kind"], e["kind"]),
            "entry_label": OPEN_ITEM_ENTRIES.get(e["entry"], e["entry"]),
            "url": doc_url(e["document"]),
        }
        for e in result.get("open_items", [])
    ]
    costs = (
        [
            {
                **c,
                "type_label": type_label(c["type"]),
                "item_name": items.get(c["item"], ""),
                "url": doc_url(c["document"]),
            }
            for c in result.get("cost_changes", [])
        ]
        if show_cost
        else []
    )
    readable_steps = [
        {
            **s,
            "label": STEP_ACTIONS.get(s["action"], s["action"]),
            "url": doc_url(s["document"]) if s.get("document") else None,
        }
        for s in steps
    ]
    return {
        "stock": stock,
        "vouchers": vouchers,
        "open_items": open_items,
        "cost_changes": costs,
        "cost_hidden": not show_cost and bool(result.get("cost_changes")),
        "steps": readable_steps,
    }


def _dependents(doc: Document) -> list[dict]:
    """Documents derived from this one (those still live block a plain cancel)."""
    return [
        {
            "number": d.number,
            "type": type_label(d.type),
            "date": d.date,
            "status": d.status,
            "status_label": STATUS_LABELS.get(d.status, d.status),
            "url": doc_url(d.number),
        }
        for d in derived_documents(doc)
    ]


def _impact_context(request, doc: Document, action: str, form: dict) -> dict:
    steps: list = []

    def run():
        out = _run(request.user, doc.number, action, "impact preview", form["date"], form["refund"])
        if isinstance(out, dict):
            steps.extend(out.get("steps", []))

    result = preview(action, run, request.user)
    blocked = _blocked_error(result.get("blocked_by"))
    dependents = (result.get("blocked_by") or {}).get("details", {}).get("dependents", [])
    return {
        "doc": doc,
        "type_label": type_label(doc.type),
        "status_label": STATUS_LABELS.get(doc.status, doc.status),
        "doc_url": doc_url(doc.number),
        "action": action,
        "action_label": ACTIONS[action][0],
        "allowed": result["allowed"],
        "blocked_message": error_message(blocked) if blocked else None,
        "blocked_code": blocked.code if blocked else None,
        "blocking_docs": [{"number": n, "url": doc_url(n)} for n in dependents],
        "derived": _dependents(doc),
        "form": form,
        "preview": _readable(request.user, result, steps),
        "actions": [
            (code, label) for code, (label, perm) in ACTIONS.items() if can(request.user, perm)
        ],
    }


@page(CANCEL, REVERSE)
def doc_impact(request, number: str, action: str):
    """GET: what the action would change (nothing changes); POST: do it, with the reason."""
    if action not in ACTIONS:
        raise Http404
    if not can(request.user, ACTIONS[action][1]):
        return forbidden(request)
    try:
        doc = get_document(number)
        require_document(request.user, doc)
    except DomainError as exc:
        if exc.code == "forbidden":
            return forbidden(request)
        raise Http404 from exc
    data = request.POST if request.method == "POST" else request.GET
    default_date = str(reversal.default_date()) if action == "reverse" else ""
    form = {
        "reason": data.get("reason", "").strip(),
        "date": data.get("date", "").strip() or default_date,
        "refund": data.get("refund") in ("1", "on", "true"),
    }
    error = None
    if request.method == "POST":
        try:
            out = _do(request.user, number, action, form["reason"], form["date"], form["refund"])
        except DomainError as exc:
            error = exc
        else:
            if action == "cancel":
                messages.success(request, _("%(number)s was cancelled.") % {"number": number})
            elif action == "reverse":
                messages.success(
                    request,
                    _("%(number)s was reversed by %(reversal)s.")
                    % {"number": number, "reversal": out.number},
                )
                _backup_taken(request, out.backup_id)
            else:
                messages.success(
                    request,
                    _(
                        "%(number)s and the documents settled on it were cancelled "
                        "(%(steps)s steps)."
                    )
                    % {"number": number, "steps": len(out["steps"])},
                )
                _backup_taken(request, out["backup_id"])
            return redirect(doc_url(number))
        doc = get_document(number)
    context = _impact_context(request, doc, action, form)
    context["error"] = error_message(error) if error else None
    return render(
        request, "web/settlement/impact.html", context, status=error.status if error else 200
    )
