"""Settlement examples the property test found, kept as plain tests: reversing customer money,
a reversal's capped cost re-stated, reservations of closed orders and reversed deliveries, a
cancel-chain with refund across a closed period (the books of tests/property_settlement.py)."""

import pytest

from openjxc.closing.checks import reconcile
from openjxc.closing.services import close
from openjxc.core.errors import DomainError
from openjxc.documents.services import create_draft
from openjxc.inventory.costing import as_date
from openjxc.ledger.selectors import partner_balance
from openjxc.posting.chain import cancel_chain
from openjxc.posting.engine import approve, cancel
from openjxc.posting.orders import close_order, derive
from openjxc.posting.reversal import reverse
from tests.factories import fetch
from tests.property_settlement import QTY, settlement_books
from tests.property_settlement_books import Books


@pytest.fixture
def books(db, settings, tmp_path):
    return settlement_books(settings, tmp_path)


def _doc(user, body) -> dict:
    d = create_draft(user, body)[0]
    approve(user, d["number"])
    return d


def _receive(user, day, qty, price, wh="WH1"):
    return _doc(
        user,
        {
            "type": "purchase_receipt",
            "date": day,
            "partner": "S1",
            "warehouse": wh,
            "lines": [{"item": "A1", "qty": qty, "price": price}],
        },
    )["number"]


def _order(user, day, qty, price="10.00"):
    return _doc(
        user,
        {
            "type": "sales_order",
            "date": day,
            "partner": "C1",
            "warehouse": "WH1",
            "lines": [{"item": "A1", "qty": qty, "price": price}],
        },
    )


def _reserved() -> int:
    return int(fetch("SELECT COALESCE(SUM(reserved), 0) FROM inventory_stockbalance")[0][0])


def test_reversing_a_customer_receipt_closes_its_open_item(books):
    # given a receipt left as credit on the customer
    money = _doc(
        books, {"type": "receipt", "date": "2026-01-05", "partner": "C1", "amount": "30.00"}
    )["number"]
    assert partner_balance([Books(books).ids["partner"]["C1"]])["receivable"] == "-30.00"
    # when it is reversed, the credit is gone with the money
    reverse(books, money, "录错了", "2026-01-06")
    assert partner_balance([Books(books).ids["partner"]["C1"]])["receivable"] == "0.00"
    assert reconcile() == {"ok": True, "problems": []}


def test_cost_adjustment_of_a_receipt_reversal_goes_to_cost_of_goods_sold(books):
    # given three receipts on one day, the dearest reversed at the capped average
    cheap = _receive(books, "2026-02-01", "5", "0.01")
    _receive(books, "2026-02-01", "5", "0.01")
    dear = _receive(books, "2026-02-01", "5", "0.02")
    reverse(books, dear, "供应商发错货", "2026-02-01")
    # when a cheap receipt is cancelled, the reversal's capped cost is re-stated (0.07 → 0.08):
    # the difference is cost of goods sold, not the supplier's payable
    cancel(books, cheap, "录错了")
    assert reconcile() == {"ok": True, "problems": []}


def test_a_closed_order_does_not_hold_stock_again_when_its_delivery_is_undone(books):
    _receive(books, "2026-02-01", "10", "5.00")
    so = _order(books, "2026-02-02", "4")
    d = derive(
        books,
        so["number"],
        {
            "type": "sales_delivery",
            "date": "2026-02-03",
            "lines": [{"source_line": so["lines"][0]["id"], "qty": "1"}],
        },
    )
    approve(books, d["number"])
    close_order(books, so["number"], "不再发货")
    assert _reserved() == 0
    cancel(books, d["number"], "客户拒收")
    assert _reserved() == 0
    assert reconcile() == {"ok": True, "problems": []}


def test_reversing_a_derived_delivery_holds_the_order_quantity_again(books):
    _receive(books, "2026-01-05", "10", "5.00")
    so = _order(books, "2026-01-06", "4")
    d = derive(
        books,
        so["number"],
        {
            "type": "sales_delivery",
            "date": "2026-01-07",
            "lines": [{"source_line": so["lines"][0]["id"], "qty": "3"}],
        },
    )
    approve(books, d["number"])
    assert _reserved() == 1 * QTY
    close(books, "2026-01")
    reverse(books, d["number"], "客户拒收", "2026-02-02")
    assert _reserved() == 4 * QTY
    assert (
        fetch("SELECT status FROM documents_document WHERE number = %s", [so["number"]])[0][0]
        == "approved"
    )
    # an order itself is cancelled or closed, not reversed
    with pytest.raises(DomainError) as e:
        reverse(books, so["number"], "红冲", "2026-02-03")
    assert e.value.code == "invalid"
    assert reconcile() == {"ok": True, "problems": []}


def test_cancel_chain_with_refund_of_a_closed_period(books):
    # given an order delivered and paid in January, January closed
    _receive(books, "2026-01-05", "10", "5.00")
    so = _order(books, "2026-01-06", "4")
    d = derive(books, so["number"], {"type": "sales_delivery", "date": "2026-01-07"})
    approve(books, d["number"])
    _doc(
        books,
        {
            "type": "receipt",
            "date": "2026-01-08",
            "partner": "C1",
            "amount": "45.20",
            "allocations": [{"document": d["number"], "amount": "45.20"}],
        },
    )
    close(books, "2026-01")
    # when the chain is cancelled with a refund and no date, the refund is dated in the open period
    result = cancel_chain(books, so["number"], "整单退货", refund=True)
    assert [s["action"] for s in result["steps"]] == ["unallocate", "reverse", "cancel", "refund"]
    refund = result["steps"][-1]["document"]
    assert (
        str(as_date(fetch("SELECT date FROM documents_document WHERE number = %s", [refund])[0][0]))
        == "2026-02-01"
    )
    assert partner_balance([Books(books).ids["partner"]["C1"]])["receivable"] == "0.00"
    assert reconcile() == {"ok": True, "problems": []}
    # and a cancelled order has nothing left to cancel
    with pytest.raises(DomainError) as e:
        cancel_chain(books, so["number"], "again")
    assert e.value.code == "wrong_status"
