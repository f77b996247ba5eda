"""OpenJXC benchmark (`make bench`): posting throughput, cancellation and stock reads.

Runs in one process, one benchmark after another, each on a fresh set of books:
SQLite (a temporary data folder) and PostgreSQL (a scratch database created and dropped here;
skipped with a note when the server cannot be reached).

  approve  approve() throughput of 5-line sales deliveries: stock, voucher, open item, audit —
           everything approval does. Drafts are prepared beforehand; only approve() is timed.
  cancel   cancel() of the first receipt of an item that has many later moves, all of them
           posted by approve(); then reconcile(). A second cancellation (of a receipt whose
           removal re-costs every later move) shows the worst case.
  stock    stock_rows(day) — stock of every item at a past date — over a ledger of 1,000,000
           moves written directly (bulk inserts of a consistent ledger: documents, lines, moves
           valued by the costing rules, and the balance cache).
  close    closing.services.close of a month holding ~100,000 moves over 10,000 items (the stock
           generator over 300 days, plus vouchers so that reconcile passes), take_backup timed
           apart; inventory_summary of that month (time, tracemalloc peak); then reopen.
  orders   5-line sales orders end to end (approve, two partial deliveries derived and approved,
           a receipt with auto_allocate): documents/s; cancel_chain of a 10-document chain;
           aging over bulk-written open items (5,000 customers, 200,000 open items).

Full sizes: approve 2,000 documents per run on SQLite and 1,000 on PostgreSQL (median of 3
runs); cancel with 100,000 later moves on both; stock over 10,000 items and 1,000,000 moves.
A full run takes about 15-20 minutes on a 2-core machine, mostly setting up the 100,000
approvals for the cancel benchmark. Results and their analysis: docs/benchmarks.md.

Prints one JSON document on stdout; progress goes to stderr.

  .venv/bin/python bench/bench.py [--quick] [--only approve,cancel,stock,close,orders] [--backends sqlite,pg]
                                  [--runs N] [--profile DIR] [--no-breakdown]
                                  [--size postgresql.cancel_moves=20000]

PostgreSQL: OPENJXC_BENCH_PG_URL (default postgresql://postgres@127.0.0.1:5432/postgres) is the
maintenance connection used to create and drop the scratch database openjxc_bench.
"""

import argparse
import cProfile
import datetime as dt
import io
import json
import os
import platform
import pstats
import random
import shutil
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from decimal import Decimal
from urllib.parse import urlparse, urlunparse

BENCHMARKS = ("approve", "cancel", "stock", "close", "orders")
BACKENDS = ("sqlite", "pg")
TARGETS = {
    "approve_docs_per_s": {"sqlite": 500, "postgresql": 250},
    "cancel_first_receipt_s": 2.0,
    "stock_rows_s": 1.0,
    "close_excl_backup_s": 5.0,
    "inventory_summary_s": 1.0,
    "inventory_summary_peak_mb": 300,
    "reopen_excl_backup_s": 1.0,
    "cancel_chain_ms": 100,
    "aging_s": 1.0,
}
FULL = {
    "sqlite": {
        "approve_docs": 2000,
        "cancel_moves": 100_000,
        "stock_items": 10_000,
        "stock_moves": 1_000_000,
        "close_items": 10_000,
        "close_history_moves": 1_000_000,
        "orders": 10_000,
        "aging_customers": 5000,
        "aging_items": 200_000,
    },
    "postgresql": {
        "approve_docs": 1000,
        "cancel_moves": 100_000,
        "stock_items": 10_000,
        "stock_moves": 1_000_000,
        "close_items": 10_000,
        "close_history_moves": 1_000_000,
        "close_backup": 0,  # the JSON export of 1,000,000 moves takes many minutes: stubbed
        "orders": 2000,
        "aging_customers": 5000,
        "aging_items": 200_000,
    },
}
QUICK = {
    "sqlite": {"approve_docs": 20, "cancel_moves": 60, "stock_items": 50, "stock_moves": 1000},
    "postgresql": {"approve_docs": 20, "cancel_moves": 60, "stock_items": 50, "stock_moves": 1000},
}
QUICK_SETTLEMENT = {
    "close_items": 50,
    "close_history_moves": 2000,
    "orders": 5,
    "aging_customers": 50,
    "aging_items": 1000,
}
for _quick in QUICK.values():
    _quick.update(QUICK_SETTLEMENT)
START = dt.date(2025, 1, 1)  # go-live date of every benchmark's books
PG_DB = "openjxc_bench"


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# --- databases ---------------------------------------------------------------------------------


def django_setup(data_dir: str) -> None:
    os.environ["OPENJXC_DATA_DIR"] = data_dir
    os.environ["OPENJXC_DATABASE_URL"] = ""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openjxc.settings")
    import django

    django.setup()


def use_database(db: dict) -> None:
    """Point Django's default connection at another database (the process keeps running)."""
    from django.conf import settings
    from django.contrib.contenttypes.models import ContentType
    from django.db import connections

    connections.close_all()
    dbs = connections.configure_settings({"default": db})
    settings.DATABASES = dbs
    connections._settings = dbs
    connections.settings = dbs  # shadows the cached_property
    try:
        del connections["default"]
    except AttributeError:
        pass
    ContentType.objects.clear_cache()


def pg_admin_url() -> str:
    return os.environ.get("OPENJXC_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def pg_url(dbname: str) -> str:
    u = urlparse(pg_admin_url())
    return urlunparse(u._replace(path="/" + dbname))


def pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(pg_admin_url(), autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql)


def pg_reachable() -> str | None:
    """None when the server answers, else the reason."""
    try:
        import psycopg

        with psycopg.connect(pg_admin_url(), autocommit=True, connect_timeout=5) as conn:
            conn.execute("SELECT 1")
    except Exception as exc:  # noqa: BLE001 - any failure means "skip PostgreSQL"
        return f"{type(exc).__name__}: {exc}".strip()
    return None


class Books:
    """A fresh, initialised set of books on one backend."""

    def __init__(self, backend: str, tmp: str, name: str):
        self.backend, self.tmp, self.name = backend, tmp, name

    def __enter__(self):
        from openjxc.settings import database_from_url, sqlite_database

        if self.backend == "sqlite":
            path = os.path.join(self.tmp, f"{self.name}.sqlite3")
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(path + suffix):
                    os.remove(path + suffix)
            use_database(sqlite_database(__import__("pathlib").Path(path)))
        else:
            pg_admin(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
            pg_admin(f"CREATE DATABASE {PG_DB}")
            use_database(database_from_url(pg_url(PG_DB)))
        from django.contrib.auth import get_user_model

        from openjxc.setup import initialize

        initialize("admin", "bench-admin-pw", START)
        self.user = get_user_model().objects.get(username="admin")
        return self

    def __exit__(self, *exc):
        from django.db import connections

        connections.close_all()
        if self.backend == "pg":
            try:
                pg_admin(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
            except Exception as e:  # noqa: BLE001
                log(f"could not drop {PG_DB}: {e}")
        return False


# --- profiling ---------------------------------------------------------------------------------


class QueryTimes:
    """Execute wrapper: time and count per SQL statement text (parameters stripped)."""

    def __init__(self):
        self.stats: dict[str, list] = {}

    def __call__(self, execute, sql, params, many, context):
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            s = self.stats.setdefault(sql, [0, 0.0])
            s[0] += len(params) if many and params is not None and hasattr(params, "__len__") else 1
            s[1] += time.perf_counter() - t0

    def top(self, n=15) -> list[dict]:
        rows = sorted(self.stats.items(), key=lambda kv: -kv[1][1])[:n]
        return [
            {"sql": sql[:220], "rows_or_calls": c, "seconds": round(t, 4)} for sql, (c, t) in rows
        ]


@contextmanager
def profiled(args, label: str, out: dict):
    """cProfile + per-query timings of the block when --profile is given (adds overhead)."""
    if not args.profile:
        yield
        return
    from django.db import connection

    qt = QueryTimes()
    prof = cProfile.Profile()
    with connection.execute_wrapper(qt):
        prof.enable()
        try:
            yield
        finally:
            prof.disable()
    os.makedirs(args.profile, exist_ok=True)
    path = os.path.join(args.profile, f"{label}.prof")
    prof.dump_stats(path)
    buf = io.StringIO()
    st = pstats.Stats(prof, stream=buf)
    st.sort_stats("cumulative").print_stats(35)
    st.sort_stats("tottime").print_stats(20)
    with open(os.path.join(args.profile, f"{label}.txt"), "w") as fh:
        fh.write(buf.getvalue())
        fh.write("\n\nQUERIES (total time per statement)\n")
        for q in qt.top(25):
            fh.write(f"{q['seconds']:9.4f}s {q['rows_or_calls']:8d}x  {q['sql']}\n")
    out.setdefault("profile", {})[label] = {"file": path, "top_queries": qt.top(8)}


APPROVE_STEPS = [
    ("openjxc.posting.engine", n)
    for n in (
        "require",
        "_lock_document",
        "get_document",
        "ensure_open",
        "_needs_second_approver",
        "_load",
        "_check_remaining",
        "_post_stock_document",
        "lock_balances",
        "_source_moves",
        "post_moves",
        "account_ids",
        "post_voucher",
        "post_adjustment_vouchers",
        "add_open_items",
        "_status",
        "record",
        "get_setting",
    )
] + [
    ("openjxc.posting.recipes", "stock_specs"),
    ("openjxc.posting.recipes", "voucher_lines"),
    ("openjxc.posting.orders", "fulfil"),
]


@contextmanager
def step_timer(targets):
    """Exclusive wall and CPU time per function named in `targets` (module, name), by patching
    the module attribute the engine calls through (a step called inside another is subtracted
    from its caller); also the commit. Names the engine no longer has are skipped."""
    import importlib

    from django.db import connections

    times: dict[str, list] = {}  # name -> [wall s, process cpu s], exclusive
    stack: list[list] = []

    def wrap(fn, key):
        def timed(*a, **kw):
            t0, c0 = time.perf_counter(), time.process_time()
            stack.append([0.0, 0.0])
            try:
                return fn(*a, **kw)
            finally:
                child = stack.pop()
                w, c = time.perf_counter() - t0, time.process_time() - c0
                t = times.setdefault(key, [0.0, 0.0])
                t[0] += w - child[0]
                t[1] += c - child[1]
                if stack:
                    stack[-1][0] += w
                    stack[-1][1] += c

        return timed

    patched = []
    for modname, name in targets:
        try:
            mod = importlib.import_module(modname)
        except ImportError:
            continue
        fn = getattr(mod, name, None)
        if callable(fn):
            setattr(mod, name, wrap(fn, name))
            patched.append((mod, name, fn))
    conn = connections["default"]
    conn.commit = wrap(type(conn).commit.__get__(conn), "commit")
    try:
        yield times
    finally:
        for mod, name, fn in patched:
            setattr(mod, name, fn)
        del conn.commit


def git_state() -> dict | None:
    import subprocess

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.split("\n")
    except (OSError, subprocess.SubprocessError):
        return None
    return {"head": head or None, "modified_files": sorted(ln[3:] for ln in dirty if ln.strip())}


def loadavg() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


# --- helpers that write through the services -------------------------------------------------


def services():
    from openjxc.catalog.services import create_item
    from openjxc.documents.services import create_draft
    from openjxc.inventory.services import create_warehouse
    from openjxc.partners.services import create_partner
    from openjxc.posting import engine

    return create_item, create_draft, create_warehouse, create_partner, engine


def master_data(user, items, warehouses=("WH1",)):
    create_item, _, create_warehouse, create_partner, _ = services()
    for code in warehouses:
        create_warehouse(user, {"code": code, "name": f"仓库{code}"})
    for code in items:
        create_item(
            user,
            {
                "code": code,
                "name": f"商品{code}",
                "unit": "个",
                "tax_rate": "0.13",
                "purchase_price": "5.00",
                "sale_price": "10.00",
            },
        )
    create_partner(user, "supplier", {"code": "S001", "name": "供应商一"})
    create_partner(user, "customer", {"code": "C001", "name": "客户一"})


def draft(user, type_, day, lines, warehouse="WH1"):
    """Create a draft through the service; lines are (item, qty, price)."""
    _, create_draft, _, _, _ = services()
    partner = "S001" if type_.startswith("purchase") else "C001"
    body = {
        "type": type_,
        "date": day.isoformat(),
        "warehouse": warehouse,
        "partner": partner,
        "lines": [{"item": i, "qty": str(q), "price": str(p)} for i, q, p in lines],
    }
    return create_draft(user, body)[0]["number"]


def clone_drafts(template: str, tag: str, days: list, items: list) -> list[str]:
    """Copies of a draft (same lines and amounts), copy i dated days[i] with line j on item
    items[i][j]. Only draft preparation: the copies are approved through the engine."""
    from django.db import transaction

    from openjxc.documents.models import Document, DocumentLine

    tpl = Document.objects.get(number=template)
    tpl_lines = list(DocumentLine.objects.filter(document=tpl).order_by("line_no"))
    doc_fields = {
        f.attname: getattr(tpl, f.attname)
        for f in Document._meta.concrete_fields
        if not f.primary_key
    }
    line_fields = [
        {
            f.attname: getattr(ln, f.attname)
            for f in DocumentLine._meta.concrete_fields
            if not f.primary_key
        }
        for ln in tpl_lines
    ]
    prefix = template[:4]
    numbers = []
    for start in range(0, len(days), 2000):
        with transaction.atomic():
            docs = []
            for i in range(start, min(len(days), start + 2000)):
                n = f"{prefix}{tag}{i:07d}"
                numbers.append(n)
                docs.append(
                    Document(**{**doc_fields, "number": n, "date": days[i], "external_ref": None})
                )
            Document.objects.bulk_create(docs)
            lines = [
                DocumentLine(**{**lf, "document_id": d.pk, "item_id": items[start + k][j]})
                for k, d in enumerate(docs)
                for j, lf in enumerate(line_fields)
            ]
            DocumentLine.objects.bulk_create(lines, batch_size=2000)
    return numbers


def item_ids(codes) -> list[int]:
    from openjxc.catalog.models import Item

    by_code = dict(Item.objects.filter(code__in=codes).values_list("code", "id"))
    return [by_code[c] for c in codes]


def reconcile_timed() -> tuple[float, dict]:
    from openjxc.closing.checks import reconcile

    t0 = time.perf_counter()
    result = reconcile()
    return time.perf_counter() - t0, result


def reconcile_checks_s() -> dict:
    """Seconds per reconcile check (each run on its own, outside reconcile's snapshot)."""
    from openjxc.closing import checks

    out = {}
    for check in checks.CHECKS:
        t0 = time.perf_counter()
        check()
        out[check.__name__] = round(time.perf_counter() - t0, 3)
    return out


def scalar(sql, params=()):
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(sql, list(params))
        return cur.fetchone()[0]


# --- 1. approve throughput ---------------------------------------------------------------------


def bench_approve(args, books: Books, size: dict, out: dict) -> None:
    user, engine = books.user, services()[4]
    n_docs, n_items, runs = size["approve_docs"], 200 if not args.quick else 10, args.runs
    rng = random.Random(1)
    t0 = time.perf_counter()
    codes = [f"P{i:05d}" for i in range(n_items)]
    master_data(user, codes)
    per_item = n_docs * 5 * runs // n_items * 2 + 100
    for k in range(0, n_items, 50):
        num = draft(
            user,
            "purchase_receipt",
            START + dt.timedelta(days=1),
            [(c, per_item, "5.00") for c in codes[k : k + 50]],
        )
        engine.approve(user, num)
    template = draft(
        user, "sales_delivery", START + dt.timedelta(days=2), [(c, 1, "10.00") for c in codes[:5]]
    )
    ids = item_ids(codes)
    setup_s = time.perf_counter() - t0
    rates, cpu, prep = [], [], 0.0
    for run in range(runs):
        day = START + dt.timedelta(days=10 + run)
        t1 = time.perf_counter()
        numbers = clone_drafts(
            template, f"A{run}", [day] * n_docs, [rng.sample(ids, 5) for _ in range(n_docs)]
        )
        prep += time.perf_counter() - t1
        with profiled(
            args if run == 0 else argparse.Namespace(profile=None), f"{books.backend}-approve", out
        ):
            t1, c1 = time.perf_counter(), time.process_time()
            for n in numbers:
                engine.approve(user, n)
            elapsed = time.perf_counter() - t1
        cpu.append((time.process_time() - c1) / n_docs * 1000)
        rates.append(n_docs / elapsed)
        log(
            f"{books.backend} approve run {run + 1}: {n_docs} docs in {elapsed:.2f}s = {rates[-1]:.0f} docs/s"
        )
    breakdown = None
    if args.breakdown:
        day = START + dt.timedelta(days=10 + runs)
        numbers = clone_drafts(
            template, "B", [day] * n_docs, [rng.sample(ids, 5) for _ in range(n_docs)]
        )
        with step_timer(APPROVE_STEPS) as steps:
            t1, c1 = time.perf_counter(), time.process_time()
            for n in numbers:
                engine.approve(user, n)
            elapsed, cpu_s = time.perf_counter() - t1, time.process_time() - c1
        breakdown = {}
        for i, label in ((0, "wall"), (1, "cpu")):
            b = {
                k: round(v[i] / n_docs * 1000, 3)
                for k, v in sorted(steps.items(), key=lambda kv: -kv[1][i])
            }
            total = (elapsed, cpu_s)[i]
            b["other (BEGIN, python glue)"] = round(
                (total - sum(v[i] for v in steps.values())) / n_docs * 1000, 3
            )
            b["total"] = round(total / n_docs * 1000, 3)
            breakdown[label] = b
        log(f"{books.backend} approve breakdown (ms/doc): {breakdown}")
    rec_s, rec = reconcile_timed()
    target = TARGETS["approve_docs_per_s"][out["backend"]]
    med = statistics.median(rates)
    out["approve"] = {
        "docs_per_run": n_docs,
        "lines_per_doc": 5,
        "runs": runs,
        "docs_per_s_runs": [round(r, 1) for r in rates],
        "docs_per_s": round(med, 1),
        "ms_per_doc": round(1000 / med, 3),
        "client_cpu_ms_per_doc_runs": [round(c, 3) for c in cpu],
        "target_docs_per_s": target,
        "met": med >= target,
        "setup_s": round(setup_s, 2),
        "draft_prep_s": round(prep, 2),
        "moves_in_ledger": scalar("SELECT COUNT(*) FROM inventory_stockmove"),
        "reconcile_s": round(rec_s, 3),
        "reconcile_ok": rec["ok"],
    }
    if breakdown:
        out["approve"]["breakdown_ms_per_doc"] = breakdown


# --- 2. cancel the first receipt of an item with many later moves -----------------------------


def bench_cancel(args, books: Books, size: dict, out: dict) -> None:
    user, engine = books.user, services()[4]
    n_moves = size["cancel_moves"]
    t0 = time.perf_counter()
    master_data(user, ["X"])
    day1 = START + dt.timedelta(days=1)
    # R1: the first receipt (small, near the later average: cancelling it re-costs nothing);
    # R2: a receipt whose removal re-costs every later move; R3: the bulk of the stock.
    r1 = draft(user, "purchase_receipt", day1, [("X", 10, "5.00")])
    r2 = draft(user, "purchase_receipt", day1, [("X", 100_000, "3.00")])
    r3 = draft(user, "purchase_receipt", day1, [("X", 1_000_000, "6.00")])
    for n in (r1, r2, r3):
        engine.approve(user, n)
    template = draft(user, "sales_delivery", day1 + dt.timedelta(days=1), [("X", 1, "10.00")])
    x = item_ids(["X"])[0]
    span = 300
    days = [day1 + dt.timedelta(days=1 + i * span // n_moves) for i in range(n_moves)]
    numbers = clone_drafts(template, "C", days, [[x]] * n_moves)
    prep_s = time.perf_counter() - t0  # drafts and master data
    t1 = time.perf_counter()
    for k, n in enumerate(numbers):
        engine.approve(user, n)
        if (k + 1) % 10_000 == 0:
            log(
                f"{books.backend} cancel setup: {k + 1}/{n_moves} deliveries approved "
                f"({(k + 1) / (time.perf_counter() - t1):.0f}/s)"
            )
    approve_s = time.perf_counter() - t1
    later = scalar(
        "SELECT COUNT(*) FROM inventory_stockmove WHERE item_id = %s AND kind = 0 AND qty < 0", [x]
    )
    log(f"{books.backend} cancel setup done: {later} later moves, {approve_s:.1f}s of approvals")
    if books.backend == "pg":  # as autovacuum would have done by now
        from django.db import connection

        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    doc_id = {
        n: scalar("SELECT id FROM documents_document WHERE number = %s", [n]) for n in (r1, r2)
    }
    res = {
        "later_moves": later,
        "later_documents": n_moves,
        "setup_s": round(time.perf_counter() - t0, 1),
        "setup_drafts_s": round(prep_s, 1),
        "setup_approve_s": round(approve_s, 1),
        "setup_approve_docs_per_s": round(n_moves / approve_s, 1),
        "target_s": TARGETS["cancel_first_receipt_s"],
    }
    for label, number in (("first_receipt", r1), ("recost_all", r2)):
        try:
            with profiled(args, f"{books.backend}-cancel-{label}", out):
                t1 = time.perf_counter()
                engine.cancel(user, number, "bench")
                res[f"cancel_{label}_s"] = round(time.perf_counter() - t1, 3)
        except Exception as exc:  # noqa: BLE001 - a failure is a result too
            res[f"cancel_{label}_s"] = None
            res[f"cancel_{label}_error"] = f"{type(exc).__name__}: {exc}"[:500]
            log(f"{books.backend} cancel {label} FAILED: {exc}")
            continue
        res[f"cancel_{label}_adjusted_moves"] = scalar(
            "SELECT COUNT(*) FROM inventory_stockmove WHERE kind = 2 AND cause_id = %s",
            [doc_id[number]],
        )
        rec_s, rec = reconcile_timed()
        res[f"reconcile_after_{label}_s"] = round(rec_s, 3)
        res[f"reconcile_after_{label}_ok"] = rec["ok"]
        if not rec["ok"]:
            res[f"reconcile_after_{label}_problems"] = rec["problems"][:5]
        log(
            f"{books.backend} cancel {label}: {res[f'cancel_{label}_s']}s, "
            f"{res[f'cancel_{label}_adjusted_moves']} moves re-costed; reconcile {rec_s:.2f}s ok={rec['ok']}"
        )
    res["reconcile_checks_s"] = reconcile_checks_s()
    first = res.get("cancel_first_receipt_s")
    res["met"] = first is not None and first <= TARGETS["cancel_first_receipt_s"]
    out["cancel"] = res


# --- 3. stock at a past date over a large ledger ----------------------------------------------


# Columns of the approved documents the generators write in bulk.
DOCUMENT_COLUMNS = [
    "id",
    "number",
    "type",
    "status",
    "date",
    "partner_id",
    "warehouse_id",
    "amount",
    "tax",
    "amount_incl_tax",
    "created_by_id",
    "approved_by_id",
    "approved_at",
]


class TableWriter:
    """Bulk rows for a model's table: the given columns, and every other column at its model
    default (so the writer survives added columns with defaults). COPY on PostgreSQL."""

    def __init__(self, model, columns: list[str]):
        from django.db import connection
        from django.utils import timezone

        fields = {f.attname: f for f in model._meta.concrete_fields}
        self.table = model._meta.db_table
        self.const = []
        for name, f in fields.items():
            if name in columns or f.primary_key:
                continue
            if getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False):
                value = timezone.now()
            elif f.has_default() or not f.null:
                value = f.get_default()
            else:
                value = None
            self.const.append((f.column, f.get_db_prep_save(value, connection)))
        self.cols = [fields[c].column for c in columns] + [c for c, _ in self.const]
        self.tail = tuple(v for _, v in self.const)

    def write(self, rows) -> None:
        from django.db import connection

        with connection.cursor() as cur:
            if connection.vendor == "postgresql":
                with cur.cursor.copy(
                    f"COPY {self.table} ({', '.join(self.cols)}) FROM STDIN"
                ) as cp:
                    for r in rows:
                        cp.write_row(r + self.tail)
            else:
                marks = ", ".join(["%s"] * len(self.cols))
                cur.executemany(
                    f"INSERT INTO {self.table} ({', '.join(self.cols)}) VALUES ({marks})",
                    [r + self.tail for r in rows],
                )


def generate_ledger(user, n_items: int, n_moves: int, days: int = 365, lines: int = 5) -> dict:
    """A consistent stock ledger: on day 0 every item is received; then documents of `lines`
    lines, ~25% purchase receipts and ~75% sales deliveries, spread over `days`, valued with
    the engine's own costing rule (moving average, ROUND_HALF_UP). Two warehouses."""
    from django.db import connection, transaction
    from django.utils import timezone

    from openjxc.catalog.models import Item
    from openjxc.core.numbers import QTY_SCALE, div_half_up
    from openjxc.documents.models import Document, DocumentLine
    from openjxc.inventory.costing import value_for
    from openjxc.inventory.models import StockBalance, StockMove, Warehouse
    from openjxc.partners.models import Partner

    rng = random.Random(7)
    whs = [Warehouse.objects.create(code=f"WH{k}", name=f"仓库{k}").id for k in (1, 2)]
    supplier = Partner.objects.create(kind="supplier", code="S001", name="供应商一").id
    customer = Partner.objects.create(kind="customer", code="C001", name="客户一").id
    Item.objects.bulk_create(
        [
            Item(
                code=f"G{i:06d}",
                name=f"商品{i:06d}",
                unit="个",
                tax_rate=Decimal("0.13"),
                purchase_price=Decimal("5"),
                sale_price=Decimal("10"),
            )
            for i in range(n_items)
        ],
        batch_size=2000,
    )
    items = list(Item.objects.order_by("id").values_list("id", flat=True))
    by_wh = {w: [it for k, it in enumerate(items) if k % 2 == j] for j, w in enumerate(whs)}
    wh_of = {it: whs[k % 2] for k, it in enumerate(items)}
    cost = {it: rng.randint(300, 2000) for it in items}  # fen per unit
    state = {it: [0, 0] for it in items}
    last = {}
    now = timezone.now()
    docw = TableWriter(
        Document,
        DOCUMENT_COLUMNS,
    )
    linew = TableWriter(
        DocumentLine,
        [
            "id",
            "document_id",
            "line_no",
            "item_id",
            "qty",
            "price",
            "price_incl_tax",
            "tax_rate",
            "amount",
            "tax",
            "amount_incl_tax",
        ],
    )
    movew = TableWriter(
        StockMove,
        [
            "id",
            "date",
            "document_id",
            "line_id",
            "item_id",
            "warehouse_id",
            "qty",
            "value",
            "kind",
            "rule",
        ],
    )
    rate = Decimal("0.13")
    ids = {"doc": 0, "line": 0, "move": 0}
    buf = {"doc": [], "line": [], "move": []}

    def flush():
        with transaction.atomic():
            docw.write(buf["doc"])
            linew.write(buf["line"])
            movew.write(buf["move"])
        for v in buf.values():
            v.clear()

    def add_doc(kind, day, wh, lines_):
        """lines_: (item, qty_units, price_fen)."""
        ids["doc"] += 1
        d = ids["doc"]
        receipt = kind == "purchase_receipt"
        tot = [0, 0, 0]
        for no, (it, q, p) in enumerate(lines_, start=1):
            ids["line"] += 1
            amount = q * p // QTY_SCALE
            tax = div_half_up(amount * 13, 100)
            tot[0] += amount
            tot[1] += tax
            tot[2] += amount + tax
            price = Decimal(p) / 100
            buf["line"].append(
                (
                    ids["line"],
                    d,
                    no,
                    it,
                    q,
                    price,
                    (price * (1 + rate)).quantize(Decimal("0.000001")),
                    rate,
                    amount,
                    tax,
                    amount + tax,
                )
            )
            st = state[it]
            if receipt:
                qty, value, rule = q, amount, StockMove.FIXED_IN
            else:
                qty, rule = -q, StockMove.AVERAGE_OUT
                assert st[0] >= q, "generator ran out of stock"
                value = value_for(rule, qty, st[0], st[1])
            st[0] += qty
            st[1] += value
            last[it] = day
            ids["move"] += 1
            buf["move"].append(
                (ids["move"], day, d, ids["line"], it, wh, qty, value, StockMove.ORIGINAL, rule)
            )
        prefix = "CGRK" if receipt else "XSCK"
        buf["doc"].append(
            (
                d,
                f"{prefix}G{d:09d}",
                kind,
                "approved",
                day,
                supplier if receipt else customer,
                wh,
                tot[0],
                tot[1],
                tot[2],
                user.id,
                user.id,
                now,
            )
        )
        if len(buf["move"]) >= 50_000:
            flush()

    # day 0: every item received (1,000 units), `lines` items per receipt
    for w in whs:
        its = by_wh[w]
        for k in range(0, len(its), lines):
            add_doc(
                "purchase_receipt",
                START,
                w,
                [(it, 1000 * QTY_SCALE, cost[it]) for it in its[k : k + lines]],
            )
    remaining = max(0, n_moves - ids["move"]) // lines
    per_day = max(1, remaining // (days - 1))
    made = 0
    day = START
    while made < remaining:
        day += dt.timedelta(days=1)
        for _ in range(min(per_day, remaining - made)):
            w = whs[rng.randrange(2)]
            chosen = rng.sample(by_wh[w], min(lines, len(by_wh[w])))
            if rng.random() < 0.25:
                add_doc(
                    "purchase_receipt",
                    day,
                    w,
                    [
                        (it, rng.randint(50, 200) * QTY_SCALE, cost[it] + rng.randint(-50, 50))
                        for it in chosen
                    ],
                )
            else:
                add_doc(
                    "sales_delivery",
                    day,
                    w,
                    [(it, rng.randint(1, 5) * QTY_SCALE, 2 * cost[it]) for it in chosen],
                )
            made += 1
    flush()
    balw = TableWriter(StockBalance, ["item_id", "warehouse_id", "qty", "value", "last_date"])
    with transaction.atomic():
        balw.write(
            [(it, wh_of[it], st[0], st[1], last[it]) for it, st in state.items() if it in last]
        )
    if connection.vendor == "postgresql":
        from django.core.management.color import no_style

        with connection.cursor() as cur:
            for sql in connection.ops.sequence_reset_sql(
                no_style(), [Document, DocumentLine, StockMove]
            ):
                cur.execute(sql)
            cur.execute("VACUUM ANALYZE")
    return {
        "documents": ids["doc"],
        "lines": ids["line"],
        "moves": ids["move"],
        "first": START,
        "last": day,
    }


def bench_stock(args, books: Books, size: dict, out: dict) -> None:
    from openjxc.closing.checks import no_negative_stock, stock_cache_equals_ledger
    from openjxc.inventory.selectors import balances_at, stock_rows

    t0 = time.perf_counter()
    gen = generate_ledger(books.user, size["stock_items"], size["stock_moves"])
    gen_s = time.perf_counter() - t0
    log(
        f"{books.backend} stock: generated {gen['moves']} moves / {gen['documents']} documents in {gen_s:.1f}s"
    )
    t1 = time.perf_counter()
    problems = stock_cache_equals_ledger() + no_negative_stock()
    check_s = time.perf_counter() - t1
    mid = gen["first"] + (gen["last"] - gen["first"]) / 2
    res = {
        "items": size["stock_items"],
        "moves": gen["moves"],
        "documents": gen["documents"],
        "ledger_dates": [str(gen["first"]), str(gen["last"])],
        "generate_s": round(gen_s, 1),
        "ledger_valid": not problems,
        "ledger_check_s": round(check_s, 2),
        "day": str(mid),
        "target_s": TARGETS["stock_rows_s"],
    }
    times, bal_times = [], []
    for run in range(args.runs):
        t1 = time.perf_counter()
        bal = balances_at(mid)
        bal_times.append(time.perf_counter() - t1)
        with profiled(
            args if run == 0 else argparse.Namespace(profile=None), f"{books.backend}-stock", out
        ):
            t1 = time.perf_counter()
            rows = stock_rows(mid)
            times.append(time.perf_counter() - t1)
        log(
            f"{books.backend} stock_rows({mid}) run {run + 1}: {times[-1]:.3f}s ({len(rows)} rows); "
            f"balances_at {bal_times[-1]:.3f}s"
        )
    res.update(
        rows=len(rows),
        keys=len(bal),
        stock_rows_s_runs=[round(t, 4) for t in times],
        stock_rows_s=round(statistics.median(times), 4),
        balances_at_s=round(statistics.median(bal_times), 4),
        met=statistics.median(times) <= TARGETS["stock_rows_s"],
    )
    # other dates, for shape: near the start, three quarters in, and today (cache only)
    for label, day in (
        ("q1", gen["first"] + (gen["last"] - gen["first"]) / 4),
        ("q3", gen["first"] + (gen["last"] - gen["first"]) * 3 / 4),
        ("after_last", gen["last"]),
    ):
        t1 = time.perf_counter()
        stock_rows(day)
        res[f"stock_rows_{label}_s"] = round(time.perf_counter() - t1, 4)
    out["stock"] = res


# --- 4. close / 进销存汇总表 / reopen of a month of a large ledger ---------------------------------


def add_vouchers_for_ledger() -> dict:
    """Vouchers for a ledger written by generate_ledger: one per stock document, two journal lines
    moving the stock value between 1405 and 1002 (receipts) or 5401 (deliveries), then the account
    balance cache from the journal. The simplest ledger that reconcile accepts: vouchers balance,
    1405 equals the stock ledger, every approved stock document has a voucher, no open items."""
    from django.db import connection, transaction
    from django.utils import timezone

    from openjxc.ledger import chart as A

    acct = dict(
        scalar_rows(
            "SELECT code, id FROM ledger_account WHERE code IN (%s, %s, %s)",
            [A.INVENTORY, A.BANK, A.COGS],
        )
    )
    inv, bank, cogs = acct[A.INVENTORY], acct[A.BANK], acct[A.COGS]
    offset = scalar("SELECT COALESCE(MAX(id), 0) FROM ledger_voucher")
    now = timezone.now()
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(
            "INSERT INTO ledger_voucher (id, date, document_id, kind, memo, number, created_at) "
            "SELECT id + %s, date, id, 'posting', '', NULL, %s FROM documents_document "
            "WHERE type IN ('purchase_receipt', 'sales_delivery') AND status = 'approved'",
            [offset, now],
        )
        value = (
            "(SELECT m.document_id AS doc, m.date AS date, SUM(m.value) AS v, d.type AS type "
            "FROM inventory_stockmove m JOIN documents_document d ON d.id = m.document_id "
            "GROUP BY m.document_id, m.date, d.type)"
        )
        cur.execute(
            "INSERT INTO ledger_journalline (voucher_id, date, account_id, debit, credit, partner_id) "
            f"SELECT s.doc + %s, s.date, %s, CASE WHEN s.v > 0 THEN s.v ELSE 0 END, "
            f"CASE WHEN s.v < 0 THEN -s.v ELSE 0 END, NULL FROM {value} s ORDER BY s.doc",
            [offset, inv],
        )
        cur.execute(
            "INSERT INTO ledger_journalline (voucher_id, date, account_id, debit, credit, partner_id) "
            f"SELECT s.doc + %s, s.date, CASE WHEN s.type = 'purchase_receipt' THEN %s ELSE %s END, "
            f"CASE WHEN s.v < 0 THEN -s.v ELSE 0 END, CASE WHEN s.v > 0 THEN s.v ELSE 0 END, NULL "
            f"FROM {value} s ORDER BY s.doc",
            [offset, bank, cogs],
        )
        cur.execute(
            "UPDATE ledger_accountbalance SET "
            "debit = (SELECT COALESCE(SUM(l.debit), 0) FROM ledger_journalline l "
            "WHERE l.account_id = ledger_accountbalance.account_id), "
            "credit = (SELECT COALESCE(SUM(l.credit), 0) FROM ledger_journalline l "
            "WHERE l.account_id = ledger_accountbalance.account_id)"
        )
    if connection.vendor == "postgresql":
        from django.core.management.color import no_style

        from openjxc.ledger.models import JournalLine, Voucher

        with connection.cursor() as cur:
            for sql in connection.ops.sequence_reset_sql(no_style(), [Voucher, JournalLine]):
                cur.execute(sql)
            cur.execute("VACUUM ANALYZE")
    return {
        "vouchers": scalar("SELECT COUNT(*) FROM ledger_voucher"),
        "journal_lines": scalar("SELECT COUNT(*) FROM ledger_journalline"),
    }


def scalar_rows(sql, params=()):
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(sql, list(params))
        return cur.fetchall()


@contextmanager
def timed_backups(record: list, skip: bool = False):
    """Time each take_backup the closing services make (they call it through their module).
    skip: replace the backup by a stub (size close_backup=0), for books whose backup takes too
    long to wait for (the PostgreSQL backup is a full JSON export of every table)."""
    from openjxc.closing import services as closing

    real = closing.take_backup
    if skip:

        def real(*a, **kw):
            return {"id": "skipped-by-bench"}

    def timed(*a, **kw):
        t0 = time.perf_counter()
        try:
            return real(*a, **kw)
        finally:
            record.append(time.perf_counter() - t0)

    closing.take_backup = timed
    try:
        yield
    finally:
        closing.take_backup = real


def peak_memory(fn) -> tuple[float, float]:
    """(tracemalloc peak MB of Python allocations, ru_maxrss growth MB) while fn runs."""
    import resource
    import tracemalloc

    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    try:
        fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20, (rss1 - rss0) / 1024  # ru_maxrss is in KiB on Linux


def bench_close(args, books: Books, size: dict, out: dict) -> None:
    from openjxc.closing import services as closing
    from openjxc.ledger.periods import bounds_of
    from openjxc.reports.selectors import inventory_summary

    user = books.user
    t0 = time.perf_counter()
    # ~1/10 of the moves land in each month: 300 days of history from START
    gen = generate_ledger(user, size["close_items"], size["close_history_moves"], days=300)
    gen_s = time.perf_counter() - t0
    t1 = time.perf_counter()
    vch = add_vouchers_for_ledger()
    vch_s = time.perf_counter() - t1
    name, first, last = bounds_of(START)
    month_moves = scalar(
        "SELECT COUNT(*) FROM inventory_stockmove WHERE date >= %s AND date <= %s", [first, last]
    )
    log(
        f"{books.backend} close: generated {gen['moves']} moves ({month_moves} in {name}) in "
        f"{gen_s:.1f}s, vouchers in {vch_s:.1f}s"
    )
    res = {
        "items": size["close_items"],
        "history_moves": gen["moves"],
        "period": name,
        "period_moves": month_moves,
        "documents": gen["documents"],
        **vch,
        "generate_s": round(gen_s, 1),
        "vouchers_s": round(vch_s, 1),
        "targets": {
            "close_excl_backup_s": 5.0,
            "summary_s": 1.0,
            "summary_peak_mb": 300,
            "reopen_excl_backup_s": 1.0,
        },
    }
    t1 = time.perf_counter()
    check = closing.close_check(name)
    res["close_check_s"] = round(time.perf_counter() - t1, 3)
    res["close_check_ok"] = check["ok"]
    if not check["ok"]:
        res["close_check_problems"] = check["problems"][:5]
    backups: list[float] = []
    skip = not size.get("close_backup", 1)
    res["backup_skipped"] = skip
    with timed_backups(backups, skip), profiled(args, f"{books.backend}-close", out):
        t1 = time.perf_counter()
        closed = closing.close(user, name)
        close_s = time.perf_counter() - t1
    res.update(
        close_s=round(close_s, 3),
        close_backup_s=round(backups[0], 3),
        close_excl_backup_s=round(close_s - backups[0], 3),
        close_vouchers_numbered=closed["vouchers"],
    )
    res["close_met"] = res["close_excl_backup_s"] <= 5.0
    log(f"{books.backend} close {name}: {close_s:.2f}s (backup {backups[0]:.2f}s)")
    # 进销存汇总表 of the closed month (opening from the ledger: it is the first month), and of the
    # month after (opening from the closed month's snapshot)
    times = []
    for _ in range(args.runs):
        t1 = time.perf_counter()
        summary = inventory_summary(first, last)
        times.append(time.perf_counter() - t1)
    peak_mb, rss_mb = peak_memory(lambda: inventory_summary(first, last))
    nxt_first = last + dt.timedelta(days=1)
    _, n1, n2 = bounds_of(nxt_first)
    t1 = time.perf_counter()
    inventory_summary(n1, n2)
    res.update(
        summary_rows=summary["count"],
        summary_s_runs=[round(t, 4) for t in times],
        summary_s=round(statistics.median(times), 4),
        summary_tracemalloc_peak_mb=round(peak_mb, 1),
        summary_maxrss_growth_mb=round(rss_mb, 1),
        summary_next_month_s=round(time.perf_counter() - t1, 4),
    )
    res["summary_met"] = res["summary_s"] <= 1.0 and peak_mb <= 300
    log(f"{books.backend} inventory_summary {name}: {res['summary_s']}s, peak {peak_mb:.1f} MB")
    backups.clear()
    with timed_backups(backups, skip):
        t1 = time.perf_counter()
        closing.reopen(user, name, "bench")
        reopen_s = time.perf_counter() - t1
    res.update(
        reopen_s=round(reopen_s, 3),
        reopen_backup_s=round(backups[0], 3),
        reopen_excl_backup_s=round(reopen_s - backups[0], 3),
    )
    res["reopen_met"] = res["reopen_excl_backup_s"] <= 1.0
    res["met"] = res["close_met"] and res["summary_met"] and res["reopen_met"]
    log(f"{books.backend} reopen {name}: {reopen_s:.2f}s (backup {backups[0]:.2f}s)")
    out["close"] = res


# --- 5. orders end to end, cancel_chain, aging --------------------------------------------------


def bench_orders(args, books: Books, size: dict, out: dict) -> None:
    from openjxc.documents.services import create_draft
    from openjxc.posting import engine
    from openjxc.posting.chain import cancel_chain
    from openjxc.posting.orders import derive

    user = books.user
    n_orders = size["orders"]
    codes = [f"O{i:04d}" for i in range(50)]
    rng = random.Random(3)
    t0 = time.perf_counter()
    master_data(user, codes)
    day = START + dt.timedelta(days=1)
    for k in range(0, len(codes), 25):
        engine.approve(
            user,
            draft(
                user, "purchase_receipt", day, [(c, 1_000_000, "5.00") for c in codes[k : k + 25]]
            ),
        )
    setup_s = time.perf_counter() - t0

    def new_order(day, lines):
        so = create_draft(
            user,
            {
                "type": "sales_order",
                "date": str(day),
                "partner": "C001",
                "warehouse": "WH1",
                "lines": [{"item": c, "qty": str(q), "price": "10.00"} for c, q in lines],
            },
        )[0]
        engine.approve(user, so["number"])
        return so

    def delivery(so, qty, day):
        d = derive(
            user,
            so["number"],
            {
                "type": "sales_delivery",
                "date": str(day),
                "lines": [{"source_line": ln["id"], "qty": str(qty)} for ln in so["lines"]],
            },
        )
        engine.approve(user, d["number"])
        return d

    day = START + dt.timedelta(days=2)
    t1 = time.perf_counter()
    with profiled(args, f"{books.backend}-orders", out):
        for k in range(n_orders):
            so = new_order(day, [(c, 4) for c in rng.sample(codes, 5)])
            delivery(so, 1, day)
            delivery(so, 3, day)
            rc = create_draft(
                user,
                {
                    "type": "receipt",
                    "date": str(day),
                    "partner": "C001",
                    "amount": so["amount_incl_tax"],
                    "account": "1002",
                    "auto_allocate": True,
                },
            )[0]
            engine.approve(user, rc["number"])
            if (k + 1) % 500 == 0:
                log(f"{books.backend} orders: {k + 1}/{n_orders}")
    orders_s = time.perf_counter() - t1
    docs = 4 * n_orders
    open_left = scalar(
        "SELECT COALESCE(SUM(amount), 0) FROM ledger_openitementry WHERE kind = 'receivable'"
    )
    res = {
        "orders": n_orders,
        "lines_per_order": 5,
        "documents": docs,
        "documents_note": "per order: the order, two partial deliveries derived from it, one receipt "
        "with auto_allocate; each created and approved through the services",
        "setup_s": round(setup_s, 2),
        "orders_s": round(orders_s, 2),
        "documents_per_s": round(docs / orders_s, 1),
        "orders_per_s": round(n_orders / orders_s, 2),
        "open_receivable_left": int(open_left),
    }
    log(f"{books.backend} orders: {docs} documents in {orders_s:.1f}s = {res['documents_per_s']}/s")
    # cancel_chain: order + 3 deliveries + 3 invoices + 3 receipts = 10 documents
    chain_times, steps = [], 0
    for _ in range(args.runs):
        so = new_order(day, [(c, 3) for c in rng.sample(codes, 3)])
        for _ in range(3):
            d = delivery(so, 1, day)
            inv = create_draft(
                user,
                {
                    "type": "sales_invoice",
                    "date": str(day),
                    "partner": "C001",
                    "source": d["number"],
                    "invoice_no": "No.1",
                    "invoice_type": "special",
                },
            )[0]
            engine.approve(user, inv["number"])
            rc = create_draft(
                user,
                {
                    "type": "receipt",
                    "date": str(day),
                    "partner": "C001",
                    "amount": d["amount_incl_tax"],
                    "account": "1002",
                    "allocations": [{"document": d["number"], "amount": d["amount_incl_tax"]}],
                },
            )[0]
            engine.approve(user, rc["number"])
        with profiled(args, f"{books.backend}-cancel-chain", out):
            t1 = time.perf_counter()
            result = cancel_chain(user, so["number"], "bench")
            chain_times.append(time.perf_counter() - t1)
        steps = len(result["steps"])
    rec_s, rec = reconcile_timed()
    res.update(
        chain_documents=10,
        chain_steps=steps,
        cancel_chain_s_runs=[round(t, 4) for t in chain_times],
        cancel_chain_ms=round(statistics.median(chain_times) * 1000, 1),
        cancel_chain_target_ms=100,
        cancel_chain_met=statistics.median(chain_times) <= 0.1,
        reconcile_s=round(rec_s, 3),
        reconcile_ok=rec["ok"],
    )
    if not rec["ok"]:
        res["reconcile_problems"] = rec["problems"][:5]
    log(f"{books.backend} cancel_chain: {res['cancel_chain_ms']} ms ({steps} steps)")
    # aging over bulk-written open items
    t1 = time.perf_counter()
    gen = generate_open_items(user, size["aging_customers"], size["aging_items"])
    gen_s = time.perf_counter() - t1
    from openjxc.reports.money import aging

    as_of = START + dt.timedelta(days=420)
    times = []
    for _ in range(args.runs):
        t1 = time.perf_counter()
        report = aging("receivable", as_of)
        times.append(time.perf_counter() - t1)
    res.update(
        aging_customers=gen["customers"],
        aging_open_items=gen["open_items"],
        aging_generate_s=round(gen_s, 1),
        aging_rows=report["count"],
        aging_s_runs=[round(t, 4) for t in times],
        aging_s=round(statistics.median(times), 4),
        aging_target_s=1.0,
        aging_met=statistics.median(times) <= 1.0,
    )
    log(f"{books.backend} aging: {res['aging_s']}s over {gen['open_items']} open items")
    res["met"] = res["cancel_chain_met"] and res["aging_met"]
    out["orders"] = res


def generate_open_items(user, n_customers: int, n_items: int) -> dict:
    """Customers, approved sales deliveries (documents only) and one 'raise' receivable entry
    each, spread over 400 days: the rows aging reads. Written in bulk."""
    from django.db import connection, transaction
    from django.utils import timezone

    from openjxc.documents.models import Document
    from openjxc.ledger.models import OpenItemEntry
    from openjxc.partners.models import Partner

    rng = random.Random(11)
    Partner.objects.bulk_create(
        [
            Partner(kind="customer", code=f"AG{i:06d}", name=f"账龄客户{i:06d}")
            for i in range(n_customers)
        ],
        batch_size=2000,
    )
    partners = list(
        Partner.objects.filter(code__startswith="AG").order_by("id").values_list("id", flat=True)
    )
    wh = scalar("SELECT MIN(id) FROM inventory_warehouse")
    base = scalar("SELECT COALESCE(MAX(id), 0) FROM documents_document")
    now = timezone.now()
    docw = TableWriter(
        Document,
        DOCUMENT_COLUMNS,
    )
    oiw = TableWriter(
        OpenItemEntry, ["date", "partner_id", "kind", "document_id", "entry", "amount"]
    )
    for start in range(0, n_items, 50_000):
        docs, entries = [], []
        for i in range(start, min(n_items, start + 50_000)):
            d = base + 1 + i
            p = partners[i % len(partners)]
            day = START + dt.timedelta(days=rng.randrange(400))
            amount = rng.randint(1000, 1_000_000)
            tax = amount * 13 // 100
            docs.append(
                (
                    d,
                    f"XSAG{i:09d}",
                    "sales_delivery",
                    "approved",
                    day,
                    p,
                    wh,
                    amount,
                    tax,
                    amount + tax,
                    user.id,
                    user.id,
                    now,
                )
            )
            entries.append((day, p, "receivable", d, "raise", amount + tax))
        with transaction.atomic():
            docw.write(docs)
            oiw.write(entries)
    if connection.vendor == "postgresql":
        from django.core.management.color import no_style

        with connection.cursor() as cur:
            for sql in connection.ops.sequence_reset_sql(no_style(), [Document]):
                cur.execute(sql)
            cur.execute("ANALYZE")
    return {"customers": len(partners), "open_items": n_items}


# --- main ----------------------------------------------------------------------------------------


def machine_info() -> dict:
    import sqlite3

    import django

    return {
        "cpu_count": os.cpu_count(),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "sqlite": sqlite3.sqlite_version,
        "postgresql": None,
    }


def run_backend(args, backend: str, tmp: str, results: dict) -> None:
    from django.db import connection

    key = "sqlite" if backend == "sqlite" else "postgresql"
    size = (QUICK if args.quick else FULL)[key]
    out = results.setdefault(key, {"backend": key, "sizes": size})
    for name in args.only:
        with Books(backend, tmp, name) as books:
            if backend == "pg" and results.get("_pg_version") is None:
                results["_pg_version"] = scalar("SELECT current_setting('server_version')")
            out.setdefault(
                "database",
                connection.settings_dict["NAME"] if backend == "pg" else "temporary file",
            )
            log(f"{key}: {name} ...")
            t0 = time.perf_counter()
            load = loadavg()
            try:
                {
                    "approve": bench_approve,
                    "cancel": bench_cancel,
                    "stock": bench_stock,
                    "close": bench_close,
                    "orders": bench_orders,
                }[name](args, books, size, out)
            except Exception as exc:  # noqa: BLE001 - report and go on with the next benchmark
                import traceback

                traceback.print_exc()
                out[name] = {"error": f"{type(exc).__name__}: {exc}"[:1000]}
            out[name]["loadavg_before_after"] = [load, loadavg()]
            log(f"{key}: {name} done in {time.perf_counter() - t0:.1f}s")


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--quick", action="store_true", help="small sizes (smoke run)")
    p.add_argument(
        "--only", default=",".join(BENCHMARKS), help="comma list of: " + ", ".join(BENCHMARKS)
    )
    p.add_argument("--backends", default=",".join(BACKENDS), help="comma list of: sqlite, pg")
    p.add_argument("--runs", type=int, default=3, help="timed runs (median reported)")
    p.add_argument(
        "--profile", metavar="DIR", help="cProfile + per-query timings of the first timed run"
    )
    p.add_argument(
        "--no-breakdown",
        dest="breakdown",
        action="store_false",
        help="approve: skip the extra run that times each engine step (ms/doc)",
    )
    p.add_argument(
        "--size",
        action="append",
        default=[],
        metavar="BACKEND.KEY=N",
        help="override a size, e.g. postgresql.cancel_moves=100000",
    )
    args = p.parse_args(argv)
    args.only = [b.strip() for b in args.only.split(",") if b.strip()]
    args.backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    for b in args.only:
        if b not in BENCHMARKS:
            p.error(f"unknown benchmark {b!r}")
    for b in args.backends:
        if b not in BACKENDS:
            p.error(f"unknown backend {b!r}")
    for s in args.size:
        k, v = s.split("=")
        backend, key = k.split(".")
        (QUICK if args.quick else FULL)[backend][key] = int(v)
    return args


def main(argv=None) -> dict:
    args = parse_args(argv)
    tmp = tempfile.mkdtemp(prefix="openjxc-bench-")
    started = time.perf_counter()
    try:
        django_setup(tmp)
        doc = {
            "command": " ".join(
                [os.path.relpath(sys.executable) if sys.executable else "python", *sys.argv]
            ),
            "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
            "quick": args.quick,
            "benchmarks": args.only,
            "machine": machine_info(),
            "git": git_state(),
            "targets": TARGETS,
            "results": {},
            "notes": [],
        }
        results = doc["results"]
        for backend in args.backends:
            if backend == "pg":
                reason = pg_reachable()
                if reason:
                    results["postgresql"] = {
                        "skipped": f"PostgreSQL unreachable at {pg_admin_url()}: {reason}"
                    }
                    doc["notes"].append("PostgreSQL skipped: server unreachable")
                    log(f"PostgreSQL skipped: {reason}")
                    continue
            run_backend(args, backend, tmp, results)
        doc["machine"]["postgresql"] = results.pop("_pg_version", None)
        doc["notes"] += [
            "approve: drafts are cloned from one draft made by create_draft (not timed); "
            "only engine.approve() is timed, one call per document, in one process.",
            "cancel: all later moves were posted by engine.approve(); 'first_receipt' is the target "
            "case (its removal leaves the moving average within rounding, so the timeline is "
            "re-stated but few moves change); 'recost_all' cancels a receipt whose removal "
            "re-costs every later move (worst case: one adjustment row per later move).",
            "stock: ledger written by bulk inserts (documents, lines, moves valued by "
            "costing.value_for, balance cache), checked by the reconcile stock checks; "
            "no vouchers are generated for it (the read does not use them).",
            "close: the stock benchmark's generator over 300 days (~1/10 of the moves in the "
            "first month, the one closed), plus one voucher per document moving the stock value "
            "between 1405 and 1002 / 5401 (no open items), so close_check's reconcile passes. "
            "take_backup inside close/reopen is timed on its own (close_backup_s, "
            "reopen_backup_s); backup_skipped=true means it was replaced by a stub (size "
            "close_backup=0, the PostgreSQL default: its JSON export of 1,000,000 moves did not "
            "finish in 3 minutes).",
            "orders: the issue's figure is 10,000 orders; full mode runs 10,000 on SQLite and 2,000 on "
            "PostgreSQL (4 documents each) to keep the run short, all for one "
            "customer. cancel_chain: order + 3 deliveries + 3 invoices + 3 receipts (10 "
            "documents), median of --runs chains; receipts stay as partner credit. aging: "
            "customers, delivery documents and 'raise' open-item entries written in bulk.",
        ]
        doc["total_s"] = round(time.perf_counter() - started, 1)
        return doc
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    print(json.dumps(main(), ensure_ascii=False, indent=2, default=str))
