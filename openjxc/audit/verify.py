"""`GET /audit/verify` and `jxc audit verify`: walk the hash chain and name the first broken entry.

reconcile's `verify_chain` answers with problems; this answers the question an auditor asks —
is the chain intact, how long is it, and where does it break — for the API and the CLI."""

from django.utils.translation import gettext as _

from .models import AuditEntry, ChainHead
from .services import _digest, entry_fields

GENESIS = "0" * 64


def _broken(e: AuditEntry, problem: str) -> dict:
    return {
        "id": e.id,
        "at": e.at.isoformat(),
        "user": e.user,
        "action": e.action,
        "object_type": e.object_type,
        "object": e.object,
        "problem": problem,
    }


def verify() -> dict:
    """{"ok", "entries", "first_broken"?}: entries counts the log's entries; first_broken is the
    first whose link to its predecessor or whose own hash does not hold, or the chain head's
    last entry when entries were removed from the end."""
    prev = GENESIS
    entries = AuditEntry.objects.count()
    last = None
    for e in AuditEntry.objects.order_by("id").iterator(chunk_size=2000):
        if e.prev_hash != prev:
            return {
                "ok": False,
                "entries": entries,
                "first_broken": _broken(
                    e,
                    _("its link to the previous entry is broken (an entry was removed or altered)"),
                ),
            }
        if _digest(prev, entry_fields(e)) != e.hash:
            return {
                "ok": False,
                "entries": entries,
                "first_broken": _broken(
                    e, _("its content does not match its hash (the entry was altered)")
                ),
            }
        prev, last = e.hash, e
    head = ChainHead.objects.filter(pk=1).first()
    if head and head.last_hash != prev:
        broken = {
            "id": head.last_id,
            "at": last.at.isoformat() if last else None,
            "user": last.user if last else None,
            "action": last.action if last else None,
            "object_type": last.object_type if last else None,
            "object": last.object if last else None,
            "problem": _("the chain ends before its head: entries were removed from its end"),
        }
        return {"ok": False, "entries": entries, "first_broken": broken}
    return {"ok": True, "entries": entries}
