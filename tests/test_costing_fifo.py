"""先进先出 (FIFO) items: issues take the oldest layers; a back-dated receipt or a cancel
re-states the later issues by appended adjustments; the costing method is fixed once an item
has moves. Numbers worked out by hand in the comments."""

from openjxc.users.services import issue_token

from .factories import (
    account,
    assert_error,
    cancel,
    doc,
    line_id,
    moves,
    person,
    reconciled,
    stock,
    trial_balance,
    vouchers_of,
)


def fifo(api, code="A001"):
    r = api.put(f"/items/{code}", {"costing_method": "fifo"})
    assert r.status_code == 200 and r.json()["costing_method"] == "fifo", r.content


def test_issues_take_the_oldest_layers(api, user):
    # given a FIFO item received at 5.00 and then at 6.00
    fifo(api)
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])  # 50.00
    doc(user, "purchase_receipt", "2026-03-02", [("A001", 10, "6.00")])  # 60.00
    # when 12 leave: 10 × 5.00 + 2 × 6.00 = 62.00 (moving average would say 66.00)
    d1 = doc(user, "sales_delivery", "2026-03-03", [("A001", 12, "10.00")])
    # then 8 at 6.00 remain
    assert stock(api) == ("8", "6.000000", "48.00")
    assert vouchers_of(d1)[0].endswith("借 5401 主营业务成本 62.00 / 贷 1405 库存商品 62.00")
    # 3 more leave at 6.00: 18.00
    d2 = doc(user, "sales_delivery", "2026-03-04", [("A001", 3, "10.00")])
    assert moves(api)[-1][:5] == ("2026-03-04", d2, "original", "-3", "-18.00")
    assert stock(api) == ("5", "6.000000", "30.00")
    reconciled(api)


def test_a_back_dated_receipt_re_states_later_issues(api, user):
    fifo(api)
    doc(user, "purchase_receipt", "2026-03-02", [("A001", 10, "6.00")])  # 60.00
    d1 = doc(user, "sales_delivery", "2026-03-03", [("A001", 4, "10.00")])  # 4 × 6.00 = 24.00
    d2 = doc(user, "sales_delivery", "2026-03-05", [("A001", 4, "10.00")])  # 4 × 6.00 = 24.00
    assert stock(api) == ("2", "6.000000", "12.00")
    # when a receipt of 5 at 4.00 dated before both issues is approved
    r0 = doc(user, "purchase_receipt", "2026-03-01", [("A001", 5, "4.00")])
    # then d1 takes 4 × 4.00 = 16.00 (−8.00), d2 takes 1 × 4.00 + 3 × 6.00 = 22.00 (−2.00);
    # 7 at 6.00 = 42.00 remain (2 + 5 more units, value 12.00 + 20.00 + 10.00)
    assert stock(api) == ("7", "6.000000", "42.00")
    assert [m[1:5] for m in moves(api)] == [
        (r0, "original", "5", "20.00"),
        (moves(api)[1][1], "original", "10", "60.00"),
        (d1, "original", "-4", "-24.00"),
        (d1, "adjustment", "0", "8.00"),
        (d2, "original", "-4", "-24.00"),
        (d2, "adjustment", "0", "2.00"),
    ]
    assert vouchers_of(r0)[1:] == [
        "借 1405 库存商品 8.00 / 贷 5401 主营业务成本 8.00",
        "借 1405 库存商品 2.00 / 贷 5401 主营业务成本 2.00",
    ]
    # and cancelling the back-dated receipt restores the issues' first values
    cancel(user, r0, "录错了")
    assert stock(api) == ("2", "6.000000", "12.00")
    assert [m[1:5] for m in moves(api)][-2:] == [
        (d2, "adjustment", "0", "2.00"),
        (d2, "adjustment", "0", "-2.00"),
    ]
    assert account(trial_balance(api), "1405")[2] == "12.00"
    reconciled(api)


def test_cancel_of_a_middle_issue_re_states_the_next(api, user):
    fifo(api)
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 3, "3.00")])  # 9.00
    doc(user, "purchase_receipt", "2026-03-02", [("A001", 3, "7.00")])  # 21.00
    d1 = doc(user, "sales_delivery", "2026-03-03", [("A001", 2, "10.00")])  # 2 × 3.00 = 6.00
    d2 = doc(user, "sales_delivery", "2026-03-04", [("A001", 2, "10.00")])  # 3.00 + 7.00 = 10.00
    assert stock(api) == ("2", "7.000000", "14.00")
    # when d1 is cancelled, d2 takes 2 × 3.00 = 6.00: 4.00 less
    cancel(user, d1, "客户取消")
    assert moves(api)[-1][1:5] == (d2, "adjustment", "0", "4.00")
    # 1 at 3.00 + 3 at 7.00 = 24.00 remain
    assert stock(api) == ("4", "6.000000", "24.00")
    reconciled(api)


def test_the_method_is_fixed_once_the_item_has_moves(api, user):
    assert api.get("/items/A001").json()["costing_method"] == "moving_average"
    assert_error(api.put("/items/A001", {"costing_method": "lifo"}), 422, "invalid")
    fifo(api)
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 1, "5.00")])
    err = assert_error(
        api.put("/items/A001", {"costing_method": "monthly_average"}), 409, "costing_method_locked"
    )
    assert err["details"]["item"] == "A001"
    assert api.get("/items/A001").json()["costing_method"] == "fifo"
    # the same method again is no change
    assert api.put("/items/A001", {"costing_method": "fifo"}).status_code == 200
    r = api.post(
        "/items",
        {"code": "M1", "name": "月均", "unit": "个", "costing_method": "monthly_average"},
    )
    assert r.status_code == 201 and r.json()["costing_method"] == "monthly_average"


def test_the_stock_ledger_shows_the_layers_each_issue_took(api, user):
    fifo(api)
    r1 = doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    r2 = doc(user, "purchase_receipt", "2026-03-02", [("A001", 10, "6.00")])
    d1 = doc(user, "sales_delivery", "2026-03-03", [("A001", 12, "10.00")])
    rows = api.get("/stock/moves?item=A001&warehouse=WH1").json()["items"]
    issue = next(r for r in rows if r["document"] == d1)
    assert issue["costing_method"] == "fifo"
    assert issue["cost_layers"] == [
        {"document": r1, "date": "2026-03-01", "qty": "10", "value": "50.00"},
        {"document": r2, "date": "2026-03-02", "qty": "2", "value": "12.00"},
    ]
    # the 台账 report shows the same; a moving-average item shows the average it used
    ledger = api.get("/reports/stock-ledger?item=A001&from=2026-03-01&to=2026-03-31").json()
    assert next(r for r in ledger["items"] if r["document"] == d1)["cost_layers"][1]["qty"] == "2"
    doc(user, "purchase_receipt", "2026-03-01", [("A002", 4, "3.00")])
    d2 = doc(user, "sales_delivery", "2026-03-03", [("A002", 1, "10.00")])
    row = api.get("/stock/moves?item=A002").json()["items"][-1]
    assert (row["document"], row["average_cost"], row["average_provisional"]) == (
        d2,
        "3.000000",
        False,
    )
    assert "cost_layers" not in row


def test_layers_and_averages_are_cost(api, user, client):
    # given a FIFO issue, seen by a 库管 (no view_cost)
    fifo(api)
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    d1 = doc(user, "sales_delivery", "2026-03-03", [("A001", 2, "10.00")])
    person("库管")
    token = issue_token("u-库管", "pw-123456")
    r = client.get("/api/v1/stock/moves?item=A001", HTTP_AUTHORIZATION=f"Bearer {token}")
    row = next(m for m in r.json()["items"] if m["document"] == d1)
    # then the layers are masked like every other cost field
    assert (row["cost_layers"], row["value"], row["costing_method"]) == (None, None, "fifo")


def test_a_purchase_return_takes_the_layer_of_the_receipt_it_returns(api, user):
    # given a FIFO item received 10 at 1.00 and 10 at 2.00
    fifo(api)
    r1 = doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "1.00")])
    r2 = doc(user, "purchase_receipt", "2026-03-02", [("A001", 10, "2.00")])
    # when 4 of the second receipt go back to the supplier: its layer, 4 × 2.00 = 8.00 (the
    # oldest layer would say 4.00)
    line = {"item": "A001", "qty": "4", "price": "2.00", "source_line": line_id(r2)}
    back = doc(user, "purchase_return", "2026-03-03", [line], source=r2)
    assert moves(api)[-1][1:5] == (back, "original", "-4", "-8.00")
    # then 12 delivered take 10 × 1.00 + 2 × 2.00 = 14.00, and 4 at 2.00 remain
    d = doc(user, "sales_delivery", "2026-03-04", [("A001", 12, "10.00")])
    assert moves(api)[-1][1:5] == (d, "original", "-12", "-14.00")
    assert stock(api) == ("4", "2.000000", "8.00")
    rows = api.get("/stock/moves?item=A001&warehouse=WH1").json()["items"]
    layers = {r["document"]: r["cost_layers"] for r in rows if r["qty"].startswith("-")}
    assert layers[back] == [{"document": r2, "date": "2026-03-02", "qty": "4", "value": "8.00"}]
    assert layers[d] == [
        {"document": r1, "date": "2026-03-01", "qty": "10", "value": "10.00"},
        {"document": r2, "date": "2026-03-02", "qty": "2", "value": "4.00"},
    ]
    # when a receipt of 5 at 0.50 is back-dated before all of it: the return still takes its
    # receipt's layer (8.00), the delivery 5 × 0.50 + 7 × 1.00 = 9.50 (4.50 less)
    r0 = doc(user, "purchase_receipt", "2026-02-27", [("A001", 5, "0.50")])
    assert [m[1:5] for m in moves(api) if m[2] == "adjustment"] == [(d, "adjustment", "0", "4.50")]
    assert stock(api) == ("9", "1.666667", "15.00")  # 3 × 1.00 + 6 × 2.00
    assert vouchers_of(r0)[1:] == ["借 1405 库存商品 4.50 / 贷 5401 主营业务成本 4.50"]
    reconciled(api)
