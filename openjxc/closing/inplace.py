"""Restore a backup IN PLACE: the running books become the backup's, the server keeps serving
the same data folder (or database), and a failure leaves the books as they were.

Order: (1) the backup is restored into a scratch place and reconciled there (verify.py) — a
damaged or inconsistent backup is refused before anything changes; (2) a safety backup of the
current books; (3) the restored copy is put in place — SQLite: the online backup API writes the
scratch copy (already migrated to this version's schema) into the live file, so every open
connection sees the new pages; PostgreSQL: `pg_restore --clean` in one transaction, then the
schema migrated; (4) reconcile the live books; if that fails, the safety backup is put back the
same way and the action refused with `restore_rolled_back`; (5) the audit entry is appended to
the restored books (their own chain), naming the backup and the safety backup."""

import sqlite3
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections, transaction

from openjxc.audit.services import naming_backup, record
from openjxc.backup import pgdump
from openjxc.backup.before import backup_before
from openjxc.backup.files import BackupError, verify_file
from openjxc.backup.services import backup_dir
from openjxc.backup.verify import enqueue_verification, scratch_restore
from openjxc.core.errors import DomainError
from openjxc.users.services import MANAGE_BACKUP, require

from .checks import reconcile

FORMATS = {"sqlite": ("sqlite",), "postgresql": ("pg_dump",)}


def _check(source: Path) -> dict:
    try:
        manifest = verify_file(source)
    except BackupError as exc:
        raise DomainError("restore_failed", str(exc), {"reason": str(exc)}) from None
    if manifest["format"] not in FORMATS.get(connection.vendor, ()):
        reason = (
            f"a {manifest['format']} backup cannot replace books kept in {connection.vendor}: "
            "restore it into a new data folder or database"
        )
        raise DomainError("restore_failed", reason, {"reason": reason})
    return manifest


def _put_sqlite(db_file: Path) -> None:
    connections.close_all()
    src = sqlite3.connect(f"file:{db_file}?mode=ro", uri=True)
    dst = sqlite3.connect(settings.DATABASES["default"]["NAME"], timeout=60)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def _put(source: Path, scratch: Path | None = None) -> None:
    """Replace the live books by a backup (SQLite: its migrated scratch copy when given)."""
    if connection.vendor == "sqlite":
        _put_sqlite(scratch / "openjxc.sqlite3" if scratch else source)
    else:
        connections.close_all()
        pgdump.restore(settings.DATABASES["default"], source, clean=True)
    call_command("migrate", verbosity=0, interactive=False)  # a backup of an older version


def restore_in_place(user, source: Path, reason: str | None) -> dict:
    """Make the running books the backup `source`'s; returns what happened (both backup ids)."""
    require(user, MANAGE_BACKUP)
    if not isinstance(reason, str) or not reason.strip():
        raise DomainError("reason_required", "a reason is required", {"field": "reason"})
    manifest = _check(source)
    try:
        with scratch_restore(source, manifest) as scratch:
            safety = backup_before("restore", manifest["id"], user)
            safety_file = backup_dir() / safety["file"]
            _put(source, scratch)
    except BackupError as exc:
        raise DomainError("restore_failed", str(exc), {"reason": str(exc)}) from None
    result = reconcile()
    if not result["ok"]:
        if connection.vendor == "sqlite":
            _put_sqlite(safety_file)
        else:
            _put(safety_file)
        enqueue_verification(safety["id"])  # its queue entry went with the replaced books
        raise DomainError(
            "restore_rolled_back",
            f"the restored books did not reconcile; put back {safety['id']}",
            {"safety_backup": safety["id"], "problems": result["problems"][:5]},
        )
    enqueue_verification(safety["id"])
    with transaction.atomic(), naming_backup(safety["id"]):
        record(
            user,
            "restore",
            "backup",
            manifest["id"],
            reason=reason,
            after={"in_place": True, "created_at": manifest.get("created_at")},
        )
    return {
        "backup": manifest["id"],
        "safety_backup": safety["id"],
        "restored": True,
        "reconciled": True,
    }
