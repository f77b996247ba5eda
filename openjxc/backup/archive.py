"""停用系统: export the books, verify the export, revoke every API token, deactivate every user
but the administrator, and turn the books into a read-only archive; and the way back.

The archive is one setting (`archived`: JSON of when, who, why, the export and whom it
deactivated). `core.archive_guard.ReadOnlyArchive` reads it on every write request and answers
409 `read_only_archive`, so no service needs to know; reads, reports and exports go on."""

import csv
import datetime as dt
import io
import json
import secrets
import zipfile
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction

from openjxc.audit.services import record
from openjxc.core.archive_guard import ARCHIVED, archive_state
from openjxc.core.errors import DomainError
from openjxc.core.models import Setting
from openjxc.core.services import set_setting
from openjxc.users.models import ApiToken
from openjxc.users.services import MANAGE_BACKUP, MANAGE_USERS, VIEW_COST, require

from .export import MANIFEST, verify_export, write_export
from .files import BackupError


@contextmanager
def snapshot():
    """One consistent read of the books (as closing.checks.consistent_read, which sits above)."""
    if connection.in_atomic_block:
        yield
        return
    if connection.vendor == "postgresql":
        with transaction.atomic():
            with connection.cursor() as cur:
                cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield
        return
    with connection.cursor() as cur:  # SQLite: a deferred read transaction takes no write lock
        cur.execute("BEGIN DEFERRED")
        try:
            yield
        finally:
            cur.execute("COMMIT")


def export_books(folder: Path, progress=None) -> dict:
    """`jxc export`: every table as CSV plus the manifest, from one snapshot."""
    with snapshot():
        return write_export(folder, progress)


def exports_dir() -> Path:
    path = Path(settings.DATA_DIR) / "exports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def new_export(user, reason: str = "export") -> dict:
    """An export into the data folder's exports/ (its id names the folder), audited. Every value
    is in it, cost included: an administrator who sees cost."""
    require(user, MANAGE_BACKUP)
    require(user, VIEW_COST)
    export_id = f"{dt.datetime.now().strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(3)}"
    folder = exports_dir() / export_id
    try:
        manifest = export_books(folder)
    except BackupError as exc:
        raise DomainError("invalid", str(exc), {"field": "export"}) from exc
    rows = {t: e["rows"] for t, e in manifest["tables"].items()}
    with transaction.atomic():
        record(
            user,
            "export",
            "books",
            export_id,
            reason=reason,
            after={"digest": manifest["digest"], "rows": sum(rows.values())},
        )
    return {"id": export_id, "digest": manifest["digest"], "counts": rows}


def export_folder(export_id: str) -> Path:
    """The folder of one export made here (ids only: no path from the user reaches the disk)."""
    folder = exports_dir() / export_id
    if not export_id or "/" in export_id or ".." in export_id or not (folder / MANIFEST).is_file():
        raise DomainError(
            "not_found", f"export {export_id} not found", {"object": "export", "ref": export_id}
        )
    return folder


def verify_counts(folder: Path) -> dict:
    """Check every file's checksum, then count its rows against the manifest: what the wizard's
    second step shows. Returns rows per table."""
    try:
        manifest = verify_export(folder)
    except BackupError as exc:
        raise DomainError("invalid", str(exc), {"field": "export"}) from exc
    counts = {}
    for table, entry in manifest["tables"].items():
        with open(folder / entry["file"], encoding="utf-8", newline="") as f:
            counts[table] = sum(1 for _ in csv.reader(f)) - 1
        if counts[table] != entry["rows"]:
            raise DomainError(
                "invalid",
                f"{entry['file']} holds {counts[table]} rows, the manifest says {entry['rows']}",
                {"field": "export"},
            )
    return counts


def zip_export(folder: Path) -> io.BufferedIOBase:
    """The export folder as a zip in a temporary file (spooled to disk past 32 MB)."""
    import tempfile

    out = tempfile.SpooledTemporaryFile(max_size=32 << 20)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for path in sorted(folder.iterdir()):
            z.write(path, f"{folder.name}/{path.name}")
    out.seek(0)
    return out


def _reason(reason: str) -> str:
    text = (reason or "").strip()
    if not text:
        raise DomainError("reason_required", "give a reason", {"field": "reason"})
    return text


def archive(user, reason: str) -> dict:
    """停用系统: export, verify, revoke tokens, deactivate the others, read-only — audited."""
    require(user, MANAGE_BACKUP)
    require(user, MANAGE_USERS)
    text = _reason(reason)
    if archive_state() is not None:
        raise DomainError("read_only_archive", "the books are already archived", {})
    export = new_export(user, reason="before archiving")
    counts = verify_counts(exports_dir() / export["id"])
    users = get_user_model().objects.filter(is_active=True).exclude(pk=user.pk)
    with transaction.atomic():
        names = sorted(users.values_list("username", flat=True))
        tokens, _ = ApiToken.objects.all().delete()
        users.update(is_active=False)
        state = {
            "at": dt.datetime.now(dt.UTC).isoformat(),
            "by": user.username,
            "reason": text,
            "export": export["id"],
            "deactivated": names,
        }
        set_setting(ARCHIVED, json.dumps(state, ensure_ascii=False))
        result = {
            "archived": True,
            "export": export["id"],
            "digest": export["digest"],
            "counts": counts,
            "tokens_revoked": tokens,
            "users_deactivated": names,
        }
        record(
            user,
            "archive",
            "system",
            "books",
            reason=text,
            after={k: v for k, v in result.items() if k != "counts"},
        )
    return result


def unarchive(user, reason: str) -> dict:
    """Writing again: the users the archive deactivated are active again (tokens stay revoked:
    their keys are gone; each user logs in anew)."""
    require(user, MANAGE_BACKUP)
    text = _reason(reason)
    state = archive_state()
    if state is None:
        raise DomainError("not_archived", "the books are not archived", {})
    with transaction.atomic():
        names = state.get("deactivated") or []
        get_user_model().objects.filter(username__in=names).update(is_active=True)
        Setting.objects.filter(key=ARCHIVED).delete()
        result = {"archived": False, "users_reactivated": names}
        state.pop("at_local", None)  # a display of "at", not what was recorded
        record(user, "unarchive", "system", "books", reason=text, before=state, after=result)
    return result
