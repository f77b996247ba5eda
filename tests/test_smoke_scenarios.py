"""Scenario: receive, deliver, cancel — the quantities, values and vouchers as a user sees them."""

from openjxc.closing.checks import reconcile
from openjxc.inventory.selectors import stock_rows
from tests.factories import cancel, doc, vouchers_of


def stock(item, wh="WH1"):
    rows = [r for r in stock_rows(None) if r["item"] == item and r["warehouse"] == wh]
    return (rows[0]["on_hand"], rows[0]["value"]) if rows else ("0", "0.00")


def test_receipt_delivery_and_cancel(user):
    # given a receipt of 10 at 5.00 and one of 10 at 6.00
    r1 = doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    doc(user, "purchase_receipt", "2026-03-02", [("A001", 10, "6.00")])
    assert vouchers_of(r1) == [
        "借 1405 库存商品 50.00 / 借 22210101 进项税额 6.50 / 贷 2202 应付账款 56.50"
    ]
    # when 5 are delivered at 10.00
    d1 = doc(user, "sales_delivery", "2026-03-03", [("A001", 5, "10.00")])
    # then cost is the moving average 5.50
    assert stock("A001") == ("15", "82.50")
    assert vouchers_of(d1) == [
        "借 1122 应收账款 56.50 / 贷 5001 主营业务收入 50.00 / 贷 22210102 销项税额 6.50 / "
        "借 5401 主营业务成本 27.50 / 贷 1405 库存商品 27.50"
    ]
    # when the first receipt is cancelled, the delivery is re-costed at 6.00
    cancel(user, r1, "录错了")
    assert stock("A001") == ("5", "30.00")
    assert reconcile() == {"ok": True, "problems": []}
