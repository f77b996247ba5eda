"""Append to the hash-chained audit log inside the caller's transaction."""

import contextvars
import hashlib
import json
from contextlib import contextmanager

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from openjxc.core.db import insert_models

from .models import AuditEntry, ChainHead


def _digest(prev_hash: str, fields: dict) -> str:
    payload = json.dumps(fields, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256((prev_hash + payload).encode()).hexdigest()


def entry_fields(e: AuditEntry | dict) -> dict:
    get = (lambda k: e[k]) if isinstance(e, dict) else (lambda k: getattr(e, k))
    return {
        # Milliseconds: what survives a JSON export/restore (Django serialises datetimes so).
        "at": get("at").isoformat(timespec="milliseconds")
        if hasattr(get("at"), "isoformat")
        else get("at"),
        "user": get("user"),
        "action": get("action"),
        "object_type": get("object_type"),
        "object": get("object"),
        "reason": get("reason"),
        "before": get("before"),
        "after": get("after"),
    }


def _lock_head(cur) -> str:
    """The chain head's last hash, its row locked (created on first use)."""
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    cur.execute("SELECT last_hash FROM audit_chainhead WHERE id = 1" + lock)
    row = cur.fetchone()
    if row is None:
        cur.execute(
            "INSERT INTO audit_chainhead (id, last_hash, last_id) VALUES (1, %s, 0) "
            "ON CONFLICT (id) DO NOTHING",
            ["0" * 64],
        )
        cur.execute("SELECT last_hash FROM audit_chainhead WHERE id = 1" + lock)
        row = cur.fetchone()
    return row[0]


# The backup taken before the action in progress (backup/before.py): every entry the action
# writes names it, so the audit log says which backup holds the books as they were.
_BACKUP = contextvars.ContextVar("audit_backup", default=None)


@contextmanager
def naming_backup(backup_id: str | None):
    token = _BACKUP.set(backup_id)
    try:
        yield
    finally:
        _BACKUP.reset(token)


def _with_backup(after):
    backup_id = _BACKUP.get()
    if backup_id is None or not (after is None or isinstance(after, dict)):
        return after
    return {**(after or {}), "backup": backup_id}


def _now():
    now = timezone.now()
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def _fields(user, action, object_type, obj, reason, before, after, at) -> dict:
    return {
        "at": at,
        "user": getattr(user, "username", None) or str(user or "system"),
        "action": action,
        "object_type": object_type,
        "object": str(obj)[:100],  # the column's width: a long name must not fail the action
        "reason": (reason or "").strip()[:500],  # as stored on the document
        "before": before,
        "after": after,
    }


def record(
    user, action: str, object_type: str, obj: str, *, reason: str = "", before=None, after=None
):
    """Write one audit entry; the chain head row lock orders concurrent writers.

    Raw SQL: this runs inside every posting, so it must cost three statements, not an ORM save."""
    after = _with_backup(after)
    with connection.cursor() as cur:
        prev = _lock_head(cur)
        fields = _fields(user, action, object_type, obj, reason, before, after, _now())
        digest = _digest(prev, entry_fields(fields))
        json_field = AuditEntry._meta.get_field("before")
        insert = (
            'INSERT INTO audit_auditentry (at, "user", action, object_type, object, reason, before, after, '
            "prev_hash, hash) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING id"
        )
        params = [
            connection.ops.adapt_datetimefield_value(fields["at"]),
            fields["user"],
            action,
            object_type,
            fields["object"],
            fields["reason"],
            json_field.get_db_prep_save(before, connection),
            json_field.get_db_prep_save(after, connection),
            prev,
            digest,
        ]
        if connection.vendor == "postgresql":  # one round trip: append and move the head
            cur.execute(
                f"WITH e AS ({insert}) UPDATE audit_chainhead SET last_hash = %s, "
                f"last_id = (SELECT id FROM e) WHERE id = 1 RETURNING last_id",
                [*params, digest],
            )
            entry_id = cur.fetchone()[0]
        else:
            cur.execute(insert, params)
            entry_id = cur.fetchone()[0]
            cur.execute(
                "UPDATE audit_chainhead SET last_hash = %s, last_id = %s WHERE id = 1",
                [digest, entry_id],
            )
    return entry_id


def record_many(user, action: str, object_type: str, entries: list[tuple[str, dict]]) -> int:
    """Append one entry per (object, after) in bulk — a master-data import's "create" of each
    row: the chain head is locked once, each hash chained here in order, the rows inserted in
    batches and the head moved to the last. The same entries as that many record() calls."""
    if not entries:
        return 0
    at = _now()
    with connection.cursor() as cur:
        prev = _lock_head(cur)
        rows = []
        for obj, after in entries:
            fields = _fields(user, action, object_type, obj, "", None, after, at)
            digest = _digest(prev, entry_fields(fields))
            rows.append({**fields, "prev_hash": prev, "hash": digest})
            prev = digest
        last_id = max(pk for pk, _hash in insert_models(AuditEntry, rows, returning="hash"))
        cur.execute(
            "UPDATE audit_chainhead SET last_hash = %s, last_id = %s WHERE id = 1",
            [prev, last_id],
        )
    return len(rows)


def verify_chain() -> list[dict]:
    """Problems in the chain: an entry whose hash does not match its content or predecessor."""
    problems = []
    prev = "0" * 64
    for e in AuditEntry.objects.order_by("id").iterator(chunk_size=2000):
        if e.prev_hash != prev or _digest(prev, entry_fields(e)) != e.hash:
            problems.append(
                {
                    "check": "audit_chain",
                    "message": _("audit entry %(id)s was altered") % {"id": e.id},
                    "id": e.id,
                }
            )
            break
        prev = e.hash
    head = ChainHead.objects.filter(pk=1).first()
    if head and head.last_hash != prev and not problems:
        problems.append(
            {
                "check": "audit_chain",
                "message": _("audit chain head does not match the last entry"),
            }
        )
    return problems


# account_lines: a manual voucher's lines (an edit moving amounts between accounts is a maker's)
AMOUNT_KEYS = ("amount", "tax", "amount_incl_tax", "account_lines")
LINE_AMOUNT_KEYS = (
    "item",
    "qty",
    "price",
    "price_incl_tax",
    "tax_rate",
    "amount",
    "tax",
    "amount_incl_tax",
)


def _amounts(doc: dict | None):
    doc = doc or {}
    lines = [tuple(ln.get(k) for k in LINE_AMOUNT_KEYS) for ln in doc.get("lines") or []]
    return tuple(doc.get(k) for k in AMOUNT_KEYS), lines


def amount_editors(number: str) -> set[str]:
    """Users whose edits of this document changed its amounts, prices or quantities (its edit
    entries hold the document before and after)."""
    edits = AuditEntry.objects.filter(object_type="document", object=number, action="edit")
    return {
        e.user
        for e in edits.only("user", "before", "after")
        if _amounts(e.before) != _amounts(e.after)
    }
