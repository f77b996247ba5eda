"""Material requirements (物料需求): open sales orders exploded through a two-level BOM, netted
level by level against available and on-order stock, and the shortages drafted as purchase
orders for each item's last supplier — numbers worked out by hand."""

from openjxc.catalog.services import create_item
from openjxc.partners.services import create_partner

from .factories import As, assert_error, doc, person, post, refused


def _books(api, user):
    for code in ("B001", "P001"):
        create_item(
            user, {"code": code, "name": f"商品{code}", "unit": "个", "purchase_price": "1.50"}
        )
    create_partner(user, "supplier", {"code": "S002", "name": "供应商二"})
    post(
        api,
        "/boms",
        {
            "item": "P001",
            "qty": "1",
            "components": [{"item": "B001", "qty": "1"}, {"item": "A001", "qty": "2"}],
        },
        201,
    )
    post(
        api,
        "/boms",
        {"item": "B001", "qty": "2", "components": [{"item": "A002", "qty": "6"}]},
        201,
    )
    # on hand: P001 1, B001 2, A001 5, A002 4; A002 10 on order
    doc(
        user,
        "purchase_receipt",
        "2026-03-01",
        [("P001", 1, "10"), ("B001", 2, "4"), ("A002", 4, "1")],
    )
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 5, "2")], partner="S002")  # A001's last
    doc(user, "purchase_order", "2026-03-02", [("A002", 10, "1")])
    so1 = doc(user, "sales_order", "2026-03-03", [("P001", 5, "50")])
    so2 = doc(user, "sales_order", "2026-03-03", [("P001", 2, "50"), ("A003", 4, "9")])
    so3 = doc(user, "sales_order", "2026-03-03", [("A001", 3, "9")])
    return so1, so2, so3


def _rows(body):
    return [
        (
            r["item"],
            r["level"],
            r["assembled"],
            r["required"],
            r["available"],
            r["on_order"],
            r["shortage"],
        )
        for r in body["items"]
    ]


def test_chosen_orders_are_exploded_and_netted(api, user):
    so1, so2, so3 = _books(api, user)
    body = api.get(f"/reports/material-requirements?orders={so1},{so2}").json()
    assert body["orders"] == sorted([so1, so2])
    # level 0: P001 7 ordered, 1 on hand → 6 short; A003 4 short (none in stock)
    # level 1: B001 6 × 1 = 6, 2 on hand → 4 short; A001 6 × 2 = 12, 5 on hand of which 3 are
    #          held by the order not chosen (so3) → 2 available, 10 short
    # level 2: A002 4 short B001 × 6 / 2 = 12, 4 on hand and 10 on order → nothing short
    assert _rows(body) == [
        ("A003", 0, False, "4", "0", "0", "4"),
        ("P001", 0, True, "7", "1", "0", "6"),
        ("A001", 1, False, "12", "2", "0", "10"),
        ("B001", 1, True, "6", "2", "0", "4"),
        ("A002", 2, False, "12", "4", "10", "0"),
    ]


def test_all_open_orders_net_an_item_once_at_its_lowest_level(api, user):
    _books(api, user)
    body = api.get("/reports/material-requirements").json()
    # A001 is ordered itself (so3: 3) and a component of P001 (12): netted once, at level 1:
    # 15 required, 5 available (so3's own reservation is demand, not a claim on stock) → 10
    a001 = next(r for r in _rows(body) if r[0] == "A001")
    assert a001 == ("A001", 1, False, "15", "5", "0", "10")


def test_shortages_become_draft_purchase_orders_per_last_supplier(api, user):
    so1, so2, _so3 = _books(api, user)
    body = {"orders": [so1, so2], "warehouse": "WH1"}
    r = post(api, "/reports/material-requirements/purchase-order", body, 201)
    # A001's last supplier is S002 (its latest receipt); A003 was never bought: left out
    assert r["without_supplier"] == ["A003"]
    [po] = r["documents"]
    assert (po["type"], po["status"], po["partner"], po["warehouse"]) == (
        "purchase_order",
        "draft",
        "S002",
        "WH1",
    )
    assert [(ln["item"], ln["qty"]) for ln in po["lines"]] == [("A001", "10")]
    # with a supplier for the rest, A003 goes to it
    r = post(
        api, "/reports/material-requirements/purchase-order", {**body, "supplier": "S001"}, 201
    )
    assert sorted((d["partner"], [ln["item"] for ln in d["lines"]]) for d in r["documents"]) == [
        ("S001", ["A003"]),
        ("S002", ["A001"]),
    ]


def test_nothing_short_and_unknown_orders_are_refused(api, user):
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 5, "2")])
    so = doc(user, "sales_order", "2026-03-03", [("A001", 3, "9")])
    path = "/reports/material-requirements/purchase-order"
    refused(lambda: api.post(path, {"orders": [so]}), 422, "nothing_to_order")
    assert_error(api.get("/reports/material-requirements?orders=XSDD-NOPE"), 404, "not_found")


def test_a_user_without_the_sales_area_sees_no_orders(api, user, client):
    _books(api, user)
    person("库管", username="keeper")
    body = As(client, "keeper").get("/reports/material-requirements").json()
    assert body == {"orders": [], "items": []}
