"""The benchmark package (`make bench`, `python -m bench`) runs end to end in --quick mode on
SQLite, the HTTP benchmark through a real `jxc serve` included, and reports every figure
docs/benchmarks.md quotes. No timing is asserted: timings belong to the benchmark."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.sqlite_subprocess  # own SQLite books: SQLite pass only

ROOT = Path(__file__).resolve().parent.parent


def run_bench(tmp_path, *args) -> dict:
    # Its own temporary books: nothing of the test run's database settings leaks in.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENJXC_", "DJANGO_SETTINGS"))}
    env["TMPDIR"] = str(tmp_path)
    proc = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--backends", "sqlite", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    return json.loads(proc.stdout)


def positive(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value > 0


def test_quick_bench_reports_every_figure(tmp_path):
    doc = run_bench(tmp_path)
    for key in ("command", "date", "machine", "targets", "results", "notes"):
        assert key in doc
    assert doc["quick"] is True
    assert (
        doc["machine"]["cpu_count"] >= 1 and doc["machine"]["python"] and doc["machine"]["sqlite"]
    )
    sqlite = doc["results"]["sqlite"]
    assert set(doc["results"]) == {"sqlite"}

    approve = sqlite["approve"]
    assert "error" not in approve, approve
    assert positive(approve["docs_per_s"]) and len(approve["docs_per_s_runs"]) == 3
    assert all(positive(r) for r in approve["docs_per_s_runs"])
    assert positive(approve["ms_per_doc"]) and isinstance(approve["met"], bool)
    assert approve["reconcile_ok"] is True
    assert positive(approve["breakdown_ms_per_doc"]["wall"]["total"])

    cancel = sqlite["cancel"]
    assert "error" not in cancel, cancel
    assert positive(cancel["later_moves"])
    assert positive(cancel["cancel_first_receipt_s"]) and positive(cancel["cancel_recost_all_s"])
    assert positive(cancel["cancel_recost_all_adjusted_moves"])
    assert cancel["reconcile_after_first_receipt_ok"] is True
    assert cancel["reconcile_after_recost_all_ok"] is True
    assert isinstance(cancel["met"], bool)

    stock = sqlite["stock"]
    assert "error" not in stock, stock
    assert stock["ledger_valid"] is True
    assert positive(stock["moves"]) and positive(stock["rows"]) and positive(stock["stock_rows_s"])
    assert len(stock["stock_rows_s_runs"]) == 3 and isinstance(stock["met"], bool)

    close = sqlite["close"]
    assert "error" not in close, close
    assert close["close_check_ok"] is True
    assert positive(close["period_moves"]) and positive(close["history_moves"])
    assert positive(close["vouchers"]) and positive(close["close_vouchers_numbered"])
    for key in ("close_s", "close_backup_s", "summary_s", "reopen_s", "reopen_backup_s"):
        assert positive(close[key]), key
    assert isinstance(close["close_excl_backup_s"], float)
    assert isinstance(close["reopen_excl_backup_s"], float)
    assert positive(close["summary_rows"]) and len(close["summary_s_runs"]) == 3
    assert close["summary_tracemalloc_peak_mb"] >= 0 and close["summary_maxrss_growth_mb"] >= 0
    for key in ("close_met", "summary_met", "reopen_met", "met"):
        assert isinstance(close[key], bool), key

    orders = sqlite["orders"]
    assert "error" not in orders, orders
    assert orders["documents"] == 4 * orders["orders"] and positive(orders["documents_per_s"])
    assert orders["open_receivable_left"] == 0  # every order was paid in full
    assert orders["chain_documents"] == 10 and positive(orders["chain_steps"])
    assert len(orders["cancel_chain_s_runs"]) == 3 and positive(orders["cancel_chain_ms"])
    assert orders["reconcile_ok"] is True
    assert positive(orders["aging_open_items"]) and positive(orders["aging_rows"])
    assert positive(orders["aging_s"]) and len(orders["aging_s_runs"]) == 3
    for key in ("cancel_chain_met", "aging_met", "met"):
        assert isinstance(orders[key], bool), key

    http = sqlite["http"]
    assert "error" not in http, http
    assert http["server"]["workers"] >= 1 and http["server"]["threads_per_worker"] >= 1
    assert "serve" in http["server"]["command"] and positive(http["drafts"])
    for clients in ("1", "20"):
        run = http["approve"][clients]
        assert run["errors"] == 0, run.get("error_samples")
        assert positive(run["docs_per_s"]) and len(run["docs_per_s_runs"]) == 3
        assert (
            positive(run["latency_ms_median"]) and run["latency_ms_p95"] >= run["latency_ms_median"]
        )
        assert isinstance(run["met"], bool)  # SQLite has a target for both client counts
        assert positive(run["server_cpu_ms_per_request"])  # the server's own CPU (Linux /proc)
    get = http["get"]["1"]
    assert (
        get["errors"] == 0
        and positive(get["requests_per_s"])
        and positive(get["latency_ms_median"])
    )
    assert http["errors"] == 0 and http["reconcile_ok"] is True
    # every draft made through the API was approved exactly once
    assert http["approved_documents"] == http["approved_expected"] == http["drafts"]


def test_only_selects_benchmarks(tmp_path):
    doc = run_bench(tmp_path, "--only", "stock,close", "--runs", "1")
    sqlite = doc["results"]["sqlite"]
    assert doc["benchmarks"] == ["stock", "close"]
    assert {"stock", "close"} <= set(sqlite)
    assert not {"approve", "cancel", "orders", "http"} & set(sqlite)
    assert sqlite["stock"]["ledger_valid"] is True and sqlite["close"]["close_check_ok"] is True
