"""Manual vouchers (记账凭证): a draft of typed account lines, approved (by a second user where
maker ≠ checker is set), cancelled and reversed like every document; it posts exactly its
lines. Unbalanced, a subledger's account, a parent account or an unknown one are refused and
change nothing."""

import re

import pytest

from openjxc.core.services import set_setting
from openjxc.ledger.accounts import add_account

from .factories import As, assert_error, person, post, reconciled, refused, vouchers_of

pytestmark = pytest.mark.usefixtures("backups_in_tmp", "depreciation_account")


@pytest.fixture
def depreciation_account(user):
    """管理费用—折旧费: 5602 itself has sub-accounts (the seeded expense types), so a voucher
    posts to a leaf under it."""
    add_account(user, {"code": "560230", "name": "折旧费", "parent": "5602"})


DEPRECIATION = {
    "date": "2026-03-31",
    "memo": "计提折旧",
    "lines": [
        {"account": "560230", "debit": "1200.00", "memo": "管理部门折旧"},
        {"account": "1602", "credit": "1200.00"},
    ],
}


def test_post_approve_and_the_voucher_is_exactly_its_lines(api):
    d = post(api, "/vouchers", DEPRECIATION, 201)
    assert d["status"] == "draft" and d["number"].startswith("JZPZ") and d["amount"] == "1200.00"
    assert [
        (ln["account"], ln["debit"], ln["credit"], ln["memo"]) for ln in d["account_lines"]
    ] == [
        ("560230", "1200.00", "0.00", "管理部门折旧"),
        ("1602", "0.00", "1200.00", ""),
    ]
    assert vouchers_of(d["number"]) == []  # a draft posts nothing
    post(api, f"/vouchers/{d['number']}/approve")
    assert vouchers_of(d["number"]) == ["借 560230 折旧费 1200.00 / 贷 1602 累计折旧 1200.00"]
    listed = api.get("/vouchers?status=approved").json()
    assert listed["count"] == 1 and listed["items"][0]["number"] == d["number"]
    reconciled(api)


def test_edit_a_draft_then_cancel_and_reverse(api):
    d = post(api, "/vouchers", DEPRECIATION, 201)
    body = {
        **DEPRECIATION,
        "lines": [
            {"account": "560301", "debit": "15.00", "memo": "手续费"},
            {"account": "1001", "credit": "15.00"},
        ],
    }
    r = api.put(f"/vouchers/{d['number']}", body)
    assert r.status_code == 200 and r.json()["amount"] == "15.00"
    post(api, f"/documents/{d['number']}/approve")
    assert vouchers_of(d["number"]) == ["借 560301 手续费 15.00 / 贷 1001 库存现金 15.00"]
    # an approved voucher is no longer edited
    assert_error(api.put(f"/vouchers/{d['number']}", body), 409, "wrong_status")
    post(api, f"/documents/{d['number']}/cancel", {"reason": "录错"})
    assert vouchers_of(d["number"])[1] == "借 560301 手续费 -15.00 / 贷 1001 库存现金 -15.00"
    # a second one, reversed in red
    d2 = post(api, "/vouchers", DEPRECIATION, 201)
    post(api, f"/documents/{d2['number']}/approve")
    rev = post(api, f"/documents/{d2['number']}/reverse", {"reason": "冲销", "date": "2026-04-01"})
    assert vouchers_of(rev["number"]) == ["借 560230 折旧费 -1200.00 / 贷 1602 累计折旧 -1200.00"]
    assert [(ln["account"], ln["debit"], ln["credit"]) for ln in rev["account_lines"]] == [
        ("560230", "-1200.00", "0.00"),
        ("1602", "0.00", "-1200.00"),
    ]
    reconciled(api)


def test_maker_is_not_checker_above_the_threshold(client, user):
    set_setting("approval_threshold.manual_voucher", "1000")
    person("财务", username="maker"), person("财务", username="checker")
    maker, checker = As(client, "maker"), As(client, "checker")
    r = maker.post("/vouchers", DEPRECIATION)
    assert r.status_code == 201, r.content
    number = r.json()["number"]
    r = maker.post(f"/vouchers/{number}/approve")
    assert r.status_code == 200 and r.json()["status"] == "pending_approval"
    assert_error(maker.post(f"/documents/{number}/approve"), 409, "second_approver_required")
    r = checker.post(f"/documents/{number}/approve")
    assert r.status_code == 200 and r.json()["status"] == "approved"
    assert vouchers_of(number) == ["借 560230 折旧费 1200.00 / 贷 1602 累计折旧 1200.00"]


def test_an_editor_who_moves_amounts_between_accounts_is_a_maker(client, user):
    set_setting("approval_threshold.manual_voucher", "1000")
    person("财务", username="maker"), person("财务", username="editor")
    number = As(client, "maker").post("/vouchers", DEPRECIATION).json()["number"]
    editor = As(client, "editor")
    moved = {**DEPRECIATION, "lines": [{**DEPRECIATION["lines"][0], "account": "560101"}]}
    moved["lines"].append(DEPRECIATION["lines"][1])
    assert editor.put(f"/vouchers/{number}", moved).status_code == 200  # the same total
    r = editor.post(f"/documents/{number}/approve")
    assert r.status_code == 200 and r.json()["status"] == "pending_approval"


def _lines(*lines):
    return {"date": "2026-03-31", "memo": "x", "lines": list(lines)}


@pytest.mark.parametrize(
    ("body", "status", "code", "details"),
    [
        (
            _lines(
                {"account": "560230", "debit": "100.00"}, {"account": "1001", "credit": "90.00"}
            ),
            422,
            "unbalanced",
            {"debit": "100.00", "credit": "90.00", "difference": "10.00"},
        ),
        (
            _lines({"account": "1122", "debit": "5.00"}, {"account": "1001", "credit": "5.00"}),
            422,
            "control_account",
            {"account": "1122"},
        ),
        (
            _lines({"account": "560230", "debit": "5.00"}, {"account": "2203", "credit": "5.00"}),
            422,
            "control_account",
            {"account": "2203"},
        ),
        (
            _lines({"account": "22210101", "debit": "5.00"}, {"account": "1001", "credit": "5.00"}),
            422,
            "control_account",
            {"account": "22210101"},
        ),
        (
            _lines({"account": "3999", "debit": "5.00"}, {"account": "1001", "credit": "5.00"}),
            422,
            "control_account",
            {"account": "3999"},
        ),
        (
            _lines({"account": "9999", "debit": "5.00"}, {"account": "1001", "credit": "5.00"}),
            422,
            "unknown_account",
            {"account": "9999"},
        ),
        (
            _lines({"account": "560230", "debit": "5.00", "credit": "5.00"}, {"account": "1001"}),
            422,
            "invalid",
            {},
        ),
        (_lines({"account": "560230", "debit": "5.00"}), 422, "invalid", {"field": "lines"}),
        (
            _lines({"account": "560230", "debit": "-5.00"}, {"account": "1001", "credit": "-5.00"}),
            422,
            "invalid",
            {},
        ),
    ],
)
def test_refusals_change_nothing(api, body, status, code, details):
    err = refused(lambda: api.post("/vouchers", body), status, code)
    assert details.items() <= err["details"].items()


def test_a_parent_account_is_refused_and_unknown_fields_too(api):
    body = _lines({"account": "5602", "debit": "5.00"}, {"account": "1001", "credit": "5.00"})
    err = refused(lambda: api.post("/vouchers", body), 422, "parent_account")
    assert err["details"]["account"] == "5602"
    body["lines"][0]["discount"] = "1"
    refused(lambda: api.post("/vouchers", body), 422, "unknown_field")


def test_a_manual_voucher_is_not_created_through_documents(api):
    r = api.post("/documents", {"type": "manual_voucher", "date": "2026-03-31"})
    assert_error(r, 422, "invalid")
    assert api.get("/vouchers").json()["count"] == 0


def test_the_printed_voucher_shows_its_account_lines(api, admin_client):
    # given an approved 记账凭证
    d = post(api, "/vouchers", DEPRECIATION, 201)
    post(api, f"/vouchers/{d['number']}/approve")
    # when it is printed on A4
    html = admin_client.get(f"/doc/{d['number']}/print/?format=a4").content.decode()
    # then its lines are there with 借 and 贷, and the total
    rows = re.findall(r"<tr><td>([^<]*)</td><td>([^<]*)</td><td class=\"num\">([^<]*)</td>", html)
    assert ("管理部门折旧", "560230 折旧费", "1,200.00") in rows
    assert ("", "1602 累计折旧", "") in rows
    assert 'id="print-total">1,200.00<' in html and "<!doctype" not in html[20:]
