"""Red-letter reversal (红字冲销) of documents in closed and open periods."""

import datetime as dt

import pytest

from openjxc.closing.checks import reconcile
from openjxc.closing.services import close
from openjxc.core.errors import DomainError
from openjxc.documents.models import Document
from openjxc.inventory.selectors import stock_rows
from openjxc.ledger.selectors import partner_balance
from openjxc.posting.reversal import reverse
from openjxc.reports.selectors import inventory_summary
from tests.factories import cancel, doc, vouchers_of

pytestmark = pytest.mark.usefixtures("backups_in_tmp")


def stock(item, wh="WH1"):
    rows = [
        r for r in stock_rows(dt.date(2026, 12, 31)) if r["item"] == item and r["warehouse"] == wh
    ]
    return (rows[0]["on_hand"], rows[0]["value"]) if rows else ("0", "0.00")


def test_reverse_a_delivery_of_a_closed_period(user):
    # given January closed with a receipt and a delivery
    doc(user, "purchase_receipt", "2026-01-05", [("A001", 10, "5.00")])
    d = doc(user, "sales_delivery", "2026-01-06", [("A001", 4, "9.00")])
    close(user, "2026-01")
    jan = inventory_summary(dt.date(2026, 1, 1), dt.date(2026, 1, 31))
    # when the delivery is reversed into February
    rev = reverse(user, d, "客户拒收", "2026-02-03")
    # then the goods are back at the cost they left with, the receivable is gone, January unchanged
    assert Document.objects.get(number=d).status == "reversed"
    assert rev.date == dt.date(2026, 2, 3) and rev.reversal_of.number == d
    assert stock("A001") == ("10", "50.00")
    assert vouchers_of(rev.number) == [
        "借 1122 应收账款 -40.68 / 贷 5001 主营业务收入 -36.00 / 贷 22210102 销项税额 -4.68 / "
        "借 5401 主营业务成本 -20.00 / 贷 1405 库存商品 -20.00"
    ]
    assert partner_balance([Document.objects.get(number=d).partner_id])["receivable"] == "0.00"
    assert inventory_summary(dt.date(2026, 1, 1), dt.date(2026, 1, 31)) == jan
    assert reconcile()["ok"]
    # and it cannot be reversed or cancelled again
    for action in (lambda: reverse(user, d, "again"), lambda: cancel(user, d, "again")):
        with pytest.raises(DomainError) as e:
            action()
        assert e.value.code == "wrong_status"


def test_reversing_a_receipt_is_capped_at_the_average(user):
    # given 10 @ 5.00 then 10 @ 7.00 (average 6.00), 15 delivered
    r = doc(user, "purchase_receipt", "2026-01-05", [("A001", 10, "7.00")])
    doc(user, "purchase_receipt", "2026-01-06", [("A001", 10, "5.00")])
    doc(user, "sales_delivery", "2026-01-07", [("A001", 12, "9.00")])
    # when the 7.00 receipt is reversed: 8 left at 6.00 = 48.00; taking 10 back is refused
    with pytest.raises(DomainError) as e:
        reverse(user, r, "退货", "2026-01-08")
    assert e.value.code == "insufficient_stock"
    doc(user, "purchase_receipt", "2026-01-08", [("A001", 2, "6.00")])
    rev = reverse(user, r, "供应商发错货", "2026-01-09")
    # then 10 leave at the average 6.00 (60.00, not 70.00); the supplier credits 10.00 more, which lowers 5401
    assert stock("A001") == ("0", "0.00")
    texts = vouchers_of(rev.number)
    assert (
        texts[0] == "借 1405 库存商品 -70.00 / 借 22210101 进项税额 -9.10 / 贷 2202 应付账款 -79.10"
    )
    assert texts[1] == "借 1405 库存商品 10.00 / 贷 5401 主营业务成本 10.00"
    assert reconcile()["ok"]


def test_reverse_a_transfer_and_the_default_date(user):
    doc(user, "purchase_receipt", "2026-01-05", [("A001", 10, "5.00")])
    t = doc(user, "transfer", "2026-01-06", [("A001", 4)], to_warehouse="WH2")
    rev = reverse(user, t, "调错仓库")
    assert rev.date >= dt.date(2026, 1, 1)
    assert stock("A001", "WH1") == ("10", "50.00") and stock("A001", "WH2") == ("0", "0.00")
    assert vouchers_of(rev.number) == []
    assert reconcile()["ok"]


def test_reverse_needs_reason_and_open_date(user):
    r = doc(user, "purchase_receipt", "2026-01-05", [("A001", 10, "5.00")])
    close(user, "2026-01")
    with pytest.raises(DomainError) as e:
        reverse(user, r, "")
    assert e.value.code == "reason_required"
    with pytest.raises(DomainError) as e:
        reverse(user, r, "reason", "2026-01-20")
    assert e.value.code == "period_closed"
