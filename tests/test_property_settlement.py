"""Property test: settlement — orders, deliveries, money, allocations, reversals, cancel-chains and
period close / reopen in random sequences.

Hypothesis generates up to 25 steps over January–April 2026 (monthly periods from the go-live date
2026-01-01): purchase receipts, sales deliveries, sales orders (approve, derive partial deliveries
and approve them, 强制结单), customer receipts (auto-allocated, explicitly allocated or left as
credit), later allocations and unallocations, cancels, red-letter reversals dated in the open
period, cancel-chains of orders (with and without refund) and period close / reopen, so that
January or February is closed while later documents exist. The moving-average costing itself is
covered by test_property_ledger.py; this test checks the settlement invariants. After EVERY step:

* `reconcile()` is ok (caches = ledgers, vouchers balance, open items = 1122 / 2202 and the
  money documents' own = 2203 / 1123, stock value = 1405, reservation cache = reservation ledger, audit chain, closed periods' digests and snapshots);
* per partner, the open items add up to `partner_balance` (advances: the money documents' own)
  and to that partner's 1122 / 2202 lines, the money documents' to its 2203 / 1123 lines;
* every CLOSED period's 进销存汇总表 and trial balance are exactly what they were when it was
  closed (recorded at close, dropped at reopen);
* reserved quantity per item × warehouse equals a plain model: Σ over approved / partial orders
  of (ordered − delivered by approved derived deliveries); and each order's status follows it;
* a document dated in a closed period is refused with period_closed;
* a refused action (a DomainError with an expected code) changes nothing; any other exception fails.

The model, its operations and the driver live in tests/property_settlement*.py; the
examples the property found are kept in tests/test_property_settlement_examples.py.

Each example runs in a savepoint that is rolled back. OPENJXC_PROPERTY_EXAMPLES raises the default
number of examples.
"""

import pytest
from django.db import transaction
from hypothesis import event, given, note
from hypothesis import strategies as st

from tests.property_settings import property_settings
from tests.property_settlement import first_receipts, operations, orders, settlement_books
from tests.property_settlement_books import Books


@pytest.fixture
def books(db, settings, tmp_path):
    return settlement_books(settings, tmp_path)


@property_settings(150, report_multiple_bugs=False)
@given(
    first=st.lists(first_receipts, min_size=1, max_size=3),
    ordered=st.lists(orders, max_size=2),
    then=st.lists(operations, min_size=5, max_size=20),  # at most 25 steps in all
)
def test_settlement_invariants(books, first, ordered, then):
    with transaction.atomic():
        try:
            model = Books(books)
            for n, op in enumerate(first + ordered + then):
                note(f"step {n}: {op}")
                outcome = model.apply(op)
                note(f"  -> {outcome}")
                event(f"{op[0]} -> {outcome}")
                model.check()
        finally:
            transaction.set_rollback(True)
