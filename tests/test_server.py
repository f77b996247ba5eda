"""End to end through the real command line: `jxc init` + `jxc serve` (gunicorn) in a subprocess.

Parallel HTTP clients race for the last units; the server is then killed with SIGKILL right
after it acknowledged approvals, restarted, and every acknowledged approval must still be there.
Runs on SQLite (a fresh data folder) and, when OPENJXC_DATABASE_URL is set, on a fresh
PostgreSQL database created and dropped here.
"""

import hashlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import pytest

JXC = str(Path(sys.executable).parent / "jxc")
READY_TIMEOUT = 60  # generous: the 10 s target is measured and printed, not asserted
DAY = "2026-03-02"
PG_URL = os.environ.get("OPENJXC_DATABASE_URL", "")


def clean_env() -> dict:
    """The environment of a user's shell: none of the test run's OPENJXC_* switches."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENJXC_", "DJANGO_"))}
    env["PYTHONUNBUFFERED"] = "1"
    return env


def jxc(*args, timeout=120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [JXC, *args], env=clean_env(), capture_output=True, text=True, timeout=timeout
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def snapshot(folder: Path) -> dict:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


class Server:
    """`jxc serve` in its own process group (gunicorn master + workers)."""

    def __init__(self, data_dir: Path, db_args: list, log: Path):
        self.data_dir, self.db_args, self.log = data_dir, db_args, log
        self.proc = None
        self.port = None

    def start(self) -> float:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        started = time.monotonic()
        with open(self.log, "a") as out:
            self.proc = subprocess.Popen(
                [
                    JXC,
                    "serve",
                    "--data-dir",
                    str(self.data_dir),
                    *self.db_args,
                    "--port",
                    str(self.port),
                ],
                env=clean_env(),
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        while time.monotonic() - started < READY_TIMEOUT:
            assert self.proc.poll() is None, (
                f"jxc serve exited with {self.proc.returncode}:\n{self.log.read_text()}"
            )
            try:
                with urllib.request.urlopen(self.base + "/login/", timeout=2) as r:
                    if r.status == 200:
                        return time.monotonic() - started
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.05)
        raise AssertionError(f"server not ready within {READY_TIMEOUT} s:\n{self.log.read_text()}")

    def kill9(self) -> None:
        """Power cut: SIGKILL to the master and every worker at once."""
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(20)
            except (subprocess.TimeoutExpired, ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)


class Client:
    def __init__(self, base: str, token: str | None = None):
        self.base, self.token = base, token

    def call(self, method: str, path: str, body=None) -> tuple[int, dict | str]:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + "/api/v1" + path, data=data, method=method)
        req.add_header("Content-Type", "application/json")
        if self.token:
            req.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(req, timeout=120) as r:
                status, raw = r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            status, raw = e.code, e.read().decode(errors="replace")
        try:
            return status, json.loads(raw)
        except ValueError:
            return status, raw

    def ok(self, method: str, path: str, body=None, expect=(200, 201)) -> dict:
        status, result = self.call(method, path, body)
        assert status in expect, (method, path, status, result)
        return result


def login(base: str, password="admin123") -> Client:
    status, result = Client(base).call(
        "POST", "/auth/token", {"username": "admin", "password": password}
    )
    assert status == 200, result
    return Client(base, result["token"])


def race(c: Client, numbers: list, threads: int = 6) -> list[tuple[str, int, dict | str]]:
    """Approve `numbers` from `threads` parallel HTTP clients; returns (number, status, body)."""
    queue = list(numbers)
    lock = threading.Lock()
    barrier = threading.Barrier(threads)
    results = []

    def worker():
        barrier.wait(30)
        while True:
            with lock:
                if not queue:
                    return
                number = queue.pop(0)
            status, body = c.call("POST", f"/documents/{number}/approve")
            with lock:
                results.append((number, status, body))

    pool = [threading.Thread(target=worker, daemon=True) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join(180)
    assert not any(t.is_alive() for t in pool), "an HTTP client hung"
    return results


@pytest.fixture(params=[pytest.param("sqlite", marks=pytest.mark.sqlite_subprocess), "postgresql"])
def books(request, tmp_path):
    """(data_dir, extra db args, database URL or None) of a fresh, not yet initialised set of books."""
    data_dir = tmp_path / "books"
    if request.param == "sqlite":
        yield data_dir, [], None
        return
    if not PG_URL:
        pytest.skip("OPENJXC_DATABASE_URL not set: PostgreSQL server test skipped")
    import psycopg

    name = f"openjxc_srv_test_{secrets.token_hex(4)}"
    url = urlunparse(urlparse(PG_URL)._replace(path="/" + name))
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield data_dir, ["--database-url", url], url
    finally:
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_help_lists_the_commands():
    result = jxc("--help")
    assert result.returncode == 0, result.stderr
    for command in ("init", "serve", "reconcile"):
        assert command in result.stdout


def pg_state(url: str) -> list:
    import psycopg

    with psycopg.connect(url) as conn:
        return [
            conn.execute("SELECT key, value FROM core_setting ORDER BY key").fetchall(),
            conn.execute("SELECT username, password FROM auth_user ORDER BY id").fetchall(),
            conn.execute("SELECT COUNT(*) FROM audit_auditentry").fetchall(),
        ]


def test_serve_races_kill9_restart_and_reconcile(books, tmp_path):
    data_dir, db_args, url = books
    log = tmp_path / "server.log"

    # jxc init creates the books
    init = [
        "init",
        "--data-dir",
        str(data_dir),
        *db_args,
        "--admin-user",
        "admin",
        "--admin-password",
        "admin123",
        "--start-date",
        "2026-01-01",
    ]
    result = jxc(*init)
    assert result.returncode == 0, result.stderr

    # init again on the same books fails and changes nothing
    before = snapshot(data_dir)
    pg_before = pg_state(url) if url else None
    again = jxc(
        "init",
        "--data-dir",
        str(data_dir),
        *db_args,
        "--admin-user",
        "other",
        "--admin-password",
        "other123",
        "--start-date",
        "2026-02-01",
    )
    assert again.returncode != 0
    assert "nothing was changed" in again.stderr
    assert snapshot(data_dir) == before
    if url:
        assert pg_state(url) == pg_before
        # nor does a new data folder pointed at a database that already holds books
        other_dir = tmp_path / "other"
        again = jxc(
            "init",
            "--data-dir",
            str(other_dir),
            *db_args,
            "--admin-user",
            "other",
            "--admin-password",
            "other123",
        )
        assert again.returncode != 0
        assert not other_dir.exists()
        assert pg_state(url) == pg_before

    server = Server(data_dir, db_args, log)
    try:
        ready = server.start()
        print(f"\n[{'pg' if url else 'sqlite'}] jxc serve ready after {ready:.2f} s (target: 10 s)")
        c = login(server.base)
        c.ok("POST", "/warehouses", {"code": "WH1", "name": "主仓库"})
        c.ok("POST", "/items", {"code": "A001", "name": "螺丝", "unit": "个"})
        c.ok("POST", "/suppliers", {"code": "S001", "name": "供应商一"})
        c.ok("POST", "/customers", {"code": "C001", "name": "客户一"})

        def draft(type_, partner, qty, price):
            d = c.ok(
                "POST",
                "/documents",
                {
                    "type": type_,
                    "date": DAY,
                    "partner": partner,
                    "warehouse": "WH1",
                    "lines": [{"item": "A001", "qty": str(qty), "price": price}],
                },
            )
            return d["number"]

        receipt = draft("purchase_receipt", "S001", 10, "3.33")
        assert c.ok("POST", f"/documents/{receipt}/approve")["status"] == "approved"

        # round 1: 10 units, 6 deliveries of 3 from 6 clients at once -> 3 × 200, 3 × 409
        acknowledged = [receipt]
        deliveries = [draft("sales_delivery", "C001", 3, "9.00") for _ in range(6)]
        results = race(c, deliveries)
        for number, status, body in results:
            assert status in (200, 409), (number, status, body)
            assert "database is locked" not in json.dumps(body)
            if status == 409:
                assert body["error"]["code"] == "insufficient_stock", body
            else:
                assert body["status"] == "approved"
        won = [n for n, s, _ in results if s == 200]
        assert len(won) == 3, results
        acknowledged += won

        # round 2: 20 more units, 12 deliveries of 2 -> 21 on hand: 10 × 200, 2 × 409
        receipt2 = draft("purchase_receipt", "S001", 20, "3.33")
        c.ok("POST", f"/documents/{receipt2}/approve")
        acknowledged.append(receipt2)
        deliveries2 = [draft("sales_delivery", "C001", 2, "9.00") for _ in range(12)]
        results2 = race(c, deliveries2)
        assert sorted(s for _, s, _ in results2) == [200] * 10 + [409] * 2, results2
        assert all(b["error"]["code"] == "insufficient_stock" for _, s, b in results2 if s == 409)
        acknowledged += [n for n, s, _ in results2 if s == 200]

        # power cut right after the last 200 was received
        server.kill9()

        # restart: every acknowledged approval survived
        ready = server.start()
        print(f"[{'pg' if url else 'sqlite'}] restart ready after {ready:.2f} s")
        c = login(server.base)
        for number in acknowledged:
            assert c.ok("GET", f"/documents/{number}")["status"] == "approved", number
        for number in set(deliveries + deliveries2) - set(acknowledged):
            assert c.ok("GET", f"/documents/{number}")["status"] == "draft", number
        stock = c.ok("GET", "/stock?item=A001")["items"]
        # 30 in, 3 × 3 + 10 × 2 = 29 out; every out takes 3.33 a unit
        assert [(r["on_hand"], r["value"]) for r in stock] == [("1", "3.33")]
        assert c.ok("GET", "/reconcile")["ok"] is True

        # the command line agrees while the server is running
        rec = jxc("reconcile", "--data-dir", str(data_dir), *db_args)
        assert rec.returncode == 0, rec.stdout + rec.stderr
    finally:
        server.stop()
    text = log.read_text()
    assert "database is locked" not in text, text
    assert "Traceback" not in text, text


@pytest.fixture
def served(tmp_path):
    """A real `jxc serve` (gunicorn with the project's worker) on fresh books."""

    data_dir = tmp_path / "books"
    result = jxc(
        "init", "--data-dir", str(data_dir), "--admin-user", "admin", "--admin-password", "admin123"
    )
    assert result.returncode == 0, result.stderr
    server = Server(data_dir, [], tmp_path / "serve.log")
    server.start()
    yield server
    server.stop()


def _raw(port: int, request: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(request)
        chunks = []
        while chunk := s.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_served_limits_answer_in_the_json_error_body(served):
    from openjxc.core.server import MAX_REQUEST_LINE

    # an over-long request line: gunicorn refuses it, in the API's error format
    answer = _raw(
        served.port,
        b"GET /api/v1/items?q=" + b"a" * (MAX_REQUEST_LINE + 100) + b" HTTP/1.1\r\nHost: x\r\n\r\n",
    )
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 414"), answer[:300]
    assert b"application/json" in head
    assert b'"code": "uri_too_long"' in body
    # a line just inside the limit reaches Django (401: no token), also as JSON
    line = (
        b"GET /api/v1/items?q=" + b"a" * 6000 + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    assert _raw(served.port, line).startswith(b"HTTP/1.1 401")
    # a 10 MB body: 413 too_large, read no further than its Content-Length header
    size = 10 * 1024 * 1024
    with socket.create_connection(("127.0.0.1", served.port), timeout=30) as s:
        s.sendall(
            b"POST /api/v1/items HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + f"Content-Length: {size}\r\nConnection: close\r\n\r\n".encode()
            + b"{" * 65536
        )
        answer = b"".join(iter(lambda: s.recv(65536), b""))
    assert answer.startswith(b"HTTP/1.1 413"), answer[:300]
    assert b'"too_large"' in answer
