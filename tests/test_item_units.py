"""多单位 (issue 11 item 3): an item has a base unit and alternate units with a factor; any
document line may be entered in any of its units. Stock, cost and vouchers stay in the base unit
and are exact: base_qty = qty × factor to 1/10,000 base unit, money half-up to the fen per line."""

import pytest

from openjxc.catalog.units import format_in_units
from openjxc.documents.models import Document

from .factories import doc, line_id, reconciled, stock, vouchers_of

BOX = {"unit": "箱", "factor": "12", "barcode": "6901234567892", "sale_price": "170.00"}


@pytest.fixture
def boxed(api):
    """A001 counted in 个, bought in 箱 of 12."""
    r = api.put("/items/A001", {"units": [BOX]})
    assert r.status_code == 200, r.json()
    return r.json()


def _line(item, qty, price=None, unit=None, **extra):
    line = {"item": item, "qty": str(qty), **extra}
    if price is not None:
        line["price"] = str(price)
    if unit is not None:
        line["unit"] = unit
    return line


def test_receive_in_boxes_sell_pieces_return_a_box(api, user, boxed):
    # given 10 箱 received at 120.00 per 箱
    receipt = doc(user, "purchase_receipt", "2026-03-01", [_line("A001", 10, "120.00", "箱")])
    line = api.get(f"/documents/{receipt}").json()["lines"][0]
    # then the line is per 箱 and the stock moved 120 个 at 10.00 each
    assert (line["unit"], line["qty"], line["base_qty"], line["price"]) == (
        "箱",
        "10",
        "120",
        "120.00",
    )
    assert (line["amount"], line["tax"], line["amount_incl_tax"]) == (
        "1200.00",
        "156.00",
        "1356.00",
    )
    assert stock(api) == ("120", "10.000000", "1200.00")
    assert vouchers_of(receipt) == [
        "借 1405 库存商品 1200.00 / 借 22210101 进项税额 156.00 / 贷 2202 应付账款 1356.00"
    ]

    # when 30 个 are sold at 15.00
    delivery = doc(user, "sales_delivery", "2026-03-02", [_line("A001", 30, "15.00")])
    # then 30 个 leave at the average 10.00
    assert stock(api) == ("90", "10.000000", "900.00")
    assert vouchers_of(delivery) == [
        "借 1122 应收账款 508.50 / 贷 5001 主营业务收入 450.00 / 贷 22210102 销项税额 58.50 / "
        "借 5401 主营业务成本 300.00 / 贷 1405 库存商品 300.00"
    ]

    # when the customer returns 1 箱 of that delivery at 180.00 per 箱
    ret = doc(
        user,
        "sales_return",
        "2026-03-03",
        [_line("A001", 1, "180.00", "箱", source_line=line_id(delivery))],
        source=delivery,
    )
    # then 12 个 come back at the cost they left with (10.00): 120.00
    back = api.get(f"/documents/{ret}").json()["lines"][0]
    assert (back["unit"], back["qty"], back["base_qty"]) == ("箱", "1", "12")
    assert stock(api) == ("102", "10.000000", "1020.00")
    assert vouchers_of(ret) == [
        "借 1122 应收账款 -203.40 / 贷 5001 主营业务收入 -180.00 / 贷 22210102 销项税额 -23.40 / "
        "借 5401 主营业务成本 -120.00 / 贷 1405 库存商品 -120.00"
    ]
    # and the delivery can still take back 18 个, not 2 箱 more (24 个)
    r = api.post(
        "/documents",
        {
            "type": "sales_return",
            "date": "2026-03-04",
            "partner": "C001",
            "warehouse": "WH1",
            "source": delivery,
            "lines": [_line("A001", 2, "180.00", "箱", source_line=line_id(delivery))],
        },
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "exceeds_source"
    reconciled(api)


def test_a_reversal_and_a_cancel_of_a_box_line_move_base_units(api, user, boxed):
    receipt = doc(user, "purchase_receipt", "2026-03-01", [_line("A001", "2.5", "120.00", "箱")])
    assert stock(api) == ("30", "10.000000", "300.00")
    r = api.post(f"/documents/{receipt}/reverse", {"reason": "录错", "date": "2026-03-05"})
    assert r.status_code == 200, r.json()
    red = Document.objects.get(reversal_of__number=receipt)
    red_line = api.get(f"/documents/{red.number}").json()["lines"][0]
    assert (red_line["unit"], red_line["qty"], red_line["base_qty"]) == ("箱", "-2.5", "-30")
    assert stock(api) == ("0", None, "0.00")
    again = doc(user, "purchase_receipt", "2026-03-06", [_line("A001", 1, "120.00", "箱")])
    assert api.post(f"/documents/{again}/cancel", {"reason": "重复"}).status_code == 200
    assert stock(api) == ("0", None, "0.00")
    reconciled(api)


def test_an_order_in_boxes_reserves_and_derives_in_boxes(api, user, boxed):
    doc(user, "purchase_receipt", "2026-03-01", [_line("A001", 10, "120.00", "箱")])
    order = doc(user, "sales_order", "2026-03-02", [_line("A001", 3, "170.00", "箱")])
    row = api.get("/stock?item=A001&warehouse=WH1").json()["items"][0]
    assert (row["on_hand"], row["reserved"], row["available"]) == ("120", "36", "84")
    # a partial delivery of 1 箱 leaves 2 箱 to derive, still in 箱
    doc(
        user,
        "sales_delivery",
        "2026-03-03",
        [_line("A001", 12, "14.00", source_line=line_id(order))],  # 12 个 = 1 箱
        source=order,
    )
    o = api.get(f"/documents/{order}").json()
    assert (o["status"], o["lines"][0]["fulfilled_qty"], o["lines"][0]["remaining_qty"]) == (
        "partial",
        "1",
        "2",
    )
    assert api.get("/stock?item=A001&warehouse=WH1").json()["items"][0]["reserved"] == "24"
    r = api.post(f"/documents/{order}/derive", {"type": "sales_delivery"})
    assert r.status_code == 201, r.json()
    d = r.json()["lines"][0]
    assert (d["unit"], d["qty"], d["base_qty"], d["price"], d["amount"]) == (
        "箱",
        "2",
        "24",
        "170.00",
        "340.00",
    )
    assert api.post(f"/documents/{r.json()['number']}/approve").status_code == 200
    o = api.get(f"/documents/{order}").json()
    assert o["status"] == "completed"
    row = api.get("/stock?item=A001&warehouse=WH1").json()["items"][0]
    assert (row["on_hand"], row["reserved"]) == ("84", "0")


def test_a_unit_the_item_lacks_is_refused(api, user, boxed):
    body = {
        "type": "purchase_receipt",
        "date": "2026-03-01",
        "partner": "S001",
        "warehouse": "WH1",
        "lines": [_line("A001", 1, "5.00", "托")],
    }
    r = api.post("/documents", body)
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "unknown_unit"
    assert r.json()["error"]["details"] == {"field": "lines[0].unit", "item": "A001", "unit": "托"}
    assert Document.objects.count() == 0


def test_a_quantity_that_is_not_a_whole_base_fraction_is_refused(api, user):
    # a 包 holds 0.3333 个: 0.5 包 would be 0.16665 个, finer than 1/10,000 个
    assert (
        api.put("/items/A001", {"units": [{"unit": "包", "factor": "0.3333"}]}).status_code == 200
    )
    body = {
        "type": "purchase_receipt",
        "date": "2026-03-01",
        "partner": "S001",
        "warehouse": "WH1",
        "lines": [_line("A001", "0.5", "1.00", "包")],
    }
    r = api.post("/documents", body)
    assert r.status_code == 422
    err = r.json()["error"]
    assert err["code"] == "inexact_base_qty"
    assert err["details"]["field"] == "lines[0].qty" and err["details"]["base_qty"] == "0.16665"
    assert "不是基本单位的整万分之一" in err["message"] or err["message"]
    assert Document.objects.count() == 0
    # 2 包 is 0.6666 个: exact, accepted
    body["lines"] = [_line("A001", "2", "1.00", "包")]
    r = api.post("/documents", body)
    assert r.status_code == 201 and r.json()["lines"][0]["base_qty"] == "0.6666"


def test_items_api_round_trip_and_put(api, user):
    r = api.post(
        "/items",
        {
            "code": "B001",
            "name": "矿泉水",
            "unit": "瓶",
            "units": [
                {"unit": "箱", "factor": "24", "barcode": "6900000000024", "purchase_price": "30"},
                {"unit": "提", "factor": "6", "sale_price": "9.50"},
            ],
        },
    )
    assert r.status_code == 201, r.json()
    assert r.json()["units"] == [
        {
            "unit": "提",
            "factor": "6",
            "barcode": None,
            "purchase_price": None,
            "sale_price": "9.50",
        },
        {
            "unit": "箱",
            "factor": "24",
            "barcode": "6900000000024",
            "purchase_price": "30.00",
            "sale_price": None,
        },
    ]
    assert api.get("/items/B001").json()["units"] == r.json()["units"]
    # PUT without units keeps them
    assert api.put("/items/B001", {"name": "矿泉水550ml"}).json()["units"] == r.json()["units"]
    # sending units replaces the set
    r = api.put("/items/B001", {"units": [{"unit": "箱", "factor": "20"}]})
    assert r.status_code == 200
    assert [(u["unit"], u["factor"], u["barcode"]) for u in r.json()["units"]] == [
        ("箱", "20", None)
    ]
    # a unit used on a document line cannot be removed
    doc(user, "purchase_receipt", "2026-03-01", [_line("B001", 1, "30.00", "箱")])
    r = api.put("/items/B001", {"units": []})
    assert r.status_code == 409 and r.json()["error"]["code"] == "unit_in_use"
    assert api.get("/items/B001").json()["units"][0]["unit"] == "箱"


@pytest.mark.parametrize(
    "units, code, field",
    [
        ([{"unit": "箱", "factor": "0"}], "invalid", "units[0].factor"),
        ([{"unit": "箱", "factor": "1.00001"}], "invalid", "units[0].factor"),
        ([{"unit": "箱", "factor": "-2"}], "invalid", "units[0].factor"),
        ([{"unit": "个", "factor": "2"}], "invalid", "units[0].unit"),
        (
            [{"unit": "箱", "factor": "2"}, {"unit": "箱", "factor": "3"}],
            "invalid",
            "units[1].unit",
        ),
        ([{"unit": "箱", "factor": "2", "colour": "red"}], "unknown_field", None),
        (
            [
                {"unit": "箱", "factor": "2", "barcode": "1"},
                {"unit": "盒", "factor": "3", "barcode": "1"},
            ],
            "duplicate_barcode",
            "units[1].barcode",
        ),
    ],
)
def test_bad_units_are_refused_and_change_nothing(api, user, units, code, field):
    before = api.get("/items/A001").json()
    r = api.put("/items/A001", {"units": units})
    assert r.json()["error"]["code"] == code, r.json()
    if field:
        assert r.json()["error"]["details"]["field"] == field
    assert api.get("/items/A001").json() == before


def test_a_barcode_names_one_item_or_unit(api, user, boxed):
    r = api.post("/items", {"code": "B002", "name": "x", "unit": "个", "barcode": BOX["barcode"]})
    assert r.status_code == 409 and r.json()["error"]["code"] == "duplicate_barcode"
    r = api.put(
        "/items/A002", {"units": [{"unit": "箱", "factor": "6", "barcode": BOX["barcode"]}]}
    )
    assert r.status_code == 409 and r.json()["error"]["details"]["field"] == "units[0].barcode"
    a001 = api.get("/items/A001").json()["barcode"]
    r = api.put("/items/A002", {"units": [{"unit": "箱", "factor": "6", "barcode": a001}]})
    assert r.status_code == 409


def test_default_prices_per_unit(api, user, boxed):
    # the 箱's own sale price; no purchase price of its own: the base price × 12
    api.put("/items/A001", {"purchase_price": "9.50", "sale_price": "15.00"})
    sale = api.get("/prices/suggest?item=A001&kind=sales&unit=箱").json()
    assert (sale["list_price"], sale["default_price"], sale["unit"]) == (
        "170.00",
        "170.00",
        "箱",
    )
    buy = api.get("/prices/suggest?item=A001&kind=purchase&unit=箱").json()
    assert buy["list_price"] == "114.00"
    base = api.get("/prices/suggest?item=A001&kind=sales").json()
    assert base["list_price"] == "15.00"
    # an untyped price on a line in 箱 is the 箱's price
    number = doc(user, "sales_order", "2026-03-01", [_line("A001", 2, unit="箱")])
    line = api.get(f"/documents/{number}").json()["lines"][0]
    assert (line["price"], line["amount"]) == ("170.00", "340.00")
    r = api.get("/prices/suggest?item=A001&kind=sales&unit=托")
    assert r.status_code == 422 and r.json()["error"]["code"] == "unknown_unit"


def test_format_in_units():
    box, dozen = ("箱", 120000), ("打", 60000)
    assert format_in_units(410000, [box], "个") == "3箱5个"
    assert format_in_units(360000, [box], "个") == "3箱"
    assert format_in_units(50000, [box], "个") == "5个"
    assert format_in_units(0, [box], "个") == "0个"
    assert format_in_units(-410000, [box], "个") == "-3箱5个"
    assert format_in_units(415000, [box], "个") == "3箱5.5个"
    assert format_in_units(470000, [dozen, box], "个") == "3箱1打5个"
    assert format_in_units(410000, [("克", 10)], "个") == "41个"  # smaller units are not used


def test_stock_and_inventory_summary_in_several_units(api, user, admin_client, boxed):
    doc(user, "purchase_receipt", "2026-03-01", [_line("A001", 4, "120.00", "箱")])
    doc(user, "sales_delivery", "2026-03-02", [_line("A001", 7, "15.00")])  # 41 个 left
    row = api.get("/stock?item=A001&units=mixed").json()["items"][0]
    assert (row["on_hand"], row["on_hand_in_units"], row["available_in_units"]) == (
        "41",
        "3箱5个",
        "3箱5个",
    )
    assert "on_hand_in_units" not in api.get("/stock?item=A001").json()["items"][0]
    r = api.get("/reports/inventory-summary?from=2026-03-01&to=2026-03-31&units=mixed")
    summary = next(x for x in r.json()["items"] if x["item"] == "A001")
    assert (summary["in_qty_in_units"], summary["out_qty_in_units"]) == ("4箱", "7个")
    assert summary["closing_qty_in_units"] == "3箱5个"
    bad = api.get("/stock?units=boxes")
    assert bad.status_code == 422 and bad.json()["error"]["details"]["field"] == "units"
    # the pages: a checkbox 按多单位显示
    page = admin_client.get("/stock/?units=mixed&date=2026-03-31").content.decode()
    assert "按多单位显示" in page and "3箱5个" in page
    assert "3箱5个" not in admin_client.get("/stock/?date=2026-03-31").content.decode()
    page = admin_client.get(
        "/reports/inventory-summary/?from=2026-03-01&to=2026-03-31&units=mixed"
    ).content.decode()
    assert "3箱5个" in page and "4箱" in page


def test_item_form_edits_alternate_units(api, user, admin_client):
    r = admin_client.post(
        "/items/A001/edit/",
        {
            "name": "商品A001",
            "unit": "个",
            "tax_rate": "0.13",
            "active": "1",
            "unit_unit": ["箱", "盒", ""],
            "unit_factor": ["12", "0", ""],
            "unit_barcode": ["", "", ""],
            "unit_purchase_price": ["", "", ""],
            "unit_sale_price": ["170", "", ""],
        },
    )
    # a refused row is marked and nothing changes
    assert r.status_code == 422
    assert 'name="unit_factor" value="0" inputmode="decimal" aria-label' in r.content.decode()
    assert 'class="invalid"' in r.content.decode()
    assert api.get("/items/A001").json()["units"] == []
    r = admin_client.post(
        "/items/A001/edit/",
        {
            "name": "商品A001",
            "unit": "个",
            "tax_rate": "0.13",
            "active": "1",
            "unit_unit": ["箱", ""],
            "unit_factor": ["12", ""],
            "unit_barcode": ["6901234567892", ""],
            "unit_purchase_price": ["", ""],
            "unit_sale_price": ["170", ""],
        },
    )
    assert r.status_code == 302
    assert [
        (u["unit"], u["factor"], u["barcode"], u["sale_price"])
        for u in api.get("/items/A001").json()["units"]
    ] == [("箱", "12", "6901234567892", "170.00")]
    page = admin_client.get("/items/A001/edit/").content.decode()
    assert 'value="箱"' in page and "辅助单位" in page


def test_a_scanned_box_barcode_is_looked_up_as_a_box(api, user, admin_client, boxed):
    api.put("/items/A001", {"purchase_price": "9.50"})
    r = admin_client.get(f"/doc-lookup/items/?type=purchase_receipt&q={BOX['barcode']}")
    data = r.json()
    assert data["exact"] is True
    item = data["items"][0]
    assert (item["code"], item["scan_unit"], item["price"]) == ("A001", "箱", "114.00")
    assert item["units"] == [{"unit": "箱", "factor": "12"}]


def test_a_quantity_too_large_in_base_units_is_refused(api, user):
    # 箱 of 1,000,000 个: a billion 箱 would overflow the ledger's 64-bit count
    assert (
        api.put("/items/A001", {"units": [{"unit": "箱", "factor": "1000000"}]}).status_code == 200
    )
    body = {
        "type": "transfer",
        "date": "2026-03-01",
        "warehouse": "WH1",
        "to_warehouse": "WH2",
        "lines": [_line("A001", "1000000000", unit="箱")],
    }
    r = api.post("/documents", body)
    assert r.status_code == 422 and r.json()["error"]["details"]["field"] == "lines[0].qty"
    assert Document.objects.count() == 0
