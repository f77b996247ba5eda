"""http: approvals through a real `jxc serve` (its production settings: gunicorn, threaded
workers), as integrators call it.

A fresh data folder (and, on PostgreSQL, a fresh scratch database) is initialised by `jxc init`,
the server is started on a free port, and master data, stock and the 5-line `sales_delivery`
drafts are created through the API (not timed). Then `POST /api/v1/documents/{number}/approve`
is timed with 1 and with 20 clients, each client one thread with its own keep-alive
connection (http.client) and the admin's bearer token; then a plain authenticated
`GET /api/v1/documents/{number}` with 1 client; then `GET /api/v1/reconcile`. The server is
stopped at the end, also when something failed."""

import datetime as dt
import http.client
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time

from .books import pg_admin, pg_drop_database, pg_fresh_database
from .config import PG_DB, START, TARGETS, log

CLIENTS = (1, 20)
PASSWORD = "bench-admin-pw"
JXC = [sys.executable, "-m", "openjxc.cli"]  # what the `jxc` script runs, in this interpreter


class Client:
    """One keep-alive connection to the server, with the bearer token once logged in."""

    def __init__(self, port: int, token: str | None = None):
        self.port = port
        self.headers = {"Content-Type": "application/json"}
        if token:
            self.headers["Authorization"] = f"Bearer {token}"
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)

    def send(self, method: str, path: str, body=None) -> tuple[int, bytes]:
        """(status, raw body); a connection the server closed while idle is opened again once
        (the request never reached it)."""
        data = None if body is None else json.dumps(body).encode()
        for attempt in (1, 2):
            try:
                self.conn.request(method, "/api/v1" + path, body=data, headers=self.headers)
                resp = self.conn.getresponse()
                return resp.status, resp.read()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.conn.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def json(self, method: str, path: str, body=None, expect=(200, 201)) -> dict:
        status, raw = self.send(method, path, body)
        if status not in expect:
            raise RuntimeError(f"{method} {path}: HTTP {status} {raw[:300]!r}")
        return json.loads(raw)

    def close(self) -> None:
        self.conn.close()


def run_clients(port: int, token: str, requests: list, clients: int) -> dict:
    """Send `requests` ((method, path, body)) from `clients` threads, each its own connection,
    all starting together; wall time, per-request latencies, statuses in request order."""
    statuses: list = [None] * len(requests)
    bodies: list = [b"not sent"] * len(requests)
    latencies: list[list[float]] = [[] for _ in range(clients)]
    barrier = threading.Barrier(clients + 1)

    def client(k: int) -> None:
        c = Client(port, token)
        try:
            c.conn.connect()
        finally:
            barrier.wait()
        try:
            for i in range(k, len(requests), clients):
                t0 = time.perf_counter()
                try:
                    statuses[i], bodies[i] = c.send(*requests[i])
                except (OSError, http.client.HTTPException) as exc:
                    statuses[i], bodies[i] = None, repr(exc).encode()
                    c.close()
                latencies[k].append(time.perf_counter() - t0)
        finally:
            c.close()

    threads = [threading.Thread(target=client, args=(k,), daemon=True) for k in range(clients)]
    for t in threads:
        t.start()
    barrier.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    return {
        "wall_s": wall,
        "latencies": [x for lat in latencies for x in lat],
        "statuses": statuses,
        "bodies": bodies,
    }


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(q * len(ordered) + 0.5) - 1))]


def errors_of(result: dict, ok: int = 200) -> tuple[int, list]:
    bad = [(s, b) for s, b in zip(result["statuses"], result["bodies"], strict=True) if s != ok]
    return len(bad), [f"{s}: {b[:200].decode(errors='replace')}" for s, b in bad[:3]]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_options() -> dict:
    """The gunicorn settings `jxc serve` runs with by default (workers, threads per worker),
    read from openjxc itself so that the report follows the code."""
    from openjxc import cli
    from openjxc.core import server

    seen: dict = {}

    class Probe:
        def __init__(self, options):
            seen.update(options)

        def run(self):
            pass

    real, server._App = server._App, Probe
    try:
        args = cli.build_parser().parse_args(["serve"])
        server.serve("127.0.0.1", 0, args.workers, args.threads)
    finally:
        server._App = real
    return {"workers": seen.get("workers"), "threads_per_worker": seen.get("threads")}


class Server:
    """`jxc init` of a fresh set of books, then `jxc serve` on a free port; stopped on exit."""

    def __init__(self, backend: str, tmp: str):
        self.data_dir = os.path.join(tmp, f"http-{backend}")
        self.backend, self.proc, self.port = backend, None, free_port()
        self.log_path = os.path.join(tmp, f"http-{backend}-server.log")
        # the server's own settings only: nothing of this process's database settings
        self.env = {
            k: v for k, v in os.environ.items() if not k.startswith(("OPENJXC_", "DJANGO_"))
        }

    def __enter__(self):
        where = ["--data-dir", self.data_dir]
        if self.backend == "pg":
            where += ["--database-url", pg_fresh_database()]
        init = [*JXC, "init", *where, "--admin-user", "admin", "--admin-password", PASSWORD]
        t0 = time.perf_counter()
        subprocess.run(
            [*init, "--start-date", START.isoformat()],
            check=True,
            capture_output=True,
            env=self.env,
            timeout=600,
        )
        self.init_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        self.command = [*JXC, "serve", *where, "--port", str(self.port)]
        with open(self.log_path, "wb") as fh:
            self.proc = subprocess.Popen(
                self.command,
                env=self.env,
                stdout=fh,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self._wait_ready()
        self.start_s = time.perf_counter() - t0
        return self

    def _wait_ready(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"jxc serve exited with {self.proc.returncode}: {self.log()}")
            probe = Client(self.port)
            try:
                probe.send("GET", "/reconcile")  # 401 without a token: it answers
                return
            except OSError:
                time.sleep(0.2)
            finally:
                probe.close()
        raise RuntimeError(f"jxc serve not ready after {seconds}s: {self.log()}")

    def log(self) -> str:
        with open(self.log_path, errors="replace") as fh:
            return fh.read()[-2000:]

    def __exit__(self, *exc):
        try:
            if self.proc is not None and self.proc.poll() is None:
                os.killpg(self.proc.pid, signal.SIGTERM)  # gunicorn: graceful stop
                try:
                    self.proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                    self.proc.wait(timeout=30)
        finally:
            if self.backend == "pg":
                pg_drop_database()
        return False


def prepare(port: int, size: dict) -> tuple[str, list[str]]:
    """Master data and stock through the API; the item codes and a bearer token."""
    c = Client(port)
    token = c.json("POST", "/auth/token", {"username": "admin", "password": PASSWORD})["token"]
    c = Client(port, token)
    codes = [f"H{i:04d}" for i in range(size["http_items"])]
    c.json("POST", "/warehouses", {"code": "WH1", "name": "仓库WH1"})
    c.json("POST", "/suppliers", {"code": "S001", "name": "供应商一"})
    c.json("POST", "/customers", {"code": "C001", "name": "客户一"})
    for code in codes:
        item = {"code": code, "name": f"商品{code}", "unit": "个", "tax_rate": "0.13"}
        c.json("POST", "/items", {**item, "purchase_price": "5.00", "sale_price": "10.00"})
    day = str(START + dt.timedelta(days=1))
    for k in range(0, len(codes), 50):
        lines = [{"item": i, "qty": "1000000", "price": "5.00"} for i in codes[k : k + 50]]
        body = {"type": "purchase_receipt", "date": day, "partner": "S001", "warehouse": "WH1"}
        number = c.json("POST", "/documents", {**body, "lines": lines})["number"]
        c.json("POST", f"/documents/{number}/approve")
    c.close()
    return token, codes


def create_drafts(port: int, token: str, codes: list[str], n: int, rng) -> list[str]:
    """n 5-line sales delivery drafts through the API (8 clients at once), their numbers."""
    day = str(START + dt.timedelta(days=2))
    head = {"type": "sales_delivery", "date": day, "partner": "C001", "warehouse": "WH1"}
    bodies = [
        {**head, "lines": [{"item": i, "qty": "1", "price": "10.00"} for i in rng.sample(codes, 5)]}
        for _ in range(n)
    ]
    result = run_clients(port, token, [("POST", "/documents", b) for b in bodies], 8)
    errors, samples = errors_of(result, ok=201)
    if errors:
        raise RuntimeError(f"{errors} drafts not created: {samples}")
    return [json.loads(b)["number"] for b in result["bodies"]]


def group_cpu_s(pgid: int) -> float | None:
    """CPU seconds (user + system) used so far by the processes of a process group: the
    server's master and workers (Linux /proc; None elsewhere). Unlike wall time it hardly
    depends on what else the machine runs."""
    if not os.path.isdir("/proc"):
        return None
    ticks = 0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # pgrp; utime and stime follow as fields 14 and 15
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def proc_cpu_s(pid: int) -> float | None:
    """CPU seconds (user + system) of one process so far (Linux /proc; None if unreadable)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def postgres_cpu(server) -> dict | None:
    """pid → CPU seconds of the PostgreSQL backends serving the benchmark's database (None on
    SQLite, or when the server's processes are not on this machine)."""
    if server.backend != "pg":
        return None
    row = pg_admin(f"SELECT array_agg(pid) FROM pg_stat_activity WHERE datname = '{PG_DB}'")
    cpu = {pid: proc_cpu_s(pid) for pid in (row[0] or [])}
    return None if not cpu or None in cpu.values() else cpu


def timed(server, token: str, requests: list, clients: int) -> dict:
    cpu0, client0, pg0 = group_cpu_s(server.proc.pid), time.process_time(), postgres_cpu(server)
    result = run_clients(server.port, token, requests, clients)
    cpu1, client1, pg1 = group_cpu_s(server.proc.pid), time.process_time(), postgres_cpu(server)
    errors, samples = errors_of(result)
    server_cpu = None if cpu0 is None or cpu1 is None else cpu1 - cpu0
    # a backend that ended during the run is lost (persistent connections: seldom)
    pg_cpu = None if pg0 is None or pg1 is None else sum(v - pg0.get(k, 0) for k, v in pg1.items())
    return {
        **result,
        "errors": errors,
        "error_samples": samples,
        "server_cpu_s": server_cpu,
        "postgres_cpu_s": pg_cpu,
        "client_cpu_s": client1 - client0,
    }


def summary(runs: list[dict], per_run: int, unit: str) -> dict:
    """Median rate over the runs; latencies pooled over the runs."""
    rates = [per_run / r["wall_s"] for r in runs]
    latencies = [x for r in runs for x in r["latencies"]]
    out = {
        f"{unit}_per_run": per_run,
        f"{unit}_per_s_runs": [round(x, 1) for x in rates],
        f"{unit}_per_s": round(statistics.median(rates), 1),
        "latency_ms_median": round(statistics.median(latencies) * 1000, 2),
        "latency_ms_p95": round(percentile(latencies, 0.95) * 1000, 2),
        "errors": sum(r["errors"] for r in runs),
    }
    n = per_run * len(runs)
    cpu = [r["server_cpu_s"] for r in runs]
    out["server_cpu_ms_per_request"] = None if None in cpu else round(sum(cpu) / n * 1000, 2)
    pg = [r["postgres_cpu_s"] for r in runs]
    if None not in pg:  # PostgreSQL's own backends, on this machine
        out["postgres_cpu_ms_per_request"] = round(sum(pg) / n * 1000, 2)
    out["client_cpu_ms_per_request"] = round(sum(r["client_cpu_s"] for r in runs) / n * 1000, 2)
    samples = [s for r in runs for s in r["error_samples"]][:3]
    if samples:
        out["error_samples"] = samples
    return out


def bench_http(args, backend: str, tmp: str, size: dict, out: dict) -> None:
    key = "sqlite" if backend == "sqlite" else "postgresql"
    rng = random.Random(5)
    t0 = time.perf_counter()
    with Server(backend, tmp) as server:
        token, codes = prepare(server.port, size)
        setup_s = time.perf_counter() - t0
        per_run = {n: size["http_docs_1" if n == 1 else "http_docs_20"] for n in CLIENTS}
        t1 = time.perf_counter()
        warm = create_drafts(server.port, token, codes, 16, rng)
        drafts = {
            n: [create_drafts(server.port, token, codes, per_run[n], rng) for _ in range(args.runs)]
            for n in CLIENTS
        }
        drafts_s = time.perf_counter() - t1
        n_drafts = len(warm) + args.runs * sum(per_run.values())
        log(f"{key} http: {n_drafts} drafts through the API in {drafts_s:.1f}s")
        # warm every worker thread up (imports, caches, connections) before timing
        timed(server, token, [("POST", f"/documents/{n}/approve", None) for n in warm], 8)
        runs: dict[int, list] = {n: [] for n in CLIENTS}
        for run in range(args.runs):  # interleaved, so that a noisy moment hits both alike
            for n in CLIENTS:
                approve = [("POST", f"/documents/{d}/approve", None) for d in drafts[n][run]]
                runs[n].append(timed(server, token, approve, n))
                log(
                    f"{key} http approve run {run + 1}, {n} client(s): {per_run[n]} docs in "
                    f"{runs[n][-1]['wall_s']:.2f}s, {runs[n][-1]['errors']} errors"
                )
        approved = [d for n in CLIENTS for run in drafts[n] for d in run]
        gets = [
            ("GET", f"/documents/{approved[i % len(approved)]}", None)
            for i in range(size["http_gets"])
        ]
        get_runs = [timed(server, token, gets, 1) for _ in range(args.runs)]
        c = Client(server.port, token)
        t1 = time.perf_counter()
        rec = c.json("GET", "/reconcile")
        rec_s = time.perf_counter() - t1
        listed = c.json("GET", "/documents?type=sales_delivery&status=approved&limit=1")
        c.close()
    targets = TARGETS["http_approve_docs_per_s"][key]
    res = {
        "server": {**server_options(), "command": " ".join(server.command[1:])},
        "items": len(codes),
        "lines_per_doc": 5,
        "runs": args.runs,
        "init_s": round(server.init_s, 2),
        "server_start_s": round(server.start_s, 2),
        "setup_s": round(setup_s, 2),
        "drafts": n_drafts,
        "drafts_s": round(drafts_s, 2),
        "approve": {},
        "get": {"1": summary(get_runs, size["http_gets"], "requests")},
        "approved_documents": listed["count"],
        "approved_expected": n_drafts,
        "reconcile_s": round(rec_s, 3),
        "reconcile_ok": rec["ok"],
    }
    if not rec["ok"]:
        res["reconcile_problems"] = rec["problems"][:5]
    for n in CLIENTS:
        s = summary(runs[n], per_run[n], "docs")
        target = targets.get(str(n))
        s.update(
            target_docs_per_s=target, met=None if target is None else s["docs_per_s"] >= target
        )
        res["approve"][str(n)] = s
    res["errors"] = sum(s["errors"] for s in (*res["approve"].values(), *res["get"].values()))
    res["met"] = (
        res["errors"] == 0
        and res["reconcile_ok"]
        and all(s["met"] is not False for s in res["approve"].values())
    )
    log(
        f"{key} http: approve "
        + ", ".join(f"{n} client(s) {res['approve'][str(n)]['docs_per_s']}/s" for n in CLIENTS)
        + f"; GET {res['get']['1']['requests_per_s']}/s; reconcile ok={rec['ok']}"
    )
    out["http"] = res
