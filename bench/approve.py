"""approve: approve() throughput of 5-line sales deliveries — stock, voucher, open item, audit,
everything approval does. Drafts are cloned beforehand; only engine.approve() is timed. An
extra run times each engine step (exclusive wall and CPU ms per document)."""

import argparse
import datetime as dt
import random
import statistics
import time

from .books import Books, reconcile_timed, scalar
from .config import START, TARGETS, log
from .data import clone_drafts, draft, item_ids, master_data, services
from .machine import profiled, step_timer

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
