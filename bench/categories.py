"""categories: the 进销存汇总表 by item category (issue 11) over the close benchmark's ledger —
10,000 items in a two-level tree of 110 categories (10 top-level, 10 below each), 1,000,000 moves
over 300 days — for the first month: without categories (the baseline of `close`), with a
subtotal per category, filtered by a top-level category (a tenth of the items, its subtree
found from the tree), and by one category below it."""

import statistics
import time

from .books import Books, scalar
from .config import START, TARGETS, log
from .data import generate_ledger
from .machine import peak_memory, profiled


def categorise(n_top: int = 10, n_below: int = 10) -> dict:
    """The tree, and every generated item put in one of the categories below the top level
    (item id modulo their number), with one UPDATE per category."""
    from django.db import connection, transaction

    from openjxc.catalog.models import Category

    with transaction.atomic():
        tops = [
            Category.objects.create(code=f"C{t:02d}", name=f"大类{t:02d}") for t in range(n_top)
        ]
        leaves = [
            Category.objects.create(code=f"C{t:02d}{b:02d}", name=f"小类{t:02d}{b:02d}", parent=top)
            for t, top in enumerate(tops)
            for b in range(n_below)
        ]
        with connection.cursor() as cur:
            for k, leaf in enumerate(leaves):
                cur.execute(
                    "UPDATE catalog_item SET category_id = %s WHERE id %% %s = %s",
                    [leaf.id, len(leaves), k],
                )
    return {"top": tops[0].code, "leaf": leaves[0].code, "categories": n_top + len(leaves)}


def _median(runs: int, call) -> tuple[float, list, dict]:
    times, result = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - t0)
    return round(statistics.median(times), 4), [round(t, 4) for t in times], result


def bench_categories(args, books: Books, size: dict, out: dict) -> None:
    from openjxc.catalog.categories import subtree_ids
    from openjxc.ledger.periods import bounds_of
    from openjxc.reports.selectors import inventory_summary

    t0 = time.perf_counter()
    gen = generate_ledger(books.user, size["category_items"], size["category_moves"], days=300)
    gen_s = time.perf_counter() - t0
    tree = categorise()
    name, first, last = bounds_of(START)
    month_moves = scalar(
        "SELECT COUNT(*) FROM inventory_stockmove WHERE date >= %s AND date <= %s", [first, last]
    )
    log(
        f"{books.backend} categories: {gen['moves']} moves ({month_moves} in {name}) in {gen_s:.1f}s"
    )
    target = TARGETS["inventory_summary_by_category_s"]
    res = {
        "items": size["category_items"],
        "moves": gen["moves"],
        "period": name,
        "period_moves": month_moves,
        "categories": tree["categories"],
        "generate_s": round(gen_s, 1),
        "target_s": target,
    }
    base_s, base_runs, base = _median(args.runs, lambda: inventory_summary(first, last))
    with profiled(args, f"{books.backend}-categories", out):
        by_s, by_runs, by = _median(
            args.runs, lambda: inventory_summary(first, last, by_category=True)
        )
    top_s, top_runs, top = _median(
        args.runs,
        lambda: inventory_summary(
            first, last, categories=subtree_ids(tree["top"]), by_category=True
        ),
    )
    leaf_s, leaf_runs, leaf = _median(
        args.runs, lambda: inventory_summary(first, last, categories=subtree_ids(tree["leaf"]))
    )
    peak_mb, _rss = peak_memory(lambda: inventory_summary(first, last, by_category=True))
    res.update(
        summary_rows=base["count"],
        summary_s=base_s,
        summary_s_runs=base_runs,
        by_category_rows=by["count"],
        by_category_subtotals=len(by["categories"]),
        by_category_s=by_s,
        by_category_s_runs=by_runs,
        by_category_peak_mb=round(peak_mb, 1),
        top_category_rows=top["count"],
        top_category_subtotals=len(top["categories"]),
        top_category_s=top_s,
        top_category_s_runs=top_runs,
        leaf_category_rows=leaf["count"],
        leaf_category_s=leaf_s,
        leaf_category_s_runs=leaf_runs,
        totals_agree=by["totals"] == base["totals"],
    )
    res["met"] = max(by_s, top_s, leaf_s) <= target
    log(
        f"{books.backend} 进销存汇总表 {name}: {base_s}s plain, {by_s}s with subtotals, "
        f"{top_s}s one top-level category, {leaf_s}s one leaf"
    )
    out["categories"] = res
