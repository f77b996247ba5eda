"""orders: 5-line sales orders end to end (approve, two partial deliveries derived and approved,
a receipt with auto_allocate); cancel_chain of a 10-document chain; aging over bulk-written open
items."""

import datetime as dt
import random
import statistics
import time

from .books import Books, reconcile_timed, scalar
from .config import START, log
from .data import draft, generate_open_items, master_data
from .machine import profiled


def bench_orders(args, books: Books, size: dict, out: dict) -> None:
    from openjxc.documents.services import create_draft
    from openjxc.posting import engine
    from openjxc.posting.chain import cancel_chain
    from openjxc.posting.orders import derive

    user = books.user
    n_orders = size["orders"]
    codes = [f"O{i:04d}" for i in range(50)]
    rng = random.Random(3)
    t0 = time.perf_counter()
    master_data(user, codes)
    day = START + dt.timedelta(days=1)
    for k in range(0, len(codes), 25):
        engine.approve(
            user,
            draft(
                user, "purchase_receipt", day, [(c, 1_000_000, "5.00") for c in codes[k : k + 25]]
            ),
        )
    setup_s = time.perf_counter() - t0

    def new_order(day, lines):
        so = create_draft(
            user,
            {
                "type": "sales_order",
                "date": str(day),
                "partner": "C001",
                "warehouse": "WH1",
                "lines": [{"item": c, "qty": str(q), "price": "10.00"} for c, q in lines],
            },
        )[0]
        engine.approve(user, so["number"])
        return so

    def delivery(so, qty, day):
        d = derive(
            user,
            so["number"],
            {
                "type": "sales_delivery",
                "date": str(day),
                "lines": [{"source_line": ln["id"], "qty": str(qty)} for ln in so["lines"]],
            },
        )
        engine.approve(user, d["number"])
        return d

    day = START + dt.timedelta(days=2)
    t1 = time.perf_counter()
    with profiled(args, f"{books.backend}-orders", out):
        for k in range(n_orders):
            so = new_order(day, [(c, 4) for c in rng.sample(codes, 5)])
            delivery(so, 1, day)
            delivery(so, 3, day)
            rc = create_draft(
                user,
                {
                    "type": "receipt",
                    "date": str(day),
                    "partner": "C001",
                    "amount": so["amount_incl_tax"],
                    "account": "1002",
                    "auto_allocate": True,
                },
            )[0]
            engine.approve(user, rc["number"])
            if (k + 1) % 500 == 0:
                log(f"{books.backend} orders: {k + 1}/{n_orders}")
    orders_s = time.perf_counter() - t1
    docs = 4 * n_orders
    open_left = scalar(
        "SELECT COALESCE(SUM(amount), 0) FROM ledger_openitementry WHERE kind = 'receivable'"
    )
    res = {
        "orders": n_orders,
        "lines_per_order": 5,
        "documents": docs,
        "documents_note": "per order: the order, two partial deliveries derived from it, one receipt "
        "with auto_allocate; each created and approved through the services",
        "setup_s": round(setup_s, 2),
        "orders_s": round(orders_s, 2),
        "documents_per_s": round(docs / orders_s, 1),
        "orders_per_s": round(n_orders / orders_s, 2),
        "open_receivable_left": int(open_left),
    }
    log(f"{books.backend} orders: {docs} documents in {orders_s:.1f}s = {res['documents_per_s']}/s")
    # cancel_chain: order + 3 deliveries + 3 invoices + 3 receipts = 10 documents
    chain_times, steps = [], 0
    for _ in range(args.runs):
        so = new_order(day, [(c, 3) for c in rng.sample(codes, 3)])
        for _ in range(3):
            d = delivery(so, 1, day)
            inv = create_draft(
                user,
                {
                    "type": "sales_invoice",
                    "date": str(day),
                    "partner": "C001",
                    "source": d["number"],
                    "invoice_no": "No.1",
                    "invoice_type": "special",
                },
            )[0]
            engine.approve(user, inv["number"])
            rc = create_draft(
                user,
                {
                    "type": "receipt",
                    "date": str(day),
                    "partner": "C001",
                    "amount": d["amount_incl_tax"],
                    "account": "1002",
                    "allocations": [{"document": d["number"], "amount": d["amount_incl_tax"]}],
                },
            )[0]
            engine.approve(user, rc["number"])
        with profiled(args, f"{books.backend}-cancel-chain", out):
            t1 = time.perf_counter()
            result = cancel_chain(user, so["number"], "bench")
            chain_times.append(time.perf_counter() - t1)
        steps = len(result["steps"])
    rec_s, rec = reconcile_timed()
    res.update(
        chain_documents=10,
        chain_steps=steps,
        cancel_chain_s_runs=[round(t, 4) for t in chain_times],
        cancel_chain_ms=round(statistics.median(chain_times) * 1000, 1),
        cancel_chain_target_ms=100,
        cancel_chain_met=statistics.median(chain_times) <= 0.1,
        reconcile_s=round(rec_s, 3),
        reconcile_ok=rec["ok"],
    )
    if not rec["ok"]:
        res["reconcile_problems"] = rec["problems"][:5]
    log(f"{books.backend} cancel_chain: {res['cancel_chain_ms']} ms ({steps} steps)")
    # aging over bulk-written open items
    t1 = time.perf_counter()
    gen = generate_open_items(user, size["aging_customers"], size["aging_items"])
    gen_s = time.perf_counter() - t1
    from openjxc.reports.money import aging

    as_of = START + dt.timedelta(days=420)
    times = []
    for _ in range(args.runs):
        t1 = time.perf_counter()
        report = aging("receivable", as_of)
        times.append(time.perf_counter() - t1)
    res.update(
        aging_customers=gen["customers"],
        aging_open_items=gen["open_items"],
        aging_generate_s=round(gen_s, 1),
        aging_rows=report["count"],
        aging_s_runs=[round(t, 4) for t in times],
        aging_s=round(statistics.median(times), 4),
        aging_target_s=1.0,
        aging_met=statistics.median(times) <= 1.0,
    )
    log(f"{books.backend} aging: {res['aging_s']}s over {gen['open_items']} open items")
    res["met"] = res["cancel_chain_met"] and res["aging_met"]
    out["orders"] = res
