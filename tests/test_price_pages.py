"""The pages of price levels and of the 调价单: the level list and an item's prices by level,
and a price adjustment entered, approved, shown, printed and cancelled through the web."""

import datetime as dt
from decimal import Decimal

import pytest

from openjxc.catalog.models import Item, LevelPrice, PriceLevel
from openjxc.catalog.pricing import level_price
from openjxc.catalog.services import create_price_level, update_item
from openjxc.documents.models import Document


@pytest.fixture
def levels(user):
    create_price_level(user, {"code": "PF", "name": "批发价"})
    create_price_level(user, {"code": "VIP", "name": "VIP价"})
    update_item(user, "A001", {"sale_price": "10.00"})


def test_the_price_level_page_adds_a_level_and_sets_an_items_prices(client, user, levels):
    client.force_login(user)
    # when: a level is added
    r = client.post("/price-levels/", {"code": "LS", "name": "零售价"})
    assert r.status_code == 302
    page = client.get("/price-levels/").content.decode()
    assert 'data-code="LS"' in page and "零售价" in page
    # and two prices of A001 are set from 2026-03-01
    r = client.post(
        "/price-levels/",
        {
            "action": "prices",
            "item": "A001",
            "price_PF": "8.50",
            "price_VIP": "7",
            "price_LS": "",
            "valid_from": "2026-03-01",
        },
    )
    assert r.status_code == 302 and r["Location"].endswith("?item=A001")
    # then
    a001 = Item.objects.get(code="A001")
    day = dt.date(2026, 3, 2)
    prices = {lv.code: level_price(a001.id, lv.id, day) for lv in PriceLevel.objects.all()}
    assert prices == {"PF": Decimal("8.50"), "VIP": Decimal("7.00"), "LS": None}
    assert level_price(a001.id, PriceLevel.objects.get(code="PF").id, dt.date(2026, 2, 28)) is None
    page = client.get("/price-levels/?item=A001").content.decode()
    assert 'id="price-history"' in page and "2026-03-01" in page


def test_a_duplicate_level_shows_the_error_and_a_bad_price_changes_nothing(client, user, levels):
    client.force_login(user)
    r = client.post("/price-levels/", {"code": "PF", "name": "又一个"})
    assert r.status_code == 409 and "PF" in r.content.decode()
    r = client.post(
        "/price-levels/",
        {"action": "prices", "item": "A001", "price_PF": "8", "price_VIP": "abc"},
    )
    assert r.status_code == 422
    assert LevelPrice.objects.count() == 0  # the good price of PF was not kept either


def test_a_price_adjustment_through_the_pages(client, user, levels):
    client.force_login(user)
    # given: the entry form has the levels to choose from
    page = client.get("/documents/price_adjustment/new/").content.decode()
    assert 'name="line_level"' in page and '<option value="VIP">VIP价</option>' in page
    # when: saved and approved with two rows (blank rows ignored)
    form = {
        "date": "2026-04-01",
        "memo": "四月调价",
        "line_item": ["A001", "A001", ""],
        "line_level": ["PF", "", ""],
        "line_unit": ["", "", ""],
        "line_price": ["8.00", "11", ""],
        "action": "approve",
    }
    r = client.post("/documents/price_adjustment/new/", form)
    assert r.status_code == 302, r.content.decode()[:2000]
    doc = Document.objects.get(type="price_adjustment")
    assert doc.status == "approved"
    a001 = Item.objects.get(code="A001")
    assert a001.sale_price == Decimal("11")
    # then: the detail page and the print show previous and new prices
    page = client.get(f"/doc/{doc.number}/").content.decode()
    assert "批发价" in page and "10.00" in page and "11.00" in page
    printed = client.get(f"/doc/{doc.number}/print/?format=a4")
    assert printed.status_code == 200 and "8.00" in printed.content.decode()
    # a reverse button is not offered; cancel is
    assert 'data-action="reverse"' not in page and 'data-action="cancel"' in page
    # when: cancelled through the impact page
    r = client.post(f"/doc/{doc.number}/impact/cancel/", {"reason": "录错"})
    assert r.status_code in (200, 302)
    doc.refresh_from_db()
    assert doc.status == "cancelled"
    assert Item.objects.get(code="A001").sale_price == Decimal("10")


def test_a_bad_row_is_shown_on_its_line_and_nothing_is_saved(client, user, levels):
    client.force_login(user)
    form = {
        "date": "2026-04-01",
        "line_item": ["A001", "A002"],
        "line_level": ["PF", ""],
        "line_unit": ["", "箱"],
        "line_price": ["8.00", "3"],
        "action": "save",
    }
    r = client.post("/documents/price_adjustment/new/", form)
    assert r.status_code == 422
    page = r.content.decode()
    assert 'data-error="unit"' in page and 'value="A002"' in page
    assert not Document.objects.filter(type="price_adjustment").exists()
