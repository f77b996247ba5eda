"""Refusals before any view, in the JSON error body of API.md: text no database can store (NUL,
lone surrogates), bodies over the size limit, unknown paths and wrong methods, malformed or odd
bodies and lookups — answered with their code, never a 500, and nothing changed."""

import pytest
from django.test import Client

from openjxc.documents.models import Document

from .factories import (
    _line,
    assert_error,
    receipt_body,
    refused,
    snapshot,
)


@pytest.mark.parametrize("text", ['"a\\ud800b"', '"a\\udfffb"', '"a\\u0000b"'])
def test_unstorable_text_in_a_document_is_refused_with_422(api, client, text):
    # given a document body whose line memo holds a lone surrogate or a NUL (raw JSON escapes)
    body = (
        '{"type": "purchase_receipt", "date": "2026-03-01", "partner": "S001", '
        '"warehouse": "WH1", "lines": [{"item": "A001", "qty": "1", "price": "1.00", '
        f'"memo": {text}}}]}}'
    )

    def call():
        return client.post(
            "/api/v1/documents", data=body, content_type="application/json", **api.headers
        )

    # when it is posted / then 422 invalid_text naming the field, and nothing is created
    err = refused(call, 422, "invalid_text")
    assert err["details"] == {"field": "lines.0.memo"}
    assert Document.objects.count() == 0


def test_unstorable_text_in_a_key_or_master_data_is_refused(api, client):
    body = '{"code": "X\\u0000", "name": "n", "unit": "个"}'
    err = refused(
        lambda: client.post(
            "/api/v1/items", data=body, content_type="application/json", **api.headers
        ),
        422,
        "invalid_text",
    )
    assert err["details"] == {"field": "code"}
    body = '{"code": "X1", "name": "n", "unit": "个", "\\ud800": 1}'
    refused(
        lambda: client.post(
            "/api/v1/items", data=body, content_type="application/json", **api.headers
        ),
        422,
        "invalid_text",
    )


def test_a_nul_in_a_page_form_is_refused_in_chinese_and_changes_nothing(user, admin_client):
    from openjxc.catalog.models import Item

    r = admin_client.post(
        "/items/new/",
        {"code": "N1", "name": "坏\x00名", "unit": "个", "tax_rate": "0.13"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert r.status_code == 422
    assert "无法保存的字符" in r.content.decode()
    assert not Item.objects.filter(code="N1").exists()


def test_ordinary_chinese_and_emoji_text_still_passes(api):
    r = api.post("/items", {"code": "X2", "name": "苹果 🍎", "unit": "个"})
    assert r.status_code == 201, r.content
    assert r.json()["name"] == "苹果 🍎"


def test_a_body_over_the_limit_answers_413_too_large(api, client, settings):
    big = '{"code": "X3", "name": "' + "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10) + '"}'
    err = refused(
        lambda: client.post(
            "/api/v1/items", data=big, content_type="application/json", **api.headers
        ),
        413,
        "too_large",
    )
    assert err["details"] == {"limit": settings.DATA_UPLOAD_MAX_MEMORY_SIZE}


@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete"])
def test_unknown_api_path_is_a_json_404_for_every_method_despite_csrf(user, method):
    # given a browser-like client that enforces CSRF and holds a session cookie
    c = Client(enforce_csrf_checks=True)
    c.force_login(user)
    # when it calls a path that does not exist under /api/v1/
    body = {} if method == "get" else {"data": "{}", "content_type": "application/json"}
    r = getattr(c, method)("/api/v1/no-such-thing", **body)
    # then 404 not_found in the JSON error body (not Django's CSRF page)
    assert_error(r, 404, "not_found")


def test_404_unknown_endpoint_is_json(api):
    refused(lambda: api.get("/no-such-thing"), 404, "not_found")
    refused(lambda: api.post("/documents/x/y/z", {}), 404, "not_found")


ODD_BODIES = [
    receipt_body(partner="S\x00"),
    receipt_body(warehouse="W\x00"),
    receipt_body(memo="备注\x00"),
    receipt_body(external_ref="ref\x00"),
    receipt_body(lines=_line(item="A\x00")),
    receipt_body(lines=_line(qty=1e300)),
    receipt_body(lines=_line(qty=10**40)),
    receipt_body(lines=_line(price="1e-30")),
    receipt_body(lines=_line(source_line=10**30)),
    receipt_body(lines=_line(tax_rate="-0.1")),
    receipt_body(date="9999-99-99"),
    receipt_body(date=""),
    receipt_body(type=None),
    receipt_body(lines=[None]),
    receipt_body(lines=[[]]),
    receipt_body(memo="m" * 5000),
    {
        "type": "stock_count",
        "date": "2026-03-01",
        "warehouse": "WH1",
        "lines": [{"item": "A001", "qty": "0"}],
    },
]


@pytest.mark.parametrize("n", range(len(ODD_BODIES)))
def test_odd_bodies_never_500(api, n):
    before = snapshot()
    r = api.post("/documents", ODD_BODIES[n])  # the test client re-raises a server error
    assert r.status_code < 500, r.content
    if r.status_code != 201:
        assert_error(r, r.status_code, r.json()["error"]["code"])
        assert snapshot() == before


def test_odd_lookups_never_500(api):
    for path in (
        "/items/A%00",
        "/documents/X%00",
        "/items?search=%00",
        "/customers/C%00",
        "/stock?item=A%00",
        "/documents?partner=%00",
        "/audit?object=%00",
        "/warehouses/" + "W" * 5000,
        "/documents?limit=99999999999999999999999",
    ):
        r = api.get(path)
        assert r.status_code < 500, (path, r.content)
    r = api.post("/auth/token", {"username": "a\x00", "password": "x"})
    assert r.status_code in (401, 422)
    r = api.post("/documents/X%00/cancel", {"reason": "x\x00"})
    assert r.status_code in (404, 422)


def test_wrong_method_is_json(api):
    r = api.put("/documents", {"x": 1})
    assert r.status_code == 405 and r.json()["error"]["code"] == "method_not_allowed"
    r = api.get("/reports/trial-balance?period=9999-12")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
