"""`jxc export` → `jxc import` of the demo books (`jxc init --demo`): SQLite → SQLite, and
SQLite → PostgreSQL → SQLite with the digest equal at every step; a bit-flipped CSV is refused
naming the file and leaves no books behind; `jxc audit verify` names a tampered entry."""

import os
import re
import sqlite3
import uuid

import pytest

from tests.test_exit_export import files, jxc

pytestmark = pytest.mark.sqlite_subprocess  # own books in subprocesses: SQLite pass only

PG_ADMIN = os.environ.get("OPENJXC_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def digest_of(out: str) -> str:
    return re.search(r"digest ([0-9a-f]{64})", out).group(1)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo books and their export."""
    root = tmp_path_factory.mktemp("demo")
    proc = jxc("init", "--data-dir", str(root / "books"), "--admin-user", "admin",
               "--admin-password", "admin123", "--demo")  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    proc = jxc("export", "--data-dir", str(root / "books"), "--to", str(root / "export"))
    assert proc.returncode == 0, proc.stderr
    return root, digest_of(proc.stdout)


def test_demo_books_sqlite_to_sqlite(demo, tmp_path):
    root, digest = demo
    # when
    proc = jxc("import", "--data-dir", str(tmp_path / "b"), "--from", str(root / "export"))
    # then
    assert proc.returncode == 0, proc.stderr
    assert digest_of(proc.stdout) == digest and "reconcile OK" in proc.stdout
    assert jxc("reconcile", "--data-dir", str(tmp_path / "b")).returncode == 0
    proc = jxc("export", "--data-dir", str(tmp_path / "b"), "--to", str(tmp_path / "again"))
    assert digest_of(proc.stdout) == digest
    assert files(root / "export") == files(tmp_path / "again")  # the same rows, byte for byte


def test_a_second_import_into_the_same_books_is_refused(demo, tmp_path):
    root, _digest = demo
    assert (
        jxc("import", "--data-dir", str(tmp_path / "b"), "--from", str(root / "export")).returncode
        == 0
    )
    proc = jxc("import", "--data-dir", str(tmp_path / "b"), "--from", str(root / "export"))
    assert proc.returncode == 1 and "already holds a set of books" in proc.stderr


def test_a_bit_flipped_csv_is_refused_naming_the_file(demo, tmp_path):
    import shutil

    root, _digest = demo
    shutil.copytree(root / "export", tmp_path / "x")
    path = tmp_path / "x" / "ledger_journalline.csv"
    data = bytearray(path.read_bytes())
    data[100] ^= 0x04  # one bit
    path.write_bytes(bytes(data))
    proc = jxc("import", "--data-dir", str(tmp_path / "b"), "--from", str(tmp_path / "x"))
    assert proc.returncode == 1
    assert "ledger_journalline.csv" in proc.stderr and "sha256" in proc.stderr
    assert not (tmp_path / "b").exists()  # nothing left behind


def test_audit_verify_names_a_tampered_entry(demo, tmp_path):
    root, _digest = demo
    books = tmp_path / "b"
    assert jxc("import", "--data-dir", str(books), "--from", str(root / "export")).returncode == 0
    proc = jxc("audit", "verify", "--data-dir", str(books), "--json")
    assert proc.returncode == 0 and '"ok": true' in proc.stdout
    conn = sqlite3.connect(books / "openjxc.sqlite3")
    conn.execute("UPDATE audit_auditentry SET reason = '改过' WHERE id = 7")
    conn.commit()
    conn.close()
    proc = jxc("audit", "verify", "--data-dir", str(books))
    assert proc.returncode == 1 and "BROKEN at entry 7" in proc.stdout


def pg_database():
    psycopg = pytest.importorskip("psycopg")
    name = f"test_exitpath_rt_{uuid.uuid4().hex[:8]}"
    try:
        with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f"CREATE DATABASE {name}")
    except psycopg.OperationalError as exc:
        pytest.skip(f"no PostgreSQL: {exc}")
    return name, PG_ADMIN.rsplit("/", 1)[0] + "/" + name


def drop(name: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_demo_books_sqlite_to_postgresql_to_sqlite(demo, tmp_path):
    root, digest = demo
    name, url = pg_database()
    try:
        args = ("--data-dir", str(tmp_path / "pg"), "--database-url", url)
        proc = jxc("import", *args, "--from", str(root / "export"))
        assert proc.returncode == 0, proc.stderr
        assert digest_of(proc.stdout) == digest
        proc = jxc("export", *args, "--to", str(tmp_path / "from-pg"))
        assert proc.returncode == 0, proc.stderr
        assert digest_of(proc.stdout) == digest
        # PostgreSQL writes the same text as SQLite did, but for the import's own audit entry
        assert files(root / "export") == files(tmp_path / "from-pg")
        proc = jxc("import", "--data-dir", str(tmp_path / "s"), "--from", str(tmp_path / "from-pg"))
        assert proc.returncode == 0, proc.stderr
        assert digest_of(proc.stdout) == digest
    finally:
        drop(name)
