"""GET /audit: the audit log for a client, beside the other checks of the books (reconcile).

It lives here, not in the audit app, because reading needs the view_audit permission of the
users app, while the audit app sits below users (every app, users included, writes to it)."""

from typing import Any

from ninja import Router

from openjxc.audit import selectors
from openjxc.audit.models import AuditEntry
from openjxc.core.api import Output, page_of, page_qs, typed
from openjxc.users.services import VIEW_AUDIT, require

router = Router(tags=["checks"])


class AuditOut(Output):
    id: int
    at: str
    user: str | None
    action: str
    object_type: str
    object: str
    reason: str | None
    before: Any
    after: Any
    hash: str


def entry_dict(e: AuditEntry) -> dict:
    return {
        "id": e.id,
        "at": e.at.isoformat(),
        "user": e.user,
        "action": e.action,
        "object_type": e.object_type,
        "object": e.object,
        "reason": e.reason,
        "before": e.before,
        "after": e.after,
        "hash": e.hash,
    }


# the operation id it had in the audit app, so that generated clients keep their method name
@router.get("/audit", response=typed(page_of(AuditOut)), operation_id="openjxc_audit_api_audit")
def audit(
    request,
    object: str | None = None,
    user: str | None = None,
    action: str | None = None,
    limit: int = 100,
    offset: int = 0,
):
    require(request.user, VIEW_AUDIT)
    qs = selectors.entries(object=object, user=user, action=action)
    return page_qs(qs, entry_dict, limit, offset)
