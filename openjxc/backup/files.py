"""Backup files and manifests — plain Python, usable before Django is set up (jxc restore)."""

import hashlib
import json
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
    if not backup_file.exists():
        raise BackupError(f"{backup_file} does not exist")
    if not manifest_path.exists():
        raise BackupError(f"no manifest {manifest_path.name} next to {backup_file.name}")
    manifest = json.loads(manifest_path.read_text())
    if sha256_file(backup_file) != manifest["sha256"]:
        raise BackupError(f"checksum of {backup_file.name} does not match its manifest: the file is damaged")
    return manifest
