"""Append to the hash-chained audit log inside the caller's transaction."""

import hashlib
import json

from django.db import connection
from django.utils import timezone

from .models import AuditEntry, ChainHead


def _digest(prev_hash: str, fields: dict) -> str:
    payload = json.dumps(fields, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256((prev_hash + payload).encode()).hexdigest()


def entry_fields(e: AuditEntry | dict) -> dict:
    get = (lambda k: e[k]) if isinstance(e, dict) else (lambda k: getattr(e, k))
    return {
        "at": get("at").isoformat() if hasattr(get("at"), "isoformat") else get("at"),
        "user": get("user"),
        "action": get("action"),
        "object_type": get("object_type"),
        "object": get("object"),
        "reason": get("reason"),
        "before": get("before"),
        "after": get("after"),
    }


def record(user, action: str, object_type: str, obj: str, *, reason: str = "", before=None, after=None):
    """Write one audit entry; the chain head row lock orders concurrent writers."""
    head = ChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        head, _ = ChainHead.objects.get_or_create(pk=1)
        head = ChainHead.objects.select_for_update().get(pk=1)
    fields = {
        "at": timezone.now(),
        "user": getattr(user, "username", None) or str(user or "system"),
        "action": action,
        "object_type": object_type,
        "object": obj,
        "reason": reason or "",
        "before": before,
        "after": after,
    }
    digest = _digest(head.last_hash, entry_fields(fields))
    entry = AuditEntry.objects.create(prev_hash=head.last_hash, hash=digest, **fields)
    with connection.cursor() as cur:
        cur.execute(
            "UPDATE audit_chainhead SET last_hash = %s, last_id = %s WHERE id = 1", [digest, entry.id]
        )
    return entry


def verify_chain() -> list[dict]:
    """Problems in the chain: an entry whose hash does not match its content or predecessor."""
    problems = []
    prev = "0" * 64
    for e in AuditEntry.objects.order_by("id").iterator(chunk_size=2000):
        if e.prev_hash != prev or _digest(prev, entry_fields(e)) != e.hash:
            problems.append(
                {"check": "audit_chain", "message": f"audit entry {e.id} was altered", "id": e.id}
            )
            break
        prev = e.hash
    head = ChainHead.objects.filter(pk=1).first()
    if head and head.last_hash != prev and not problems:
        problems.append({"check": "audit_chain", "message": "audit chain head does not match the last entry"})
    return problems
