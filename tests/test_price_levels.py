"""Price levels (价格等级) and the customer's default sales price (issue 11, item 5).

Precedence of the default sales price: the customer's price list entry, then the price of the
customer's level on the document's date, then the item's sale price."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from openjxc.catalog.models import ItemUnit, LevelPrice, PriceListEntry
from openjxc.partners.models import Partner
from tests.factories import fetch


@pytest.fixture
def levels(api, user):
    """Levels 批发 and VIP; A001 sells at 10.00, wholesale 8.50 from 2026-03-01 and 8.00 from
    2026-04-01, VIP 7.00 from 2026-03-01; C001 buys wholesale; C002 has no level."""
    for code, name in (("PF", "批发价"), ("VIP", "VIP价")):
        assert api.post("/price-levels", {"code": code, "name": name}).status_code == 201
    assert api.put("/items/A001", {"sale_price": "10.00"}).status_code == 200
    for level, price, valid_from in (
        ("PF", "8.50", "2026-03-01"),
        ("PF", "8.00", "2026-04-01"),
        ("VIP", "7.00", "2026-03-01"),
    ):
        r = api.put(f"/items/A001/prices/{level}", {"price": price, "valid_from": valid_from})
        assert r.status_code == 200, r.content
    api.put("/customers/C001", {"price_level": "PF"})
    api.post("/customers", {"code": "C002", "name": "散客"})


def test_price_levels_are_created_listed_and_unique(api, levels):
    listed = api.get("/price-levels").json()
    assert [(lv["code"], lv["name"]) for lv in listed["items"]] == [
        ("PF", "批发价"),
        ("VIP", "VIP价"),
    ]
    r = api.post("/price-levels", {"code": "PF", "name": "又一个"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "duplicate_code"
    r = api.post("/price-levels", {"code": "X", "name": "x", "nmae": "typo"})
    assert r.json()["error"]["code"] == "unknown_field"
    assert api.get("/price-levels/VIP").json()["name"] == "VIP价"


def test_a_level_price_is_dated_and_appended(api, levels):
    # then: the rows are all kept, the one in force depends on the day
    rows = LevelPrice.objects.order_by("id").values_list("level__code", "price", "valid_from")
    assert [(c, p, str(d)) for c, p, d in rows] == [
        ("PF", Decimal("8.50"), "2026-03-01"),
        ("PF", Decimal("8.00"), "2026-04-01"),
        ("VIP", Decimal("7.00"), "2026-03-01"),
    ]
    on = api.get("/items/A001/prices?date=2026-03-15").json()["items"]
    assert [(r["level"], r["price"], r["valid_from"]) for r in on] == [
        ("PF", "8.50", "2026-03-01"),
        ("VIP", "7.00", "2026-03-01"),
    ]
    on = api.get("/items/A001/prices?date=2026-04-15").json()["items"]
    assert [(r["level"], r["price"]) for r in on] == [("PF", "8.00"), ("VIP", "7.00")]
    assert api.get("/items/A001/prices?date=2026-02-15").json()["items"] == []


def test_put_level_price_answers_the_previous_price_and_is_audited(api, levels):
    r = api.put("/items/A001/prices/VIP", {"price": "6.50", "valid_from": "2026-05-01"})
    assert r.json() == {
        "item": "A001",
        "level": "VIP",
        "unit": "个",
        "price": "6.50",
        "valid_from": "2026-05-01",
        "previous_price": "7.00",
    }
    (entry,) = fetch(
        "SELECT action, after FROM audit_auditentry WHERE object = 'A001' AND action = 'price' "
        "AND CAST(after AS TEXT) LIKE %s",
        ["%2026-05-01%"],
    )
    assert '"price": "6.50"' in entry[1]


def test_put_level_price_without_valid_from_is_from_today_and_refuses_mistakes(api, levels):
    r = api.put("/items/A002/prices/PF", {"price": "3"})
    assert r.json()["valid_from"] == str(timezone.localdate())
    cases = [
        ("/items/A002/prices/NOPE", {"price": "3"}, 404, "not_found"),
        ("/items/NOPE/prices/PF", {"price": "3"}, 404, "not_found"),
        ("/items/A002/prices/PF", {"price": "-1"}, 422, "invalid"),
        ("/items/A002/prices/PF", {"price": "3", "unit": "箱"}, 422, "unknown_unit"),
        ("/items/A002/prices/PF", {"price": "3", "valid_from": "2026-02-30"}, 422, "invalid_date"),
        ("/items/A002/prices/PF", {"price": "3", "level": "PF"}, 422, "unknown_field"),
    ]
    for path, body, status, code in cases:
        r = api.put(path, body)
        assert (r.status_code, r.json()["error"]["code"]) == (status, code), (path, body)


def test_a_level_price_per_alternate_unit(api, levels):
    a001 = fetch("SELECT id FROM catalog_item WHERE code = 'A001'")[0][0]
    ItemUnit.objects.create(item_id=a001, unit="箱", factor=120000)
    r = api.put("/items/A001/prices/PF", {"price": "96", "unit": "箱", "valid_from": "2026-03-01"})
    assert r.status_code == 200 and r.json()["unit"] == "箱"
    on = api.get("/items/A001/prices?date=2026-03-15").json()["items"]
    assert [(r["level"], r["unit"], r["price"]) for r in on] == [
        ("PF", "个", "8.50"),
        ("PF", "箱", "96.00"),
        ("VIP", "个", "7.00"),
    ]


def _suggest(api, partner, date):
    r = api.get(f"/prices/suggest?item=A001&partner={partner}&kind=sales&date={date}")
    assert r.status_code == 200, r.content
    return r.json()


def test_suggest_returns_the_level_price_and_keeps_its_keys(api, levels):
    s = _suggest(api, "C001", "2026-03-15")
    assert {k: s[k] for k in ("last_price", "list_price", "partner_price", "level_price")} == {
        "last_price": None,
        "list_price": "10.00",
        "partner_price": None,
        "level_price": "8.50",
    }
    assert s["price_level"] == "PF" and s["default_price"] == "8.50"
    assert _suggest(api, "C001", "2026-04-02")["level_price"] == "8.00"
    plain = _suggest(api, "C002", "2026-04-02")
    assert plain["level_price"] is None and plain["default_price"] == "10.00"


def _draft_price(api, partner, date, **line):
    r = api.post(
        "/documents",
        {
            "type": "sales_order",
            "date": date,
            "partner": partner,
            "warehouse": "WH1",
            "lines": [{"item": "A001", "qty": "2", **line}],
        },
    )
    assert r.status_code == 201, r.content
    return r.json()["lines"][0]["price"]


def test_precedence_price_list_then_level_then_item_price(api, levels):
    # a customer with a level and no price list: the level price on the document's date
    assert _draft_price(api, "C001", "2026-03-15") == "8.50"
    assert _draft_price(api, "C001", "2026-04-15") == "8.00"
    # before the level has a price: the item's sale price
    assert _draft_price(api, "C001", "2026-02-15") == "10.00"
    # a customer without a level: the item's sale price
    assert _draft_price(api, "C002", "2026-04-15") == "10.00"
    # a price list entry wins over the level
    c001 = Partner.objects.get(kind="customer", code="C001")
    PriceListEntry.objects.create(
        partner=c001, item_id=fetch("SELECT id FROM catalog_item WHERE code='A001'")[0][0], price=9
    )
    assert _draft_price(api, "C001", "2026-04-15") == "9.00"
    assert _suggest(api, "C001", "2026-04-15")["default_price"] == "9.00"
    # a typed price wins over everything
    assert _draft_price(api, "C001", "2026-04-15", price="11") == "11.00"


def test_the_entry_form_gets_the_level_price_as_default(client, user, api, levels):
    client.force_login(user)
    today = timezone.localdate()
    api.put("/items/A001/prices/PF", {"price": "8.20", "valid_from": str(today)})
    r = client.get("/doc-lookup/items/?q=A001&type=sales_order&partner=C001")
    assert r.json()["items"][0]["price"] == "8.20"
    r = client.get("/doc-lookup/items/?q=A001&type=sales_order&partner=C002")
    assert r.json()["items"][0]["price"] == "10.00"
    info = client.get(
        f"/doc-lookup/line-info/?type=sales_order&item=A001&warehouse=WH1&partner=C001"
        f"&date={today - dt.timedelta(days=0)}"
    ).json()
    assert info["level_price"] == "8.20" and info["suggested_price"] == "8.20"
