"""The audit log (操作日志) with its filters and the hash-chain check."""

import datetime as dt

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy

from openjxc.audit.models import AuditEntry
from openjxc.audit.services import verify_chain
from openjxc.core.errors import DomainError
from openjxc.documents.rules import parse_date
from openjxc.users.services import (
    VIEW_AUDIT,
)

from .audit_display import object_kind, object_name, readable
from .decorators import page

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
    "reconcile_fix": gettext_lazy("Fix caches"),
    "restore": gettext_lazy("Restore backup"),
    "reset_password": gettext_lazy("Reset password"),
    "revoke_token": gettext_lazy("Revoke token"),
    "share_statement": gettext_lazy("Share statement"),
    "revoke_share_link": gettext_lazy("Revoke share link"),
}


def _parse_day(text: str | None) -> dt.date | None:
    """A filter date, or None when absent or unusable (dates outside the sane window included)."""
    try:
        return parse_date(text, "date") if text else None
    except DomainError:
        return None


@page(VIEW_AUDIT)
def audit(request):
    f = {
        k: request.GET.get(k, "").strip()
        for k in ("user", "object", "action", "date_from", "date_to")
    }
    qs = AuditEntry.objects.order_by("-id")
    if f["user"]:
        qs = qs.filter(user=f["user"])
    if f["object"]:
        qs = qs.filter(object__icontains=f["object"])
    if f["action"]:
        qs = qs.filter(action=f["action"])
    tz = timezone.get_current_timezone()
    if day := _parse_day(f["date_from"]):
        qs = qs.filter(at__gte=dt.datetime.combine(day, dt.time.min, tzinfo=tz))
    if day := _parse_day(f["date_to"]):
        qs = qs.filter(
            at__lt=dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        )
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
                    "object_name": object_name(e.object),
                    "before": readable(e.before, e.object_type),
                    "after": readable(e.after, e.object_type),
                }
                for e in listed
            ],
            "pager": listed,
            "f": f,
            "query": query,
            "chain_ok": not chain_problems,
            "chain_problems": chain_problems,
            "users": AuditEntry.objects.order_by("user").values_list("user", flat=True).distinct(),
            "actions": [
                (a, AUDIT_ACTIONS.get(a, a))
                for a in AuditEntry.objects.order_by("action")
                .values_list("action", flat=True)
                .distinct()
            ],
        },
    )
