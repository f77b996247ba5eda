"""Bills of materials, assembly and disassembly (组装单 / 拆卸单): costs worked out by hand, a
two-level BOM, a back-dated component receipt that re-states the output and its later sale, and
the refusals (a BOM cycle, an item without a BOM, too few components)."""

from openjxc.catalog.services import create_item

from .factories import (
    account,
    doc,
    moves,
    post,
    reconciled,
    refused,
    stock,
    trial_balance,
    vouchers_of,
)


def _bom(api, item, qty, components, code=None):
    body = {"item": item, "qty": qty, "components": [{"item": i, "qty": q} for i, q in components]}
    if code:
        body["code"] = code
    return post(api, "/boms", body, 201)


def _items(user, *codes):
    for code in codes:
        create_item(user, {"code": code, "name": f"商品{code}", "unit": "个", "tax_rate": "0.13"})


def _stocked(user):
    # given A001 10 at 5.00 (50.00) and A002 20 at 2.00 (40.00)
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00"), ("A002", 20, "2.00")])


def test_a_bom_is_created_read_and_listed(api, user):
    b = _bom(api, "A003", "1", [("A001", "2"), ("A002", "3")])
    assert b["code"] == "BOM0001" and b["item"] == "A003" and b["qty"] == "1"
    assert [(c["item"], c["qty"]) for c in b["components"]] == [("A001", "2"), ("A002", "3")]
    assert api.get("/boms/BOM0001").json() == b
    assert api.get("/boms?item=A003").json()["items"] == [b]
    r = api.put(
        "/boms/BOM0001", {"item": "A003", "qty": "2", "components": [{"item": "A001", "qty": "5"}]}
    )
    assert r.status_code == 200 and r.json()["components"][0]["qty"] == "5"


def test_a_bom_cycle_is_refused(api, user):
    _bom(api, "A003", "1", [("A001", "2")])
    _bom(api, "A001", "1", [("A002", "1")])
    # A002 made of A003 would make A003 a component of itself (A003 → A001 → A002 → A003)
    body = {"item": "A002", "qty": "1", "components": [{"item": "A003", "qty": "1"}]}
    err = refused(lambda: api.post("/boms", body), 422, "bom_cycle")
    assert err["details"] == {"item": "A002", "component": "A003"}
    body = {"item": "A001", "qty": "1", "components": [{"item": "A001", "qty": "1"}]}
    refused(lambda: api.post("/boms", body), 422, "bom_cycle")


def test_assembly_costs_components_plus_fee(api, user):
    _stocked(user)
    _bom(api, "A003", "1", [("A001", "2"), ("A002", "3")])
    # when 2 × A003 are assembled with a fee of 3.00: 4 × A001 at 5.00 = 20.00 and
    # 6 × A002 at 2.00 = 12.00 are consumed; the output is 32.00 + 3.00 = 35.00 (17.50 each)
    z = doc(user, "assembly", "2026-03-02", [{"item": "A003", "qty": "2"}], extra_cost="3.00")
    d = api.get(f"/documents/{z}").json()
    assert d["status"] == "approved" and d["extra_cost"] == "3.00"
    assert [(c["item"], c["qty"], c["bom"]) for c in d["lines"][0]["components"]] == [
        ("A001", "4", "BOM0001"),
        ("A002", "6", "BOM0001"),
    ]
    assert stock(api, "A003") == ("2", "17.500000", "35.00")
    assert stock(api, "A001") == ("6", "5.000000", "30.00")
    assert stock(api, "A002") == ("14", "2.000000", "28.00")
    assert vouchers_of(z) == [
        "借 1405 库存商品 32.00 / 贷 1405 库存商品 32.00 / 借 1405 库存商品 3.00 / "
        "贷 5001 主营业务收入 3.00"
    ]
    reconciled(api)


def test_components_given_on_the_line_and_a_fee_account(api, user):
    _stocked(user)
    # no BOM: the line says what it consumes (for the whole line); the fee goes to 1901
    z = doc(
        user,
        "assembly",
        "2026-03-02",
        [{"item": "A003", "qty": "1", "components": [{"item": "A001", "qty": "3"}]}],
        extra_cost="1.00",
        account="1901",
    )
    assert stock(api, "A003") == ("1", "16.000000", "16.00")  # 3 × 5.00 + 1.00
    assert vouchers_of(z)[0].endswith("借 1405 库存商品 1.00 / 贷 1901 待处理财产损溢 1.00")


def test_back_dated_component_receipt_restates_output_and_its_sale(api, user):
    _stocked(user)
    _bom(api, "A003", "1", [("A001", "2"), ("A002", "3")])
    z = doc(user, "assembly", "2026-03-02", [{"item": "A003", "qty": "2"}], extra_cost="3.00")
    s = doc(user, "sales_delivery", "2026-03-05", [("A003", 1, "30.00")])
    assert vouchers_of(s)[0].endswith("借 5401 主营业务成本 17.50 / 贷 1405 库存商品 17.50")
    # when 10 × A001 at 8.00 arrive back-dated on 03-01 (before the assembly): A001's average
    # there is (50 + 80) / 20 = 6.50, so the 4 consumed cost 26.00 (+6.00); the output becomes
    # 26 + 12 + 3 = 41.00 (20.50 each) and the sale of one costs 20.50 (+3.00)
    r = doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "8.00")])
    assert stock(api, "A003") == ("1", "20.500000", "20.50")
    assert stock(api, "A001") == ("16", "6.500000", "104.00")
    assert [(m[1], m[2], m[3], m[4]) for m in moves(api, "A003")] == [
        (z, "original", "2", "35.00"),
        (z, "adjustment", "0", "6.00"),
        (s, "original", "-1", "-17.50"),
        (s, "adjustment", "0", "-3.00"),
    ]
    # the assembly's own moves change by +6.00 and −6.00 inside 1405: no voucher; the sale's
    # cost change is booked against 5401
    assert vouchers_of(r) == [
        "借 1405 库存商品 80.00 / 借 22210101 进项税额 10.40 / 贷 2202 应付账款 90.40",
        "借 5401 主营业务成本 3.00 / 贷 1405 库存商品 3.00",
    ]
    # 1405 = 104.00 (A001) + 28.00 (A002) + 20.50 (A003)
    assert account(trial_balance(api), "1405")[2] == "152.50"
    reconciled(api)


def test_two_level_bom_restated_through_both_levels(api, user):
    _items(user, "B001", "P001")
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00"), ("A002", 20, "2.00")])
    _bom(api, "B001", "1", [("A002", "2")])  # the sub-assembly
    _bom(api, "P001", "1", [("B001", "1"), ("A001", "1")])  # the product
    # B001: 2 made of 4 × A002 at 2.00 = 8.00 (4.00 each); P001: 2 made of 2 × B001 (8.00)
    # and 2 × A001 at 5.00 (10.00) = 18.00
    doc(user, "assembly", "2026-03-02", [{"item": "B001", "qty": "2"}])
    p = doc(user, "assembly", "2026-03-03", [{"item": "P001", "qty": "2"}])
    assert stock(api, "P001") == ("2", "9.000000", "18.00")
    # when 20 × A002 at 4.00 arrive back-dated on 03-01: A002's average is 3.00, B001 costs
    # 4 × 3.00 = 12.00 (6.00 each) and P001 12.00 + 10.00 = 22.00 (11.00 each)
    doc(user, "purchase_receipt", "2026-03-01", [("A002", 20, "4.00")])
    assert stock(api, "B001") == ("0", None, "0.00")
    assert stock(api, "P001") == ("2", "11.000000", "22.00")
    assert vouchers_of(p)[0] == "借 1405 库存商品 18.00 / 贷 1405 库存商品 18.00"
    reconciled(api)


def test_disassembly_splits_by_average_cost_times_qty(api, user):
    _stocked(user)
    _bom(api, "A003", "1", [("A001", "2"), ("A002", "3")])
    doc(user, "assembly", "2026-03-02", [{"item": "A003", "qty": "2"}], extra_cost="3.00")
    # when one A003 (17.50) is taken apart into 2 × A001 (average 5.00: weight 10.00) and
    # 3 × A002 (2.00: weight 6.00): A001 gets R(17.50 × 10 / 16) = 10.94, A002 the rest 6.56
    x = doc(user, "disassembly", "2026-03-04", [{"item": "A003", "qty": "1"}])
    assert stock(api, "A003") == ("1", "17.500000", "17.50")
    assert stock(api, "A001") == ("8", "5.117500", "40.94")  # 30.00 + 10.94
    assert stock(api, "A002") == ("17", "2.032941", "34.56")  # 28.00 + 6.56
    assert vouchers_of(x) == ["借 1405 库存商品 17.50 / 贷 1405 库存商品 17.50"]
    reconciled(api)


def test_cancel_of_an_assembly_puts_components_back(api, user):
    from .factories import cancel

    _stocked(user)
    _bom(api, "A003", "1", [("A001", "2"), ("A002", "3")])
    z = doc(user, "assembly", "2026-03-02", [{"item": "A003", "qty": "2"}], extra_cost="3.00")
    cancel(user, z, "录错了")
    assert stock(api, "A003") == ("0", None, "0.00")
    assert stock(api, "A001") == ("10", "5.000000", "50.00")
    assert account(trial_balance(api), "1405")[2] == "90.00"
    reconciled(api)


def test_no_bom_and_too_few_components_are_refused(api, user):
    body = {
        "type": "assembly",
        "date": "2026-03-02",
        "warehouse": "WH1",
        "lines": [{"item": "A003", "qty": "1"}],
    }
    err = refused(lambda: api.post("/documents", body), 422, "no_bom")
    assert err["details"]["item"] == "A003"
    _bom(api, "A003", "1", [("A001", "2")])
    d = post(api, "/documents", body, 201)  # nothing in stock yet
    err = refused(
        lambda: api.post(f"/documents/{d['number']}/approve", {}), 409, "insufficient_stock"
    )
    assert (err["details"]["item"], err["details"]["required"]) == ("A001", "2")
    # bom / components on another type's lines
    other = {**body, "type": "other_out", "lines": [{"item": "A001", "qty": "1", "bom": "BOM0001"}]}
    refused(lambda: api.post("/documents", other), 422, "invalid")


def test_reversal_and_impact_preview_of_an_assembly(api, user):
    _stocked(user)
    _bom(api, "A003", "1", [("A001", "2"), ("A002", "3")])
    z = doc(user, "assembly", "2026-03-02", [{"item": "A003", "qty": "2"}], extra_cost="3.00")
    # the preview of a cancel changes nothing and names the stock it would move
    assert api.get(f"/documents/{z}/impact?action=cancel").status_code == 200
    # a red-letter reversal takes the output back at its cost (35.00) and the components in at
    # what they left with (20.00 + 12.00); the red voucher takes the fee back from 5001
    r = post(api, f"/documents/{z}/reverse", {"reason": "做错了", "date": "2026-03-03"})
    assert stock(api, "A003") == ("0", None, "0.00")
    assert stock(api, "A001") == ("10", "5.000000", "50.00")
    assert r["number"].startswith("ZZD")
    assert vouchers_of(r["number"]) == [
        "借 1405 库存商品 -32.00 / 贷 1405 库存商品 -32.00 / 借 1405 库存商品 -3.00 / "
        "贷 5001 主营业务收入 -3.00"
    ]
    assert account(trial_balance(api), "5001")[2:] == ("0.00", "0.00")
    reconciled(api)
