"""日记账 and 资金报表: per cash or bank account the opening balance (期初 included), every
receipt, payment and transfer with the running balance, and the closing balance; cancelled
documents left out, a red-letter reversal shown as its negative line; Excel for both."""

import io

import openpyxl
import pytest

from .factories import As, assert_error, doc, person, post

pytestmark = pytest.mark.usefixtures("backups_in_tmp")


@pytest.fixture
def month(api, user):
    """期初: 1002 holds 5,000.00 and ICBC 1,000.00. In March: a customer pays 300.00 into ICBC,
    ICBC pays a supplier 120.00, 2,000.00 go from 1002 to ICBC (fee 5.00), a receipt into ICBC
    is cancelled, and one transfer of 50.00 is reversed in April."""
    post(api, "/money-accounts", {"code": "ICBC", "name": "工商银行", "kind": "bank"}, 201)
    opening = [
        {"account": "1002", "debit": "5000.00"},
        {"account": "100201", "debit": "1000.00"},
        {"account": "3001", "credit": "6000.00"},
    ]
    assert api.put("/opening/accounts", opening).status_code == 200
    money = {"partner": "C001", "account": "ICBC"}
    paid_in = doc(user, "receipt", "2026-03-02", [], amount="300.00", memo="货款", **money)
    paid_out = doc(
        user, "payment", "2026-03-03", [], partner="S001", account="ICBC", amount="120.00"
    )
    transfer = {"type": "fund_transfer", "from_account": "1002", "to_account": "ICBC"}
    moved = post(
        api, "/documents", {**transfer, "date": "2026-03-04", "amount": "2000", "fee": "5"}, 201
    )
    post(api, f"/documents/{moved['number']}/approve")
    wrong = doc(user, "receipt", "2026-03-05", [], amount="999.00", **money)
    post(api, f"/documents/{wrong}/cancel", {"reason": "录错了"})
    back = post(api, "/documents", {**transfer, "date": "2026-03-06", "amount": "50"}, 201)
    post(api, f"/documents/{back['number']}/approve")
    red = post(
        api, f"/documents/{back['number']}/reverse", {"reason": "退回", "date": "2026-04-01"}
    )
    return {
        "in": paid_in,
        "out": paid_out,
        "moved": moved["number"],
        "wrong": wrong,
        "back": back["number"],
        "red": red["number"],
    }


def _lines(data):
    assert data["lines"] == data["items"]  # API.md calls them lines; the list convention items
    return [
        (r["date"], r["document"], r["debit"], r["credit"], r["balance"]) for r in data["items"]
    ]


def test_the_journal_of_a_bank_account(api, month):
    data = api.get("/reports/cash-journal?account=ICBC&from=2026-03-01&to=2026-04-30").json()
    assert (data["account"], data["name"], data["gl_account"]) == ("ICBC", "工商银行", "100201")
    assert data["opening"] == "1000.00"  # the 期初 balance, not money in
    assert _lines(data) == [
        ("2026-03-02", month["in"], "300.00", "0.00", "1300.00"),
        ("2026-03-03", month["out"], "0.00", "120.00", "1180.00"),
        ("2026-03-04", month["moved"], "2000.00", "0.00", "3180.00"),
        ("2026-03-06", month["back"], "50.00", "0.00", "3230.00"),
        ("2026-04-01", month["red"], "-50.00", "0.00", "3180.00"),
    ]  # the cancelled receipt is not there
    assert (data["debit"], data["credit"], data["closing"], data["count"]) == (
        "2300.00",
        "120.00",
        "3180.00",
        5,
    )
    first = data["items"][0]
    assert (first["type"], first["type_name"], first["partner"], first["memo"]) == (
        "receipt",
        "收款单",
        "C001",
        "货款",
    )


def test_a_later_range_opens_with_everything_before_it(api, month):
    data = api.get("/reports/cash-journal?account=ICBC&from=2026-03-05&to=2026-03-31").json()
    assert data["opening"] == "3180.00" and _lines(data) == [
        ("2026-03-06", month["back"], "50.00", "0.00", "3230.00")
    ]


def test_the_parent_account_includes_its_banks(api, month):
    data = api.get("/reports/cash-journal?account=1002&from=2026-03-01&to=2026-03-31").json()
    assert data["opening"] == "6000.00"  # 1002 and 100201
    assert data["closing"] == "6175.00"  # 2,945.00 + 3,230.00
    assert {r["document"] for r in data["items"]} == {
        month["in"],
        month["out"],
        month["moved"],
        month["back"],
    }
    own = api.get("/reports/cash-journal?account=100201&from=2026-03-01&to=2026-03-31").json()
    assert own["name"] == "银行存款—工商银行" and own["closing"] == "3230.00"


def test_an_unknown_account_is_refused(api, month):
    for code in ("NOPE", "1122"):
        err = assert_error(
            api.get(f"/reports/cash-journal?account={code}"), 422, "unknown_money_account"
        )
        assert err["details"]["account"] == code


def test_the_funds_report(api, month):
    data = api.get("/reports/funds?from=2026-03-01&to=2026-03-31").json()
    rows = {r["account"]: (r["opening"], r["in"], r["out"], r["closing"]) for r in data["items"]}
    assert rows == {
        "1001": ("0.00", "0.00", "0.00", "0.00"),
        "1002": ("5000.00", "0.00", "2055.00", "2945.00"),
        "ICBC": ("1000.00", "2350.00", "120.00", "3230.00"),
        "1012": ("0.00", "0.00", "0.00", "0.00"),
    }
    assert [r["account"] for r in data["items"]] == ["1001", "1002", "ICBC", "1012"]
    assert data["totals"] == {
        "opening": "6000.00",
        "in": "2350.00",
        "out": "2175.00",
        "closing": "6175.00",
    }
    # what the fee and the transfer leave: 6,000 − 5 (fee) + 300 − 120 = 6,175
    april = api.get("/reports/funds?from=2026-04-01&to=2026-04-30").json()
    icbc = next(r for r in april["items"] if r["account"] == "ICBC")
    assert (icbc["opening"], icbc["in"], icbc["closing"]) == ("3230.00", "-50.00", "3180.00")


def test_both_export_to_excel(api, month):
    r = api.get("/reports/cash-journal?account=ICBC&from=2026-03-01&to=2026-03-31&format=xlsx")
    assert r.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(r.content)).active
    rows = [list(row) for row in ws.iter_rows(values_only=True)]
    header = rows.index(
        [
            "日期",
            "凭证号",
            "单据编号",
            "单据类型",
            "摘要",
            "往来单位",
            "借方（收入）",
            "贷方（支出）",
            "余额",
        ]
    )
    assert rows[header + 1][4] == "期初余额" and rows[header + 1][8] == 1000
    assert rows[-1][6:] == [2350, 120, 3230]
    r = api.get("/reports/funds?from=2026-03-01&to=2026-03-31&format=xlsx")
    ws = openpyxl.load_workbook(io.BytesIO(r.content)).active
    assert [row for row in ws.iter_rows(values_only=True)][-1][3:] == (6000, 2350, 2175, 6175)


def test_the_reports_are_for_the_money_area(client, month):
    for role, allowed in (("财务", True), ("老板", True), ("销售", False), ("采购", False)):
        person(role)
        as_role = As(client, f"u-{role}")
        for path in ("/reports/cash-journal?account=1002", "/reports/funds"):
            assert as_role.get(path).status_code == (200 if allowed else 403), (role, path)
