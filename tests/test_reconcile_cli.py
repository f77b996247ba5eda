"""`jxc reconcile --fix` on the command line: the flags, the printed changes and the exit codes,
on the demo books (`jxc init --demo`) damaged behind the program's back."""

import sqlite3

import pytest

from .test_server import jxc

pytestmark = pytest.mark.sqlite_subprocess


def test_reconcile_fix_prints_what_it_repaired_and_refuses_a_lone_confirm(tmp_path):
    books = tmp_path / "books"
    init = jxc("init", "--data-dir", str(books), "--admin-user", "a",
               "--admin-password", "pw12345678", "--demo")  # fmt: skip
    assert init.returncode == 0, init.stderr
    assert jxc("reconcile", "--data-dir", str(books)).returncode == 0
    # given: a stock balance cache edited behind the program's back
    with sqlite3.connect(books / "openjxc.sqlite3") as conn:
        conn.execute(
            "UPDATE inventory_stockbalance SET value = value + 100 WHERE id = "
            "(SELECT MIN(id) FROM inventory_stockbalance WHERE qty > 0)"
        )
    # then: reconcile names it, --fix repairs and prints it, reconcile is ok again
    check = jxc("reconcile", "--data-dir", str(books))
    assert check.returncode == 1 and "[stock_cache]" in check.stdout
    fixed = jxc("reconcile", "--fix", "--data-dir", str(books))
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert "已修复 fixed: stock " in fixed.stdout and "OK:" in fixed.stdout
    again = jxc("reconcile", "--fix", "--data-dir", str(books))
    assert "无需修复 nothing to fix" in again.stdout
    lone = jxc("reconcile", "--confirm-closed", "--data-dir", str(books))
    assert lone.returncode == 2 and "--confirm-closed goes with --fix" in lone.stderr
    usage = jxc("reconcile", "--help").stdout
    assert "--confirm-closed" in usage and "修复" in usage and "确认" in usage
