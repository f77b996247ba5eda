"""Back-dated history re-costs what follows (re-statement): back-dated receipts, deliveries and
transfers, cancels of earlier documents, capped and linked returns that follow their source, and
the cost-adjustment vouchers they leave — read back through the API as a user sees them."""

from .factories import (
    account,
    audit,
    balance,
    cancel,
    doc,
    journal,
    line_id,
    moves,
    open_items,
    reconciled,
    stock,
    trial_balance,
    vouchers_of,
)


def test_cancel_of_a_receipt_re_costs_through_a_transfer(api, user):
    r1 = doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    doc(user, "purchase_receipt", "2026-03-02", [("A001", 10, "6.00")])
    t = doc(user, "transfer", "2026-03-03", [("A001", 5)], to_warehouse="WH2")  # 27.50
    d = doc(user, "sales_delivery", "2026-03-04", [("A001", 5, "10.00")], warehouse="WH2")  # 27.50
    cancel(user, r1, "录错了")
    # WH1: 10 at 6.00, 5 leave at 30.00; WH2 takes them in at 30.00 and delivers them at 30.00
    assert stock(api) == ("5", "6.000000", "30.00")
    assert stock(api, wh="WH2") == ("0", None, "0.00")
    assert [(m[1], m[2], m[4], m[7]) for m in moves(api, wh="WH2")] == [
        (t, "original", "27.50", None),
        (t, "adjustment", "2.50", r1),
        (d, "original", "-27.50", None),
        (d, "adjustment", "-2.50", r1),
    ]
    assert vouchers_of(r1) == [
        "借 1405 库存商品 50.00 / 借 22210101 进项税额 6.50 / 贷 2202 应付账款 56.50",
        "借 1405 库存商品 -50.00 / 借 22210101 进项税额 -6.50 / 贷 2202 应付账款 -56.50",
        "借 5401 主营业务成本 2.50 / 贷 1405 库存商品 2.50",  # only the delivery touches the books
    ]
    assert account(trial_balance(api), "1405")[2] == "30.00"
    reconciled(api)


def test_cancel_a_back_dated_receipt_re_costs_later_deliveries(api, user):
    r1 = doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    r2 = doc(user, "purchase_receipt", "2026-03-02", [("A001", 10, "6.00")])
    d1 = doc(user, "sales_delivery", "2026-03-03", [("A001", 5, "10.00")])  # 27.50
    d2 = doc(user, "sales_delivery", "2026-03-04", [("A001", 5, "10.00")])  # 27.50
    assert stock(api) == ("10", "5.500000", "55.00")

    cancelled = cancel(user, r1, "录错了")
    assert cancelled.status == "cancelled"
    d = api.get(f"/documents/{r1}").json()
    assert (d["status"], d["cancel_reason"]) == ("cancelled", "录错了") and d["cancelled_at"]
    # without r1 both deliveries cost 6.00 a unit: 2.50 more each
    assert stock(api) == ("0", None, "0.00")
    assert stock(api, day="2026-03-03") == ("5", "6.000000", "30.00")
    assert moves(api) == [
        ("2026-03-02", r2, "original", "10", "60.00", "10", "60.00", None),
        ("2026-03-03", d1, "original", "-5", "-27.50", "5", "32.50", None),
        ("2026-03-03", d1, "adjustment", "0", "-2.50", "5", "30.00", r1),
        ("2026-03-04", d2, "original", "-5", "-27.50", "0", "2.50", None),
        ("2026-03-04", d2, "adjustment", "0", "-2.50", "0", "0.00", r1),
    ]
    # the cancelled document is still there on request: its row and the reversal
    with_cancelled = moves(api, query="&include_cancelled=true")
    assert with_cancelled[:2] == [
        ("2026-03-01", r1, "original", "10", "50.00", "10", "50.00", None),
        ("2026-03-01", r1, "reversal", "-10", "-50.00", "0", "0.00", r1),
    ]
    assert with_cancelled[2:] == [
        (m[0], m[1], m[2], m[3], m[4], m[5], m[6], m[7]) for m in moves(api)
    ]
    # vouchers: the posting, its red-letter copy, one cost adjustment per adjusted date
    assert vouchers_of(r1) == [
        "借 1405 库存商品 50.00 / 借 22210101 进项税额 6.50 / 贷 2202 应付账款 56.50",
        "借 1405 库存商品 -50.00 / 借 22210101 进项税额 -6.50 / 贷 2202 应付账款 -56.50",
        "借 5401 主营业务成本 2.50 / 贷 1405 库存商品 2.50",
        "借 5401 主营业务成本 2.50 / 贷 1405 库存商品 2.50",
    ]
    vs = [v for v in journal(api) if v["document"] == r1]
    assert [(v["date"], v["kind"]) for v in vs] == [
        ("2026-03-01", "posting"),
        ("2026-03-01", "cancellation"),
        ("2026-03-03", "cost_adjustment"),
        ("2026-03-04", "cost_adjustment"),
    ]
    assert vs[1]["memo"] == f"作废 {r1}"
    # the deliveries' own vouchers are untouched
    assert vouchers_of(d1) == [
        "借 1122 应收账款 56.50 / 贷 5001 主营业务收入 50.00 / 贷 22210102 销项税额 6.50 / "
        "借 5401 主营业务成本 27.50 / 贷 1405 库存商品 27.50"
    ]
    assert balance(api, "S001") == ("0.00", "67.80")
    assert open_items(api, "S001") == [(r2, "67.80", "67.80")]
    assert audit(api, r1) == [
        ("create", "admin", ""),
        ("approve", "admin", ""),
        ("cancel", "admin", "录错了"),
    ]
    entry = api.get(f"/audit?object={r1}").json()["items"][0]
    assert (entry["before"], entry["after"]) == ({"status": "approved"}, {"status": "cancelled"})
    tb = trial_balance(api)
    assert account(tb, "5401") == ("60.00", "0.00", "60.00", "0.00")  # all of r2's 60.00 was sold
    assert account(tb, "1405")[2:] == ("0.00", "0.00")
    assert account(tb, "2202")[3] == "67.80"
    reconciled(api)
    assert {d["number"] for d in api.get("/documents?status=cancelled").json()["items"]} == {r1}


def test_back_dated_receipt_then_its_cancel(api, user):
    doc(user, "purchase_receipt", "2026-03-02", [("A001", 10, "6.00")])
    d1 = doc(user, "sales_delivery", "2026-03-03", [("A001", 5, "10.00")])  # 30.00
    r0 = doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "4.00")])  # back-dated
    # average on 3-03 is now 100.00 / 20 = 5.00: the delivery costs 25.00, 5.00 less
    assert stock(api) == ("15", "5.000000", "75.00")
    assert moves(api)[-1] == ("2026-03-03", d1, "adjustment", "0", "5.00", "15", "75.00", r0)
    assert vouchers_of(r0) == [
        "借 1405 库存商品 40.00 / 借 22210101 进项税额 5.20 / 贷 2202 应付账款 45.20",
        "借 1405 库存商品 5.00 / 贷 5401 主营业务成本 5.00",
    ]
    cancel(user, r0, "重复录入")
    assert stock(api) == ("5", "6.000000", "30.00")
    assert [(m[1], m[2], m[4], m[7]) for m in moves(api)][-3:] == [
        (d1, "original", "-30.00", None),
        (d1, "adjustment", "5.00", r0),
        (d1, "adjustment", "-5.00", r0),
    ]
    assert vouchers_of(r0) == [
        "借 1405 库存商品 40.00 / 借 22210101 进项税额 5.20 / 贷 2202 应付账款 45.20",
        "借 1405 库存商品 -40.00 / 借 22210101 进项税额 -5.20 / 贷 2202 应付账款 -45.20",
        "借 1405 库存商品 5.00 / 贷 5401 主营业务成本 5.00",
        "借 5401 主营业务成本 5.00 / 贷 1405 库存商品 5.00",
    ]
    assert account(trial_balance(api), "5401")[2] == "30.00"
    reconciled(api)


def test_cancel_a_delivery_re_costs_the_next_one(api, user):
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    d1 = doc(user, "sales_delivery", "2026-03-02", [("A001", 5, "10.00")])  # 25.00
    doc(user, "purchase_receipt", "2026-03-03", [("A001", 5, "7.00")])  # 10 / 60.00
    d2 = doc(user, "sales_delivery", "2026-03-04", [("A001", 5, "10.00")])  # 30.00
    assert stock(api) == ("5", "6.000000", "30.00")
    cancel(user, d1, "客户取消")
    # without d1: 15 / 85.00 before d2, which now costs 5 × 85.00 / 15 = 28.33
    assert stock(api) == ("10", "5.667000", "56.67")
    assert vouchers_of(d1) == [
        "借 1122 应收账款 56.50 / 贷 5001 主营业务收入 50.00 / 贷 22210102 销项税额 6.50 / "
        "借 5401 主营业务成本 25.00 / 贷 1405 库存商品 25.00",
        "借 1122 应收账款 -56.50 / 贷 5001 主营业务收入 -50.00 / 贷 22210102 销项税额 -6.50 / "
        "借 5401 主营业务成本 -25.00 / 贷 1405 库存商品 -25.00",
        "借 1405 库存商品 1.67 / 贷 5401 主营业务成本 1.67",
    ]
    assert balance(api, "C001") == ("56.50", "0.00")
    assert open_items(api, "C001") == [(d2, "56.50", "56.50")]
    assert d1 not in {m[1] for m in moves(api)}
    assert audit(api, d1)[-1] == ("cancel", "admin", "客户取消")
    tb = trial_balance(api)
    assert account(tb, "5401") == ("30.00", "1.67", "28.33", "0.00")  # 25.00 − 25.00 + 30.00; −1.67
    reconciled(api)


def test_back_dated_receipt_re_costs_a_transfer_and_the_delivery_behind_it(api, user):
    doc(user, "purchase_receipt", "2026-03-02", [("A001", 10, "6.00")])
    t = doc(user, "transfer", "2026-03-03", [("A001", 5)], to_warehouse="WH2")  # 30.00
    d = doc(user, "sales_delivery", "2026-03-04", [("A001", 5, "10.00")], warehouse="WH2")  # 30.00
    r0 = doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "4.00")])
    # WH1 average on 3-03 is 100.00 / 20: the transfer moves 25.00, and WH2 delivers 25.00
    assert stock(api) == ("15", "5.000000", "75.00")
    assert stock(api, wh="WH2") == ("0", None, "0.00")
    assert [(m[1], m[2], m[4], m[6], m[7]) for m in moves(api, wh="WH2")] == [
        (t, "original", "30.00", "30.00", None),
        (t, "adjustment", "-5.00", "25.00", r0),
        (d, "original", "-30.00", "-5.00", None),
        (d, "adjustment", "5.00", "0.00", r0),
    ]
    assert vouchers_of(r0)[1:] == ["借 1405 库存商品 5.00 / 贷 5401 主营业务成本 5.00"]
    assert account(trial_balance(api), "5401") == ("30.00", "5.00", "25.00", "0.00")
    reconciled(api)


def test_capped_purchase_return_is_re_capped_when_the_cheaper_receipt_is_cancelled(api, user):
    r1 = doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    r2 = doc(user, "purchase_receipt", "2026-03-02", [("A001", 10, "3.00")])
    ret = doc(
        user,
        "purchase_return",
        "2026-03-03",
        [{"item": "A001", "qty": "5", "price": "5.00", "source_line": line_id(r1)}],
        source=r1,
    )  # 20.00
    cancel(user, r2, "重复")
    # alone, r1's average is its own 5.00: the return now leaves at 25.00, what the supplier credits
    assert stock(api) == ("5", "5.000000", "25.00")
    assert moves(api)[-1] == ("2026-03-03", ret, "adjustment", "0", "-5.00", "5", "25.00", r2)
    assert vouchers_of(r2)[2:] == ["借 5401 主营业务成本 5.00 / 贷 1405 库存商品 5.00"]
    tb = trial_balance(api)
    assert account(tb, "5401")[2:] == ("0.00", "0.00")  # the 5.00 difference is gone again
    assert balance(api, "S001") == ("0.00", "28.25")  # 56.50 − 28.25
    reconciled(api)


def test_linked_return_takes_the_adjusted_delivery_cost(api, user):
    doc(user, "purchase_receipt", "2026-03-02", [("A001", 10, "6.00")])
    d = doc(user, "sales_delivery", "2026-03-03", [("A001", 5, "10.00")])  # 30.00
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "4.00")])  # back-dated: d now 25.00
    ret = doc(
        user,
        "sales_return",
        "2026-03-05",
        [{"item": "A001", "qty": "2", "price": "10.00", "source_line": line_id(d)}],
        source=d,
    )
    assert vouchers_of(ret)[0].endswith(
        "借 5401 主营业务成本 -10.00 / 贷 1405 库存商品 -10.00"
    )  # 2 × 5.00
    assert stock(api) == ("17", "5.000000", "85.00")
    reconciled(api)


def test_cancel_a_delivery_that_was_cost_adjusted(api, user):
    doc(user, "purchase_receipt", "2026-03-02", [("A001", 10, "6.00")])
    d = doc(user, "sales_delivery", "2026-03-03", [("A001", 5, "10.00")])  # 30.00
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "4.00")])  # d adjusted +5.00 → 25.00
    cancel(user, d, "作废")
    assert stock(api) == ("20", "5.000000", "100.00")
    assert vouchers_of(d) == [
        "借 1122 应收账款 56.50 / 贷 5001 主营业务收入 50.00 / 贷 22210102 销项税额 6.50 / "
        "借 5401 主营业务成本 30.00 / 贷 1405 库存商品 30.00",
        "借 1122 应收账款 -56.50 / 贷 5001 主营业务收入 -50.00 / 贷 22210102 销项税额 -6.50 / "
        "借 5401 主营业务成本 -30.00 / 贷 1405 库存商品 -30.00",
        "借 5401 主营业务成本 5.00 / 贷 1405 库存商品 5.00",  # undoes the adjustment it had received
    ]
    tb = trial_balance(api)
    assert account(tb, "5401")[2:] == ("0.00", "0.00")
    assert account(tb, "1405")[2] == "100.00"
    reconciled(api)


def test_adjustments_of_one_date_share_one_voucher(api, user):
    r1 = doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    doc(user, "purchase_receipt", "2026-03-02", [("A001", 10, "6.00")])
    doc(user, "sales_delivery", "2026-03-03", [("A001", 2, "10.00")])  # 11.00
    doc(user, "other_out", "2026-03-03", [("A001", 2)])  # 11.00
    cancel(user, r1, "录错了")
    assert stock(api) == ("6", "6.000000", "36.00")
    assert vouchers_of(r1)[2:] == [
        "借 1901 待处理财产损溢 1.00 / 贷 1405 库存商品 1.00 / 借 5401 主营业务成本 1.00 / 贷 1405 库存商品 1.00"
    ]
    reconciled(api)


def test_two_lines_of_one_item_and_a_back_dated_delivery(api, user):
    doc(
        user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00"), ("A001", 5, "8.00")]
    )  # 15 / 90.00
    doc(user, "purchase_receipt", "2026-03-05", [("A001", 5, "10.00")])
    d = doc(user, "sales_delivery", "2026-03-03", [("A001", 3, "10.00"), ("A001", 12, "10.00")])
    # 3 × 6.00 = 18.00, then the 12 left take exactly the remaining 72.00
    assert [(m[3], m[4], m[5], m[6]) for m in moves(api) if m[1] == d] == [
        ("-3", "-18.00", "12", "72.00"),
        ("-12", "-72.00", "0", "0.00"),
    ]
    assert vouchers_of(d)[0].endswith("借 5401 主营业务成本 90.00 / 贷 1405 库存商品 90.00")
    assert stock(api) == ("5", "10.000000", "50.00")
    reconciled(api)


def test_back_dated_transfer_re_costs_goods_that_come_back(api, user):
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])  # WH1 10 / 50.00
    doc(
        user, "purchase_receipt", "2026-03-01", [("A001", 10, "8.00")], warehouse="WH2"
    )  # WH2 10 / 80.00
    back = doc(
        user, "transfer", "2026-03-04", [("A001", 10)], warehouse="WH2", to_warehouse="WH1"
    )  # 80.00
    d = doc(user, "sales_delivery", "2026-03-05", [("A001", 5, "10.00")])  # 5 × 130.00 / 20 = 32.50
    assert stock(api) == ("15", "6.500000", "97.50")
    # a transfer WH1 → WH2 on 3-02, approved late: 5 leave WH1 at 5.00 (25.00) and join WH2, so the
    # 10 coming back on 3-04 carry 10 × 105.00 / 15 = 70.00, and the delivery costs 5 × 95.00 / 15
    t = doc(user, "transfer", "2026-03-02", [("A001", 5)], to_warehouse="WH2")
    assert stock(api, wh="WH2") == ("5", "7.000000", "35.00")
    assert stock(api) == ("10", "6.333000", "63.33")
    assert [(m[1], m[2], m[4], m[6], m[7]) for m in moves(api)][1:] == [
        (t, "original", "-25.00", "25.00", None),
        (back, "original", "80.00", "105.00", None),
        (back, "adjustment", "-10.00", "95.00", t),
        (d, "original", "-32.50", "62.50", None),
        (d, "adjustment", "0.83", "63.33", t),
    ]
    assert vouchers_of(t) == ["借 1405 库存商品 0.83 / 贷 5401 主营业务成本 0.83"]
    assert account(trial_balance(api), "1405")[2] == "98.33"
    reconciled(api)
