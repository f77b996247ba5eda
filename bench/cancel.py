"""cancel: cancel() of the first receipt of an item with many later moves, all posted by
approve(), then reconcile(); and the worst case, a receipt whose removal re-costs every later
move."""

import datetime as dt
import time

from .books import Books, reconcile_checks_s, reconcile_timed, scalar
from .config import START, TARGETS, log
from .data import clone_drafts, draft, item_ids, master_data, services
from .machine import profiled


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
