"""Ledger examples the property test found, kept as plain tests: a re-stated average-in on an
empty balance takes the item's fallback cost; a return is not approved against a cancelled
source (the books of tests/property_ledger.py)."""

from decimal import Decimal

import pytest

from openjxc.closing.checks import reconcile
from openjxc.core.errors import DomainError
from openjxc.documents.services import create_draft
from openjxc.posting.engine import approve, cancel
from tests.factories import fetch
from tests.property_ledger import snapshot, stock_books


@pytest.fixture
def books(db):
    return stock_books()


def _value(number: str, wh: str = "WH1") -> Decimal:
    rows = fetch(
        "SELECT COALESCE(SUM(m.value), 0) FROM inventory_stockmove m JOIN documents_document d "
        "ON d.id = m.document_id JOIN inventory_warehouse w ON w.id = m.warehouse_id "
        "WHERE d.number = %s AND w.code = %s AND m.kind <> 1",
        [number, wh],
    )
    return Decimal(int(rows[0][0])) / 100


def _approved(user, body) -> str:
    number = create_draft(user, body)[0]["number"]
    approve(user, number)
    return number


def test_restated_average_in_on_an_empty_balance_takes_the_fallback_cost(books):
    # given 1 of P1 (purchase price 3.335) received at 0.01, and a count that finds 1 more,
    # valued at the average 0.01
    user = books
    r1 = _approved(
        user,
        {
            "type": "purchase_receipt",
            "date": "2026-01-05",
            "partner": "S001",
            "warehouse": "WH1",
            "lines": [{"item": "P1", "qty": "1", "price": "0.01"}],
        },
    )
    count = _approved(
        user,
        {
            "type": "stock_count",
            "date": "2026-01-05",
            "warehouse": "WH1",
            "lines": [{"item": "P1", "qty": "2"}],
        },
    )
    ret = _approved(
        user,
        {
            "type": "sales_return",
            "date": "2026-01-06",
            "partner": "C001",
            "warehouse": "WH2",
            "lines": [{"item": "P1", "qty": "1", "price": "9.00"}],
        },
    )
    assert (_value(count), _value(ret, "WH2")) == (Decimal("0.01"), Decimal("3.34"))
    # when the receipt is cancelled, the count (which states 2) gains both on an empty balance
    cancel(user, r1, "录错了")
    # then it is re-valued like a new gain there: at the purchase price, 2 × 3.335 → 6.67
    assert _value(count) == Decimal("6.67")
    # and when a back-dated transfer empties WH2 before the return came back, likewise
    _approved(
        user,
        {
            "type": "purchase_receipt",
            "date": "2026-01-05",
            "partner": "S001",
            "warehouse": "WH2",
            "lines": [{"item": "P1", "qty": "2", "price": "1.00"}],
        },
    )
    assert _value(ret, "WH2") == Decimal("1.00")
    _approved(
        user,
        {
            "type": "transfer",
            "date": "2026-01-05",
            "warehouse": "WH2",
            "to_warehouse": "WH1",
            "lines": [{"item": "P1", "qty": "2"}],
        },
    )
    assert _value(ret, "WH2") == Decimal("3.34")
    assert reconcile() == {"ok": True, "problems": []}


def test_a_return_cannot_be_approved_against_a_cancelled_source(books):
    # given a receipt and a draft return linked to it
    user = books
    r = create_draft(
        user,
        {
            "type": "purchase_receipt",
            "date": "2026-01-05",
            "partner": "S001",
            "warehouse": "WH1",
            "lines": [{"item": "P2", "qty": "3", "price": "10.00"}],
        },
    )[0]
    approve(user, r["number"])
    _approved(
        user,
        {
            "type": "purchase_receipt",
            "date": "2026-01-06",
            "partner": "S001",
            "warehouse": "WH1",
            "lines": [{"item": "P2", "qty": "3", "price": "5.00"}],
        },
    )
    ret = create_draft(
        user,
        {
            "type": "purchase_return",
            "date": "2026-01-07",
            "partner": "S001",
            "warehouse": "WH1",
            "source": r["number"],
            "lines": [
                {"item": "P2", "qty": "1", "price": "10.00", "source_line": r["lines"][0]["id"]}
            ],
        },
    )[0]
    # when the receipt is cancelled before the return is approved
    cancel(user, r["number"], "录错了")
    before = snapshot()
    # then the return is refused and nothing changes
    with pytest.raises(DomainError) as err:
        approve(user, ret["number"])
    assert err.value.code == "wrong_status"
    assert snapshot() == before
    assert reconcile() == {"ok": True, "problems": []}
