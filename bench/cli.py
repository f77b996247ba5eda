"""OpenJXC benchmark (`make bench`): posting throughput, cancellation, stock reads, settlement and
approvals over HTTP.

Runs one benchmark after another, each on a fresh set of books: SQLite (a temporary data folder)
and PostgreSQL (a scratch database created and dropped here; skipped with a note when the server
cannot be reached). All but `http` run in this process; `http` runs a real `jxc serve`.

  approve  approve() throughput of 5-line sales deliveries (bench/approve.py)
  cancel   cancel() of a receipt with many later moves, then reconcile() (bench/cancel.py)
  stock    stock_rows(day) over a ledger of 1,000,000 moves written in bulk (bench/stock.py)
  close    close / 进销存汇总表 / reopen of a month of that ledger (bench/close.py)
  orders   sales orders end to end, cancel_chain, aging (bench/orders.py)
  categories  the 进销存汇总表 by category: subtotals, a category's subtree (bench/categories.py)
  http     POST /documents/{number}/approve through `jxc serve` with 1 and 20 keep-alive
           clients, a plain GET, then GET /reconcile (bench/http.py)
  imports  the Excel import of 10,000 items × 3 units and 5,000 customers (bench/imports.py)
  count_approve  a stock count of 20,000 lines: ?fill=all, two counters' sheets, approve
           (bench/counts.py)
  statements  利润表, 资产负债表, 科目余额表 over a year of 1,000,000 journal lines, with the
           monthly closes (结转损益) (bench/statements.py)
  fifo     a back-dated receipt of a FIFO item with 100,000 later moves (bench/costing.py)
  monthly  the close of a month of 100,000 moves over 10,000 monthly-average items
           (bench/costing.py)
  backups  the automatic backup of 1,000,000 moves (PostgreSQL: pg_dump, target 30 s) and its
           verification (bench/backups.py)
  material_requirements  物料需求 of 1,000 open sales orders over a 3-level BOM of 50
           components (bench/requirements.py)
  reorder  the 补货建议 report over 10,000 items with limits and 1,000,000 moves, and the
           purchase orders drafted from it (bench/reorder.py)
  exit     jxc export of the close benchmark's 1,000,000 moves, then jxc import of it into a new
           SQLite data folder (bench/exitpath.py)
  correction  红冲蓝补 of a delivery with 100,000 later moves of its item, in its open period:
           preview, approve, undo (bench/corrections.py)

Prints one JSON document on stdout; progress goes to stderr. Results: docs/benchmarks.md.

  .venv/bin/python -m bench [--quick] [--only approve,cancel,stock,close,orders,http,imports,categories,statements,
                            count_approve,fifo,monthly,backups,material_requirements,reorder,exit,
                            correction]
                            [--backends sqlite,pg] [--runs N] [--profile DIR] [--no-breakdown]
                            [--size postgresql.cancel_moves=20000]

PostgreSQL: OPENJXC_BENCH_PG_URL (default postgresql://postgres@127.0.0.1:5432/postgres) is the
maintenance connection used to create and drop the scratch database openjxc_bench_<pid>
(OPENJXC_BENCH_PG_DB names another).
"""

import argparse
import datetime as dt
import json
import os
import shutil
import sys
import tempfile
import time

from . import (
    approve,
    backups,
    cancel,
    categories,
    close,
    corrections,
    costing,
    counts,
    exitpath,
    http,
    imports,
    orders,
    reorder,
    requirements,
    statements,
    stock,
)
from .books import Books, django_setup, pg_admin, pg_admin_url, pg_reachable
from .config import BACKENDS, BENCHMARKS, FULL, PG_DB, QUICK, TARGETS, log
from .machine import git_state, loadavg, machine_info

RUNNERS = {
    "approve": approve.bench_approve,
    "cancel": cancel.bench_cancel,
    "stock": stock.bench_stock,
    "close": close.bench_close,
    "orders": orders.bench_orders,
    "imports": imports.bench_imports,
    "categories": categories.bench_categories,
    "statements": statements.bench_statements,
    "count_approve": counts.bench_count_approve,
    "fifo": costing.bench_fifo,
    "monthly": costing.bench_monthly,
    "backups": backups.bench_backups,
    "material_requirements": requirements.bench_requirements,
    "reorder": reorder.bench_reorder,
    "exit": exitpath.bench_exit,
    "correction": corrections.bench_correction,
}
NOTES = [
    "backups: the close benchmark's generator (1,000,000 moves over 300 days, vouchers added); "
    "take_backup timed --runs times (PostgreSQL: pg_dump -Fc -Z 1 from one exported snapshot, "
    "row counts read in it; SQLite: the online backup API), then one verification "
    "(verify_s: jxc restore into a scratch folder / database, row counts, reconcile).",
    "approve: drafts are cloned from one draft made by create_draft (not timed); "
    "only engine.approve() is timed, one call per document, in one process.",
    "cancel: all later moves were posted by engine.approve(); 'first_receipt' is the target "
    "case (its removal leaves the moving average within rounding, so the timeline is "
    "re-stated but few moves change); 'recost_all' cancels a receipt whose removal "
    "re-costs every later move (worst case: one adjustment row per later move).",
    "stock: ledger written by bulk inserts (documents, lines priced by documents.rules."
    "line_amounts, moves from the posting recipes valued by costing.value_for, balance cache), "
    "checked by the reconcile stock checks; no vouchers are generated for it (the read does not "
    "use them).",
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
    "categories: the close benchmark's generator (1,000,000 moves over 300 days, ~1/10 in the "
    "first month) plus a tree of 10 top-level categories with 10 below each, every item in one "
    "of the 100 lower ones; the 进销存汇总表 of the first month plain (baseline), with a "
    "subtotal per category, of one top-level category's subtree with subtotals, and of one "
    "lower category; medians of --runs.",
    "statements: a year of vouchers of 2-4 lines written in bulk over cash, bank, 原材料, VAT, "
    "loans and the P&L accounts (no subledger-owned account, so reconcile and closing.close run "
    "as in production, backup stubbed); the reports are timed with every month open (all_open: "
    "no snapshot, the worst case), then after closing January-November on the closed November "
    "and the open December; close_11_months_s times each close (结转损益 included); medians of "
    "--runs.",
    "count_approve: the close benchmark's generator (2 × count_lines items, half in WH1); "
    "per run a count of WH1 opened with fill=all (fill_s), two sheets of half the lines each "
    "with differences of -2..+2 (sheets_s), then engine.approve() (approve_s, the target); "
    "counts_check_s is reconcile's counts_hold and stock-cache checks after the runs.",
    "http: `jxc init` + `jxc serve` (default workers and threads) in a subprocess; master data, "
    "stock and drafts created through the API (not timed); each client is a thread with its "
    "own keep-alive connection and a bearer token, the client runs on the same machine as the "
    "server; runs alternate 1 and 20 clients, docs_per_s is the median over --runs runs, "
    "latencies are pooled over the runs; errors count every response that is not 200; "
    "server_cpu_ms_per_request is the CPU of the jxc serve processes (not PostgreSQL's).",
    "fifo: two FIFO items, ~100,000 moves each over 300 days written in bulk and valued by "
    "inventory/fifo.py (1 line per document); timed is approve() of a receipt of 10 at 1.00 "
    "dated on the first day, after the opening receipt: every later issue's layers shift; then "
    "its cancel.",
    "monthly: 10,000 monthly-average items, 100,000 moves in the first month written in bulk "
    "(with vouchers, so close_check passes); timed is closing.close (backup stubbed) and, "
    "inside it, closing/monthly.close; then reopen.",
    "material_requirements: 1,000 sales orders of 3 lines over 5 finished items (SQLite and "
    "PostgreSQL alike), approved through the engine (not timed); a 3-level BOM of 50 components; "
    "timed is posting.requirements.material_requirements over all open orders and over 100 "
    "chosen ones, medians of --runs.",
    "reorder: the close benchmark's generator (10,000 items, 1,000,000 moves over 300 days) "
    "with a limit on every item in its warehouse above anything it holds, so every item is "
    "listed; the report over the last 30 and 90 days of sales (medians of --runs), then one "
    "draft_orders for all of them (one supplier: orders of 1,000 lines, through create_draft).",
    "exit: the close benchmark's generator (moves, documents, one voucher per document); "
    "export_s times backup.archive.export_books (CSV per table + manifest, in this process); "
    "import_into_sqlite_s times a `jxc import` subprocess into a new SQLite data folder "
    "(process start, migrate, load, row counts, reconcile, digest); on PostgreSQL the export "
    "is PostgreSQL's and the import still goes into SQLite. export_cpu_s / import_cpu_s are "
    "the CPU seconds of each (the import's of its subprocess): on a shared machine they show "
    "what the wall-clock figures would be alone.",
    "correction: one receipt of 1,000,000 at 6.00, the corrected delivery (10 at 10.00 on the "
    "first day) and correction_moves later deliveries of 1, all approved by engine.approve(); "
    "its period is open, so approve cancels it and re-enters 12 at 11.00 at its date (both "
    "re-state the later moves); approve_excl_backup_s is the target figure, backup_s the "
    "automatic backups of approve and undo timed on their own; preview_s runs the same and "
    "rolls back.",
    "imports: the two .xlsx files (template headers; items with 单位2/单位3, barcodes and a "
    "category, customers with every field and a price level) are generated per run, not timed; "
    "timed is import_items then import_partners with commit=True, each parse + check + write "
    "in one transaction; each run imports new codes into the same books (runs 2 and 3 find the "
    "earlier runs' rows in the tables). items_preview_s is the preview (commit=False) of run 1.",
]


def run_backend(args, backend: str, tmp: str, results: dict) -> None:
    key = "sqlite" if backend == "sqlite" else "postgresql"
    size = (QUICK if args.quick else FULL)[key]
    out = results.setdefault(key, {"backend": key, "sizes": size})
    out.setdefault("database", PG_DB if backend == "pg" else "temporary file")
    for name in args.only:
        log(f"{key}: {name} ...")
        t0 = time.perf_counter()
        load = loadavg()
        try:
            if name == "http":
                http.bench_http(args, backend, tmp, size, out)
            else:
                with Books(backend, tmp, name) as books:
                    RUNNERS[name](args, books, size, out)
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
        executable = os.path.relpath(sys.executable) if sys.executable else "python"
        doc = {
            "command": " ".join([executable, "-m", "bench", *(argv or sys.argv[1:])]),
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
                doc["machine"]["postgresql"] = pg_admin("SELECT current_setting('server_version')")[
                    0
                ]
            run_backend(args, backend, tmp, results)
        doc["notes"] += NOTES
        doc["total_s"] = round(time.perf_counter() - started, 1)
        return doc
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run() -> None:
    print(json.dumps(main(), ensure_ascii=False, indent=2, default=str))
