"""The audit log (操作日志) with its filters and the hash-chain check."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext_lazy

from openjxc.audit import selectors
from openjxc.audit.services import verify_chain
from openjxc.core.errors import DomainError
from openjxc.users.services import VIEW_AUDIT

from .audit_display import object_kind, object_name, readable
from .decorators import page
from .errors import error_message
from .params import optional_date_param

AUDIT_ACTIONS = {
    "approve": gettext_lazy("Approve"),
    "submit": gettext_lazy("Submit for approval"),
    "cancel": gettext_lazy("Cancel"),
    "reverse": gettext_lazy("Reverse"),
    "cancel_chain": gettext_lazy("Cancel chain"),
    "close": gettext_lazy("Close period"),
    "reopen": gettext_lazy("Reopen period"),
    "allocate": gettext_lazy("Allocation"),
    "unallocate": gettext_lazy("Undo allocation"),
    "create": gettext_lazy("Create"),
    "edit": gettext_lazy("Edit"),
    "delete": gettext_lazy("Delete"),
    "import": gettext_lazy("Import"),
    "setting": gettext_lazy("Setting"),
    "requeue_verifications": gettext_lazy("Verify backups again"),
    "reconcile_fix": gettext_lazy("Repair the books"),
    "restore": gettext_lazy("Restore backup"),
    "reset_password": gettext_lazy("Reset password"),
    "revoke_token": gettext_lazy("Revoke token"),
    "share_statement": gettext_lazy("Share statement"),
    "revoke_share_link": gettext_lazy("Revoke share link"),
    "price": gettext_lazy("Price change"),
    "export": gettext_lazy("Export data"),
    "archive": gettext_lazy("Cancel the system"),
    "unarchive": gettext_lazy("Unarchive"),
    "correct": gettext_lazy("Correct (red and blue)"),
    "undo": gettext_lazy("Undo correction"),
}


@page(VIEW_AUDIT)
def audit(request):
    f = {
        k: request.GET.get(k, "").strip()
        for k in ("user", "object", "action", "date_from", "date_to")
    }
    error = None
    try:
        days = {k: optional_date_param(request, k) for k in ("date_from", "date_to")}
    except DomainError as exc:  # the whole log, with the message (200: it lists)
        error, days = error_message(exc), {}
    qs = selectors.entries(user=f["user"], object_contains=f["object"], action=f["action"], **days)
    listed = Paginator(qs, 50).get_page(request.GET.get("page"))
    query = "&".join(f"{k}={v}" for k, v in f.items() if v)
    chain_problems = verify_chain()
    return render(
        request,
        "web/settlement/audit.html",
        {
            "entries": [
                {
                    "e": e,
                    "action_label": AUDIT_ACTIONS.get(e.action, e.action),
                    "object_kind": object_kind(e.object_type),
                    "object_name": object_name(e.object, e.object_type),
                    "before": readable(e.before, e.object_type, e.object),
                    "after": readable(e.after, e.object_type, e.object),
                }
                for e in listed
            ],
            "pager": listed,
            "f": f,
            "query": query,
            "chain_ok": not chain_problems,
            "chain_problems": chain_problems,
            "users": selectors.users(),
            "actions": [(a, AUDIT_ACTIONS.get(a, a)) for a in selectors.actions()],
            "error": error,
        },
    )
