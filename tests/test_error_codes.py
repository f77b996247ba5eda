"""Registered error codes: every code a service raises has a status and a user sentence in one
table (core/error_codes.py); the API and the pages derive from it, and no English reaches a
Chinese user."""

import re
from pathlib import Path

import pytest
from django.utils import translation

import openjxc
from openjxc.core.error_codes import CODES, DESCRIBERS, INVALID_KINDS, describe, status_of
from openjxc.core.errors import DomainError
from openjxc.core.numbers import parse_decimal
from openjxc.web.errors import error_message

PACKAGE = Path(openjxc.__file__).resolve().parent
RAISED = re.compile(r"""DomainError\(\s*["'](\w+)["']""")
WARNED = re.compile(r"""["']code["']:\s*["'](\w+)["'],\s*["']message["']""")
CHINESE = re.compile(r"[\u4e00-\u9fff]")
NAMES = re.compile(r"Excel|xlsx|jxc restore")  # product and command names stay as they are


def english(text: str) -> list[str]:
    return re.findall(r"[A-Za-z]{3,}", NAMES.sub("", text))


# The statuses of the API contract before the table existed (STATUS_BY_CODE and its fallback).
CONTRACT = {
    "invalid": 422,
    "reason_required": 422,
    "invalid_number": 422,
    "invalid_date": 422,
    "invalid_tax_rate": 422,
    "invalid_range": 422,
    "too_long": 422,
    "price_mismatch": 422,
    "invalid_text": 422,
    "restore_failed": 422,
    "invalid_file": 422,
    "invalid_password": 422,
    "not_found": 404,
    "forbidden": 403,
    "unauthorized": 401,
    "locked": 429,
    "too_many_attempts": 429,
    "too_large": 413,
    "uri_too_long": 414,
    "method_not_allowed": 405,
    "duplicate_code": 409,
    "wrong_status": 409,
    "period_closed": 409,
    "insufficient_stock": 409,
    "has_dependents": 409,
    "exceeds_source": 409,
    "exceeds_available": 409,
    "reserved_for_orders": 409,
    "version_conflict": 409,
    "already_closed": 409,
    "previous_period_open": 409,
    "close_check_failed": 409,
    "not_latest_closed": 409,
    "idempotency_conflict": 409,
    "second_approver_required": 409,
    "exceeds_open_amount": 409,
    "restore_timeout": 409,
    "duplicate_opening": 409,
    "credit_limit_exceeded": 409,
}


def raised_codes() -> set[str]:
    """Every code a module raises or warns with (DomainError("…") and {"code": "…", "message"})."""
    found = set()
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        found |= set(RAISED.findall(text)) | set(WARNED.findall(text))
    return found


def test_given_the_sources_then_every_raised_code_is_registered():
    codes = raised_codes()
    assert {"invalid", "wrong_status", "invalid_file", "second_approver_required"} <= codes
    assert not codes - set(CODES), f"unregistered error codes: {sorted(codes - set(CODES))}"


def test_given_the_table_then_the_http_statuses_are_those_of_the_contract():
    assert {code: status_of(code) for code in CONTRACT} == CONTRACT
    assert DomainError("second_approver_required", "x").status == 409


@pytest.mark.parametrize("code", sorted(CODES))
def test_given_a_code_when_shown_in_chinese_then_its_sentence_is_translated(code):
    message = CODES[code].message
    with translation.override("zh-hans"):
        chinese = translation.gettext(message)
        filled = describe(code, {})
    assert chinese != message and CHINESE.search(chinese), f"{code}: no zh-hans for {message!r}"
    assert not english(filled), f"{code}: English in {filled!r}"
    if code in DESCRIBERS:  # its own describer (wrong_status: the workflow's, tested there)
        return
    with translation.override("en"):
        given = {"field": "amount"}
        assert describe(code, given) == message % CODES[code].params(given)


@pytest.mark.parametrize("kind", sorted(INVALID_KINDS))
def test_given_an_invalid_kind_then_its_sentence_is_translated(kind):
    with translation.override("zh-hans"):
        text = describe("invalid", {"field": "lines[2].qty"}, kind)
    assert CHINESE.search(text) and not english(text), text


@pytest.mark.parametrize(
    ("value", "field", "expected"),
    [
        ("-1", "lines[0].qty", "第 1 行数量不能为负数。"),
        (None, "amount", "请填写金额。"),
        ("1.23456", "lines[1].price", "第 2 行单价的小数位数过多。"),
        ("1" * 14, "amount", "金额数值过大。"),
    ],
)
def test_given_a_bad_number_when_a_page_shows_it_then_the_sentence_is_chinese(
    value, field, expected
):
    with pytest.raises(DomainError) as refused:
        parse_decimal(value, field, 4 if "qty" in field or "price" in field else 2)
    with translation.override("zh-hans"):
        assert error_message(refused.value) == expected
    assert refused.value.message.startswith(field)  # the API keeps its English message


def test_given_an_unknown_field_or_none_then_the_page_still_speaks_chinese():
    with translation.override("zh-hans"):
        assert error_message(DomainError("invalid", "body must be a JSON object")) == "输入有误。"
        line = error_message(DomainError("invalid", "item A is counted twice", {"line": 3}))
        assert line.startswith("第 3 行") and not english(line)
        assert "Invalid input" not in error_message(DomainError("invalid_file", "not an .xlsx"))


@pytest.mark.django_db
def test_given_an_api_client_when_a_rule_is_broken_then_code_status_and_details_are_kept(api):
    r = api.post("/items", {"code": "X1", "name": "  ", "unit": "个"})
    err = r.json()["error"]
    assert r.status_code == 422 and err["code"] == "invalid"
    # the message is the registered sentence, Chinese by default (tests/test_api_language.py)
    assert err["message"] == "请填写名称。" and err["details"] == {"field": "name"}


# ---------------------------------------------------------------- pages a Chinese user reads


@pytest.mark.django_db
def test_given_a_missing_page_then_the_404_is_chinese_inside_the_layout(client, user):
    client.force_login(user)
    r = client.get("/no-such-page/")
    html = r.content.decode()
    assert r.status_code == 404 and "页面不存在" in html and 'id="menu"' in html
    assert "Not Found" not in html


@pytest.mark.django_db
def test_given_a_permission_denied_then_the_403_is_chinese_inside_the_layout(rf, user):
    from django.core.exceptions import PermissionDenied
    from django.views.defaults import permission_denied

    request = rf.get("/somewhere/")
    request.user = user
    with translation.override("zh-hans"):
        html = permission_denied(request, PermissionDenied()).content.decode()
    assert "没有权限" in html or "无权" in html
    assert "403 Forbidden" not in html and 'id="forbidden"' in html


@pytest.mark.parametrize(
    ("reason", "expected"),
    [
        ("before closing 2026-11", "结账前备份（2026-11 期）"),
        ("before reopening 2026-11", "反结账前备份（2026-11 期）"),
        ("manual (web)", "手动备份（网页）"),
        ("manual", "手动备份"),
    ],
)
def test_given_a_backup_reason_then_it_is_shown_in_chinese(reason, expected):
    from openjxc.backup.services import reason_label

    with translation.override("zh-hans"):
        assert reason_label(reason) == expected


@pytest.mark.django_db
def test_given_a_draft_in_the_period_then_the_close_check_speaks_only_chinese(
    user, settings, tmp_path
):
    from openjxc.closing.services import close_check
    from tests.factories import doc

    settings.DATA_DIR = tmp_path / "books"
    doc(user, "purchase_receipt", "2026-01-20", [("A002", 1, "3.00")], approve_it=False)
    with translation.override("zh-hans"):
        problem = close_check("2026-01")["problems"][0]
    assert problem["check"] == "drafts_in_period"
    assert problem["message"] == "1 张草稿单据日期在本期内"
    assert problem["action"] == "审核或删除这些草稿。"


def test_given_an_audit_entry_with_utc_times_then_the_page_shows_local_time(settings):
    from openjxc.web.audit_display import readable

    settings.TIME_ZONE = "Asia/Shanghai"
    with translation.override("zh-hans"):
        shown = readable({"status": "closed", "closed_at": "2026-11-30T10:05:00+00:00"})
        assert shown == "状态: 已关闭; 结账时间: 2026-11-30 18:05:00"
        assert readable({"steps": [{"at": "2026-01-01T00:00:00Z"}]}) == (
            "步骤: （at: 2026-01-01 08:00:00）"
        )
    assert readable(None) == ""
