"""exit: `jxc export` of a book of 1,000,000 stock moves (the close benchmark's generator), then
`jxc import` of that export into a new SQLite data folder (a `jxc` subprocess, as a user runs
it: migrate, load, reconcile, digest), each timed; target 60 s each on SQLite."""

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

from .books import Books, scalar
from .config import log
from .data import add_vouchers_for_ledger, generate_ledger

TARGET_S = 60.0
ROOT = Path(__file__).resolve().parent.parent


def _folder_mb(folder: Path) -> float:
    return round(sum(p.stat().st_size for p in folder.iterdir()) / 1e6, 1)


def bench_exit(args, books: Books, size: dict, out: dict) -> None:
    from openjxc.backup.archive import export_books

    t0 = time.perf_counter()
    gen = generate_ledger(books.user, size["close_items"], size["close_history_moves"], days=300)
    add_vouchers_for_ledger()
    gen_s = time.perf_counter() - t0
    moves = scalar("SELECT COUNT(*) FROM inventory_stockmove")
    log(f"{books.backend} exit: generated {moves} moves in {gen_s:.1f}s")
    folder = Path(books.tmp) / f"exit-export-{books.backend}"
    t1, c1 = time.perf_counter(), time.process_time()
    manifest = export_books(folder)
    export_s, export_cpu_s = time.perf_counter() - t1, time.process_time() - c1
    rows = sum(t["rows"] for t in manifest["tables"].values())
    log(f"{books.backend} exit: export {rows} rows in {export_s:.1f}s")
    target = Path(books.tmp) / f"exit-imported-{books.backend}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENJXC_", "DJANGO_SET"))}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t2 = time.perf_counter()
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "openjxc.cli",
            "import",
            "--data-dir",
            str(target),
            "--from",
            str(folder),
        ],  # fmt: skip
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=1800,
    )
    import_s = time.perf_counter() - t2
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    import_cpu_s = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    if proc.returncode != 0:
        raise RuntimeError(f"jxc import failed: {proc.stderr.strip()[-500:]}")
    log(f"{books.backend} exit: import into SQLite in {import_s:.1f}s")
    res = {
        "moves": moves,
        "documents": gen["documents"],
        "rows": rows,
        "tables": len(manifest["tables"]),
        "export_mb": _folder_mb(folder),
        "generate_s": round(gen_s, 1),
        "export_s": round(export_s, 2),
        "import_into_sqlite_s": round(import_s, 2),
        # CPU seconds: what the run costs whatever else the machine was doing
        "export_cpu_s": round(export_cpu_s, 2),
        "import_cpu_s": round(import_cpu_s, 2),
        "digest_equal": manifest["digest"] in proc.stdout,
        "targets": {"export_s": TARGET_S, "import_s": TARGET_S},
    }
    res["met"] = export_s <= TARGET_S and import_s <= TARGET_S and res["digest_equal"]
    out["exit"] = res
