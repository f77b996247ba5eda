"""Scenarios per document type: documents go through the real services (create → approve →
cancel) and every outcome is read back the way a user or integrator sees it — stock, unit cost,
value, the vouchers as text, open items, stock moves with running balances, the trial balance,
the audit trail and reconciliation."""

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

# --- purchase receipt -------------------------------------------------------------------------


def test_purchase_receipt(api, user):
    r1 = doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    r2 = doc(
        user,
        "purchase_receipt",
        "2026-03-02",
        [("A001", "3.5", "2.99"), {"item": "A002", "qty": "4", "price_incl_tax": "11.30"}],
    )
    d = api.get(f"/documents/{r2}").json()
    assert d["status"] == "approved" and d["partner"] == "S001" and d["warehouse"] == "WH1"
    assert [
        (ln["item"], ln["qty"], ln["amount"], ln["tax"], ln["amount_incl_tax"]) for ln in d["lines"]
    ] == [
        ("A001", "3.5", "10.47", "1.36", "11.83"),  # 3.5 × 2.99 = 10.465 → 10.47; 1.3611 → 1.36
        ("A002", "4", "40.00", "5.20", "45.20"),  # 4 × 11.30 = 45.20 gross; / 1.13 = 40.00
    ]
    assert (d["amount"], d["tax"], d["amount_incl_tax"]) == ("50.47", "6.56", "57.03")

    assert vouchers_of(r1) == [
        "借 1405 库存商品 50.00 / 借 22210101 进项税额 6.50 / 贷 2202 应付账款 56.50"
    ]
    assert vouchers_of(r2) == [
        "借 1405 库存商品 50.47 / 借 22210101 进项税额 6.56 / 贷 2202 应付账款 57.03"
    ]
    assert stock(api) == ("13.5", "4.479259", "60.47")
    assert stock(api, "A002") == ("4", "10.000000", "40.00")
    assert stock(api, day="2026-03-01") == ("10", "5.000000", "50.00")
    assert stock(api, "A002", day="2026-03-01") == ("0", None, "0.00")
    assert stock(api, day="2026-02-28") == ("0", None, "0.00")
    assert moves(api) == [
        ("2026-03-01", r1, "original", "10", "50.00", "10", "50.00", None),
        ("2026-03-02", r2, "original", "3.5", "10.47", "13.5", "60.47", None),
    ]
    assert api.get("/stock/moves?item=A001").json()["items"][1]["unit_cost"] == "2.991429"

    assert balance(api, "S001") == ("0.00", "113.53")
    assert open_items(api, "S001") == [(r1, "56.50", "56.50"), (r2, "57.03", "57.03")]
    assert audit(api, r1) == [("create", "admin", ""), ("approve", "admin", "")]

    tb = trial_balance(api)
    assert tb["totals"]["debit"] == "113.53"
    assert account(tb, "1405") == ("100.47", "0.00", "100.47", "0.00")
    assert account(tb, "2202") == ("0.00", "113.53", "0.00", "113.53")
    assert account(tb, "2221") == ("13.06", "0.00", "13.06", "0.00")  # rolls up 22210101
    assert trial_balance(api, "2026-02")["totals"]["debit"] == "0.00"
    assert [(v["date"], v["document"], v["kind"]) for v in journal(api)] == [
        ("2026-03-01", r1, "posting"),
        ("2026-03-02", r2, "posting"),
    ]
    reconciled(api)


# --- sales delivery ---------------------------------------------------------------------------


def test_sales_delivery_moving_average_and_remainder(api, user):
    r = doc(user, "purchase_receipt", "2026-03-01", [("A001", 3, "3.333333")])  # 9.999999 → 10.00
    d1 = doc(user, "sales_delivery", "2026-03-02", [("A001", 1, "10.00")])
    d2 = doc(user, "sales_delivery", "2026-03-03", [("A001", 1, "10.00")])
    d3 = doc(user, "sales_delivery", "2026-03-04", [("A001", 1, "10.00")])
    sale = "借 1122 应收账款 11.30 / 贷 5001 主营业务收入 10.00 / 贷 22210102 销项税额 1.30 / "
    assert vouchers_of(d1) == [
        sale + "借 5401 主营业务成本 3.33 / 贷 1405 库存商品 3.33"
    ]  # 10.00/3
    assert vouchers_of(d2) == [
        sale + "借 5401 主营业务成本 3.34 / 贷 1405 库存商品 3.34"
    ]  # 6.67/2 = 3.335
    assert vouchers_of(d3) == [
        sale + "借 5401 主营业务成本 3.33 / 贷 1405 库存商品 3.33"
    ]  # empties: the rest
    assert moves(api) == [
        ("2026-03-01", r, "original", "3", "10.00", "3", "10.00", None),
        ("2026-03-02", d1, "original", "-1", "-3.33", "2", "6.67", None),
        ("2026-03-03", d2, "original", "-1", "-3.34", "1", "3.33", None),
        ("2026-03-04", d3, "original", "-1", "-3.33", "0", "0.00", None),
    ]
    assert moves(api, query="&from=2026-03-03&to=2026-03-03") == [
        ("2026-03-03", d2, "original", "-1", "-3.34", "1", "3.33", None)
    ]
    assert stock(api) == ("0", None, "0.00")
    assert stock(api, day="2026-03-02") == ("2", "3.335000", "6.67")
    assert balance(api, "C001") == ("33.90", "0.00")
    assert open_items(api, "C001") == [
        (d1, "11.30", "11.30"),
        (d2, "11.30", "11.30"),
        (d3, "11.30", "11.30"),
    ]
    assert [v["document"] for v in journal(api, "?from=2026-03-02&to=2026-03-03")] == [d1, d2]
    tb = trial_balance(api)
    assert account(tb, "5001") == ("0.00", "30.00", "0.00", "30.00")
    assert account(tb, "5401") == ("10.00", "0.00", "10.00", "0.00")
    assert account(tb, "1405") == ("10.00", "10.00", "0.00", "0.00")
    assert account(tb, "1122") == ("33.90", "0.00", "33.90", "0.00")
    reconciled(api)


# --- sales return -----------------------------------------------------------------------------


def _sales_setup(user):
    r1 = doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    r2 = doc(user, "purchase_receipt", "2026-03-02", [("A001", 10, "6.00")])
    d = doc(user, "sales_delivery", "2026-03-03", [("A001", 5, "10.00")])  # cost 27.50 (5.50)
    r3 = doc(
        user, "purchase_receipt", "2026-03-04", [("A001", 5, "9.10")]
    )  # 20 / 128.00, average 6.40
    return r1, r2, d, r3


def test_sales_return_linked_and_unlinked(api, user):
    r1, r2, d, r3 = _sales_setup(user)
    assert stock(api) == ("20", "6.400000", "128.00")
    # linked: back at the delivery line's unit cost 5.50, not at the average 6.40
    ret1 = doc(
        user,
        "sales_return",
        "2026-03-05",
        [{"item": "A001", "qty": "2", "price": "10.00", "source_line": line_id(d)}],
        source=d,
    )
    assert vouchers_of(ret1) == [
        "借 1122 应收账款 -22.60 / 贷 5001 主营业务收入 -20.00 / 贷 22210102 销项税额 -2.60 / "
        "借 5401 主营业务成本 -11.00 / 贷 1405 库存商品 -11.00"
    ]
    assert stock(api) == ("22", "6.318182", "139.00")
    # unlinked: at the current average 139.00 / 22
    ret2 = doc(user, "sales_return", "2026-03-06", [("A001", 1, "10.00")])
    assert vouchers_of(ret2) == [
        "借 1122 应收账款 -11.30 / 贷 5001 主营业务收入 -10.00 / 贷 22210102 销项税额 -1.30 / "
        "借 5401 主营业务成本 -6.32 / 贷 1405 库存商品 -6.32"
    ]
    assert stock(api) == ("23", "6.318261", "145.32")
    assert moves(api)[-2:] == [
        ("2026-03-05", ret1, "original", "2", "11.00", "22", "139.00", None),
        ("2026-03-06", ret2, "original", "1", "6.32", "23", "145.32", None),
    ]
    assert balance(api, "C001") == ("22.60", "0.00")
    assert open_items(api, "C001") == [
        (d, "56.50", "56.50"),
        (ret1, "-22.60", "-22.60"),
        (ret2, "-11.30", "-11.30"),
    ]
    assert api.get(f"/documents/{ret1}").json()["source"] == d
    tb = trial_balance(api)
    assert account(tb, "5001") == ("0.00", "20.00", "0.00", "20.00")  # 50.00 − 20.00 − 10.00
    assert account(tb, "5401") == ("10.18", "0.00", "10.18", "0.00")  # 27.50 − 11.00 − 6.32
    reconciled(api)

    # the unlinked return follows the average when an earlier receipt is cancelled …
    cancel(user, r3, "价格录错")
    # … timeline r1, r2, d (5.50), ret1 +2 at 5.50 → 17 / 93.50; ret2 at 93.50 / 17 = 5.50
    assert stock(api) == ("18", "5.500000", "99.00")
    assert vouchers_of(r3)[-1] == "借 5401 主营业务成本 0.82 / 贷 1405 库存商品 0.82"  # 6.32 → 5.50
    rows = moves(api)
    assert [r[1] for r in rows] == [r1, r2, d, ret1, ret2, ret2]
    assert rows[-1] == ("2026-03-06", ret2, "adjustment", "0", "-0.82", "18", "99.00", r3)
    assert rows[-2] == ("2026-03-06", ret2, "original", "1", "6.32", "18", "99.82", None)
    reconciled(api)


def test_sales_return_linked_follows_its_delivery_cost(api, user):
    r1 = doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    r2 = doc(user, "purchase_receipt", "2026-03-02", [("A001", 10, "6.00")])
    d = doc(user, "sales_delivery", "2026-03-03", [("A001", 5, "10.00")])  # 27.50
    ret = doc(
        user,
        "sales_return",
        "2026-03-05",
        [{"item": "A001", "qty": "2", "price": "10.00", "source_line": line_id(d)}],
        source=d,
    )  # 11.00
    assert stock(api) == ("17", "5.500000", "93.50")
    # the delivery's cost becomes 30.00 (6.00 each) — the linked return comes back at 12.00
    cancel(user, r1, "录错了")
    rows = moves(api)
    assert [(r[1], r[2], r[4], r[7]) for r in rows] == [
        (r2, "original", "60.00", None),
        (d, "original", "-27.50", None),
        (d, "adjustment", "-2.50", r1),
        (ret, "original", "11.00", None),
        (ret, "adjustment", "1.00", r1),
    ]
    assert stock(api) == ("7", "6.000000", "42.00")
    # one cost-adjustment voucher per date: the delivery costs 2.50 more, the return brings 1.00 more back
    assert vouchers_of(r1)[2:] == [
        "借 5401 主营业务成本 2.50 / 贷 1405 库存商品 2.50",
        "借 1405 库存商品 1.00 / 贷 5401 主营业务成本 1.00",
    ]
    reconciled(api)


# --- purchase return --------------------------------------------------------------------------


def test_purchase_return_linked_is_capped_at_the_average(api, user):
    r1 = doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    doc(user, "purchase_receipt", "2026-03-02", [("A001", 10, "3.00")])  # 20 / 80.00, average 4.00
    ret = doc(
        user,
        "purchase_return",
        "2026-03-03",
        [{"item": "A001", "qty": "5", "price": "5.00", "source_line": line_id(r1)}],
        source=r1,
    )
    # the receipt line cost 5.00 a unit, but stock leaves at no more than the average 4.00;
    # the supplier credits 25.00 — the 5.00 difference goes to 5401
    assert vouchers_of(ret) == [
        "借 1405 库存商品 -20.00 / 借 22210101 进项税额 -3.25 / 借 5401 主营业务成本 -5.00 / 贷 2202 应付账款 -28.25"
    ]
    assert stock(api) == ("15", "4.000000", "60.00")
    assert moves(api)[-1] == ("2026-03-03", ret, "original", "-5", "-20.00", "15", "60.00", None)
    assert balance(api, "S001") == ("0.00", "62.15")  # 56.50 + 33.90 − 28.25
    assert open_items(api, "S001")[-1] == (ret, "-28.25", "-28.25")
    tb = trial_balance(api)
    assert account(tb, "5401") == ("-5.00", "0.00", "0.00", "5.00")  # red-letter debit
    reconciled(api)


def test_linked_purchase_return_never_leaves_a_negative_value(api, user):
    r1 = doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "10.00")])
    doc(user, "purchase_receipt", "2026-03-02", [("A001", 10, "1.00")])  # 20 / 110.00, average 5.50
    doc(user, "sales_delivery", "2026-03-03", [("A001", 15, "12.00")])  # 82.50 → 5 / 27.50
    ret = doc(
        user,
        "purchase_return",
        "2026-03-04",
        [{"item": "A001", "qty": "4", "price": "10.00", "source_line": line_id(r1)}],
        source=r1,
    )
    # at the receipt's 10.00 the 4 would take 40.00 of the 27.50 left; capped at the average 5.50
    assert stock(api) == ("1", "5.500000", "5.50")
    assert vouchers_of(ret) == [
        "借 1405 库存商品 -22.00 / 借 22210101 进项税额 -5.20 / 借 5401 主营业务成本 -18.00 / 贷 2202 应付账款 -45.20"
    ]
    reconciled(api)


def test_purchase_return_linked_below_the_average_and_unlinked(api, user):
    r1 = doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    doc(user, "purchase_receipt", "2026-03-02", [("A001", 10, "6.00")])  # average 5.50
    ret1 = doc(
        user,
        "purchase_return",
        "2026-03-03",
        [{"item": "A001", "qty": "5", "price": "5.00", "source_line": line_id(r1)}],
        source=r1,
    )
    # at the receipt line's own cost 5.00 (below the average): nothing to 5401
    assert vouchers_of(ret1) == [
        "借 1405 库存商品 -25.00 / 借 22210101 进项税额 -3.25 / 贷 2202 应付账款 -28.25"
    ]
    assert stock(api) == ("15", "5.666667", "85.00")
    # unlinked: at the average (4 × 85.00 / 15 = 22.67); the supplier credits 20.00
    ret2 = doc(user, "purchase_return", "2026-03-04", [("A001", 4, "5.00")])
    assert vouchers_of(ret2) == [
        "借 1405 库存商品 -22.67 / 借 22210101 进项税额 -2.60 / 借 5401 主营业务成本 2.67 / 贷 2202 应付账款 -22.60"
    ]
    assert stock(api) == ("11", "5.666364", "62.33")
    assert balance(api, "S001") == ("0.00", "73.45")  # 56.50 + 67.80 − 28.25 − 22.60
    # the rest of the receipt line can still be returned, but no more
    assert (
        api.post(
            "/documents",
            {
                "type": "purchase_return",
                "date": "2026-03-05",
                "partner": "S001",
                "warehouse": "WH1",
                "source": r1,
                "lines": [
                    {"item": "A001", "qty": "5.0001", "price": "5", "source_line": line_id(r1)}
                ],
            },
        ).status_code
        == 409
    )
    reconciled(api)


# --- other in / other out ---------------------------------------------------------------------


def test_other_in_and_other_out(api, user):
    i1 = doc(user, "other_in", "2026-03-01", [("A001", 10, "4.00")])
    assert vouchers_of(i1) == ["借 1405 库存商品 40.00 / 贷 1901 待处理财产损溢 40.00"]
    d = api.get(f"/documents/{i1}").json()
    assert d["partner"] is None and (d["amount"], d["tax"]) == ("40.00", "0.00")
    o1 = doc(user, "other_out", "2026-03-02", [("A001", 3)])
    assert vouchers_of(o1) == ["借 1901 待处理财产损溢 12.00 / 贷 1405 库存商品 12.00"]
    d = api.get(f"/documents/{o1}").json()
    assert d["lines"][0]["price"] is None and d["amount"] == "0.00"
    assert stock(api) == ("7", "4.000000", "28.00")
    assert moves(api) == [
        ("2026-03-01", i1, "original", "10", "40.00", "10", "40.00", None),
        ("2026-03-02", o1, "original", "-3", "-12.00", "7", "28.00", None),
    ]
    assert balance(api, "S001") == ("0.00", "0.00")
    tb = trial_balance(api)
    assert account(tb, "1901") == ("12.00", "40.00", "0.00", "28.00")
    # cancelling the other_out puts the goods back at the value they left with
    cancel(user, o1, "盘错")
    assert stock(api) == ("10", "4.000000", "40.00")
    assert vouchers_of(o1)[-1] == "借 1901 待处理财产损溢 -12.00 / 贷 1405 库存商品 -12.00"
    reconciled(api)


# --- transfer ---------------------------------------------------------------------------------


def test_transfer(api, user):
    r = doc(user, "purchase_receipt", "2026-03-01", [("A001", 3, "3.333333")])  # 10.00
    t = doc(user, "transfer", "2026-03-02", [("A001", 1)], to_warehouse="WH2")
    assert vouchers_of(t) == []  # value stays in 1405
    assert api.get(f"/documents/{t}").json()["to_warehouse"] == "WH2"
    assert stock(api) == ("2", "3.335000", "6.67")
    assert stock(api, wh="WH2") == ("1", "3.330000", "3.33")
    assert moves(api, wh="WH2") == [("2026-03-02", t, "original", "1", "3.33", "1", "3.33", None)]
    assert moves(api)[-1] == ("2026-03-02", t, "original", "-1", "-3.33", "2", "6.67", None)
    assert stock(api, wh="WH2", day="2026-03-01") == ("0", None, "0.00")
    d = doc(user, "sales_delivery", "2026-03-03", [("A001", 1, "10.00")], warehouse="WH2")
    assert vouchers_of(d)[0].endswith("借 5401 主营业务成本 3.33 / 贷 1405 库存商品 3.33")
    assert stock(api, wh="WH2") == ("0", None, "0.00")
    assert account(trial_balance(api), "1405") == ("10.00", "3.33", "6.67", "0.00")
    assert audit(api, t) == [("create", "admin", ""), ("approve", "admin", "")]
    assert moves(api)[0][1] == r
    reconciled(api)


# --- cancel -----------------------------------------------------------------------------------


def test_cancel_the_linked_return_then_the_delivery(api, user):
    r1, r2, d, r3 = _sales_setup(user)
    ret = doc(
        user,
        "sales_return",
        "2026-03-05",
        [{"item": "A001", "qty": "2", "price": "10.00", "source_line": line_id(d)}],
        source=d,
    )
    cancel(user, ret, "退货单作废")
    assert stock(api) == ("20", "6.400000", "128.00")
    assert vouchers_of(ret)[-1] == (
        "借 1122 应收账款 22.60 / 贷 5001 主营业务收入 20.00 / 贷 22210102 销项税额 2.60 / "
        "借 5401 主营业务成本 11.00 / 贷 1405 库存商品 11.00"
    )
    cancel(user, d, "发货作废")
    assert stock(api) == ("25", "6.220000", "155.50")
    assert balance(api, "C001") == ("0.00", "0.00")
    assert open_items(api, "C001") == []
    assert {m[1] for m in moves(api)} == {r1, r2, r3}
    reconciled(api)
