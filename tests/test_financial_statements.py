"""利润表 and 资产负债表 through the API on a small year: opening balances, purchases, sales,
returns and a stock count loss. The 利润表 is the same before and after the close and its 净利润
is what the close moves to 3103; the 资产负债表 balances before and after the close; an unbalanced
opening shows as its own line; Excel exports carry the lines."""

import io

import pytest
from openpyxl import load_workbook

from openjxc.closing.services import close

from .factories import doc, fetch

pytestmark = pytest.mark.usefixtures("backups_in_tmp")


def _year(api, user):
    r = api.put(
        "/opening/accounts",
        [{"account": "1001", "debit": "1000.00"}, {"account": "3001", "credit": "1000.00"}],
    )
    assert r.status_code == 200, r.content
    doc(user, "purchase_receipt", "2026-01-05", [("A001", 10, "5.00")])
    doc(user, "sales_delivery", "2026-01-06", [("A001", 4, "9.00")])
    doc(user, "sales_return", "2026-01-08", [("A001", 1, "9.00")])
    doc(user, "purchase_return", "2026-01-09", [("A001", 2, "5.00")])
    doc(user, "stock_count", "2026-01-10", [("A001", 4)])  # book 5: one lost at 5.00


def _lines(report: dict, column: str) -> dict:
    return {r["line"]: r[column] for r in report["items"]}


def test_income_statement_rows_totals_and_the_close(api, user):
    # given January's trade
    _year(api, user)
    # when the 利润表 of January is read
    r = api.get("/reports/income-statement?period=2026-01")
    assert r.status_code == 200, r.content
    report = r.json()
    # then the rows and line numbers of 会小企02表 with revenue net of the return
    assert [(x["line"], x["name"]) for x in report["items"]][:3] == [
        (1, "一、营业收入"),
        (2, "减：营业成本"),
        (3, "税金及附加"),
    ]
    assert [x["line"] for x in report["items"]] == [1, 2, 3, 11, 14, 18, 20, 21, 22, 24, 30, 31, 32]
    this = _lines(report, "this_period")
    assert (this[1], this[2], this[21], this[30], this[32]) == (
        "27.00",
        "15.00",
        "12.00",
        "12.00",
        "12.00",
    )
    assert report["net_profit"] == {"this_period": "12.00", "year_to_date": "12.00"}
    assert report["count"] == 13
    # when January closes, the report is the same and 净利润 is 3103's January movement
    close(user, "2026-01")
    assert api.get("/reports/income-statement?period=2026-01").json()["items"] == report["items"]
    (moved,) = fetch(
        "SELECT SUM(l.credit) - SUM(l.debit) FROM ledger_journalline l JOIN ledger_account a "
        "ON a.id = l.account_id WHERE a.code = '3103' AND l.date <= '2026-01-31'"
    )[0]
    assert int(moved) == 1200
    # and February: nothing this period, the year to date keeps January
    doc(user, "sales_delivery", "2026-02-02", [("A001", 1, "8.00")])
    feb = api.get("/reports/income-statement?period=2026-02").json()
    assert feb["net_profit"] == {"this_period": "3.00", "year_to_date": "15.00"}
    assert _lines(feb, "year_to_date")[1] == "35.00"


def test_balance_sheet_balances_before_and_after_close(api, user):
    # given the opening balances and January's trade
    _year(api, user)
    for moment in ("open", "closed"):
        # when the 资产负债表 of January is read
        r = api.get("/reports/balance-sheet?period=2026-01")
        assert r.status_code == 200, r.content
        sheet = r.json()
        closing, opening = _lines(sheet, "closing"), _lines(sheet, "opening")
        # then year-start is the opening balances and the period end adds the trade
        assert (opening[1], opening[48], opening[30], opening[53]) == (
            "1000.00",
            "1000.00",
            "1000.00",
            "1000.00",
        )
        assert (closing[1], closing[4], closing[9], closing[12], closing[14]) == (
            "1000.00",
            "30.51",
            "20.00",
            "20.00",
            "5.00",
        )
        assert (closing[33], closing[36], closing[51]) == ("45.20", "-1.69", "12.00")
        assert closing[30] == closing[53] == "1055.51"
        assert sheet["totals"]["assets"] == {"opening": "1000.00", "closing": "1055.51"}
        assert sheet["balanced"] is True and None not in closing  # no 期初余额差额 line
        if moment == "open":
            close(user, "2026-01")  # the second round reads it after 结转损益


def test_year_end_sheet_shows_the_profit_in_undistributed_profit(api, user):
    # given the year closed through December (the profit moved to 310401)
    _year(api, user)
    for month in range(1, 13):
        close(user, f"2026-{month:02d}")
    dec = api.get("/reports/balance-sheet?period=2026-12").json()
    assert _lines(dec, "closing")[51] == "12.00" and dec["balanced"] is True
    # then the next year opens with it, and its 利润表 starts from zero
    jan = api.get("/reports/balance-sheet?period=2027-01").json()
    assert _lines(jan, "opening")[51] == "12.00" and jan["balanced"] is True
    assert api.get("/reports/income-statement?period=2027-01").json()["net_profit"] == {
        "this_period": "0.00",
        "year_to_date": "0.00",
    }


def test_an_unbalanced_opening_shows_as_its_own_line(api, user):
    # given an opening with cash only (no capital against it)
    api.put("/opening/accounts", [{"account": "1001", "debit": "100.00"}])
    sheet = api.get("/reports/balance-sheet?period=2026-01").json()
    # then 期初余额差额 is its own line without a number and the sheet still adds up
    (diff,) = [r for r in sheet["items"] if r["line"] is None]
    assert diff["name"].startswith("期初余额差额") and diff["closing"] == "100.00"
    assert diff["opening"] == "100.00"
    assert _lines(sheet, "closing")[53] == "100.00" and sheet["balanced"] is True


def test_statements_export_to_excel(api, user):
    _year(api, user)
    for path, title, header in (
        ("income-statement", "利润表", ["项目", "行次", "本月金额", "本年累计金额"]),
        ("balance-sheet", "资产负债表", ["项目", "行次", "期末余额", "年初余额"]),
    ):
        r = api.get(f"/reports/{path}?period=2026-01&format=xlsx")
        assert r.status_code == 200
        ws = load_workbook(io.BytesIO(r.content)).active
        rows = list(ws.iter_rows(values_only=True))
        assert rows[0][0] == title and list(rows[2]) == header
        if path == "income-statement":
            assert rows[3][:3] == ("一、营业收入", 1, 27)
        else:
            assert ("资产总计", 30, 1055.51, 1000) in [r[:4] for r in rows]


def test_statements_need_view_cost(client, user):
    from openjxc.users.services import issue_token

    from .factories import person

    person("销售")
    token = issue_token("u-销售", "pw-123456")
    for path in ("income-statement", "balance-sheet"):
        r = client.get(
            f"/api/v1/reports/{path}?period=2026-01", HTTP_AUTHORIZATION=f"Bearer {token}"
        )
        assert r.status_code == 403
