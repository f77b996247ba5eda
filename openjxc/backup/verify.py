"""Every backup is proved restorable in the background: restored to a scratch place and reconciled.

A checksum only says the file is the one written; whether it restores — the right rows, books
that reconcile — is known only by restoring it. `verify_backup` runs on the django-tasks database
worker that `jxc serve` starts: it runs `jxc restore` into a scratch data folder (SQLite and
JSON backups) or a scratch PostgreSQL database (pg_dump backups, created and dropped), which
checks the checksum, the manifest's row counts and reconciles. The result is written next to the
backup (`<id>.verification.json`), not into the books: a restore in place replaces the books,
and the results must outlive it. The listing also re-checks the checksum (cached per file
state), so a backup damaged on disk after its verification shows as failed."""

import contextlib
import datetime as dt
import json
import logging
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import DatabaseError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_
from django_tasks import task

from openjxc.audit.services import record

from . import pgdump
from .files import BackupError, verify_file
from .services import backup_dir, is_verified, list_backups

log = logging.getLogger(__name__)
TIMEOUT = 3600  # seconds one verification may take (a million-move book restores in minutes)


# What a failed verification found, by the words of the one-sentence error it got (jxc restore,
# files.py): shown in the user's language, the sentence itself as the detail.
FAILURES = (
    ("checksum", N_("The file is damaged: its checksum does not match its manifest.")),
    ("rows in", N_("The file holds other rows than its manifest says.")),
    ("manifest", N_("The manifest next to the file is missing or damaged.")),
    ("do not reconcile", N_("The restored books do not reconcile.")),
    ("", N_("The backup could not be restored.")),
)


def failure_label(error: str) -> str:
    return next(_(label) for words, label in FAILURES if words in error)


def _result_path(backup_id: str) -> Path:
    return backup_dir() / f"{backup_id}.verification.json"


def enqueue_verification(backup_id: str) -> None:
    """Queue the verification; a queue that cannot be written leaves it pending, never fails the
    backup (the books may predate the queue's table until they are migrated)."""
    try:
        verify_backup.enqueue(backup_id)
    except DatabaseError as exc:
        log.warning("backup %s: verification not queued (%s)", backup_id, exc)


def _clean_env() -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("OPENJXC_DATA_DIR", "OPENJXC_DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    env["DJANGO_SETTINGS_MODULE"] = "openjxc.settings"
    return env


def _jxc_restore(source: Path, folder: Path, database_url: str | None = None) -> None:
    """`jxc restore` in a child process (it sets Django up on the scratch books); its one-line
    error becomes the BackupError."""
    args = [sys.executable, "-m", "openjxc.cli", "restore", "--from", str(source)]
    args += ["--data-dir", str(folder)] + (["--database-url", database_url] if database_url else [])
    try:
        proc = subprocess.run(
            args,
            capture_output=True,
            text=True,
            env=_clean_env(),
            timeout=TIMEOUT,
            cwd=str(Path(settings.BASE_DIR).parent),
        )
    except subprocess.TimeoutExpired:
        raise BackupError(f"the test restore did not finish within {TIMEOUT} s") from None
    if proc.returncode != 0:
        lines = [ln for ln in proc.stderr.strip().splitlines() if ln.strip()]
        raise BackupError(
            (lines[-1] if lines else f"jxc restore exited with {proc.returncode}").removeprefix(
                "error: "
            )
        )


def database_url(db: dict, name: str) -> str:
    auth = quote(db.get("USER") or "postgres", safe="")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"], safe="")
    return f"postgresql://{auth}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{name}"


@contextlib.contextmanager
def scratch_restore(source: Path, manifest: dict):
    """Restore `source` into a scratch place and reconcile it there; yields the scratch data
    folder (its openjxc.sqlite3 for SQLite backups) and removes everything afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="openjxc-verify-"))
    scratch_db = None
    try:
        if manifest.get("format") == "pg_dump":
            db = settings.DATABASES["default"]
            if db["ENGINE"] != "django.db.backends.postgresql":
                raise BackupError("a pg_dump backup is verified on a PostgreSQL server")
            scratch_db = f"openjxc_scratch_{secrets.token_hex(6)}"
            pgdump.create_database(db, scratch_db)
            _jxc_restore(source, folder / "books", database_url(db, scratch_db))
        else:
            _jxc_restore(source, folder / "books")
        yield folder / "books"
    finally:
        if scratch_db:
            pgdump.drop_database(settings.DATABASES["default"], scratch_db)
        shutil.rmtree(folder, ignore_errors=True)


def run_verification(backup_id: str) -> dict:
    """Verify one backup now and write down the result (what failed, in one sentence)."""
    path = backup_dir() / f"{backup_id}.manifest.json"
    result = {"id": backup_id, "verified": False, "error": None}
    try:
        manifest = json.loads(path.read_text())
        backup_file = backup_dir() / manifest["file"]
        verify_file(backup_file)
        with scratch_restore(backup_file, manifest):
            pass
        result["verified"] = True
    except (OSError, ValueError, KeyError) as exc:
        result["error"] = f"the backup's manifest cannot be read ({exc})"
    except BackupError as exc:
        result["error"] = str(exc)
    result["checked_at"] = dt.datetime.now(dt.UTC).isoformat()
    if path.exists():  # a backup pruned meanwhile leaves no result behind
        _result_path(backup_id).write_text(json.dumps(result, ensure_ascii=False))
    return result


@task()
def verify_backup(backup_id: str) -> dict:
    return run_verification(backup_id)


def _live_tasks(worker_start: bool) -> set[str]:
    """Ids of the backups whose verification will still run: queued, or running — unless the
    worker starting now shows that the running one died with its worker (one worker serves
    the books), or it has run longer than a verification may."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    stale = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=TIMEOUT)
    live = set()
    rows = DBTaskResult.objects.filter(
        task_path=verify_backup.module_path,
        status__in=(TaskResultStatus.READY, TaskResultStatus.RUNNING),
    ).values_list("status", "started_at", "args_kwargs")
    for status, started, args in rows:
        running = status == TaskResultStatus.RUNNING
        if running and (worker_start or (started is not None and started < stale)):
            continue
        live.update(args.get("args", [])[:1])
    return live


def requeue_lost(user=None, worker_start: bool = False) -> list[str]:
    """Queue again every verification that is pending with nothing left to finish it (never
    queued, its task failed before writing a result, its worker died mid-way): at `jxc worker`
    start and by an administrator (the backups page, the API). Returns the backups' ids;
    audited when a user asked or something was queued."""
    try:
        live = _live_tasks(worker_start)
    except DatabaseError as exc:  # books from before the queue's table: nothing to requeue
        log.warning("verifications not requeued (%s)", exc)
        return []
    lost = [
        m["id"] for m in list_backups() if m["id"] not in live and verification(m) == (None, None)
    ]
    for backup_id in lost:
        enqueue_verification(backup_id)
    if user is not None or lost:
        record(user, "requeue_verifications", "backup", "verifications", after={"backups": lost})
    return lost


def verification(manifest: dict) -> tuple[bool | None, str | None]:
    """(verified, what failed) of a listed backup: None while its verification is pending; a
    file that no longer matches its checksum has failed, whatever was found before."""
    if not is_verified(manifest):
        try:
            verify_file(backup_dir() / manifest["file"])
        except BackupError as exc:
            return False, str(exc)
        return False, "the backup file is damaged"
    try:
        result = json.loads(_result_path(manifest["id"]).read_text())
    except (OSError, ValueError):
        return None, None
    return bool(result.get("verified")), result.get("error")


def with_verification(manifest: dict) -> dict:
    """The manifest with `verified`, `verification_error` (what failed, in the user's language)
    and `verification_detail` (the failure's own sentence)."""
    verified, error = verification(manifest)
    return {
        **manifest,
        "verified": verified,
        "verification_error": failure_label(error or "") if verified is False else None,
        "verification_detail": error if verified is False else None,
    }
