"""全月一次加权平均 across links: the close carries an issue's final monthly cost to the moves that
take their cost from it — the transfer in at the other warehouse (goods sent back and forth
within the month too) and a sales return linked to a delivery — and the reopen takes all of it
back. Numbers worked out by hand (docs/costing.md)."""

import pytest

from openjxc.closing.monthly import MEMO, REOPEN_MEMO
from openjxc.closing.services import close, reopen
from openjxc.ledger import selectors as ledger

from .factories import account, doc, line_id, moves, reconciled, stock, trial_balance

pytestmark = pytest.mark.usefixtures("backups_in_tmp")


def _texts(memo):
    return [(v["date"], ledger.voucher_text(v)) for v in ledger.journal() if v["memo"] == memo]


def _monthly(api):
    r = api.put("/items/A001", {"costing_method": "monthly_average"})
    assert r.status_code == 200, r.content


def _back(delivery, qty):
    """A sales return line linked to the delivery's line."""
    return {"item": "A001", "qty": str(qty), "price": "9.00", "source_line": line_id(delivery)}


def _values(api, wh):
    return [m[1:5] for m in moves(api, wh=wh)]


def test_a_transfer_takes_the_final_monthly_cost_of_its_source(api, user):
    # given WH1: 10 at 5.00, 4 sent to WH2 (provisional 20.00), 10 at 8.00 (16 for 110.00),
    # 6 delivered (provisional 6 × 110/16 = 41.25); WH2: the 4 plus 4 at 11.00 (8 for 64.00),
    # 6 delivered (provisional 48.00); in February WH2 delivers 1 of its 2 (16.00: 8.00)
    _monthly(api)
    doc(user, "purchase_receipt", "2026-01-02", [("A001", 10, "5.00")])
    t = doc(user, "transfer", "2026-01-03", [("A001", 4)], to_warehouse="WH2")
    doc(user, "purchase_receipt", "2026-01-10", [("A001", 10, "8.00")])
    doc(user, "purchase_receipt", "2026-01-12", [("A001", 4, "11.00")], warehouse="WH2")
    d2 = doc(user, "sales_delivery", "2026-01-15", [("A001", 6, "9.00")], warehouse="WH2")
    d1 = doc(user, "sales_delivery", "2026-01-20", [("A001", 6, "9.00")])
    f = doc(user, "sales_delivery", "2026-02-03", [("A001", 1, "9.00")], warehouse="WH2")
    assert stock(api, wh="WH2") == ("1", "8.000000", "8.00")
    before = {wh: _values(api, wh) for wh in ("WH1", "WH2")}

    # when January closes
    close(user, "2026-01")

    # then WH1's rate is 130.00 / 20 = 6.50: the transfer takes 26.00 (6.00 more) and d1 39.00
    # (2.25 less); WH2 receives the 4 at 26.00, so its rate is (26.00 + 44.00) / 8 = 8.75: d2
    # takes 52.50 (4.50 more), and February's delivery 8.75 (0.75 more)
    assert _values(api, "WH1")[1:] == [
        (t, "original", "-4", "-20.00"),
        (t, "adjustment", "0", "-6.00"),
        before["WH1"][2],
        (d1, "original", "-6", "-41.25"),
        (d1, "adjustment", "0", "2.25"),
    ]
    assert _values(api, "WH2") == [
        (t, "original", "4", "20.00"),
        (t, "adjustment", "0", "6.00"),
        before["WH2"][1],
        (d2, "original", "-6", "-48.00"),
        (d2, "adjustment", "0", "-4.50"),
        (f, "original", "-1", "-8.00"),
        (f, "adjustment", "0", "-0.75"),
    ]
    assert stock(api, day="2026-01-31") == ("10", "6.500000", "65.00")
    assert stock(api, wh="WH2", day="2026-01-31") == ("2", "8.750000", "17.50")
    assert stock(api, wh="WH2") == ("1", "8.750000", "8.75")
    # the transfer moves value between warehouses only: no voucher of its own
    assert _texts(MEMO) == [
        ("2026-01-15", "借 5401 主营业务成本 4.50 / 贷 1405 库存商品 4.50"),
        ("2026-01-20", "借 1405 库存商品 2.25 / 贷 5401 主营业务成本 2.25"),
    ]
    feb = [ledger.voucher_text(v) for v in ledger.journal() if v["date"] == "2026-02-03"]
    assert feb[-1] == "借 5401 主营业务成本 0.75 / 贷 1405 库存商品 0.75"
    assert account(trial_balance(api, "2026-02"), "1405")[2] == "73.75"  # 65.00 + 8.75
    reconciled(api)

    # when January is reopened: every value is the provisional one again
    reopen(user, "2026-01", "a late invoice")
    assert _texts(REOPEN_MEMO) == [
        ("2026-01-15", "借 1405 库存商品 4.50 / 贷 5401 主营业务成本 4.50"),
        ("2026-01-20", "借 5401 主营业务成本 2.25 / 贷 1405 库存商品 2.25"),
    ]
    assert stock(api, day="2026-01-31") == ("10", "6.875000", "68.75")
    assert stock(api, wh="WH2") == ("1", "8.000000", "8.00")
    assert _values(api, "WH2")[-1] == (f, "adjustment", "0", "0.75")
    assert account(trial_balance(api, "2026-02"), "1405")[2] == "76.75"
    reconciled(api)

    # and closing again states the same figures
    close(user, "2026-01")
    assert stock(api, wh="WH2", day="2026-01-31") == ("2", "8.750000", "17.50")
    assert stock(api, day="2026-01-31") == ("10", "6.500000", "65.00")
    reconciled(api)


def test_goods_sent_back_and_forth_within_the_month(api, user):
    # given WH1: 10 at 10.00, 5 sent to WH2 (provisional 50.00); WH2: 5 at 20.00 (10 for
    # 150.00), 5 sent back (provisional 75.00); WH1 delivers 2 (125.00 / 10: 25.00)
    _monthly(api)
    doc(user, "purchase_receipt", "2026-01-02", [("A001", 10, "10.00")])
    there = doc(user, "transfer", "2026-01-03", [("A001", 5)], to_warehouse="WH2")
    doc(user, "purchase_receipt", "2026-01-04", [("A001", 5, "20.00")], warehouse="WH2")
    back = doc(user, "transfer", "2026-01-05", [("A001", 5)], warehouse="WH2", to_warehouse="WH1")
    d = doc(user, "sales_delivery", "2026-01-06", [("A001", 2, "30.00")])

    close(user, "2026-01")

    # then the rates solve 15·r1 − 5·r2 = 100.00 and 10·r2 − 5·r1 = 100.00: r1 = 12.00,
    # r2 = 16.00. WH1 sends 60.00 (10.00 more) and gets back 80.00 (5.00 more); d takes 24.00
    assert _values(api, "WH1")[1:] == [
        (there, "original", "-5", "-50.00"),
        (there, "adjustment", "0", "-10.00"),
        (back, "original", "5", "75.00"),
        (back, "adjustment", "0", "5.00"),
        (d, "original", "-2", "-25.00"),
        (d, "adjustment", "0", "1.00"),
    ]
    assert [m for m in _values(api, "WH2") if m[1] == "adjustment"] == [
        (there, "adjustment", "0", "10.00"),
        (back, "adjustment", "0", "-5.00"),
    ]
    assert stock(api, day="2026-01-31") == ("8", "12.000000", "96.00")
    assert stock(api, wh="WH2", day="2026-01-31") == ("5", "16.000000", "80.00")
    assert _texts(MEMO) == [("2026-01-06", "借 1405 库存商品 1.00 / 贷 5401 主营业务成本 1.00")]
    reconciled(api)

    reopen(user, "2026-01", "a late invoice")
    assert stock(api, day="2026-01-31") == ("8", "12.500000", "100.00")
    assert stock(api, wh="WH2", day="2026-01-31") == ("5", "15.000000", "75.00")
    reconciled(api)


def test_a_return_takes_the_final_cost_of_the_delivery_it_returns(api, user):
    # given 10 at 5.00, d1 6 (provisional 30.00), 10 at 8.00 (14 for 100.00), 2 of d1 returned
    # (2 × 30.00 / 6 = 10.00: 16 for 110.00), d2 4 (4 × 110/16 = 27.50); in February 1 of d2
    # comes back to WH2 (27.50 / 4 = 6.88)
    _monthly(api)
    doc(user, "purchase_receipt", "2026-01-02", [("A001", 10, "5.00")])
    d1 = doc(user, "sales_delivery", "2026-01-03", [("A001", 6, "9.00")])
    doc(user, "purchase_receipt", "2026-01-10", [("A001", 10, "8.00")])
    r1 = doc(user, "sales_return", "2026-01-12", [_back(d1, 2)], source=d1)
    d2 = doc(user, "sales_delivery", "2026-01-15", [("A001", 4, "9.00")])
    r2 = doc(user, "sales_return", "2026-02-03", [_back(d2, 1)], source=d2, warehouse="WH2")
    assert stock(api, wh="WH2") == ("1", "6.880000", "6.88")

    close(user, "2026-01")

    # then the rate is 130.00 / 20 = 6.50 (the return comes back at it and does not change it):
    # d1 39.00 (9.00 more), the return 13.00 (3.00 more), d2 26.00 (1.50 less); February's
    # return at WH2 6.50 (0.38 less)
    rows = _values(api, "WH1")
    assert (r1, "original", "2", "10.00") in rows and (r1, "adjustment", "0", "3.00") in rows
    assert (d2, "adjustment", "0", "1.50") in rows and (d1, "adjustment", "0", "-9.00") in rows
    assert stock(api, day="2026-01-31") == ("12", "6.500000", "78.00")
    assert _values(api, "WH2") == [
        (r2, "original", "1", "6.88"),
        (r2, "adjustment", "0", "-0.38"),
    ]
    assert _texts(MEMO) == [
        ("2026-01-03", "借 5401 主营业务成本 9.00 / 贷 1405 库存商品 9.00"),
        ("2026-01-12", "借 1405 库存商品 3.00 / 贷 5401 主营业务成本 3.00"),
        ("2026-01-15", "借 1405 库存商品 1.50 / 贷 5401 主营业务成本 1.50"),
    ]
    feb = [ledger.voucher_text(v) for v in ledger.journal() if v["date"] == "2026-02-03"]
    assert feb[-1] == "借 5401 主营业务成本 0.38 / 贷 1405 库存商品 0.38"
    reconciled(api)

    reopen(user, "2026-01", "a late invoice")
    assert stock(api, day="2026-01-31") == ("12", "6.875000", "82.50")
    assert stock(api, wh="WH2") == ("1", "6.880000", "6.88")
    reconciled(api)
