"""count_approve: a stock count of every item of a warehouse (issue 13: 20,000 lines, ≤ 5 s to
approve). The close benchmark's generator writes the ledger (two warehouses, each item in one);
each run opens a count of WH1 with ?fill=all (timed: fill_s), two counters save a sheet of half
the items each with a difference on most of them (timed: sheets_s), and engine.approve() posts
it (timed: approve_s, the target). The count's reconcile check (counts_hold) runs after."""

import datetime as dt
import random
import statistics
import time

from .books import Books, scalar
from .config import TARGETS, log
from .data import generate_ledger, services
from .machine import profiled


def bench_count_approve(args, books: Books, size: dict, out: dict) -> None:
    from openjxc.closing.checks import counts_hold, stock_cache_equals_ledger
    from openjxc.documents.types import codes
    from openjxc.posting.counts import add_sheet, open_count

    engine = services()[4]
    count_type = codes(counted=True)[0]
    user = books.user
    n_items = size["count_lines"] * 2  # half of them in WH1
    t0 = time.perf_counter()
    gen = generate_ledger(user, n_items, size["count_history_moves"], days=30)
    log(f"{books.backend} count_approve: {gen['moves']} moves in {time.perf_counter() - t0:.1f}s")
    rng = random.Random(3)
    fills, sheets, approvals, lines = [], [], [], 0
    for run in range(args.runs):
        day = (gen["last"] + dt.timedelta(days=1 + run)).isoformat()
        body = {"type": count_type, "date": day, "warehouse": "WH1"}
        t1 = time.perf_counter()
        count = open_count(user, body, "all")
        fills.append(time.perf_counter() - t1)
        rows = count["lines"]
        lines = len(rows)
        counted = [
            {"item": r["item"], "qty": str(max(int(r["book_qty"]) + rng.randint(-2, 2), 0))}
            for r in rows
        ]
        half = len(counted) // 2
        t1 = time.perf_counter()
        add_sheet(user, count["number"], {"counter": "甲", "lines": counted[:half]})
        add_sheet(user, count["number"], {"counter": "乙", "lines": counted[half:]})
        sheets.append(time.perf_counter() - t1)
        with profiled(args if run == 0 else _no_profile(), f"{books.backend}-count_approve", out):
            t1 = time.perf_counter()
            engine.approve(user, count["number"])
            approvals.append(time.perf_counter() - t1)
    t1 = time.perf_counter()
    problems = counts_hold() + stock_cache_equals_ledger()
    check_s = time.perf_counter() - t1
    target = TARGETS["count_approve_s"]
    approve_s = round(statistics.median(approvals), 3)
    out["count_approve"] = {
        "lines": lines,
        "history_moves": gen["moves"],
        "count_moves": scalar(
            "SELECT COUNT(*) FROM inventory_stockmove m JOIN documents_document d "
            "ON d.id = m.document_id WHERE d.type = %s",
            [count_type],
        ),
        "fill_s": round(statistics.median(fills), 3),
        "sheets_s": round(statistics.median(sheets), 3),
        "approve_s": approve_s,
        "approve_s_runs": [round(a, 3) for a in approvals],
        "counts_check_s": round(check_s, 3),
        "reconcile_problems": len(problems),
        "target_s": target,
        "met": approve_s <= target,
    }
    log(f"{books.backend} count_approve: {lines} lines approved in {approve_s}s")


def _no_profile():
    import argparse

    return argparse.Namespace(profile=None)
