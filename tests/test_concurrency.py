"""Races with real parallel database connections (SQLite file and PostgreSQL alike).

Each worker thread gets its own Django connection (Django keeps one per thread) and closes it
when done. The tests use transactional test databases so that what one thread commits is
visible to the others, exactly as between two users of a running server.
"""

import datetime as dt
import re
import threading
from collections import Counter

import pytest
from django.db import connections

from openjxc.closing.checks import reconcile
from openjxc.core.errors import DomainError
from openjxc.documents.models import Document
from openjxc.documents.services import create_draft
from openjxc.inventory.selectors import stock_rows
from tests.factories import approve, doc

pytestmark = pytest.mark.django_db(transaction=True)

DAY = "2026-03-02"


def run_parallel(fn, args_list, timeout=120):
    """Run fn(*args) for every args in parallel threads released together by a barrier.

    Returns one outcome per call, in the order of args_list: ("ok", result),
    ("domain", DomainError) or ("other", exception) — the last one is always a test failure."""
    barrier = threading.Barrier(len(args_list))
    outcomes = [None] * len(args_list)

    def worker(i, args):
        try:
            barrier.wait(timeout=30)
            outcomes[i] = ("ok", fn(*args))
        except DomainError as exc:
            outcomes[i] = ("domain", exc)
        except BaseException as exc:  # noqa: BLE001 - every other exception is reported
            outcomes[i] = ("other", exc)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=worker, args=(i, a), daemon=True) for i, a in enumerate(args_list)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
    assert not any(t.is_alive() for t in threads), "a worker hung (lock wait without end?)"
    others = [repr(o[1]) for o in outcomes if o[0] == "other"]
    assert not others, f"unexpected exceptions in workers: {others}"
    return outcomes


def stock_of(item, wh="WH1"):
    rows = [r for r in stock_rows() if r["item"] == item and r["warehouse"] == wh]
    return (rows[0]["on_hand"], rows[0]["value"]) if rows else ("0", "0.00")


def test_parallel_approvals_race_for_the_last_units(user):
    # given 10 units at 3.33 (33.30) and 8 drafts delivering 3 units each
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "3.33")])
    drafts = [
        doc(user, "sales_delivery", DAY, [("A001", 3, "9.00")], approve_it=False) for _ in range(8)
    ]

    # when all 8 are approved at once from 8 connections
    outcomes = run_parallel(lambda n: approve(user, n).number, [(n,) for n in drafts])

    # then exactly 3 win and the other 5 are refused for lack of stock, nothing else
    won = [o[1] for o in outcomes if o[0] == "ok"]
    refused = [o[1] for o in outcomes if o[0] == "domain"]
    assert len(won) == 3, outcomes
    assert [e.code for e in refused] == ["insufficient_stock"] * 5
    statuses = dict(Document.objects.filter(number__in=drafts).values_list("number", "status"))
    assert sorted(n for n, s in statuses.items() if s == "approved") == sorted(won)
    assert Counter(statuses.values()) == {"approved": 3, "draft": 5}
    # each delivery took 9.99 (3 × 3.33 by the moving average); the last unit keeps the rest
    assert stock_of("A001") == ("1", "3.33")
    assert reconcile() == {"ok": True, "problems": []}


def test_parallel_draft_creation_numbers_are_unique_and_gapless(user):
    # when 8 clients each create 5 drafts of the same type and day at once
    def create_five(i):
        numbers = []
        for k in range(5):
            d, created = create_draft(
                user,
                {
                    "type": "sales_delivery",
                    "date": DAY,
                    "warehouse": "WH1",
                    "partner": "C001",
                    "memo": f"client {i} draft {k}",
                    "lines": [{"item": "A001", "qty": "1", "price": "1.00"}],
                },
            )
            assert created
            numbers.append(d["number"])
        return numbers

    outcomes = run_parallel(create_five, [(i,) for i in range(8)])

    # then the 40 numbers are distinct and run 0001..0040 without a gap
    numbers = [n for o in outcomes for n in o[1]]
    assert len(numbers) == len(set(numbers)) == 40
    key = dt.date.fromisoformat(DAY).strftime("%Y%m%d")
    serials = []
    for n in numbers:
        m = re.fullmatch(rf"([A-Z]+){key}(\d{{4}})", n)
        assert m, n
        serials.append(int(m.group(2)))
    assert len({re.fullmatch(rf"([A-Z]+){key}\d{{4}}", n).group(1) for n in numbers}) == 1
    assert sorted(serials) == list(range(1, 41))
    assert Document.objects.filter(number__in=numbers).count() == 40
    assert reconcile() == {"ok": True, "problems": []}


def test_parallel_approvals_with_opposite_line_order_do_not_deadlock(user):
    # given stock of two items and drafts that touch both, half in each line order,
    # together with receipts of both items (also in both orders)
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 100, "2.00"), ("A002", 100, "4.00")])
    drafts = []
    for i in range(6):
        lines = [("A001", 2, "5.00"), ("A002", 3, "7.00")]
        drafts.append(
            doc(user, "sales_delivery", DAY, lines if i % 2 else lines[::-1], approve_it=False)
        )
    for i in range(4):
        lines = [("A001", 1, "2.00"), ("A002", 1, "4.00")]
        drafts.append(
            doc(user, "purchase_receipt", DAY, lines if i % 2 else lines[::-1], approve_it=False)
        )

    # when all are approved at once
    outcomes = run_parallel(lambda n: approve(user, n).number, [(n,) for n in drafts])

    # then every one succeeds: a deadlock never reaches the caller
    assert [o[0] for o in outcomes] == ["ok"] * len(drafts), outcomes
    assert set(Document.objects.filter(number__in=drafts).values_list("status", flat=True)) == {
        "approved"
    }
    # 100 - 12 + 4 = 92 A001 at 2.00 and 100 - 18 + 4 = 86 A002 at 4.00
    assert stock_of("A001") == ("92", "184.00")
    assert stock_of("A002") == ("86", "344.00")
    assert reconcile() == {"ok": True, "problems": []}


def test_reconcile_while_approving_reports_no_false_problems(user):
    # given 30 drafts (receipts and deliveries) of one item
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 100, "2.00")])
    drafts = [
        doc(
            user,
            "purchase_receipt" if i % 3 else "sales_delivery",
            DAY,
            [("A001", 1, "3.00")],
            approve_it=False,
        )
        for i in range(30)
    ]
    done = threading.Event()

    def approve_all(numbers):
        try:
            for n in numbers:
                approve(user, n)
        finally:
            done.set()

    def check_until_done():
        results = []
        while not done.is_set() or not results:
            results.append(reconcile())
        return results

    # when a reader reconciles again and again while a writer approves them
    outcomes = run_parallel(lambda f, *a: f(*a), [(approve_all, drafts), (check_until_done,)])

    # then every reconciliation agrees (a check must see one consistent state of the books)
    problems = [p for r in outcomes[1][1] for p in r["problems"]]
    assert problems == []
