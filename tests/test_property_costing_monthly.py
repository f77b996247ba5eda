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

Transfers between the two warehouses and returns linked to deliveries are drawn too, in January
as well: a January transfer in or linked return takes its source's final value, so the rates of
M1's warehouses solve Q_k · r_k − Σ (qty linked from j into k) · r_j = B_k (docs/costing.md);
the model solves it exactly in fractions over its own moves.
"""

import datetime as dt
from decimal import Decimal
from fractions import Fraction

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
    picks,
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
linked = st.tuples(st.integers(0, 3), out_qtys, st.just(False))
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
january_links = st.one_of(
    st.tuples(st.just("transfer"), january, whs, st.lists(plain, min_size=1, max_size=1), aims),
    st.tuples(
        st.just("sales_return_linked"),
        january,
        whs,
        picks,
        st.lists(linked, max_size=1, min_size=1),
        prices,
        st.just(True),
    ),
)
operations = st.one_of(
    receipts,
    st.tuples(st.just("transfer"), days, whs, st.lists(plain, min_size=1, max_size=2), aims),
    st.tuples(
        st.just("sales_return_linked"),
        days,
        whs,
        picks,
        st.lists(linked, min_size=1, max_size=1),
        prices,
        aims,
    ),
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
    by_number = {d.number: d for d in docs}
    moves = sorted(((m, d) for d in docs if d.live for m in ref_moves(d)), key=lambda md: md[0][0])
    jan = [
        ((d.number, ln.line_no, wh), wh, rule, d, ln)
        for (_pos, wh, ln, _qty, rule), d in moves
        if ln.item == "M1" and d.date <= JANUARY_END
    ]
    qty = {mk: provisional[mk][0] for mk, *_ in jan}
    issues = {mk for mk in qty if qty[mk] < 0}
    source = {}  # a January linked in -> its source, a January issue
    for mk, _wh, rule, d, ln in jan:
        if rule == "transfer_in":
            source[mk] = (d.number, ln.line_no, d.wh)
        elif rule == "linked_in":
            src = (ln.source[0], ln.source[1], by_number[ln.source[0]].wh)
            if src in issues:
                source[mk] = src
    keys = sorted({wh for _mk, wh, *_ in jan})
    q_tot = {k: ZERO for k in keys}
    b_tot = {k: Fraction(0) for k in keys}
    for mk, wh, *_ in jan:
        if mk not in issues:
            q_tot[wh] += qty[mk]
            b_tot[wh] += 0 if mk in source else Fraction(provisional[mk][1])
    # Q_k · r_k − Σ q · r_j = B_k over the warehouses with stock, in fractions
    ks = [k for k in keys if q_tot[k] > 0]
    m = [[Fraction(q_tot[k]) if k == j else Fraction(0) for j in ks] + [b_tot[k]] for k in ks]
    for mk, src in source.items():
        m[ks.index(mk[2])][ks.index(src[2])] -= Fraction(qty[mk])
    for c in range(len(ks)):
        p = next(r for r in range(c, len(ks)) if m[r][c] != 0)
        m[c], m[p] = m[p], m[c]
        m[c] = [x / m[c][c] for x in m[c]]
        for r in range(len(ks)):
            if r != c:
                m[r] = [a - m[r][c] * b for a, b in zip(m[r], m[c], strict=True)]
    rate = {k: m[n][-1] for n, k in enumerate(ks)}

    value = {mk: provisional[mk][1] for mk in qty}
    for mk in issues:
        if mk[2] in rate:
            value[mk] = -cents(-Fraction(qty[mk]) * rate[mk[2]])

    def linked_value(mk):
        src = source[mk]
        if by_number[mk[0]].type == "transfer":
            return -value[src]
        return share(qty[mk], value[src], qty[src])

    for mk in source:
        value[mk] = linked_value(mk)
    # a warehouse that ends January empty: its last issue takes the rest, in the order of those
    order = [mk for mk, *_ in jan]
    empty = []
    for k in ks:
        out = [mk for mk in order if mk[2] == k and mk in issues]
        if out and q_tot[k] + sum(qty[mk] for mk in out) == 0:
            empty.append((order.index(out[-1]), out[-1], k))
    for _n, last, k in sorted(empty):
        value[last] = -sum(value[mk] for mk in order if mk[2] == k and mk != last)
        for mk in source:
            if source[mk][2] == k:
                value[mk] = linked_value(mk)
    # the linked ins are left to the replay, which derives them from the values given
    return replay(docs, {mk: v for mk, v in value.items() if mk not in source})


def cents(x: Fraction) -> Decimal:
    """round_half_up(x, 2) of an exact fraction."""
    sign = -1 if x < 0 else 1
    n = (abs(x) * 100 + Fraction(1, 2)).__floor__()
    return Decimal(sign * n) / 100


@pytest.fixture
def books(db, backups_in_tmp):
    return stock_books()


@property_settings(30)
@given(
    first=st.lists(january_receipts, min_size=2, max_size=3),
    sold=st.lists(st.one_of(january_issues, january_issues, january_links), min_size=1, max_size=4),
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
            ins = fetch(
                "SELECT COUNT(*) FROM inventory_stockmove a JOIN inventory_stockmove m "
                "ON m.id = a.anchor_id WHERE a.rule = 7 AND m.qty > 0"
            )[0][0]
            event(f"close stated {min(int(ins), 2)}+ linked ins")
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
