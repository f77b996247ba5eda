"""The language of the JSON API's messages: the registered sentence of each error code in Chinese
(LANGUAGE_CODE zh-hans) unless the client sends `Accept-Language: en`, then in English; codes,
statuses and details are the same in both."""

import re

import pytest

pytestmark = pytest.mark.django_db

CHINESE = re.compile(r"[\u4e00-\u9fff]")
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def call(api, method, path, body=None, **headers):
    """An API call with extra headers (the `api` fixture's token kept)."""
    api.headers.update(headers)
    try:
        return getattr(api, method)(path, *([] if body is None else [body]))
    finally:
        for key in headers:
            api.headers.pop(key)


def english_words(text: str) -> list[str]:
    return re.findall(r"[A-Za-z]{3,}", text)


def receipt(api, qty="10", approve=True) -> str:
    r = api.post(
        "/documents",
        {
            "type": "purchase_receipt",
            "date": "2026-03-01",
            "partner": "S001",
            "warehouse": "WH1",
            "lines": [{"item": "A001", "qty": qty, "price": "5.00"}],
        },
    )
    assert r.status_code == 201, r.content
    number = r.json()["number"]
    if approve:
        assert api.post(f"/documents/{number}/approve").status_code == 200
    return number


def test_given_no_language_when_a_draft_is_cancelled_then_wrong_status_is_chinese(api):
    # given a draft receipt
    number = receipt(api, approve=False)
    # when a client without Accept-Language cancels it
    r = api.post(f"/documents/{number}/cancel", {"reason": "不要了"})
    # then 409 wrong_status names the status and what can be done, in Chinese only
    err = r.json()["error"]
    assert r.status_code == 409 and err["code"] == "wrong_status"
    assert "草稿" in err["message"] and "审核" in err["message"]
    assert english_words(err["message"]) == []
    assert err["details"]["status"] == "draft"


def test_given_accept_language_en_when_a_draft_is_cancelled_then_wrong_status_is_english(api):
    number = receipt(api, approve=False)
    # when the client asks for English
    r = call(api, "post", f"/documents/{number}/cancel", {"reason": "x"}, **EN)
    # then the same code, status and details, the sentence in English
    err = r.json()["error"]
    assert r.status_code == 409 and err["code"] == "wrong_status"
    assert err["message"] == (
        "Cannot cancel: the document is draft. What can be done now: approve, edit, delete."
    )
    assert not CHINESE.search(err["message"])
    assert err["details"]["status"] == "draft"


@pytest.mark.parametrize(
    ("headers", "expected"),
    [({}, "请填写名称。"), (EN, "Please fill in Name.")],
)
def test_given_a_missing_field_then_the_message_follows_the_language(api, headers, expected):
    r = call(api, "post", "/items", {"code": "X1", "name": "  ", "unit": "个"}, **headers)
    err = r.json()["error"]
    assert r.status_code == 422 and err["code"] == "invalid"
    assert err["message"] == expected and err["details"] == {"field": "name"}


def test_given_a_negative_line_quantity_then_the_line_and_field_are_named_in_chinese(api):
    r = api.post(
        "/documents",
        {
            "type": "purchase_receipt",
            "date": "2026-03-01",
            "partner": "S001",
            "warehouse": "WH1",
            "lines": [{"item": "A001", "qty": "-1", "price": "5.00"}],
        },
    )
    err = r.json()["error"]
    assert r.status_code == 422 and err["details"]["field"] == "lines[0].qty"
    assert err["message"] == "第 1 行数量不能为负数。"


def test_given_an_unknown_field_then_it_is_named_in_either_language(api):
    body = {"code": "X1", "name": "新品", "unit": "个", "categroy": "饮料"}
    zh = api.post("/items", body).json()["error"]
    en = call(api, "post", "/items", body, **EN).json()["error"]
    assert zh["code"] == en["code"] == "unknown_field"
    assert zh["details"] == en["details"] == {"field": "categroy", "fields": ["categroy"]}
    assert "categroy" in zh["message"] and CHINESE.search(zh["message"])
    assert en["message"] == "The field categroy is not known here (a typo?); nothing was saved."


def test_given_a_body_ninja_refuses_then_the_fields_are_named_in_chinese(api):
    # given a line quantity that is not a string or number (ninja's schema refuses it)
    r = api.post(
        "/documents",
        {"type": "purchase_receipt", "date": "2026-03-01", "lines": [{"item": "A001", "qty": []}]},
    )
    err = r.json()["error"]
    assert r.status_code == 422 and err["code"] == "invalid"
    assert "第 1 行数量" in err["message"] and english_words(err["message"]) == []
    assert err["details"]["problems"][0]["field"].startswith("lines.0.qty")


def test_given_refusals_before_any_endpoint_then_they_follow_the_language_too(api, client):
    # a NUL in a text field is refused by the middleware, before the locale is set up
    body = {"code": "X1", "name": "a\u0000b", "unit": "个"}
    zh = api.post("/items", body).json()["error"]
    en = call(api, "post", "/items", body, **EN).json()["error"]
    assert zh["code"] == en["code"] == "invalid_text" and zh["details"] == {"field": "name"}
    assert CHINESE.search(zh["message"]) and not CHINESE.search(en["message"])
    # an unknown endpoint and a missing token
    assert CHINESE.search(api.get("/no-such-thing").json()["error"]["message"])
    missing = client.get("/api/v1/items").json()["error"]
    assert missing["code"] == "unauthorized" and "Authorization: Bearer" in missing["message"]
    assert CHINESE.search(missing["message"])
    en = client.get("/api/v1/items", HTTP_ACCEPT_LANGUAGE="en").json()["error"]["message"]
    assert en == "authentication required: send Authorization: Bearer <token>"


def test_given_an_order_beyond_stock_then_the_warning_follows_the_language(api):
    # given no stock of A001, a sales order for 5
    def order():
        r = api.post(
            "/documents",
            {
                "type": "sales_order",
                "date": "2026-03-01",
                "partner": "C001",
                "warehouse": "WH1",
                "lines": [{"item": "A001", "qty": "5", "price": "9.00"}],
            },
        )
        return r.json()["number"]

    # when it is approved, then the warning is Chinese by default and English on request
    zh = api.post(f"/documents/{order()}/approve").json()["warnings"]
    en = call(api, "post", f"/documents/{order()}/approve", **EN).json()["warnings"]
    assert [w["code"] for w in zh] == [w["code"] for w in en] == ["exceeds_available"]
    assert "A001" in zh[0]["message"] and "可用" in zh[0]["message"]
    assert en[0]["message"].startswith("Not enough available stock of A001 in WH1")


def test_given_a_damaged_cache_then_reconcile_reports_in_the_language_asked(api):
    from django.db import connection

    # given a receipt whose balance cache was tampered with
    receipt(api)
    with connection.cursor() as cur:
        cur.execute("UPDATE inventory_stockbalance SET qty = qty + 10000")
    # when reconcile is asked in Chinese and in English
    zh = api.get("/reconcile").json()["problems"][0]
    en = call(api, "get", "/reconcile", **EN).json()["problems"][0]
    # then the same check, the sentence in each language
    assert zh["check"] == en["check"] == "stock_cache"
    assert zh["message"] == "A001 @ WH1 的库存余额为 11 / 50.00，库存明细合计为 10 / 50.00"
    assert (
        en["message"] == "stock balance of A001 @ WH1 is 11 / 50.00 but the ledger says 10 / 50.00"
    )
