"""Backup and restore: the restored books reconcile exactly like the original; `jxc restore`
checks the manifest's checksum and row counts per table, and every failure, on the command line
or through the backup page, is one clear sentence that leaves no folder behind."""

import gzip
import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from openjxc.audit.models import AuditEntry
from openjxc.backup.services import list_backups, take_backup
from openjxc.closing.checks import reconcile
from openjxc.closing.services import close
from openjxc.ledger.selectors import trial_balance

from .factories import cancel, doc

pytestmark = pytest.mark.django_db(transaction=True)
JXC = str(Path(sys.executable).parent / "jxc")
# The restored books live in a new SQLite data folder, whatever database the suite runs on.
ENV = {k: v for k, v in os.environ.items() if k != "OPENJXC_DATABASE_URL"}
# PostgreSQL's own backups are pg_dump files (tests/test_backup_verify.py); the portable JSON
# export is what restores into a new SQLite data folder.
PORTABLE = "json" if os.environ.get("OPENJXC_DATABASE_URL") else None


def test_backup_restore_round_trip(user, settings, tmp_path):
    # given books with a closed month, a cancel and open items
    settings.DATA_DIR = tmp_path / "books"
    doc(user, "purchase_receipt", "2026-01-05", [("A001", 10, "5.00"), ("A002", 3, "2.50")])
    doc(user, "sales_delivery", "2026-01-06", [("A001", 4, "9.00")])
    close(user, "2026-01")
    r = doc(user, "purchase_receipt", "2026-02-02", [("A001", 5, "6.00")])
    doc(user, "sales_delivery", "2026-02-03", [("A001", 2, "9.00")])
    cancel(user, r, "重复录入")
    original = reconcile()
    original_tb = trial_balance(date_from=None, date_to=None)
    # when a backup is taken and restored into a new data folder
    manifest = take_backup("test", user, fmt=PORTABLE)
    assert manifest["id"] in [m["id"] for m in list_backups()]
    backup_file = tmp_path / "books" / "backups" / manifest["file"]
    target = tmp_path / "restored"
    out = subprocess.run(
        [JXC, "restore", "--from", str(backup_file), "--data-dir", str(target)],
        capture_output=True,
        text=True,
        timeout=120,
        env=ENV,
    )
    # then the restore verified itself, and its reconcile output equals the original's
    assert out.returncode == 0, out.stdout + out.stderr
    assert "verified: reconcile OK" in out.stdout
    restored = subprocess.run(
        [JXC, "reconcile", "--json", "--data-dir", str(target)],
        capture_output=True,
        text=True,
        timeout=120,
        env=ENV,
    )
    assert json.loads(restored.stdout) == original == {"ok": True, "problems": []}
    periods = subprocess.run(
        [JXC, "periods", "--data-dir", str(target)], capture_output=True, text=True, env=ENV
    )
    assert "2026-01" in periods.stdout and "closed" in periods.stdout
    assert original_tb["balanced"]


def test_restore_refuses_a_damaged_backup(user, settings, tmp_path):
    settings.DATA_DIR = tmp_path / "books"
    doc(user, "purchase_receipt", "2026-01-05", [("A001", 1, "5.00")])
    manifest = take_backup("test", user, fmt=PORTABLE)
    backup_file = tmp_path / "books" / "backups" / manifest["file"]
    data = bytearray(backup_file.read_bytes())
    data[len(data) // 2] ^= 0xFF
    backup_file.write_bytes(bytes(data))
    out = subprocess.run(
        [JXC, "restore", "--from", str(backup_file), "--data-dir", str(tmp_path / "x")],
        capture_output=True,
        text=True,
        timeout=60,
        env=ENV,
    )
    assert out.returncode == 1 and "checksum" in out.stderr
    assert not (tmp_path / "x" / "openjxc.sqlite3").exists()


@pytest.fixture
def backup(user, settings, tmp_path):
    """A SQLite backup of books with a receipt and a delivery: (backup file, manifest path)."""
    settings.DATA_DIR = tmp_path / "books"
    doc(user, "purchase_receipt", "2026-01-05", [("A001", 10, "5.00")])
    doc(user, "sales_delivery", "2026-01-06", [("A001", 4, "9.00")])
    manifest = take_backup("test", user, fmt=PORTABLE)
    folder = tmp_path / "books" / "backups"
    return folder / manifest["file"], folder / f"{manifest['id']}.manifest.json"


def _reseal(backup_file, manifest_path):
    """Make the manifest's checksum match the (altered) file, as a forger or a bad copy would."""
    manifest = json.loads(manifest_path.read_text())
    manifest["sha256"] = hashlib.sha256(backup_file.read_bytes()).hexdigest()
    manifest_path.write_text(json.dumps(manifest))


def _restore(backup_file, target):
    return subprocess.run(
        [JXC, "restore", "--from", str(backup_file), "--data-dir", str(target)],
        capture_output=True,
        text=True,
        timeout=120,
        env=ENV,
    )


def _one_sentence(out):
    assert out.returncode == 1, out.stdout + out.stderr
    assert "Traceback" not in out.stderr + out.stdout, out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), out.stderr
    return lines[0]


def test_the_manifest_counts_its_rows_per_table(backup):
    manifest = json.loads(backup[1].read_text())
    assert manifest["counts"]["documents_document"] == 2
    assert manifest["counts"]["inventory_stockmove"] == 2
    assert manifest["counts"]["catalog_item"] == 3


def test_an_emptied_database_with_a_matching_checksum_is_refused(backup, tmp_path):
    # given the backup's business rows deleted and its checksum made to match again
    backup_file, manifest_path = backup
    business = (
        "documents",
        "inventory_stockmove",
        "inventory_stockbalance",
        "ledger_journal",
        "ledger_voucher",
        "ledger_openitem",
        "ledger_accountbalance",
        "audit",
    )
    if backup_file.name.endswith(".json.gz"):  # PostgreSQL books: a JSON dump
        with gzip.open(backup_file, "rt", encoding="utf-8") as f:
            rows = json.load(f)
        rows = [r for r in rows if not r["model"].replace(".", "_").startswith(business)]
        with gzip.open(backup_file, "wt", encoding="utf-8") as f:
            json.dump(rows, f)
    else:
        conn = sqlite3.connect(backup_file)
        conn.execute("PRAGMA foreign_keys = OFF")
        for (t,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
            if t.startswith(business):
                conn.execute(f'DELETE FROM "{t}"')
        conn.commit()
        conn.close()
    _reseal(backup_file, manifest_path)
    # when it is restored / then it is refused naming the table, and no folder is left
    target = tmp_path / "restored"
    line = _one_sentence(_restore(backup_file, target))
    assert "rows in" in line and "manifest says" in line
    assert not target.exists()


def test_a_damaged_database_with_a_matching_checksum_is_one_sentence(backup, tmp_path):
    backup_file, manifest_path = backup
    data = backup_file.read_bytes()
    backup_file.write_bytes(b"\0" * 100 + data[100 : len(data) // 3])
    _reseal(backup_file, manifest_path)
    target = tmp_path / "restored"
    _one_sentence(_restore(backup_file, target))
    assert not target.exists()


def test_a_damaged_manifest_is_one_sentence(backup, tmp_path):
    backup_file, manifest_path = backup
    manifest_path.write_text("{not json")
    target = tmp_path / "restored"
    line = _one_sentence(_restore(backup_file, target))
    assert "manifest" in line
    assert not target.exists()


def test_a_failed_restore_into_an_existing_empty_folder_leaves_it_empty(backup, tmp_path):
    backup_file, manifest_path = backup
    manifest = json.loads(manifest_path.read_text())
    manifest["counts"]["documents_document"] = 99
    manifest_path.write_text(json.dumps(manifest))
    target = tmp_path / "empty"
    target.mkdir()
    _one_sentence(_restore(backup_file, target))
    assert target.is_dir() and list(target.iterdir()) == []


def test_the_restore_page_refuses_an_unusable_folder_with_a_sentence(
    backup, admin_client, tmp_path
):
    # given a target below a file (no folder can be made there)
    backup_file, _ = backup
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    backup_id = backup_file.name.split(".")[0]
    # when the administrator restores into it
    r = admin_client.post(
        f"/backups/{backup_id}/restore/",
        {"target": str(blocker / "restored")},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    # then an error (not 200) in Chinese, no traceback, nothing created, and the reason audited
    html = r.content.decode()
    assert r.status_code == 422 and 'id="restore-error"' in html, html
    assert "Traceback" not in html and "恢复失败" in html
    assert blocker.read_text() == "x"
    entry = AuditEntry.objects.filter(action="restore", object=backup_id).latest("id")
    assert entry.after["verified"] is False and "cannot be used" in entry.after["reason"]
