"""stock: stock_rows(day) — the stock of every item at a past date — over a large ledger written
in bulk (data.generate_ledger)."""

import argparse
import statistics
import time

from .books import Books
from .config import TARGETS, log
from .data import generate_ledger
from .machine import profiled


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
