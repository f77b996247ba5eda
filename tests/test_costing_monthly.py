"""全月一次加权平均 (monthly weighted average) items: provisional at the moving average while the
period is open, stated at (opening + in) / (opening qty + in qty) by the close with appended
adjustments and vouchers, restored exactly by a reopen. Numbers worked out by hand."""

import pytest

from openjxc.closing.monthly import MEMO, REOPEN_MEMO
from openjxc.closing.services import close, close_check, reopen, reopen_impact
from openjxc.ledger import selectors as ledger

from .factories import account, doc, moves, reconciled, stock, trial_balance

pytestmark = pytest.mark.usefixtures("backups_in_tmp")


def _texts(memo):
    """(date, 借/贷 text) of the vouchers with this memo."""
    return [(v["date"], ledger.voucher_text(v)) for v in ledger.journal() if v["memo"] == memo]


def _january(api, user):
    r = api.put("/items/A001", {"costing_method": "monthly_average"})
    assert r.status_code == 200, r.content
    doc(user, "purchase_receipt", "2026-01-02", [("A001", 10, "5.00")])  # 50.00
    d1 = doc(user, "sales_delivery", "2026-01-03", [("A001", 6, "9.00")])  # provisional 30.00
    doc(user, "purchase_receipt", "2026-01-10", [("A001", 10, "8.00")])  # 80.00 → 14, 100.00
    d2 = doc(user, "sales_delivery", "2026-01-15", [("A001", 4, "9.00")])  # 4 × 100/14 = 28.57
    return d1, d2


def test_provisional_then_stated_by_the_close_and_restored_by_the_reopen(api, user):
    # given January of a monthly-average item, and a February delivery already entered
    d1, d2 = _january(api, user)
    assert stock(api, day="2026-01-31") == ("10", "7.143000", "71.43")
    d3 = doc(user, "sales_delivery", "2026-02-05", [("A001", 5, "9.00")])  # 5 × 7.143 = 35.72
    assert stock(api) == ("5", "7.142000", "35.71")
    before = moves(api)
    tb_before = trial_balance(api, "2026-02")

    # the close-check says what the close will state
    problems = close_check("2026-01")["problems"]
    assert [p["check"] for p in problems if p["check"] == "monthly_average"] == ["monthly_average"]

    # when January closes: the rate is (0 + 130.00) / (0 + 20) = 6.50
    close(user, "2026-01")
    # then d1 costs 6 × 6.50 = 39.00 (9.00 more), d2 4 × 6.50 = 26.00 (2.57 less), January ends
    # with 10 at 6.50 = 65.00, and the February delivery is re-stated at 6.50: 32.50 (3.22 less)
    assert stock(api, day="2026-01-31") == ("10", "6.500000", "65.00")
    assert stock(api) == ("5", "6.500000", "32.50")
    rows = [m[1:5] for m in moves(api)]
    assert rows[1:3] == [(d1, "original", "-6", "-30.00"), (d1, "adjustment", "0", "-9.00")]
    assert rows[4:6] == [(d2, "original", "-4", "-28.57"), (d2, "adjustment", "0", "2.57")]
    assert rows[6:] == [(d3, "original", "-5", "-35.72"), (d3, "adjustment", "0", "3.22")]
    assert _texts(MEMO) == [
        ("2026-01-03", "借 5401 主营业务成本 9.00 / 贷 1405 库存商品 9.00"),
        ("2026-01-15", "借 1405 库存商品 2.57 / 贷 5401 主营业务成本 2.57"),
    ]
    feb = [ledger.voucher_text(v) for v in ledger.journal() if v["date"] == "2026-02-05"]
    assert feb[-1] == "借 1405 库存商品 3.22 / 贷 5401 主营业务成本 3.22"
    assert account(trial_balance(api, "2026-02"), "1405")[2] == "32.50"
    reconciled(api)

    # when January is reopened (its impact names the two issues it gives back their cost):
    # the negations are appended and every value is as before
    assert reopen_impact(user, "2026-01")["removes"]["monthly_average_restored"] == 2
    reopen(user, "2026-01", "a late receipt")
    assert _texts(REOPEN_MEMO) == [
        ("2026-01-03", "借 1405 库存商品 9.00 / 贷 5401 主营业务成本 9.00"),
        ("2026-01-15", "借 5401 主营业务成本 2.57 / 贷 1405 库存商品 2.57"),
    ]
    assert stock(api, day="2026-01-31") == ("10", "7.143000", "71.43")
    assert stock(api) == ("5", "7.142000", "35.71")
    after = moves(api)
    assert [m[4] for m in after if m[2] == "original"] == [
        m[4] for m in before if m[2] == "original"
    ]
    assert after[-1][1:5] == (d3, "adjustment", "0", "-3.22")
    assert _closing(trial_balance(api, "2026-02")) == _closing(tb_before)
    reconciled(api)

    # and closing again states the same figures
    close(user, "2026-01")
    assert stock(api, day="2026-01-31") == ("10", "6.500000", "65.00")
    assert stock(api) == ("5", "6.500000", "32.50")
    reconciled(api)


def _closing(tb):
    return [(r["account"], r["closing_debit"], r["closing_credit"]) for r in tb["items"]]


def test_a_period_that_ends_empty_leaves_no_value(api, user):
    # given 3 at 1.00 and 3 at 2.00 (rate 1.50), then 1 + 5 leave (provisional 1.00 + 8.33)
    api.put("/items/A001", {"costing_method": "monthly_average"})
    doc(user, "purchase_receipt", "2026-01-02", [("A001", 3, "1.00")])
    d1 = doc(user, "sales_delivery", "2026-01-03", [("A001", 1, "9.00")])  # 1.00
    doc(user, "purchase_receipt", "2026-01-04", [("A001", 3, "2.00")])  # 5 at 8.00
    d2 = doc(user, "sales_delivery", "2026-01-05", [("A001", 5, "9.00")])  # takes all: 8.00
    close(user, "2026-01")
    # then d1 = 1.50 (0.50 more), d2 = 9.00 − 1.50 = 7.50 (0.50 less), nothing left
    assert stock(api, day="2026-01-31") == ("0", None, "0.00")
    rows = [m[1:5] for m in moves(api)]
    assert (d1, "adjustment", "0", "-0.50") in rows and (d2, "adjustment", "0", "0.50") in rows
    reconciled(api)


def test_moving_average_items_are_left_alone(api, user):
    doc(user, "purchase_receipt", "2026-01-02", [("A001", 10, "5.00")])
    doc(user, "sales_delivery", "2026-01-03", [("A001", 6, "9.00")])
    doc(user, "purchase_receipt", "2026-01-10", [("A001", 10, "8.00")])
    close(user, "2026-01")
    assert [m[2] for m in moves(api)] == ["original"] * 3
    assert _texts(MEMO) == []
