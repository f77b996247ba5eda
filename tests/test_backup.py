"""Backup → restore round trip: the restored books reconcile exactly like the original."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from openjxc.backup.services import list_backups, take_backup
from openjxc.closing.checks import reconcile
from openjxc.closing.services import close
from openjxc.ledger.selectors import trial_balance
from tests.factories import cancel, doc

pytestmark = pytest.mark.django_db(transaction=True)
JXC = str(Path(sys.executable).parent / "jxc")
# The restored books live in a new SQLite data folder, whatever database the suite runs on.
ENV = {k: v for k, v in os.environ.items() if k != "OPENJXC_DATABASE_URL"}


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
    manifest = take_backup("test", user)
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
    manifest = take_backup("test", user)
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
