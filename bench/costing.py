"""costing: the two figures of issue 13's costing methods.

fifo_backdated: approve() of a receipt dated at the start of the timeline of a FIFO item with
~100,000 later moves (the ledger written in bulk, FIFO-valued, by data.generate_ledger): the
replay re-derives the layers and re-states every later issue whose layers shift.
monthly_close: closing.services.close of a month of ~100,000 moves over 10,000
monthly-average items (backup stubbed, timed apart), with closing/monthly.py's share timed on
its own, then reopen."""

import time

from .books import Books, scalar, scalar_rows
from .close import timed_backups
from .config import START, TARGETS, log
from .data import add_vouchers_for_ledger, draft, generate_ledger, services
from .machine import profiled


def bench_fifo(args, books: Books, size: dict, out: dict) -> None:
    user, engine = books.user, services()[4]
    t0 = time.perf_counter()
    # two items, one per warehouse: each takes about half of the moves
    gen = generate_ledger(user, 2, 2 * size["fifo_moves"], days=300, lines=1, method="fifo")
    code, wh, item = scalar_rows(
        "SELECT i.code, w.code, i.id FROM catalog_item i JOIN inventory_stockbalance b "
        "ON b.item_id = i.id JOIN inventory_warehouse w ON w.id = b.warehouse_id "
        "WHERE i.code LIKE %s ORDER BY i.id LIMIT 1",
        ["G%"],
    )[0]
    later = scalar("SELECT COUNT(*) FROM inventory_stockmove WHERE item_id = %s", [item])
    if books.backend == "pg":
        from django.db import connection

        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    number = draft(user, "purchase_receipt", START, [(code, 10, "1.00")], warehouse=wh)
    log(f"{books.backend} fifo: {later} moves of {code} in {time.perf_counter() - t0:.1f}s")
    with profiled(args, f"{books.backend}-fifo", out):
        t1 = time.perf_counter()
        engine.approve(user, number)
        approve_s = time.perf_counter() - t1
    adjusted = scalar(
        "SELECT COUNT(*) FROM inventory_stockmove WHERE kind = 2 AND cause_id = "
        "(SELECT id FROM documents_document WHERE number = %s)",
        [number],
    )
    t1 = time.perf_counter()
    engine.cancel(user, number, "bench")
    cancel_s = time.perf_counter() - t1
    out["fifo"] = {
        "later_moves": later,
        "generated_moves": gen["moves"],
        "backdated_receipt_s": round(approve_s, 3),
        "adjusted_moves": adjusted,
        "cancel_s": round(cancel_s, 3),
        "target_s": TARGETS["fifo_backdated_s"],
        "met": approve_s <= TARGETS["fifo_backdated_s"],
    }
    log(f"{books.backend} fifo back-dated receipt: {approve_s:.2f}s ({adjusted} re-stated)")


def bench_monthly(args, books: Books, size: dict, out: dict) -> None:
    from openjxc.closing import monthly
    from openjxc.closing import services as closing
    from openjxc.ledger.periods import bounds_of

    user = books.user
    t0 = time.perf_counter()
    gen = generate_ledger(
        user, size["monthly_items"], size["monthly_moves"], days=28, method="monthly_average"
    )
    add_vouchers_for_ledger()
    name, first, last = bounds_of(START)
    month_moves = scalar(
        "SELECT COUNT(*) FROM inventory_stockmove WHERE date >= %s AND date <= %s", [first, last]
    )
    log(
        f"{books.backend} monthly: {month_moves} moves in {name} in {time.perf_counter() - t0:.1f}s"
    )
    if books.backend == "pg":
        from django.db import connection

        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    real = monthly.close
    share = []

    def timed(*a, **kw):
        t1 = time.perf_counter()
        try:
            return real(*a, **kw)
        finally:
            share.append(time.perf_counter() - t1)

    monthly.close = timed
    backups: list[float] = []
    try:
        with timed_backups(backups, skip=True), profiled(args, f"{books.backend}-monthly", out):
            t1 = time.perf_counter()
            closing.close(user, name)
            close_s = time.perf_counter() - t1
    finally:
        monthly.close = real
    adjusted = scalar(
        "SELECT COUNT(*) FROM inventory_stockmove WHERE kind = 2 AND rule = 7 AND date <= %s",
        [last],
    )
    backups.clear()
    with timed_backups(backups, skip=True):
        t1 = time.perf_counter()
        closing.reopen(user, name, "bench")
        reopen_s = time.perf_counter() - t1
    out["monthly"] = {
        "items": size["monthly_items"],
        "period_moves": month_moves,
        "generated_moves": gen["moves"],
        "adjusted_moves": adjusted,
        "close_excl_backup_s": round(close_s - backups[0] if backups else close_s, 3),
        "monthly_share_s": round(share[0], 3) if share else None,
        "reopen_s": round(reopen_s, 3),
        "target_s": TARGETS["monthly_close_s"],
        "met": close_s <= TARGETS["monthly_close_s"],
        "last_day": str(last),
    }
    log(
        f"{books.backend} monthly close: {close_s:.2f}s ({adjusted} adjustments), reopen {reopen_s:.2f}s"
    )
