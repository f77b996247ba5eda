"""Backup files and manifests — plain Python, usable before Django is set up (jxc restore)."""

import hashlib
import json
import sqlite3
from pathlib import Path


class BackupError(Exception):
    pass


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def verify_file(backup_file: Path) -> dict:
    """The manifest next to a backup file, after checking the file's SHA-256 against it."""
    manifest_path = backup_file.with_name(backup_file.name.split(".")[0] + ".manifest.json")
    if not backup_file.is_file():
        raise BackupError(f"{backup_file} does not exist")
    if not manifest_path.exists():
        raise BackupError(f"no manifest {manifest_path.name} next to {backup_file.name}")
    try:
        manifest = json.loads(manifest_path.read_text())
        sha256, fmt, counts = manifest["sha256"], manifest["format"], manifest["counts"]
    except (OSError, ValueError, TypeError, KeyError):
        raise BackupError(f"the manifest {manifest_path.name} is damaged or incomplete") from None
    if fmt not in ("sqlite", "json", "pg_dump") or not isinstance(counts, dict) or not counts:
        raise BackupError(f"the manifest {manifest_path.name} is damaged or incomplete")
    if sha256_file(backup_file) != sha256:
        raise BackupError(
            f"checksum of {backup_file.name} does not match its manifest: the file is damaged"
        )
    return manifest


def sqlite_counts(path: Path, tables) -> dict:
    """Rows per table in a SQLite file (a table it lacks counts as None); read only."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        present = {
            r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        return {
            t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] if t in present else None
            for t in tables
        }
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"the backup file is not a readable database ({exc})") from None
    finally:
        conn.close()


def check_counts(manifest: dict, actual: dict, name: str) -> None:
    """Refuse a backup whose content has other row counts than its manifest recorded (an empty
    or foreign database whose checksum was made to match would otherwise pass as verified)."""
    for table, expected in manifest["counts"].items():
        if actual.get(table) != expected:
            raise BackupError(
                f"{name} holds {actual.get(table)} rows in {table}, its manifest says "
                f"{expected}: the file is not the backup its manifest describes"
            )
