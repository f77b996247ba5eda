"""The 调价单 (price_adjustment, issue 11 item 5): approving sets many prices from its date,
cancelling restores the previous ones; no stock, no voucher; every change audited."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from openjxc.catalog.models import Item
from tests.factories import fetch


@pytest.fixture
def priced(api, user):
    """A001 sells at 10.00; level PF (批发价) has 8.50 for A001 from 2026-03-01; level VIP has no
    price yet."""
    api.post("/price-levels", {"code": "PF", "name": "批发价"})
    api.post("/price-levels", {"code": "VIP", "name": "VIP价"})
    api.put("/items/A001", {"sale_price": "10.00"})
    api.put("/items/A001/prices/PF", {"price": "8.50", "valid_from": "2026-03-01"})


def _adjustment(api, date="2026-04-01", lines=None):
    r = api.post(
        "/documents",
        {
            "type": "price_adjustment",
            "date": date,
            "memo": "四月调价",
            "lines": lines
            or [
                {"item": "A001", "level": "PF", "price": "8.00"},
                {"item": "A001", "price": "11.00"},
                {"item": "A002", "level": "VIP", "price": "5"},
            ],
        },
    )
    assert r.status_code == 201, r.content
    return r.json()


def _price_on(api, day: str) -> dict:
    rows = api.get(f"/items/A001/prices?date={day}").json()["items"]
    return {r["level"]: r["price"] for r in rows}


def _audit(obj: str) -> list[tuple[str, dict, dict]]:
    rows = fetch(
        "SELECT action, before, after FROM audit_auditentry WHERE object = %s AND action = "
        "'price' ORDER BY id",
        [obj],
    )
    return [(a, json.loads(b or "null"), json.loads(c or "null")) for a, b, c in rows]


def test_approved_then_cancelled(api, priced):
    # given: a draft changing the wholesale price, the list price and a VIP price
    draft = _adjustment(api)
    assert draft["number"].startswith("TJD") and draft["status"] == "draft"
    assert [
        (ln["item"], ln["level"], ln["price"], ln["previous_price"]) for ln in draft["lines"]
    ] == [
        ("A001", "PF", "8.00", None),
        ("A001", None, "11.00", None),
        ("A002", "VIP", "5.00", None),
    ]
    audit_before = len(_audit("A001"))
    # when: approved
    r = api.post(f"/documents/{draft['number']}/approve")
    assert r.status_code == 200, r.content
    # then: the prices from its date, the earlier ones before it, the list price now
    assert _price_on(api, "2026-04-01") == {"PF": "8.00"}
    assert _price_on(api, "2026-03-31") == {"PF": "8.50"}
    assert Item.objects.get(code="A001").sale_price == 11
    assert api.get("/items/A002/prices?date=2026-04-01").json()["items"][0]["price"] == "5.00"
    doc = api.get(f"/documents/{draft['number']}").json()
    assert doc["status"] == "approved"
    assert [ln["previous_price"] for ln in doc["lines"]] == ["8.50", "10.00", None]
    # and a customer of level PF is offered the new price on a sales line of that date
    api.put("/customers/C001", {"price_level": "PF"})
    s = api.get("/prices/suggest?item=A001&partner=C001&kind=sales&date=2026-04-02").json()
    assert (s["level_price"], s["list_price"]) == ("8.00", "11.00")
    # no stock, no voucher, no open item
    doc_id = fetch("SELECT id FROM documents_document WHERE number = %s", [draft["number"]])[0][0]
    for table in ("inventory_stockmove", "ledger_voucher", "ledger_openitementry"):
        assert fetch(f"SELECT COUNT(*) FROM {table} WHERE document_id = %s", [doc_id]) == [(0,)]
    # audited on the item: before and after of each price
    changes = _audit("A001")[audit_before:]
    assert [(b["level"], b["price"], a["price"], a["valid_from"]) for _, b, a in changes] == [
        ("PF", "8.50", "8.00", "2026-04-01"),
        (None, "10.00", "11.00", "2026-04-01"),
    ]

    # when: cancelled
    r = api.post(f"/documents/{draft['number']}/cancel", {"reason": "价格录错"})
    assert r.status_code == 200, r.content
    # then: the previous prices are back; the rows stay, marked cancelled
    assert _price_on(api, "2026-04-01") == {"PF": "8.50"}
    assert Item.objects.get(code="A001").sale_price == 10
    assert api.get("/items/A002/prices?date=2026-04-01").json()["items"] == []
    assert fetch(
        "SELECT COUNT(*), SUM(CASE WHEN cancelled THEN 1 ELSE 0 END) FROM catalog_levelprice "
        "WHERE document_id = %s",
        [doc_id],
    ) == [(2, 2)]  # the two level lines; the list price has no row
    assert api.get(f"/documents/{draft['number']}").json()["status"] == "cancelled"
    undone = _audit("A001")[audit_before + 2 :]
    assert [(b["price"], a["price"], a["cancelled"]) for _, b, a in undone] == [
        ("8.00", "8.50", draft["number"]),
        ("11.00", "10.00", draft["number"]),
    ]
    (reason,) = fetch(
        "SELECT reason FROM audit_auditentry WHERE object = %s AND action = 'cancel'",
        [draft["number"]],
    )[0]
    assert reason == "价格录错"


def test_a_later_change_stands_when_an_earlier_adjustment_is_cancelled(api, priced):
    # given: an approved adjustment, then the list price and the level price changed again
    first = _adjustment(api)
    api.post(f"/documents/{first['number']}/approve")
    api.put("/items/A001", {"sale_price": "12.00"})
    api.put("/items/A001/prices/PF", {"price": "7.80", "valid_from": "2026-05-01"})
    # when: the first is cancelled
    api.post(f"/documents/{first['number']}/cancel", {"reason": "撤销"})
    # then: the later list price and the later level price stand; April is back at 8.50
    assert Item.objects.get(code="A001").sale_price == 12
    assert _price_on(api, "2026-04-15") == {"PF": "8.50"}
    assert _price_on(api, "2026-05-15") == {"PF": "7.80"}


def test_list_prices_cannot_be_set_from_a_future_date_but_level_prices_can(api, priced):
    future = str(timezone.localdate() + dt.timedelta(days=7))
    listed = _adjustment(api, future, [{"item": "A001", "price": "12"}])
    r = api.post(f"/documents/{listed['number']}/approve")
    assert r.status_code == 422 and r.json()["error"]["details"]["field"] == "date"
    assert Item.objects.get(code="A001").sale_price == 10
    assert api.get(f"/documents/{listed['number']}").json()["status"] == "draft"
    level = _adjustment(api, future, [{"item": "A001", "level": "PF", "price": "7.50"}])
    assert api.post(f"/documents/{level['number']}/approve").status_code == 200
    assert _price_on(api, future) == {"PF": "7.50"}
    assert _price_on(api, str(timezone.localdate())) == {"PF": "8.50"}


def test_it_cannot_be_reversed(api, priced):
    doc = _adjustment(api)
    api.post(f"/documents/{doc['number']}/approve")
    r = api.post(f"/documents/{doc['number']}/reverse", {"reason": "x"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid"
    assert api.get(f"/documents/{doc['number']}").json()["status"] == "approved"


@pytest.mark.parametrize(
    "line,status,code,field",
    [
        ({"item": "A001", "level": "NOPE", "price": "1"}, 404, "not_found", None),
        ({"item": "A001", "unit": "箱", "price": "1"}, 422, "unknown_unit", "lines[0].unit"),
        ({"item": "A001", "qty": "1", "price": "1"}, 422, "invalid", "lines[0].qty"),
        ({"item": "A001"}, 422, "invalid", "lines[0].price"),
        ({"item": "A001", "price": "-1"}, 422, "invalid", "lines[0].price"),
        ({"item": "NOPE", "price": "1"}, 404, "not_found", None),
        (
            {"item": "A001", "price": "1", "discount": "1"},
            422,
            "unknown_field",
            "lines[0].discount",
        ),
    ],
)
def test_bad_lines_are_refused(api, priced, line, status, code, field):
    r = api.post("/documents", {"type": "price_adjustment", "date": "2026-04-01", "lines": [line]})
    assert (r.status_code, r.json()["error"]["code"]) == (status, code), r.content
    if field:
        assert r.json()["error"]["details"]["field"] == field


def test_the_same_price_twice_is_refused_and_a_level_on_a_stock_line_too(api, priced):
    twice = [{"item": "A001", "level": "PF", "price": "1"}] * 2
    r = api.post("/documents", {"type": "price_adjustment", "date": "2026-04-01", "lines": twice})
    assert r.status_code == 422 and r.json()["error"]["details"]["field"] == "lines[1].item"
    r = api.post(
        "/documents",
        {
            "type": "sales_order",
            "date": "2026-04-01",
            "partner": "C001",
            "warehouse": "WH1",
            "lines": [{"item": "A001", "qty": "1", "level": "PF"}],
        },
    )
    assert r.status_code == 422 and r.json()["error"]["details"]["field"] == "lines[0].level"
