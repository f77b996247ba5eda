"""Backups with a checksum and a manifest, kept in the data folder; verified restores.

SQLite: the online backup API copies a consistent database file while others keep working.
PostgreSQL: a `pg_dump` custom-format file (pgdump.py); the project's own full export (every
table as JSON, natural keys), which restores into a new data folder on either database, stays
as the portable format (`fmt="json"`). Every backup is then verified in the background
(verify.py: restored to a scratch place and reconciled)."""

import datetime as dt
import gzip
import json
import secrets
import sqlite3
from collections import Counter
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from openjxc.core.errors import DomainError
from openjxc.core.services import get_setting

from . import pgdump
from .files import BackupError, sha256_file, sqlite_counts, verify_file

EXCLUDE = ["contenttypes", "auth.permission", "sessions", "users.permissions"]


def backup_dir() -> Path:
    path = Path(settings.DATA_DIR) / "backups"
    path.mkdir(parents=True, exist_ok=True)
    return path


def backed_up_models() -> list:
    """The models a backup holds: every concrete model but what EXCLUDE leaves out."""
    return [
        m
        for m in apps.get_models()
        if m._meta.managed
        and not m._meta.proxy
        and m._meta.app_label not in EXCLUDE
        and m._meta.label_lower not in EXCLUDE
    ]


def dump_counts(path: Path) -> dict:
    """Rows per table in a JSON backup file, read from the file itself."""
    with gzip.open(path, "rt", encoding="utf-8") as f:
        per_label = Counter(obj["model"] for obj in json.load(f))
    return {m._meta.db_table: per_label.get(m._meta.label_lower, 0) for m in backed_up_models()}


def take_backup(reason: str = "manual", user=None, fmt: str | None = None) -> dict:
    """Write a backup file and its manifest and queue its verification; returns the manifest.
    Must run outside a transaction so that the copy sees only committed data. `fmt="json"` on
    PostgreSQL writes the portable JSON export instead of a pg_dump file."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    backup_id = f"{stamp}-{secrets.token_hex(3)}"
    folder = backup_dir()
    if connection.vendor == "sqlite":
        target = folder / f"{backup_id}.sqlite3"
        src = sqlite3.connect(settings.DATABASES["default"]["NAME"])
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
        fmt = "sqlite"
        counts = sqlite_counts(target, [m._meta.db_table for m in backed_up_models()])
    elif fmt != "json":
        target = folder / f"{backup_id}.pgdump"
        fmt = "pg_dump"
        try:
            counts = pgdump.dump(
                settings.DATABASES["default"],
                target,
                [m._meta.db_table for m in backed_up_models()],
            )
        except pgdump.ToolMissing as exc:
            raise DomainError("backup_tool_missing", str(exc), {"tool": exc.tool}) from None
        except BackupError as exc:  # pg_dump refused (e.g. older than the server)
            raise DomainError("backup_failed", str(exc), {"reason": str(exc)}) from None
    else:
        target = folder / f"{backup_id}.json.gz"
        with gzip.open(target, "wt", encoding="utf-8") as out:
            call_command(
                "dumpdata",
                exclude=EXCLUDE,
                natural_foreign=True,
                natural_primary=True,
                stdout=out,
                verbosity=0,
            )
        fmt = "json"
        counts = dump_counts(target)
    manifest = {
        "id": backup_id,
        "created_at": dt.datetime.now(dt.UTC).isoformat(),
        "reason": reason,
        "user": getattr(user, "username", None),
        "format": fmt,
        "file": target.name,
        "size": target.stat().st_size,
        "sha256": sha256_file(target),
        "company": get_setting("company_name"),
        "counts": counts,  # of the file itself, so that a restore can check what it loads
    }
    (folder / f"{backup_id}.manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2)
    )
    prune(keep=int(get_setting("backup_retention", "30") or 30))
    from .verify import enqueue_verification

    enqueue_verification(backup_id)
    return manifest


REASONS = {
    "manual": N_("Manual"),
    "manual (web)": N_("Manual (web page)"),
    "manual (jxc backup)": N_("Manual (jxc backup)"),
}
PERIOD_REASONS = {
    "before closing": N_("Before closing period %(period)s"),
    "before reopening": N_("Before reopening period %(period)s"),
}
# The settled-data changes that back up first (before.py), each named after what it precedes.
ACTION_REASONS = {
    "before reversal": N_("Before reversal (红冲) of %(subject)s"),
    "before cancel-chain": N_("Before cancelling the chain of %(subject)s"),
    "before correction": N_("Before correcting %(subject)s"),
    "before undoing correction": N_("Before undoing correction %(subject)s"),
    "before restore": N_("Before restoring backup %(subject)s"),
    "before import": N_("Before importing %(subject)s"),
}


FORMATS = {
    "sqlite": N_("SQLite database file"),
    "json": N_("Full export (compressed JSON)"),
    "pg_dump": N_("PostgreSQL dump (pg_dump)"),
}


def format_label(fmt: str) -> str:
    """A manifest's format in the user's language (the manifest keeps its code)."""
    return _(FORMATS[fmt]) if fmt in FORMATS else fmt


def reason_label(reason: str) -> str:
    """A manifest's reason in the user's language; manifests keep the English words they were
    written with (older backups included), so they are read, not rewritten."""
    if reason in REASONS:
        return _(REASONS[reason])
    for prefix, label in PERIOD_REASONS.items():
        if reason.startswith(prefix + " "):
            return _(label) % {"period": reason.removeprefix(prefix + " ")}
    for prefix, label in ACTION_REASONS.items():
        if reason == prefix or reason.startswith(prefix + " "):
            return _(label) % {"subject": reason.removeprefix(prefix).strip()}
    return reason


def list_backups() -> list[dict]:
    out = []
    for path in sorted(backup_dir().glob("*.manifest.json"), reverse=True):
        try:
            out.append(json.loads(path.read_text()))
        except (OSError, ValueError):
            continue
    return out


_VERIFIED: dict = {}


def is_verified(manifest: dict) -> bool:
    """The backup file matches its manifest's checksum (remembered per file, size and time, so
    that listing the backups does not read every file each time)."""
    path = backup_dir() / manifest["file"]
    try:
        stat = path.stat()
    except OSError:
        return False
    key = (str(path), stat.st_size, stat.st_mtime)
    if key not in _VERIFIED:
        try:
            verify_file(path)
            _VERIFIED[key] = True
        except BackupError:
            _VERIFIED[key] = False
    return _VERIFIED[key]


def prune(keep: int) -> None:
    """Keep the newest `keep` backups (retention setting `backup_retention`)."""
    for manifest in list_backups()[max(keep, 1) :]:
        for name in (
            manifest["file"],
            f"{manifest['id']}.manifest.json",
            f"{manifest['id']}.verification.json",
        ):
            (backup_dir() / name).unlink(missing_ok=True)
