"""Property test: random stock documents, back-dated approvals and cancels against a reference model.

Hypothesis generates up to 25 operations — purchase receipts (sometimes with tax-inclusive
prices), sales deliveries, linked and unlinked sales and purchase returns, other in/out,
transfers between two warehouses, stock counts and cancels of random approved documents — all on
random dates, so that back-dated postings and cancels that re-state later costs happen all the
time. After every step:

* `reconcile()` is ok (caches = ledgers, vouchers balance, subledgers = control accounts, audit
  chain, no negative stock);
* every item × warehouse balance (cache and `balances_at` on several dates) and the effective
  value of every live stock move equal a plain reference model below, which replays the surviving
  documents in (date, approval order) with moving weighted average in Decimal, ROUND_HALF_UP,
  exactly as API.md's valuation rules say;
* every live stock count states its quantity: the stock just after it is what was counted,
  however the history before it changed (the model posts counted − book at replay time);
* the engine refuses exactly what the model says it must (insufficient_stock, has_dependents,
  exceeds_source, a return dated before its source), and a refused action changes nothing.

Each example runs in a savepoint that is rolled back. OPENJXC_PROPERTY_EXAMPLES=1000 searches
longer than the default 100 examples.
"""

import pytest
from django.db import transaction
from hypothesis import event, given, note
from hypothesis import strategies as st

from tests.factories import fetch
from tests.property_ledger import RULES, deliveries, operations, receipts, stock_books
from tests.property_ledger_books import Books
from tests.property_settings import property_settings


@pytest.fixture
def books(db):
    return stock_books()


@property_settings(100)
@given(
    first=st.lists(receipts, min_size=1, max_size=3),
    sold=st.lists(deliveries, max_size=2),
    then=st.lists(operations, min_size=6, max_size=20),
)
def test_ledger_matches_reference_model(books, first, sold, then):
    # each example runs in a savepoint that is rolled back, on the same master data
    with transaction.atomic():
        try:
            model = Books(books)
            seen = int(fetch("SELECT COALESCE(MAX(id), 0) FROM inventory_stockmove")[0][0])
            for n, op in enumerate(first + sold + then):
                outcome = model.apply(op)
                note(f"step {n}: {op[0]} -> {outcome}")
                event(f"{op[0]} -> {outcome}")
                for (rule,) in fetch(  # which kinds of later moves this step re-valued
                    "SELECT DISTINCT o.rule FROM inventory_stockmove a JOIN inventory_stockmove o "
                    "ON o.id = a.anchor_id WHERE a.kind = 2 AND a.id > %s",
                    [seen],
                ):
                    event(f"re-valued a later move of rule {RULES[rule]}")
                seen = int(fetch("SELECT COALESCE(MAX(id), 0) FROM inventory_stockmove")[0][0])
                model.check()
        finally:
            transaction.set_rollback(True)
