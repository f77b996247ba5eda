"""Property test: the monthly weighted average (全月一次加权平均) against a plain reference model.

Hypothesis draws receipts, deliveries, other in/out, unlinked returns, stock counts and cancels
on random dates in January and February, mostly of the monthly-average item M1 (and of P1,
moving average), then closes January and reopens it. After the close:

* every live move's effective value equals the reference: the model's moving-average replay
  (tests/property_ledger.py) with M1's January issues re-valued at (January in value) / (January
  in qty) × qty, rounded half up, the last one taking the rest when January ends empty, and
  February replayed from that opening;
* the stock account, the balance cache and `reconcile()` agree;
and after the reopen every value is the moving-average model's again (`Books.check`).

Transfers and linked returns are left out: the close does not carry an issue's monthly cost
to the transfer it feeds (docs/costing.md, known limits).
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import event, given, note
from hypothesis import strategies as st

from openjxc.closing.checks import reconcile
from openjxc.closing.services import close, reopen
from tests.factories import fetch
from tests.property_ledger import (
    ZERO,
    days,
    engine_moves,
    nonzero,
    out_qtys,
    prices,
    qtys,
    rates,
    ref_balances,
    ref_moves,
    replay,
    share,
    stock_books,
    whs,
)
from tests.property_ledger_books import Books
from tests.property_settings import property_settings

JANUARY_END = dt.date(2026, 1, 31)
january = st.integers(0, 26).map(lambda n: dt.date(2026, 1, 5) + dt.timedelta(days=n))
m_items = st.sampled_from(["M1", "M1", "M1", "P1"])
incoming = st.tuples(m_items, qtys, prices, st.booleans(), rates)
priced = st.tuples(m_items, out_qtys, prices)
plain = st.tuples(m_items, out_qtys)
receipts = st.tuples(
    st.just("purchase_receipt"), days, whs, st.lists(incoming, min_size=1, max_size=2)
)
aims = st.sampled_from([False, True, True])
# January: receipts of M1 first, then issues of it that find stock (aimed)
january_receipts = st.tuples(
    st.just("purchase_receipt"),
    january,
    whs,
    st.lists(st.tuples(st.just("M1"), qtys, prices, st.booleans(), rates), min_size=1, max_size=2),
)
january_issues = st.tuples(
    st.just("sales_delivery"),
    january,
    whs,
    st.lists(st.tuples(st.just("M1"), out_qtys, prices), min_size=1, max_size=1),
    st.just(True),
)
operations = st.one_of(
    receipts,
    st.tuples(st.just("other_in"), days, whs, st.lists(incoming, min_size=1, max_size=2)),
    st.tuples(st.just("sales_delivery"), days, whs, st.lists(priced, min_size=1, max_size=2), aims),
    st.tuples(st.just("sales_delivery"), days, whs, st.lists(priced, min_size=1, max_size=2), aims),
    st.tuples(st.just("other_out"), days, whs, st.lists(plain, min_size=1, max_size=2), aims),
    st.tuples(st.just("sales_return"), days, whs, st.lists(priced, min_size=1, max_size=1)),
    st.tuples(
        st.just("purchase_return"), days, whs, st.lists(priced, min_size=1, max_size=1), aims
    ),
    st.tuples(
        st.just("stock_count"),
        days,
        whs,
        st.lists(
            st.tuples(m_items, st.integers(0, 25).map(Decimal), st.one_of(st.none(), prices)),
            min_size=1,
            max_size=2,
            unique_by=lambda ln: ln[0],
        ),
    ),
    st.tuples(st.just("cancel"), st.integers(0, 10_000)),
)


def monthly_reference(docs) -> tuple[dict, list]:
    """The model's values once January is closed (see the module's docstring)."""
    provisional, _rows = replay(docs)
    moves = sorted(((m, d) for d in docs if d.live for m in ref_moves(d)), key=lambda md: md[0][0])
    by_key: dict = {}
    for (_pos, wh, ln, _qty, _rule), d in moves:
        if ln.item == "M1" and d.date <= JANUARY_END:
            by_key.setdefault(wh, []).append((d.number, ln.line_no, wh))
    override = {}
    for keys in by_key.values():
        tq = tv = ZERO
        out = []
        for mk in keys:
            q, v = provisional[mk]
            override[mk] = v  # incoming moves keep the value they were posted with
            if q < 0:
                out.append((mk, q))
            else:
                tq, tv = tq + q, tv + v
        if not out or tq <= 0:
            continue
        targets = [(mk, -share(-q, tv, tq)) for mk, q in out]
        if tq + sum(q for _mk, q in out) == 0:  # January ends empty: the last takes the rest
            last = -(tv + sum(t for _mk, t in targets[:-1]))
            targets[-1] = (targets[-1][0], last)
        override.update(targets)
    return replay(docs, override)


@pytest.fixture
def books(db, backups_in_tmp):
    return stock_books()


@property_settings(30)
@given(
    first=st.lists(january_receipts, min_size=2, max_size=3),
    sold=st.lists(january_issues, min_size=1, max_size=3),
    then=st.lists(operations, min_size=3, max_size=12),
)
def test_monthly_close_matches_reference_model(books, first, sold, then):
    with transaction.atomic():
        try:
            model = Books(books)
            for n, op in enumerate(first + sold + then):
                note(f"step {n}: {op[0]} -> {model.apply(op)}")
            # when January closes
            close(books, "2026-01")
            stated = fetch("SELECT COUNT(*) FROM inventory_stockmove WHERE rule = 7")[0][0]
            event(f"close stated {min(int(stated), 3)}+ issues")
            # then every value is the monthly model's, and the books agree with it
            values, rows = monthly_reference(list(model.docs.values()))
            assert engine_moves() == values
            result = reconcile()
            assert result["ok"], result["problems"]
            (inventory,) = fetch(
                "SELECT COALESCE(SUM(l.debit - l.credit), 0) FROM ledger_journalline l "
                "JOIN ledger_account a ON a.id = l.account_id WHERE a.code = '1405'"
            )[0]
            assert Decimal(int(inventory)) / 100 == sum((r[4] for r in rows), ZERO)
            cache = {
                (model.ids["item"][i], model.ids["wh"][w]): (
                    Decimal(int(q)) / 10000,
                    Decimal(int(v)) / 100,
                )
                for i, w, q, v in fetch(
                    "SELECT item_id, warehouse_id, qty, value FROM inventory_stockbalance"
                )
            }
            assert nonzero(cache) == nonzero(ref_balances(rows))
            # and reopening restores the moving-average (provisional) values exactly
            reopen(books, "2026-01", "property test")
            model.check()
        finally:
            transaction.set_rollback(True)
