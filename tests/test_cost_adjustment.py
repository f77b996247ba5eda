"""成本调整单: a value-only move at its date; later outgoing moves are re-stated like after any
back-dated change, with their cost-adjustment vouchers."""

from .factories import doc, moves, reconciled, stock, vouchers_of


def _adjust(api, date, value, item="A001", status=201, **line):
    r = api.post(
        "/documents",
        {
            "type": "cost_adjustment",
            "date": date,
            "warehouse": "WH1",
            "lines": [{"item": item, "value": value, **line}],
        },
    )
    assert r.status_code == status, r.content
    return r.json()


def test_a_back_dated_revaluation_re_states_a_later_sale(api, user):
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])  # 50.00
    sale = doc(user, "sales_delivery", "2026-03-05", [("A001", 4, "10.00")])  # cost 20.00
    d = _adjust(api, "2026-03-02", "10.00")
    assert d["lines"][0]["value"] == "10.00" and d["number"].startswith("CBTZ")
    r = api.post(f"/documents/{d['number']}/approve")
    assert r.status_code == 200, r.content
    # 10 units now worth 60.00 on 03-02: the sale of 4 costs 24.00 (4.00 more), 6 left at 36.00
    assert stock(api) == ("6", "6.000000", "36.00")
    assert [(m[1], m[2], m[3], m[4]) for m in moves(api)][1:] == [
        (d["number"], "original", "0", "10.00"),
        (sale, "original", "-4", "-20.00"),
        (sale, "adjustment", "0", "-4.00"),
    ]
    assert vouchers_of(d["number"]) == [
        "借 1405 库存商品 10.00 / 贷 5401 主营业务成本 10.00",
        "借 5401 主营业务成本 4.00 / 贷 1405 库存商品 4.00",
    ]
    reconciled(api)
    # cancelling it takes the revaluation and the re-statement back
    assert api.post(f"/documents/{d['number']}/cancel", {"reason": "错了"}).status_code == 200
    assert stock(api) == ("6", "5.000000", "30.00")
    reconciled(api)


def test_a_decrease_and_the_refusals(api, user):
    doc(user, "purchase_receipt", "2026-03-03", [("A001", 10, "5.00")])
    down = _adjust(api, "2026-03-04", "-8.00")
    assert api.post(f"/documents/{down['number']}/approve").status_code == 200
    assert stock(api) == ("10", "4.200000", "42.00")
    assert vouchers_of(down["number"]) == ["借 5401 主营业务成本 8.00 / 贷 1405 库存商品 8.00"]
    # no stock on the date: refused, nothing written
    early = _adjust(api, "2026-03-02", "1.00")
    r = api.post(f"/documents/{early['number']}/approve")
    assert r.status_code == 409 and r.json()["error"]["code"] == "no_stock_to_revalue"
    assert api.get(f"/documents/{early['number']}").json()["status"] == "draft"
    # the value cannot go below zero, and zero is no adjustment
    big = _adjust(api, "2026-03-05", "-50.00")
    assert api.post(f"/documents/{big['number']}/approve").status_code == 422
    assert _adjust(api, "2026-03-05", "0", status=422)["error"]["code"] == "invalid"
    assert stock(api) == ("10", "4.200000", "42.00")
    reconciled(api)
