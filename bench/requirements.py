"""material_requirements (issue 13): 物料需求 of 1,000 open sales orders (3 lines each) over a
3-level BOM of 50 components — 5 finished items F, each of 4 of 10 sub-assemblies S; each S of
3 of 10 modules M and 2 raw parts; each M of 3 of 30 raw parts R (10 + 10 + 30 = 50 components).
Some stock of every level and a purchase order for raw parts, so that netting happens at every
level. Timed: the report over all open orders, and over 100 chosen orders; medians of --runs."""

import datetime as dt
import random
import statistics
import time

from .books import Books
from .config import START, TARGETS, log
from .data import draft, master_data
from .machine import profiled


def _structure(rng) -> dict:
    finished = [f"F{i}" for i in range(5)]
    subs = [f"S{i}" for i in range(10)]
    mods = [f"M{i}" for i in range(10)]
    raw = [f"R{i:02d}" for i in range(30)]
    boms = {}
    for f in finished:
        boms[f] = [(s, rng.randint(1, 3)) for s in rng.sample(subs, 4)]
    for s in subs:
        boms[s] = [(m, rng.randint(1, 2)) for m in rng.sample(mods, 3)]
        boms[s] += [(r, rng.randint(1, 4)) for r in rng.sample(raw, 2)]
    for m in mods:
        boms[m] = [(r, rng.randint(1, 5)) for r in rng.sample(raw, 3)]
    return {"finished": finished, "components": subs + mods + raw, "boms": boms}


def _median(runs, call):
    times, result = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - t0)
    return round(statistics.median(times), 4), [round(t, 4) for t in times], result


def bench_requirements(args, books: Books, size: dict, out: dict) -> None:
    from openjxc.catalog.bom import create_bom
    from openjxc.posting import engine
    from openjxc.posting.requirements import material_requirements

    user = books.user
    rng = random.Random(13)
    shape = _structure(rng)
    t0 = time.perf_counter()
    master_data(user, shape["finished"] + shape["components"])
    for item, comps in shape["boms"].items():
        body = {
            "item": item,
            "qty": "1",
            "components": [{"item": c, "qty": str(q)} for c, q in comps],
        }
        create_bom(user, body)
    day = START + dt.timedelta(days=1)
    stocked = [(c, rng.randint(10, 200), "5.00") for c in shape["components"][::2]]
    stocked += [(f, 5, "50.00") for f in shape["finished"]]
    engine.approve(user, draft(user, "purchase_receipt", day, stocked))
    raw = [c for c in shape["components"] if c.startswith("R")]
    engine.approve(user, draft(user, "purchase_order", day, [(r, 100, "5.00") for r in raw[:10]]))
    numbers = []
    for k in range(size["mrp_orders"]):
        lines = [(f, rng.randint(1, 5), "99.00") for f in rng.sample(shape["finished"], 3)]
        number = draft(user, "sales_order", day + dt.timedelta(days=1 + k % 20), lines)
        engine.approve(user, number)
        numbers.append(number)
    setup_s = time.perf_counter() - t0
    log(f"{books.backend} material requirements: {len(numbers)} orders in {setup_s:.1f}s")
    chosen = rng.sample(numbers, min(100, len(numbers)))
    with profiled(args, f"{books.backend}-material-requirements", out):
        all_s, all_runs, report = _median(args.runs, lambda: material_requirements(user))
    some_s, some_runs, some = _median(args.runs, lambda: material_requirements(user, chosen))
    target = TARGETS["material_requirements_s"]
    short = [r for r in report["items"] if r["shortage"] != "0"]
    out["material_requirements"] = {
        "orders": len(report["orders"]),
        "components": len(shape["components"]),
        "levels": 1 + max(r["level"] for r in report["items"]),
        "rows": len(report["items"]),
        "short_rows": len(short),
        "setup_s": round(setup_s, 1),
        "all_orders_s": all_s,
        "all_orders_s_runs": all_runs,
        "chosen_orders": len(some["orders"]),
        "chosen_orders_s": some_s,
        "chosen_orders_s_runs": some_runs,
        "target_s": target,
        "met": max(all_s, some_s) <= target,
    }
    log(f"{books.backend} 物料需求: {all_s}s for all {len(numbers)} orders, {some_s}s for 100")
