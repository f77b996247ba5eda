"""close: closing.services.close of a month of a large ledger (take_backup timed apart), the
进销存汇总表 of that month (time and peak memory), then reopen."""

import datetime as dt
import statistics
import time
from contextlib import contextmanager

from .books import Books, scalar
from .config import START, log
from .data import add_vouchers_for_ledger, generate_ledger
from .machine import peak_memory, profiled


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
