"""Property test: a year of random trade closed month by month (结转损益 and the year end).

Hypothesis draws for each of the twelve months a few receipts, deliveries (within the stock)
and stock counts, posts them, and closes the month. After every close:

* every profit-and-loss account is zero at the month's end and the 资产负债表 balances;
* the month's 利润表 净利润 is what its 结转损益 voucher moved into 3103, and the year to date
  is 3103's balance (before December's year-end transfer);
* 营业收入 (year to date) is the sum of qty × price of the deliveries so far;
* reconcile is ok.

After December 3103 is zero and 310401 未分配利润 holds the year's profit. Each example runs in
a savepoint that is rolled back; the default of 2 examples is kept small (12 closes each) and
OPENJXC_PROPERTY_EXAMPLES raises it."""

from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import given, note
from hypothesis import strategies as st

from openjxc.closing.checks import reconcile
from openjxc.closing.services import close
from openjxc.ledger.models import Voucher
from openjxc.ledger.periods import ensure_periods
from openjxc.reports.statements import balance_sheet, income_statement
from tests.factories import doc, fetch, master_data, setup_books
from tests.property_settings import property_settings

ITEMS = ("A001", "A002")
qtys = st.integers(1, 20)
prices = st.integers(100, 5_000).map(lambda c: Decimal(c) / 100)
days = st.integers(1, 28)
step = st.one_of(
    st.tuples(st.just("receipt"), st.sampled_from(ITEMS), qtys, prices, days),
    st.tuples(st.just("deliver"), st.sampled_from(ITEMS), qtys, prices, days),
    st.tuples(st.just("count"), st.sampled_from(ITEMS), st.integers(1, 20), st.just(0), days),
)
months = st.lists(st.lists(step, max_size=4), min_size=12, max_size=12)


def _net(code: str, through: str, kind: str | None = None, since: str | None = None) -> int:
    """debit − credit of the account `code` through a day (since a day, of one voucher kind)."""
    sql = (
        "SELECT COALESCE(SUM(l.debit) - SUM(l.credit), 0) FROM ledger_journalline l "
        "JOIN ledger_account a ON a.id = l.account_id JOIN ledger_voucher v ON v.id = l.voucher_id "
        "WHERE a.code = %s AND l.date <= %s"
    )
    args = [code, through]
    if kind:
        sql += " AND v.kind = %s AND l.date >= %s"
        args += [kind, since]
    return int(fetch(sql, args)[0][0])


def _fen(text: str) -> int:
    return int(Decimal(text) * 100)


def _pl_accounts_at(day: str) -> dict:
    rows = fetch(
        "SELECT a.code, SUM(l.debit) - SUM(l.credit) FROM ledger_journalline l JOIN ledger_account a "
        "ON a.id = l.account_id WHERE a.category = 'profit_loss' AND l.date <= %s GROUP BY a.code",
        [day],
    )
    return {c: int(n) for c, n in rows if int(n)}


@pytest.fixture
def books(db, settings, tmp_path):
    settings.DATA_DIR = tmp_path  # every close takes a backup
    user = setup_books()
    master_data(user)
    ensure_periods()
    return user


@property_settings(2, report_multiple_bugs=False)
@given(year=months)
def test_a_year_of_closes_ends_in_undistributed_profit(books, year):
    with transaction.atomic():
        try:
            stock = dict.fromkeys(ITEMS, 0)
            revenue = 0
            for month, steps in enumerate(year, start=1):
                for kind, item, qty, price, day in sorted(steps, key=lambda x: x[4]):
                    date = f"2026-{month:02d}-{day:02d}"
                    if kind == "receipt":
                        doc(books, "purchase_receipt", date, [(item, qty, price)])
                        stock[item] += qty
                    elif kind == "deliver" and stock[item] >= qty:
                        doc(books, "sales_delivery", date, [(item, qty, price)])
                        stock[item] -= qty
                        revenue += int(qty * price * 100)
                    elif kind == "count" and stock[item] and qty <= stock[item]:
                        doc(books, "stock_count", date, [(item, qty)])
                        stock[item] = qty
                    else:
                        continue
                    note(f"{date} {kind} {item} {qty} @ {price}")
                name = f"2026-{month:02d}"
                close(books, name)
                end = str(fetch('SELECT "end" FROM ledger_period WHERE name = %s', [name])[0][0])
                assert _pl_accounts_at(end) == {}, name
                sheet = balance_sheet(name)
                assert sheet["balanced"], name
                report = income_statement(name)
                moved = -_net("3103", end, Voucher.CLOSING_TRANSFER, f"{name}-01")
                assert _fen(report["net_profit"]["this_period"]) == moved, name
                assert _fen(report["items"][0]["year_to_date"]) == revenue, name
                if month < 12:
                    assert _fen(report["net_profit"]["year_to_date"]) == -_net("3103", end), name
                assert reconcile()["ok"], name
            profit = _fen(income_statement("2026-12")["net_profit"]["year_to_date"])
            assert _net("3103", "2026-12-31") == 0
            assert -_net("310401", "2026-12-31") == profit
        finally:
            transaction.set_rollback(True)
