"""Issue 9, items 6, 7, 13 and 14: tokens that expire and die with the password, a per-client
login throttle, no framing and a content security policy, logout only by POST, and every API
refusal (oversized body, unstorable text, unknown path, over-long request line) in the JSON
error body."""

import socket

import pytest
from django.test import Client

from openjxc.documents.models import Document
from tests.test_api_errors import assert_error, refused

# --- item 13: NUL and lone surrogates --------------------------------------------------------


@pytest.mark.parametrize("text", ['"a\\ud800b"', '"a\\udfffb"', '"a\\u0000b"'])
def test_unstorable_text_in_a_document_is_refused_with_422(api, client, text):
    # given a document body whose line memo holds a lone surrogate or a NUL (raw JSON escapes)
    body = ('{"type": "purchase_receipt", "date": "2026-03-01", "partner": "S001", '
            '"warehouse": "WH1", "lines": [{"item": "A001", "qty": "1", "price": "1.00", '
            f'"memo": {text}}}]}}')

    def call():
        return client.post("/api/v1/documents", data=body, content_type="application/json",
                           **api.headers)

    # when it is posted / then 422 invalid_text naming the field, and nothing is created
    err = refused(call, 422, "invalid_text")
    assert err["details"] == {"field": "lines.0.memo"}
    assert Document.objects.count() == 0


def test_unstorable_text_in_a_key_or_master_data_is_refused(api, client):
    body = '{"code": "X\\u0000", "name": "n", "unit": "个"}'
    err = refused(lambda: client.post("/api/v1/items", data=body, content_type="application/json",
                                      **api.headers), 422, "invalid_text")
    assert err["details"] == {"field": "code"}
    body = '{"code": "X1", "name": "n", "unit": "个", "\\ud800": 1}'
    refused(lambda: client.post("/api/v1/items", data=body, content_type="application/json",
                                **api.headers), 422, "invalid_text")


def test_ordinary_chinese_and_emoji_text_still_passes(api):
    r = api.post("/items", {"code": "X2", "name": "苹果 🍎", "unit": "个"})
    assert r.status_code == 201, r.content
    assert r.json()["name"] == "苹果 🍎"


# --- item 14: JSON errors for size, unknown paths and long request lines ---------------------


def test_a_body_over_the_limit_answers_413_too_large(api, client, settings):
    big = '{"code": "X3", "name": "' + "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10) + '"}'
    err = refused(lambda: client.post("/api/v1/items", data=big, content_type="application/json",
                                      **api.headers), 413, "too_large")
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


@pytest.fixture
def served(tmp_path):
    """A real `jxc serve` (gunicorn with the project's worker) on fresh books."""
    from tests.test_server import Server, jxc

    data_dir = tmp_path / "books"
    result = jxc("init", "--data-dir", str(data_dir), "--admin-user", "admin",
                 "--admin-password", "admin123")
    assert result.returncode == 0, result.stderr
    server = Server(data_dir, [], tmp_path / "serve.log")
    server.start()
    yield server
    server.stop()


def _raw(port: int, request: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(request)
        chunks = []
        while chunk := s.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_served_limits_answer_in_the_json_error_body(served):
    from openjxc.core.server import MAX_REQUEST_LINE

    # an over-long request line: gunicorn refuses it, in the API's error format
    answer = _raw(served.port, b"GET /api/v1/items?q=" + b"a" * (MAX_REQUEST_LINE + 100)
                  + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 414"), answer[:300]
    assert b"application/json" in head
    assert b'"code": "uri_too_long"' in body
    # a line just inside the limit reaches Django (401: no token), also as JSON
    line = b"GET /api/v1/items?q=" + b"a" * 6000 + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    assert _raw(served.port, line).startswith(b"HTTP/1.1 401")
    # a 10 MB body: 413 too_large, read no further than its Content-Length header
    size = 10 * 1024 * 1024
    with socket.create_connection(("127.0.0.1", served.port), timeout=30) as s:
        s.sendall(b"POST /api/v1/items HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  + f"Content-Length: {size}\r\nConnection: close\r\n\r\n".encode() + b"{" * 65536)
        answer = b"".join(iter(lambda: s.recv(65536), b""))
    assert answer.startswith(b"HTTP/1.1 413"), answer[:300]
    assert b'"too_large"' in answer
