"""No English reaches a Chinese user at the edges the error table does not cover: gunicorn's own
refusals (an over-long request line or header), the backups page's formats, the 对账单 Excel
export's headers, and the audit log's detail keys (every key the services write is labelled)."""

import ast
import datetime as dt
import io
import json
import re
from pathlib import Path

import pytest
from django.db import connection
from django.utils import translation
from gunicorn.http.errors import InvalidRequestLine, LimitRequestHeaders, LimitRequestLine
from openpyxl import load_workbook

import openjxc
from openjxc.audit.models import AuditEntry
from openjxc.backup.services import take_backup
from openjxc.catalog.services import create_price_level, set_level_price, update_item
from openjxc.closing.fix import fix_books
from openjxc.closing.services import close, reopen
from openjxc.core import server
from openjxc.documents.services import create_draft, delete_draft, update_draft
from openjxc.inventory.services import update_warehouse
from openjxc.partners.models import Partner
from openjxc.partners.services import update_partner
from openjxc.posting import corrections, money
from openjxc.posting.chain import cancel_chain
from openjxc.posting.engine import approve, cancel
from openjxc.posting.opening_balances import set_account_balances
from openjxc.posting.reversal import reverse
from openjxc.reports.sharing import create_link, revoke
from openjxc.users import admin
from openjxc.users.services import issue_token
from openjxc.web import audit_display
from openjxc.web.views_audit import AUDIT_ACTIONS
from tests.factories import doc

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
    # given a backup of the books (SQLite: the database file; PostgreSQL: a pg_dump file)
    take_backup("manual (web)", None)
    # when the administrator opens the backups page and the restore page
    html = admin_client.get("/backups/").content.decode()
    backup_id = re.search(r'data-id="([^"]+)"', html)[1]
    restore = admin_client.get(f"/backups/{backup_id}/restore/").content.decode()
    # then the format is named in Chinese, never the manifest's code
    code, name = ("sqlite", "SQLite 数据库文件")
    if connection.vendor == "postgresql":
        code, name = ("pg_dump", "PostgreSQL 备份文件（pg_dump）")
    for page in (html, restore):
        assert name in page
        assert f">{code}<" not in page and f"· {code}</p>" not in page
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


# --- the audit log's detail keys ------------------------------------------------------------


def _every_audited_action(user) -> None:
    """One of each kind of audit entry the services write (imports and restores are covered by
    the static check below)."""
    update_item(user, "A001", {"name": "商品甲", "spec": "500g"})
    create_price_level(user, {"code": "VIP", "name": "会员价"})
    set_level_price(user, "A001", "VIP", {"price": "8.00", "valid_from": "2026-03-01"})
    adjust = create_draft(
        user,
        {
            "type": "price_adjustment",
            "date": "2026-03-02",
            "lines": [{"item": "A001", "level": "VIP", "price": "7.50"}],
        },
    )[0]["number"]
    approve(user, adjust)
    cancel(user, adjust, "调错了")
    update_warehouse(user, "WH1", {"name": "主仓库"})
    update_partner(user, "customer", "C001", {"phone": "010-12345678", "payment_terms_days": 30})
    set_account_balances(
        user, [{"account": "1001", "debit": "100.00"}, {"account": "3001", "credit": "100.00"}]
    )
    close(user, "2026-01")
    reopen(user, "2026-01", "补录期初")
    # documents: create, edit, delete, approve, cancel, reverse, allocate, cancel chain
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    delivery = doc(user, "sales_delivery", "2026-03-02", [("A001", 2, "9.00")])
    draft = doc(user, "sales_delivery", "2026-03-03", [("A001", 1, "9.00")], approve_it=False)
    body = {"date": "2026-03-03", "partner": "C001", "warehouse": "WH1", "memo": "改一下"}
    update_draft(user, draft, {**body, "lines": [{"item": "A001", "qty": "2", "price": "9.00"}]})
    delete_draft(user, draft)
    wrong = doc(user, "sales_delivery", "2026-03-03", [("A001", 1, "9.00")])
    cancel(user, wrong, "录错了")
    rev = doc(user, "sales_delivery", "2026-03-04", [("A001", 1, "9.00")])
    reverse(user, rev, "客户退货", "2026-03-05")
    fixed = doc(user, "sales_delivery", "2026-03-04", [("A001", 1, "9.00")])
    line = {"item": "A001", "qty": "1", "price": "10.00"}
    corrected = {**body, "type": "sales_delivery", "date": "2026-03-04", "lines": [line]}
    correction = corrections.propose(user, fixed, "单价录错", corrected)
    corrections.approve(user, correction.id)
    corrections.undo(user, correction.id, "恢复原价")
    paid = doc(user, "receipt", "2026-03-06", [], partner="C001", amount="5.00")
    allocation = money.allocate(user, paid, delivery, "5.00")
    money.unallocate(user, allocation["id"])
    order = doc(user, "sales_order", "2026-03-07", [("A001", 2, "9.00")])
    cancel_chain(user, order, "客户取消")
    # the books, settings, roles, users, share links
    with connection.cursor() as cur:  # a cache out of step with its ledger, for the fix
        cur.execute("UPDATE inventory_stockbalance SET qty = qty + 1")
    fix_books(user)
    admin.update_settings(
        user,
        {
            "company_name": "演示公司",
            "price_includes_tax": "1",
            "oversell": "block",
            "api_token_days": "10",
            "approval_threshold.sales_delivery": "1000",
        },
    )
    role = admin.role_names()[1]
    admin.set_role_permissions(user, {role: ["edit_document"]})
    admin.create_user(user, {"username": "wang01", "password": "secret123", "roles": [role]})
    admin.update_user(user, "wang01", {"name": "小王", "warehouses": ["WH1"]})
    issue_token("wang01", "secret123")
    token = admin.list_tokens(user, "wang01")[0]["id"]
    admin.revoke_token(user, "wang01", token)
    admin.reset_password(user, "wang01", "secret456")
    link = create_link(
        user,
        Partner.objects.get(code="C001"),
        dt.date(2026, 3, 1),
        dt.date(2026, 3, 31),
    )
    revoke(user, link["id"])


def _keys(value, found: set) -> set:
    if isinstance(value, dict):
        for key, inner in value.items():
            found.add(key)
            _keys(inner, found)
    elif isinstance(value, list):
        for inner in value:
            _keys(inner, found)
    return found


def _unlabelled(keys, object_type: str) -> set:
    with translation.override("zh-hans"):
        return {k for k in keys if audit_display.key_label(k, object_type) == k}


@pytest.mark.django_db
def test_every_key_the_services_audit_is_labelled_in_chinese(api, user, backups_in_tmp, client):
    # given one entry of every kind the services write (one setting changed through the API),
    # made by someone using the English UI (documents store their type's name as they see it)
    with translation.override("en"):
        _every_audited_action(user)
    for key, value in (("backup_retention", "5"), ("oversell", "warn")):
        assert api.put(f"/settings/{key}", {"value": value}).status_code == 200
    entries = list(AuditEntry.objects.all())
    actions = {e.action for e in entries}
    assert {"price", "setting", "reconcile_fix", "cancel_chain", "share_statement"} <= actions
    # then every action, object kind and detail key has its Chinese label
    assert actions <= set(AUDIT_ACTIONS), actions - set(AUDIT_ACTIONS)
    unlabelled = set()
    for e in entries:
        if e.object_type != "roles":  # its keys are role names
            unlabelled |= {(e.object_type, k) for k in _unlabelled(_keys(e.before, set()), "")}
            unlabelled |= {(e.object_type, k) for k in _unlabelled(_keys(e.after, set()), "")}
        with translation.override("zh-hans"):
            assert CHINESE.search(audit_display.object_kind(e.object_type)), e.object_type
    assert not unlabelled, sorted(unlabelled)
    # and the audit page shows no code as it is stored
    client.force_login(user)
    cells = []
    for page in range(1, len(entries) // 50 + 2):
        html = client.get(f"/audit/?page={page}").content.decode()
        cells += re.findall(r'<code class="json">(.*?)</code>', html, re.S)
        cells += re.findall(r"<strong>(.*?)</strong>", html, re.S)  # the objects
    assert len(cells) >= 3 * len(entries)
    raw = {w for cell in cells for w in RAW.findall(cell) if not re.fullmatch(r"[a-f]+", w)}
    assert not raw, raw  # (a backup id or digest may hold a run of hex letters)
    assert "备份保留份数" in cells and "销售订单超出可用库存: 提醒但允许" in cells


def _record_calls():
    """(file, action literal, object_type literal, before/after dict-literal keys) of every
    audit write in the sources."""
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            func = getattr(node, "func", None)
            if not isinstance(node, ast.Call) or getattr(func, "id", None) != "record":
                continue
            literal = [a.value if isinstance(a, ast.Constant) else None for a in node.args[1:3]]
            keys = {
                k.value
                for kw in node.keywords
                if kw.arg in ("before", "after")
                for d in ast.walk(kw.value)
                if isinstance(d, ast.Dict)
                for k in d.keys
                if isinstance(k, ast.Constant)
            }
            yield path.relative_to(PACKAGE).as_posix(), *literal, keys


def test_every_audit_write_in_the_sources_is_labelled():
    calls = list(_record_calls())
    assert len(calls) >= 30
    for where, action, object_type, keys in calls:
        assert action is None or action in AUDIT_ACTIONS, (where, action)
        if object_type is not None:
            with translation.override("zh-hans"):
                assert CHINESE.search(audit_display.object_kind(object_type)), (where, object_type)
        assert not _unlabelled(keys, object_type or ""), (where, _unlabelled(keys, ""))
