"""backups: the automatic backup of a book of 1,000,000 moves — on PostgreSQL a `pg_dump -Fc`
file (target 30 s), on SQLite the online backup API — and, once, its verification (restored to
a scratch place by `jxc restore` and reconciled, what the background worker does)."""

import statistics
import time

from .books import Books
from .config import log
from .data import add_vouchers_for_ledger, generate_ledger


def bench_backups(args, books: Books, size: dict, out: dict) -> None:
    from openjxc.backup.services import take_backup
    from openjxc.backup.verify import run_verification

    t0 = time.perf_counter()
    gen = generate_ledger(books.user, size["backup_items"], size["backup_moves"], days=300)
    add_vouchers_for_ledger()
    res = {
        "items": size["backup_items"],
        "moves": gen["moves"],
        "generate_s": round(time.perf_counter() - t0, 1),
        "targets": {"backup_s": 30.0} if books.backend != "sqlite" else {},
    }
    times, manifest = [], None
    for _ in range(args.runs):
        t1 = time.perf_counter()
        manifest = take_backup("manual", books.user)
        times.append(time.perf_counter() - t1)
    res.update(
        format=manifest["format"],
        backup_s_runs=[round(t, 2) for t in times],
        backup_s=round(statistics.median(times), 2),
        backup_mb=round(manifest["size"] / 1e6, 1),
    )
    if books.backend != "sqlite":
        res["met"] = res["backup_s"] <= 30.0
    log(
        f"{books.backend} backup of {gen['moves']} moves: {res['backup_s']}s ({res['backup_mb']} MB)"
    )
    if size.get("backup_verify", 1):
        t1 = time.perf_counter()
        result = run_verification(manifest["id"])
        res.update(
            verify_s=round(time.perf_counter() - t1, 1),
            verified=result["verified"],
            verify_error=result["error"],
        )
        log(f"{books.backend} verification: {res['verify_s']}s, verified={result['verified']}")
    out["backups"] = res
