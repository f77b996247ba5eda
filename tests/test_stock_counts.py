"""Stock counts (盘点) state a quantity: gain and loss vouchers, the book quantity of their date,
and counts that stay true when back-dated history changes under them (re-stated, refused if
stock would go negative, taken back whole on cancel or reversal, caught by reconcile)."""

import pytest
from django.db import connection

from .factories import (
    account,
    cancel,
    doc,
    fetch,
    moves,
    on_hand,
    post,
    reconciled,
    status,
    stock,
    trial_balance,
    vouchers_of,
)

pytestmark = pytest.mark.usefixtures("backups_in_tmp")


def test_stock_count_gain_and_loss(api, user):
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.50")])
    gain = doc(user, "stock_count", "2026-03-02", [("A001", 12)])
    assert vouchers_of(gain) == [
        "借 1405 库存商品 11.00 / 贷 1901 待处理财产损溢 11.00"
    ]  # 2 at 5.50
    assert stock(api) == ("12", "5.500000", "66.00")
    loss = doc(user, "stock_count", "2026-03-03", [("A001", 7)])
    assert vouchers_of(loss) == ["借 1901 待处理财产损溢 27.50 / 贷 1405 库存商品 27.50"]
    assert stock(api) == ("7", "5.500000", "38.50")
    same = doc(user, "stock_count", "2026-03-04", [("A001", 7)])
    assert vouchers_of(same) == [] and status(api, same) == "approved"
    assert api.get(f"/documents/{same}").json()["lines"][0]["qty"] == "7"  # the counted quantity
    # one count with a loss on A001 (all of it) and a gain on A002 (none on the books, priced 3.00)
    both = doc(
        user,
        "stock_count",
        "2026-03-05",
        [("A001", 0), {"item": "A002", "qty": "5", "price": "3.00"}],
    )
    assert vouchers_of(both) == [
        "借 1405 库存商品 15.00 / 贷 1901 待处理财产损溢 15.00 / "
        "借 1901 待处理财产损溢 38.50 / 贷 1405 库存商品 38.50"
    ]
    assert stock(api) == ("0", None, "0.00")
    assert stock(api, "A002") == ("5", "3.000000", "15.00")
    assert [(m[1], m[3], m[4], m[5], m[6]) for m in moves(api)][1:] == [
        (gain, "2", "11.00", "12", "66.00"),
        (loss, "-5", "-27.50", "7", "38.50"),
        (both, "-7", "-38.50", "0", "0.00"),
    ]
    assert stock(api, day="2026-03-03") == ("7", "5.500000", "38.50")
    tb = trial_balance(api)
    assert account(tb, "1901") == ("66.00", "26.00", "40.00", "0.00")
    reconciled(api)


def test_back_dated_stock_count_uses_the_book_quantity_of_its_date(api, user):
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    doc(user, "purchase_receipt", "2026-03-05", [("A001", 10, "7.00")])
    count = doc(user, "stock_count", "2026-03-03", [("A001", 8)])  # book on 3-03: 10
    assert vouchers_of(count) == ["借 1901 待处理财产损溢 10.00 / 贷 1405 库存商品 10.00"]
    assert stock(api, day="2026-03-03") == ("8", "5.000000", "40.00")
    assert stock(api) == ("18", "6.111111", "110.00")
    reconciled(api)


def test_count_is_re_stated_at_the_average_when_an_earlier_receipt_is_cancelled(api, user):
    r1 = doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "4.00")])
    doc(user, "purchase_receipt", "2026-03-02", [("A001", 10, "6.00")])
    gain = doc(user, "stock_count", "2026-03-03", [("A001", 22)])  # +2 at 5.00
    assert vouchers_of(gain) == ["借 1405 库存商品 10.00 / 贷 1901 待处理财产损溢 10.00"]
    cancel(user, r1, "录错了")
    # the count still states 22 (issue 9): it now finds 12, all at 6.00
    assert stock(api) == ("22", "6.000000", "132.00")
    assert vouchers_of(r1)[2:] == ["借 1405 库存商品 62.00 / 贷 1901 待处理财产损溢 62.00"]
    assert moves(api)[-1] == ("2026-03-03", gain, "adjustment", "10", "62.00", "22", "132.00", r1)
    reconciled(api)


def count_moves(api, number, item="A001", wh="WH1"):
    """(kind, qty, value) of one document's rows in the stock ledger."""
    rows = api.get(f"/stock/moves?item={item}&warehouse={wh}").json()["items"]
    return [(m["kind"], m["qty"], m["value"]) for m in rows if m["document"] == number]


def test_a_back_dated_receipt_before_a_count_is_absorbed_by_the_count(api, user):
    # given 10 received at 5.00, a count that finds 6 (loss of 4) and a delivery of 2 after it
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    count = doc(user, "stock_count", "2026-03-05", [("A001", 6)])
    delivery = doc(user, "sales_delivery", "2026-03-06", [("A001", 2, "9.00")])
    assert on_hand(api, day="2026-03-05") == ("6", "30.00")
    # when a receipt of 8 at 6.00 is entered back-dated before the count (ERPNext
    # test_backdated_stock_reco_qty_reposting)
    late = doc(user, "purchase_receipt", "2026-03-03", [("A001", 8, "6.00")])
    # then the count still states 6 on its date (its loss grows by 8, at the new average), and
    # the stock after it is unchanged in quantity
    assert on_hand(api, day="2026-03-05") == ("6", "32.67")  # 98.00 − 12 × 98.00 / 18
    assert on_hand(api) == ("4", "21.78")
    assert count_moves(api, count) == [("original", "-4", "-20.00"), ("adjustment", "-8", "-45.33")]
    assert vouchers_of(late) == [
        "借 1405 库存商品 48.00 / 借 22210101 进项税额 6.24 / 贷 2202 应付账款 54.24",
        "借 1901 待处理财产损溢 45.33 / 贷 1405 库存商品 45.33",  # the count's re-stated loss
        "借 5401 主营业务成本 0.89 / 贷 1405 库存商品 0.89",  # the delivery at the new average
    ]
    assert count_moves(api, delivery) == [
        ("original", "-2", "-10.00"),
        ("adjustment", "0", "-0.89"),
    ]
    reconciled(api)
    # when the back-dated receipt is cancelled, the count is re-stated again: back to a loss of 4
    cancel(user, late, "录错了")
    assert on_hand(api, day="2026-03-05") == ("6", "30.00")
    assert on_hand(api) == ("4", "20.00")
    assert count_moves(api, count)[-1] == ("adjustment", "8", "45.33")
    assert vouchers_of(late) == [  # in date order
        "借 1405 库存商品 48.00 / 借 22210101 进项税额 6.24 / 贷 2202 应付账款 54.24",
        "借 1405 库存商品 -48.00 / 借 22210101 进项税额 -6.24 / 贷 2202 应付账款 -54.24",
        "借 1901 待处理财产损溢 45.33 / 贷 1405 库存商品 45.33",
        "借 1405 库存商品 45.33 / 贷 1901 待处理财产损溢 45.33",  # the count's loss back to 4
        "借 5401 主营业务成本 0.89 / 贷 1405 库存商品 0.89",
        "借 1405 库存商品 0.89 / 贷 5401 主营业务成本 0.89",
    ]
    reconciled(api)


def test_a_count_that_found_the_book_quantity_is_re_stated_too(api, user):
    # given a count that confirmed the book quantity of 6 (no difference, no voucher)
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 6, "5.00")])
    count = doc(user, "stock_count", "2026-03-05", [("A001", 6)])
    assert vouchers_of(count) == [] and count_moves(api, count) == []
    # when 8 more are received back-dated before it
    late = doc(user, "purchase_receipt", "2026-03-03", [("A001", 8, "5.00")])
    # then the stock on the count's date stays 6, not 14: the count now finds 8 fewer
    assert on_hand(api, day="2026-03-05") == ("6", "30.00")
    assert on_hand(api) == ("6", "30.00")
    assert count_moves(api, count) == [("adjustment", "-8", "-40.00")]
    summary = api.get("/reports/inventory-summary?from=2026-03-01&to=2026-03-31").json()["items"]
    assert [
        (r["in_qty"], r["in_value"], r["out_qty"], r["out_value"], r["closing_qty"])
        for r in summary
    ] == [("14", "70.00", "8", "40.00", "6")]
    assert vouchers_of(late)[1:] == ["借 1901 待处理财产损溢 40.00 / 贷 1405 库存商品 40.00"]
    reconciled(api)


def test_a_back_dated_delivery_before_a_count_is_allowed_while_stock_lasts(api, user):
    # given 10 received and a count of 6 (loss of 4)
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    count = doc(user, "stock_count", "2026-03-05", [("A001", 6)])
    # when 8 are delivered back-dated before the count (2 left on that day)
    d = doc(user, "sales_delivery", "2026-03-03", [("A001", 8, "9.00")])
    # then the count, which found 6, now records a gain of 4 and the stock stays 6
    assert on_hand(api, day="2026-03-03") == ("2", "10.00")
    assert on_hand(api) == ("6", "30.00")
    assert count_moves(api, count) == [("original", "-4", "-20.00"), ("adjustment", "8", "40.00")]
    assert vouchers_of(d)[1:] == ["借 1405 库存商品 40.00 / 贷 1901 待处理财产损溢 40.00"]
    reconciled(api)


def test_a_re_statement_that_would_drive_stock_negative_is_refused(api, user):
    # given 10 received, 4 delivered, a count that confirms 6 and a delivery of 6 after it
    r1 = doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    doc(user, "sales_delivery", "2026-03-02", [("A001", 4, "9.00")])
    doc(user, "stock_count", "2026-03-05", [("A001", 6)])
    doc(user, "sales_delivery", "2026-03-06", [("A001", 6, "9.00")])
    before = fetch("SELECT COUNT(*), SUM(qty), SUM(value) FROM inventory_stockmove")
    # when a back-dated delivery of 8 would leave the stock before the count at −2
    d = doc(user, "sales_delivery", "2026-03-03", [("A001", 8, "9.00")], approve_it=False)
    r = api.post(f"/documents/{d}/approve", {})
    # then it is refused with insufficient_stock, and nothing changes
    assert r.status_code == 409 and r.json()["error"]["code"] == "insufficient_stock"
    assert r.json()["error"]["details"]["date"] == "2026-03-03"
    # and likewise the cancel of the receipt the first delivery took from (a count later on
    # cannot make up for stock that was not there before it)
    r = api.post(f"/documents/{r1}/cancel", {"reason": "录错了"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "insufficient_stock"
    assert fetch("SELECT COUNT(*), SUM(qty), SUM(value) FROM inventory_stockmove") == before
    assert on_hand(api) == ("0", "0.00")
    reconciled(api)


def test_cancelling_or_reversing_a_re_stated_count_takes_back_all_it_posted(api, user):
    # given a count of 6 re-stated by a back-dated receipt (loss 4 + 8)
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    count = doc(user, "stock_count", "2026-03-05", [("A001", 6)])
    doc(user, "purchase_receipt", "2026-03-03", [("A001", 8, "5.00")])
    assert on_hand(api) == ("6", "30.00")
    # when the count is cancelled, all 12 come back
    cancel(user, count, "盘错了")
    assert on_hand(api) == ("18", "90.00")
    reconciled(api)
    # and a red-letter reversal of another re-stated count takes back its whole difference too
    count2 = doc(user, "stock_count", "2026-03-06", [("A001", 10)])
    doc(user, "other_out", "2026-03-04", [("A001", 3)])  # back-dated: the count now finds 2 fewer
    assert count_moves(api, count2) == [("original", "-8", "-40.00"), ("adjustment", "3", "15.00")]
    post(api, f"/documents/{count2}/reverse", {"reason": "盘错了", "date": "2026-03-07"})
    assert on_hand(api) == ("15", "75.00")
    reconciled(api)


def test_reconcile_reports_a_count_that_no_longer_holds(api, user):
    # given a count whose move was written before counts were re-stated (a plain loss)
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    count = doc(user, "stock_count", "2026-03-05", [("A001", 6)])
    with connection.cursor() as cur:
        cur.execute(
            "UPDATE inventory_stockmove SET rule = 2 WHERE document_id = "
            "(SELECT id FROM documents_document WHERE number = %s)",
            [count],
        )
    # when a receipt is entered back-dated before it
    doc(user, "purchase_receipt", "2026-03-03", [("A001", 8, "5.00")])
    # then reconcile says the stock on the count's date is no longer what was counted (in
    # English, which this client asks for)
    api.headers["HTTP_ACCEPT_LANGUAGE"] = "en"
    result = api.get("/reconcile").json()
    assert not result["ok"]
    assert [(p["check"], p["document"], p["item"], p["warehouse"]) for p in result["problems"]] == [
        ("stock_count", count, "A001", "WH1")
    ]
    assert "counted at 6" in result["problems"][0]["message"]
    assert "holds 14" in result["problems"][0]["message"]
