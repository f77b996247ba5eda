"""The SQLite backend of `jxc serve` (openjxc.core.sqlite): writers queue on a lock shared by
the threads of a process and by the processes, taken before BEGIN IMMEDIATE and given back at
COMMIT, ROLLBACK or close; a writer that cannot have it within the connection's timeout fails
as SQLite would. Each test uses its own database file, not the test books."""

import multiprocessing
import subprocess
import sys
import threading
import time

import pytest
from django.db import transaction
from django.db.utils import ConnectionHandler, OperationalError

from openjxc.core.server import default_workers
from openjxc.core.sqlite.base import qmark, writer_lock
from openjxc.settings import sqlite_database


def handler(path, timeout: float = 5) -> ConnectionHandler:
    """Connections to the SQLite file `path` with the server's settings (one per thread), except
    that SQLite itself does not wait for its lock: a writer that waits can only be waiting for
    the new lock (`timeout` is that lock's)."""
    settings = sqlite_database(path)
    options = settings["OPTIONS"]
    init = options["init_command"] + " PRAGMA busy_timeout=0;"
    settings["OPTIONS"] = {**options, "timeout": timeout, "init_command": init}
    return ConnectionHandler({"default": settings})


def begin(conn) -> None:
    """What `transaction.atomic` does first on SQLite."""
    conn.ensure_connection()
    conn._start_transaction_under_autocommit()


def rows(path) -> list:
    conn = handler(path)["default"]
    with conn.cursor() as cur:
        cur.execute("SELECT who FROM t ORDER BY rowid")
        found = [r[0] for r in cur.fetchall()]
    conn.close()
    return found


@pytest.fixture
def books(tmp_path, django_db_blocker):
    """A database file of one table, outside the test books (connections to it allowed)."""
    path = tmp_path / "books.sqlite3"
    with django_db_blocker.unblock():
        conn = handler(path)["default"]
        with conn.cursor() as cur:
            cur.execute("CREATE TABLE t (who TEXT)")
        conn.close()
        yield path


def test_placeholders_become_question_marks_and_a_doubled_percent_a_single_one():
    assert qmark("SELECT 1 FROM t WHERE a = %s AND b LIKE '%%x' AND c IN (%s, %s)") == (
        "SELECT 1 FROM t WHERE a = ? AND b LIKE '%x' AND c IN (?, ?)"
    )
    assert qmark("SELECT '%%s'") == "SELECT '%s'"
    long = "INSERT INTO t VALUES " + ", ".join(["(%s)"] * 2000)
    assert qmark(long) == "INSERT INTO t VALUES " + ", ".join(["(?)"] * 2000)


def test_a_second_writer_begins_only_after_the_first_commits(books):
    conns = handler(books)
    events: list[tuple[str, float]] = []
    first_in = threading.Event()

    def first():
        conn = conns["default"]
        begin(conn)
        first_in.set()
        with conn.cursor() as cur:
            cur.execute("INSERT INTO t VALUES (%s)", ["first"])
        time.sleep(0.3)
        events.append(("first commits", time.monotonic()))
        conn.commit()
        conn.close()

    def second():
        first_in.wait(10)
        conn = conns["default"]
        begin(conn)
        events.append(("second begins", time.monotonic()))
        with conn.cursor() as cur:
            cur.execute("SELECT COUNT(*) FROM t")
            seen = cur.fetchone()[0]
            cur.execute("INSERT INTO t VALUES (%s)", [f"second saw {seen}"])
        conn.commit()
        conn.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert [e for e, _ in events] == ["first commits", "second begins"]
    assert rows(books) == ["first", "second saw 1"]


@pytest.mark.parametrize("end", ["rollback", "close"])
def test_rollback_and_close_give_the_lock_back(books, end):
    conns = handler(books, timeout=0.5)
    conn = conns["default"]
    begin(conn)
    with conn.cursor() as cur:
        cur.execute("INSERT INTO t VALUES ('undone')")
    getattr(conn, end)()
    other = []

    def second():
        c = conns["default"]
        begin(c)
        with c.cursor() as cur:
            cur.execute("INSERT INTO t VALUES ('kept')")
        c.commit()
        c.close()
        other.append("done")

    t = threading.Thread(target=second)
    t.start()
    t.join(10)
    assert other == ["done"]
    assert rows(books) == ["kept"]


HOLD = """
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)
fcntl.flock(fd, fcntl.LOCK_EX)
print("held", flush=True)
time.sleep(float(sys.argv[2]))
"""


def test_a_writer_that_waits_past_its_timeout_fails_as_locked_and_changes_nothing(books):
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, f"{books}.writer-lock", "3"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        conn = handler(books, timeout=0.3)["default"]
        t0 = time.monotonic()
        with pytest.raises(OperationalError, match="database is locked"):
            begin(conn)
        waited = time.monotonic() - t0
        assert 0.3 <= waited < 2.5
        assert conn.writer is None and not conn.in_atomic_block
        conn.close()
    finally:
        holder.kill()
        holder.wait()
    assert rows(books) == []
    # the other process gone, the same connection settings write at once
    conn = handler(books, timeout=0.3)["default"]
    begin(conn)
    with conn.cursor() as cur:
        cur.execute("INSERT INTO t VALUES ('after')")
    conn.commit()
    conn.close()
    assert rows(books) == ["after"]


def _child_tries(path, answer) -> None:
    conn = handler(path, timeout=0.3)["default"]
    try:
        begin(conn)
        answer.send("got the lock")
        conn.rollback()
    except OperationalError as exc:
        answer.send(str(exc))
    finally:
        conn.close()


def forked_child_tries(books) -> str:
    """What a child forked from this process gets when it begins a transaction."""
    ctx = multiprocessing.get_context("fork")
    mine, theirs = ctx.Pipe()
    child = ctx.Process(target=_child_tries, args=(books, theirs))
    child.start()
    assert mine.poll(20)
    answer = mine.recv()
    child.join(10)
    return answer


def test_a_forked_process_does_not_share_its_parents_lock(books):
    """gunicorn forks its workers from one process: a lock file opened before the fork would be
    one open file, locked by parent and child alike. The parent holds only the new lock (no
    SQLite transaction), so the child can only be stopped by it."""
    lock = writer_lock(str(books))
    lock.acquire(5)
    try:
        assert forked_child_tries(books) == "database is locked"
    finally:
        lock.release()
    assert forked_child_tries(books) == "got the lock"


def test_atomic_blocks_take_and_give_back_the_lock(books, monkeypatch):
    """Through transaction.atomic as the application uses it: nested blocks (savepoints), an
    error inside, a block left by an error after a rollback to its savepoint."""
    conns = handler(books, timeout=0.3)
    monkeypatch.setattr(transaction, "connections", conns)  # what atomic() uses
    conn = conns["default"]
    lock = writer_lock(str(books))
    with transaction.atomic():
        assert conn.writer is lock and lock.mutex.locked()
        with conn.cursor() as cur:
            cur.execute("INSERT INTO t VALUES ('outer')")
        with pytest.raises(ValueError):
            with transaction.atomic():
                with conn.cursor() as cur:
                    cur.execute("INSERT INTO t VALUES ('inner, rolled back')")
                raise ValueError
        assert conn.writer is lock
    assert conn.writer is None and not lock.mutex.locked()
    with pytest.raises(ValueError):
        with transaction.atomic():
            with conn.cursor() as cur:
                cur.execute("INSERT INTO t VALUES ('undone')")
            raise ValueError
    assert conn.writer is None and not lock.mutex.locked()
    conn.close()
    assert rows(books) == ["outer"]


def test_serve_runs_one_thread_per_process_and_twice_the_cores_in_processes(monkeypatch):
    from openjxc import cli

    args = cli.build_parser().parse_args(["serve"])
    assert (args.workers, args.threads) == (None, 1)
    for cores, expected in ((1, 2), (2, 4), (3, 6), (16, 8), (None, 2)):
        monkeypatch.setattr("os.cpu_count", lambda c=cores: c)
        assert default_workers() == expected
