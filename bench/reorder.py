"""reorder: the 补货建议 report (issue 13) over the close benchmark's ledger — 10,000 items,
1,000,000 moves over 300 days, ~75% of the documents sales deliveries — with a limit on every
item in its warehouse set so high that every item is listed (the worst case: every row built,
every item's last supplier looked up). Timed: the report over 30 and 90 days of sales (medians
of --runs), then, once, drafting the purchase orders for all of them (one supplier: orders of
1,000 lines)."""

import datetime as dt
import statistics
import time

from .books import Books, scalar
from .config import TARGETS, log
from .data import generate_ledger


def _median(runs: int, call) -> tuple[float, list, dict]:
    times, result = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - t0)
    return round(statistics.median(times), 4), [round(t, 4) for t in times], result


def set_limits() -> int:
    """A limit on every item in the warehouse it lives in, above anything it holds."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(
            "INSERT INTO inventory_stocklimit (item_id, warehouse_id, min_qty, max_qty) "
            "SELECT item_id, warehouse_id, 100000000000, 200000000000 FROM inventory_stockbalance"
        )
        return cur.rowcount


def bench_reorder(args, books: Books, size: dict, out: dict) -> None:
    from openjxc.reports.reorder import draft_orders, reorder

    t0 = time.perf_counter()
    gen = generate_ledger(books.user, size["close_items"], size["close_history_moves"], days=300)
    gen_s = time.perf_counter() - t0
    limits = set_limits()
    last = scalar("SELECT MAX(date) FROM inventory_stockmove")
    today = last if isinstance(last, dt.date) else dt.date.fromisoformat(str(last)[:10])
    log(f"{books.backend} reorder: {gen['moves']} moves, {limits} limits in {gen_s:.1f}s")
    target = TARGETS["reorder_s"]
    s30, runs30, r30 = _median(args.runs, lambda: reorder(None, 30, today))
    s90, runs90, r90 = _median(args.runs, lambda: reorder(None, 90, today))
    t0 = time.perf_counter()
    drafted = draft_orders(books.user, None, 30, today)
    draft_s = time.perf_counter() - t0
    out["reorder"] = {
        "items": size["close_items"],
        "moves": gen["moves"],
        "limits": limits,
        "rows": r30["count"],
        "with_sales_30": sum(1 for r in r30["items"] if r["days_of_cover"] is not None),
        "with_sales_90": sum(1 for r in r90["items"] if r["days_of_cover"] is not None),
        "report_30_s": s30,
        "report_30_s_runs": runs30,
        "report_90_s": s90,
        "report_90_s_runs": runs90,
        "orders": len(drafted["orders"]),
        "order_lines": sum(o["lines"] for o in drafted["orders"]),
        "skipped": len(drafted["skipped"]),
        "draft_orders_s": round(draft_s, 3),
        "generate_s": round(gen_s, 1),
        "target_s": target,
        "met": max(s30, s90) <= target,
    }
    log(
        f"{books.backend} 补货建议: {s30}s (30 days), {s90}s (90 days), "
        f"{len(drafted['orders'])} orders drafted in {draft_s:.1f}s"
    )
