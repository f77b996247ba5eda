"""correction: 红冲蓝补 of a delivery dated at the start of the timeline of an item with many
later moves (all posted by approve()). Its period is open, so the approval cancels it and
re-enters the corrected delivery at its date: both re-state the later moves. Timed are the
preview, the approval (the automatic backup timed on its own) and the undo, --runs times on the
same books (each run corrects the copy the last undo restored: the setup takes minutes), the
median reported; then reconcile()."""

import datetime as dt
import statistics
import time
from contextlib import contextmanager, nullcontext

from .books import Books, reconcile_timed, scalar
from .config import START, TARGETS, log
from .data import clone_drafts, draft, item_ids, master_data, services
from .machine import profiled


def _timed_backups(record: list):
    """Time the automatic backups of approve and undo (posting/settled.py's hook): the hook
    returns a context manager, whose entering takes the backup."""
    from openjxc.posting import settled

    hooks = list(settled._HOOKS)

    @contextmanager
    def timed(*a, **kw):
        t0 = time.perf_counter()
        with hooks[0](*a, **kw) as manifest:
            record.append(time.perf_counter() - t0)
            yield manifest

    if hooks:
        settled._HOOKS[:] = [timed]
    return hooks


def _timed_run(user, target: str, body: dict, runs: dict, backups: list, res: dict) -> str:
    """Preview, propose, approve, undo one correction of `target`; returns the restored copy."""
    from openjxc.posting import corrections

    t1 = time.perf_counter()
    preview = corrections.preview(user, target, body)
    runs["preview_s"].append(round(time.perf_counter() - t1, 3))
    res["preview_allowed"] = preview["allowed"]
    corr = corrections.propose(user, target, "bench", body)
    done = len(backups)
    t1 = time.perf_counter()
    corr, _ = corrections.approve(user, corr.id)
    approve_s = time.perf_counter() - t1
    t1 = time.perf_counter()
    corr, _ = corrections.undo(user, corr.id, "bench")
    undo_s = time.perf_counter() - t1
    taken = backups[done:] + [0.0, 0.0]
    runs["backup_s"] += [round(b, 3) for b in backups[done:]]
    runs["approve_s"].append(round(approve_s, 3))
    runs["undo_s"].append(round(undo_s, 3))
    runs["approve_excl_backup_s"].append(round(approve_s - taken[0], 3))
    runs["undo_excl_backup_s"].append(round(undo_s - taken[1], 3))
    return corr.restored.number


def bench_correction(args, books: Books, size: dict, out: dict) -> None:
    from openjxc.posting import settled

    user, engine = books.user, services()[4]
    n_moves = size["correction_moves"]
    t0 = time.perf_counter()
    master_data(user, ["X"])
    day1 = START + dt.timedelta(days=1)
    engine.approve(user, draft(user, "purchase_receipt", day1, [("X", 1_000_000, "6.00")]))
    target = draft(user, "sales_delivery", day1, [("X", 10, "10.00")])
    engine.approve(user, target)
    template = draft(user, "sales_delivery", day1 + dt.timedelta(days=1), [("X", 1, "10.00")])
    x = item_ids(["X"])[0]
    days = [day1 + dt.timedelta(days=1 + i * 300 // n_moves) for i in range(n_moves)]
    numbers = clone_drafts(template, "K", days, [[x]] * n_moves)
    t1 = time.perf_counter()
    for k, n in enumerate(numbers):
        engine.approve(user, n)
        if (k + 1) % 10_000 == 0:
            log(f"{books.backend} correction setup: {k + 1}/{n_moves} deliveries approved")
    later = scalar(
        "SELECT COUNT(*) FROM inventory_stockmove WHERE item_id = %s AND kind = 0 AND date > %s",
        [x, day1],
    )
    if books.backend == "pg":
        from django.db import connection

        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    body = {
        "type": "sales_delivery",
        "date": day1.isoformat(),
        "warehouse": "WH1",
        "partner": "C001",
        "lines": [{"item": "X", "qty": "12", "price": "11.00"}],  # quantity and price corrected
    }
    res = {
        "later_moves": later,
        "setup_s": round(time.perf_counter() - t0, 1),
        "setup_approve_s": round(time.perf_counter() - t1, 1),
        "target_s": TARGETS["correction_approve_s"],
    }
    runs: dict = {"preview_s": [], "approve_s": [], "undo_s": [], "backup_s": []}
    runs["approve_excl_backup_s"], runs["undo_excl_backup_s"] = [], []
    hooks = _timed_backups(backups := [])
    try:  # each run corrects the delivery the last undo restored
        for run in range(max(args.runs, 1)):
            with profiled(args, f"{books.backend}-correction", out) if run == 0 else nullcontext():
                target = _timed_run(user, target, body, runs, backups, res)
    finally:
        settled._HOOKS[:] = hooks
    for name, times in runs.items():
        res[name + "_runs"] = times
        if name != "backup_s":
            res[name] = round(statistics.median(times), 3)
    rec_s, rec = reconcile_timed()
    res["reconcile_s"], res["reconcile_ok"] = round(rec_s, 3), rec["ok"]
    res["met"] = res["approve_excl_backup_s"] <= TARGETS["correction_approve_s"]
    log(
        f"{books.backend} correction: preview {res['preview_s']}s, approve {res['approve_s']}s "
        f"(backups {res['backup_s_runs']}), undo {res['undo_s']}s; reconcile ok={rec['ok']}"
    )
    out["correction"] = res
