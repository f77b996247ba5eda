"""补货建议: reorder limits per warehouse, the report's velocity, days of cover and suggested
quantity worked out by hand, and the purchase orders drafted from it (one per last supplier)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from openjxc.partners.services import create_partner
from openjxc.reports import reorder

from .factories import As, doc, person

T = timezone.localdate()


def day(n: int) -> str:
    return str(T - dt.timedelta(days=n))


def _limit(api, item, wh, lo, hi, status=200):
    r = api.put(f"/items/{item}/stock-limits/{wh}", {"min_qty": lo, "max_qty": hi})
    assert r.status_code == status, r.content
    return r.json()


def _books(api, user):
    create_partner(user, "supplier", {"code": "S002", "name": "供应商二"})
    doc(user, "purchase_receipt", day(20), [("A001", 100, "5.00"), ("A003", 10, "2.00")])
    doc(user, "purchase_receipt", day(3), [("A003", 4, "2.00")], partner="S002")
    doc(user, "sales_delivery", day(15), [("A001", 30, "9.00")])  # before the window
    doc(user, "sales_delivery", day(5), [("A001", 12, "9.00")])
    doc(user, "sales_delivery", day(2), [("A001", 10, "9.00")])
    doc(user, "sales_return", day(1), [("A001", 2, "9.00")])
    doc(user, "sales_order", str(T), [("A001", 8, "9.00")])  # reserves 8
    doc(user, "purchase_order", str(T), [("A001", 5, "5.00")])  # 5 on order
    _limit(api, "A001", "WH1", "50", "120")
    _limit(api, "A002", "WH1", "5", "20")  # never bought: no supplier
    _limit(api, "A003", "WH1", "20", "30")


@pytest.mark.parametrize("few", [200, 0])  # 0: the reads of many items (no item filter)
def test_report_numbers_by_hand(api, user, monkeypatch, few):
    monkeypatch.setattr(reorder, "FEW_ITEMS", few)
    _books(api, user)
    data = api.get("/reports/reorder?warehouse=WH1&days=10").json()
    assert (data["date_from"], data["date_to"]) == (day(9), str(T))
    rows = {r["item"]: r for r in data["items"]}
    assert set(rows) == {"A001", "A002", "A003"}
    a = rows["A001"]
    # on hand 100 − 30 − 12 − 10 + 2 = 50; projected 50 − 8 reserved + 5 on order = 47 ≤ 50
    assert (a["on_hand"], a["reserved"], a["on_order"], a["projected"]) == ("50", "8", "5", "47")
    # sold in the 10-day window: 12 + 10 − 2 returned = 20 (the 30 of day −15 is outside)
    assert (a["sold_qty"], a["daily_sales"]) == ("20", "2")
    assert a["days_of_cover"] == "21.0"  # (50 − 8) ÷ 2 a day
    assert a["suggested_qty"] == "73"  # up to 120: 120 − 47
    assert a["supplier"] == "S001"
    b = rows["A002"]  # nothing on hand, no sales, never bought
    assert (b["projected"], b["daily_sales"], b["days_of_cover"]) == ("0", "0", None)
    assert (b["suggested_qty"], b["supplier"]) == ("20", None)
    c = rows["A003"]  # 10 + 4 = 14 ≤ 20 → 30 − 14 = 16, from S002 (its latest purchase)
    assert (c["on_hand"], c["suggested_qty"], c["supplier"]) == ("14", "16", "S002")
    # a 30-day window also counts the 30 of day −15: 50 ÷ 30 = 1.6667 a day, 42 ÷ (50/30) = 25.2
    a30 = next(
        r for r in api.get("/reports/reorder?days=30").json()["items"] if r["item"] == "A001"
    )
    assert (a30["daily_sales"], a30["days_of_cover"]) == ("1.6667", "25.2")


def test_drafts_one_order_per_supplier(api, user):
    _books(api, user)
    r = api.post("/reports/reorder/purchase-order", {"warehouse": "WH1", "days": 10})
    assert r.status_code == 201, r.content
    body = r.json()
    assert [(o["supplier"], o["warehouse"], o["lines"]) for o in body["orders"]] == [
        ("S001", "WH1", 1),
        ("S002", "WH1", 1),
    ]
    assert body["skipped"] == [{"item": "A002", "warehouse": "WH1", "reason": "no_supplier"}]
    # each line at the last price paid to its supplier: A001 5.00 (S001), A003 2.00 (S002)
    wanted = [("A001", "73", "5"), ("A003", "16", "2")]
    for o, (item, qty, price) in zip(body["orders"], wanted, strict=True):
        d = api.get(f"/documents/{o['number']}").json()
        assert (d["type"], d["status"], d["partner"]) == ("purchase_order", "draft", o["supplier"])
        assert [(ln["item"], ln["qty"], Decimal(ln["price"])) for ln in d["lines"]] == [
            (item, qty, Decimal(price))
        ]


def test_in_transit_counts_as_coming_and_limits_are_per_warehouse(api, user):
    doc(user, "purchase_receipt", day(10), [("A001", 20, "5.00")])
    doc(user, "transfer", day(1), [("A001", 6)], to_warehouse="WH2", in_transit=True)
    _limit(api, "A001", "WH2", "10", "15")
    rows = api.get("/reports/reorder?warehouse=WH2").json()["items"]
    # WH2: nothing on hand, 6 on the way: projected 6 ≤ 10 → 15 − 6 = 9
    assert [
        (r["warehouse"], r["in_transit"], r["projected"], r["suggested_qty"]) for r in rows
    ] == [("WH2", "6", "6", "9")]
    assert api.get("/reports/reorder?warehouse=WH1").json()["items"] == []  # no limit at WH1
    limits = api.get("/items/A001/stock-limits").json()["items"]
    assert [(x["warehouse"], x["min_qty"], x["max_qty"]) for x in limits] == [
        ("WH1", None, None),
        ("WH2", "10", "15"),
    ]
    _limit(api, "A001", "WH2", None, None)  # removed
    assert api.get("/reports/reorder?warehouse=WH2").json()["items"] == []


def test_refusals_and_access(api, user, client):
    err = _limit(api, "A001", "WH1", "10", "5", status=422)["error"]
    assert err["code"] == "invalid_limits"
    assert _limit(api, "A001", "WH1", "-1", "5", status=422)["error"]["code"] == "invalid"
    assert api.get("/reports/reorder?days=0").status_code == 422
    _limit(api, "A001", "WH1", "5", "10")
    _limit(api, "A001", "WH2", "5", "10")
    person("销售")
    sales = As(client, "u-销售")
    assert sales.get("/reports/reorder").status_code == 403
    assert sales.post("/reports/reorder/purchase-order", {}).status_code == 403
    person("库管", warehouses=["WH2"], username="keeper2")
    k = As(client, "keeper2")
    rows = k.get("/reports/reorder").json()["items"]
    assert [r["warehouse"] for r in rows] == ["WH2"]  # only the keeper's warehouse
    assert k.get("/reports/reorder?warehouse=WH1").status_code == 403
    r = k.put("/items/A001/stock-limits/WH1", {"min_qty": "1", "max_qty": "2"})
    assert r.status_code == 403
    # the keeper may read the report but not draft orders (the purchase area)
    assert k.post("/reports/reorder/purchase-order", {}).status_code == 403
