"""No English reaches a Chinese user at the edges the error table does not cover: gunicorn's own
refusals (an over-long request line or header), the backups page's formats, the 对账单 Excel
export's headers, and the audit log's detail keys (every key the services write is labelled)."""

import io
import json
import re
from pathlib import Path

from django.utils import translation
from gunicorn.http.errors import InvalidRequestLine, LimitRequestHeaders, LimitRequestLine
from openpyxl import load_workbook

import openjxc
from openjxc.backup.services import take_backup
from openjxc.core import server

PACKAGE = Path(openjxc.__file__).resolve().parent
CHINESE = re.compile(r"[\u4e00-\u9fff]")
# an identifier as code writes it (sales_delivery, tax_rate, manual) or a bare English word
RAW = re.compile(r"\b[a-z]{3,}(?:_[a-z]+)*\b")


# --- gunicorn's refusals --------------------------------------------------------------------


def _answer(exc) -> tuple[str, dict]:
    head, _, body = server.refusal(exc).partition(b"\r\n\r\n")
    assert int(re.search(rb"Content-Length: (\d+)", head)[1]) == len(body)
    assert b"application/json; charset=utf-8" in head
    return head.split(b"\r\n")[0].decode(), json.loads(body)


def test_an_over_long_request_line_is_refused_in_chinese():
    # given a request line gunicorn refuses before Django (and its language choice) sees it
    # when the worker answers it
    status, body = _answer(LimitRequestLine(9000, server.MAX_REQUEST_LINE))
    # then in the API's error format, the message in the books' language (Chinese)
    assert status == "HTTP/1.1 414 URI Too Long"
    assert body["error"]["code"] == "uri_too_long"
    assert body["error"]["details"] == {"limit": 8190}
    assert body["error"]["message"] == "网址超过 8190 字节：请缩短搜索或筛选条件。"


def test_an_over_long_header_is_refused_in_chinese():
    status, body = _answer(LimitRequestHeaders("limit request headers fields size"))
    assert status == "HTTP/1.1 431 Request Header Fields Too Large"
    assert body["error"]["code"] == "headers_too_large"
    assert body["error"]["message"].startswith("浏览器发送的请求头超过 16380 字节")
    assert not re.search(r"[A-Za-z]{3,}", body["error"]["message"])


def test_other_malformed_requests_are_left_to_gunicorn():
    assert server.refusal(InvalidRequestLine("GET")) is None


def test_jxc_serve_gives_gunicorn_the_generous_limits_and_the_worker(monkeypatch):
    seen = {}

    class App:
        def __init__(self, options):
            seen.update(options)

        def run(self):
            pass

    monkeypatch.setattr(server, "_App", App)
    server.serve("127.0.0.1", 8000, 1)
    assert seen["limit_request_line"] == 8190  # gunicorn's largest bounded value
    assert seen["limit_request_field_size"] == 16380
    assert seen["worker_class"] == "openjxc.core.server.JsonErrorWorker"


# --- the backups page -----------------------------------------------------------------------


def test_the_backups_page_names_the_format_in_chinese(admin_client, backups_in_tmp):
    # given a backup of the (SQLite) books
    take_backup("manual (web)", None)
    # when the administrator opens the backups page and the restore page
    html = admin_client.get("/backups/").content.decode()
    backup_id = re.search(r'data-id="([^"]+)"', html)[1]
    restore = admin_client.get(f"/backups/{backup_id}/restore/").content.decode()
    # then the format is named in Chinese, never the manifest's code
    for page in (html, restore):
        assert "SQLite 数据库文件" in page
        assert ">sqlite<" not in page and "· sqlite</p>" not in page
    assert "手动备份（网页）" in html


def test_a_full_export_backup_is_named_in_chinese():
    with translation.override("zh-hans"):
        assert admin_format("json") == "完整导出（压缩的 JSON）"
    with translation.override("en"):
        assert admin_format("json") == "Full export (compressed JSON)"


def admin_format(code: str) -> str:
    from openjxc.backup.services import format_label

    return format_label(code)


# --- the 对账单 export ----------------------------------------------------------------------


def _statement_sheet(client) -> list[list]:
    r = client.get(
        "/reports/statements/?kind=customer&partner=C001&from=2026-03-01&to=2026-03-31&format=xlsx"
    )
    assert r.status_code == 200, r.content[:300]
    ws = load_workbook(io.BytesIO(r.content)).active
    return [[c.value for c in row] for row in ws.iter_rows()]


def test_the_statement_export_is_headed_in_chinese(admin_client, trade):
    # given a customer with a delivery and a receipt in March
    # when a Chinese user exports the 对账单
    rows = _statement_sheet(admin_client)
    # then the title, the headers and the coded cells are Chinese
    assert rows[0][0] == "对账单"
    header = next(r for r in rows if r[0] == "日期")
    assert header[:6] == ["日期", "单据编号", "类型", "应收/应付", "金额", "余额"]
    body = rows[rows.index(header) + 1 :]
    assert {r[2] for r in body if r[2]} == {"销售出库单", "收款单"}
    assert {r[3] for r in body if r[3]} == {"应收"}


def test_the_statement_export_follows_the_english_ui(admin_client, trade):
    admin_client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    rows = _statement_sheet(admin_client)
    assert rows[0][0] == "Statement"
    header = next(r for r in rows if r[0] == "Date")
    assert header[:6] == ["Date", "Document", "Type", "Receivable or payable", "Amount", "Balance"]
    body = rows[rows.index(header) + 1 :]
    assert {r[3] for r in body if r[3]} == {"receivable"}
    assert not any(CHINESE.search(str(c)) for r in [header, *body] for c in r[:6] if c)
