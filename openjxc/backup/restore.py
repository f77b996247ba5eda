"""Restore a backup into a NEW data folder, from the running application (the backup page).

The restore itself is `jxc restore` (openjxc.cli.cmd_restore): it needs a Django set up on the
*new* books to migrate, load and reconcile them, so it runs as a child process with its own
settings — never against the books this process serves."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.db import transaction

from openjxc.audit.services import record
from openjxc.core.errors import DomainError
from openjxc.users.services import MANAGE_BACKUP, require

from .files import BackupError, verify_file
from .services import backup_dir, list_backups


def find_backup(backup_id: str) -> tuple[dict, Path]:
    """The manifest and file of one listed backup (ids only: no path from the user reaches the disk)."""
    for manifest in list_backups():
        if manifest.get("id") == backup_id:
            return manifest, backup_dir() / manifest["file"]
    raise DomainError(
        "not_found", f"backup {backup_id} not found", {"object": "backup", "ref": backup_id}
    )


def _check_target(target: str) -> Path:
    text = (target or "").strip()
    if not text:
        raise DomainError("invalid", "give the path of a new data folder", {"field": "target"})
    try:
        path = Path(text).expanduser()
        if path.is_absolute():
            path.resolve().exists()  # a NUL byte or an unusable path fails here, as a user error
    except (RuntimeError, ValueError, OSError):
        raise DomainError(
            "invalid", f"{text!r} is not a usable folder path", {"field": "target"}
        ) from None
    if not path.is_absolute():
        raise DomainError(
            "invalid",
            "the data folder must be an absolute path, e.g. /srv/openjxc/restored",
            {"field": "target"},
        )
    path = path.resolve()
    running = Path(settings.DATA_DIR).resolve()
    if path == running or running in path.parents or path in running.parents:
        raise DomainError(
            "invalid",
            "restore into a new folder, not into or around the running books",
            {"field": "target"},
        )
    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        raise DomainError(
            "invalid", f"{path} is not empty: restore into a new folder", {"field": "target"}
        )
    return path


def restore_to_folder(user, backup_id: str, target: str, timeout: int = 600) -> dict:
    """Verify the backup's checksum, restore it into the new folder `target` with `jxc restore`
    (which reconciles the result) and return what happened. The running books are untouched."""
    require(user, MANAGE_BACKUP)
    manifest, path = find_backup(backup_id)
    if manifest.get("format") == "pg_dump":  # pg_restore needs a database, not a folder
        raise DomainError(
            "invalid",
            "a pg_dump backup restores into a PostgreSQL database or in place",
            {"field": "backup"},
            kind="pg_dump_folder",
        )
    folder = _check_target(target)
    try:
        verify_file(path)
    except BackupError as exc:
        raise DomainError("invalid", str(exc), {"field": "backup"}) from exc
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("OPENJXC_DATA_DIR", "OPENJXC_DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    env["DJANGO_SETTINGS_MODULE"] = "openjxc.settings"
    try:
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "openjxc.cli",
                "restore",
                "--from",
                str(path),
                "--data-dir",
                str(folder),
            ],
            capture_output=True,
            text=True,
            env=env,
            timeout=timeout,
            cwd=str(Path(settings.BASE_DIR).parent),
        )
    except subprocess.TimeoutExpired:
        raise DomainError(
            "restore_timeout",
            f"the restore did not finish within {timeout} s; run "
            f"`jxc restore --from {path} --data-dir {folder}` on the server instead",
            {"field": "target"},
        ) from None
    if proc.returncode != 0:  # jxc restore said why in one sentence and left nothing behind
        reason = (
            proc.stderr.strip().removeprefix("error: ")
            or f"jxc restore exited with {proc.returncode}"
        )
        with transaction.atomic():
            record(
                user,
                "restore",
                "backup",
                backup_id,
                after={"target": str(folder), "verified": False, "reason": reason},
            )
        raise DomainError("restore_failed", reason, {"field": "target", "reason": reason})
    result = {
        "backup": backup_id,
        "target": str(folder),
        "restored": True,
        "verified": True,
        "output": proc.stdout.strip(),
        "command": f"jxc serve --data-dir {folder}",
        "created_at": manifest.get("created_at"),
    }
    with transaction.atomic():
        record(
            user,
            "restore",
            "backup",
            backup_id,
            after={"target": str(folder), "verified": result["verified"]},
        )
    return result
