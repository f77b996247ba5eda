"""科目余额表 page: opening / period / closing debit and credit per account, parents followed by
their sub-accounts (indented, a parent sums its children, as the selector rolls them up), totals
that balance with the ✓ indicator, zero rows hidden unless asked, drill-down to the journal,
the Excel export."""

import io
import re

import pytest
from openpyxl import load_workbook

from openjxc.reports.excel import TITLE_ROWS

from .factories import doc

pytestmark = pytest.mark.usefixtures("backups_in_tmp")


@pytest.fixture
def months(user):
    """February: a receipt of 56.50 (the opening of March); March: a delivery of 20.34."""
    doc(user, "purchase_receipt", "2026-02-10", [("A001", 10, "5.00")])
    doc(user, "sales_delivery", "2026-03-02", [("A001", 2, "9.00")])


def row(html: str, code: str) -> list[str] | None:
    m = re.search(rf'<tr data-account="{code}"[^>]*>(.*?)</tr>', html, re.S)
    if m is None:
        return None
    return [
        re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", m[1], re.S)
    ]


def test_the_page_shows_opening_period_and_closing_per_account(admin_client, months, api):
    html = admin_client.get("/reports/trial-balance/?period=2026-03").content.decode()
    # 1405: 50.00 in February, 10.00 out in March
    assert row(html, "1405") == [
        "1405",
        "库存商品",
        "50.00",
        "0.00",
        "0.00",
        "10.00",
        "40.00",
        "0.00",
    ]
    assert row(html, "1122") == [
        "1122",
        "应收账款",
        "0.00",
        "0.00",
        "20.34",
        "0.00",
        "20.34",
        "0.00",
    ]
    # the parent 2221 sums its sub-accounts, which follow it indented, at any depth
    assert row(html, "2221")[2:] == ["6.50", "0.00", "0.00", "2.34", "4.16", "0.00"]
    assert row(html, "222101")[2:] == row(html, "2221")[2:]
    assert row(html, "22210101")[2:] == ["6.50", "0.00", "0.00", "0.00", "6.50", "0.00"]
    assert row(html, "22210102")[2:] == ["0.00", "0.00", "0.00", "2.34", "0.00", "2.34"]
    order = re.findall(r'<tr data-account="(\d+)"', html)
    assert order.index("2221") < order.index("222101") < order.index("22210101")
    assert re.search(
        r'data-account="22210101" class="sub-account">\s*<td style="padding-left:2.5em"', html
    )
    # the totals balance and say so; they equal the API's (top-level accounts only)
    totals = api.get("/reports/trial-balance?period=2026-03").json()["totals"]
    foot = re.sub(r"<[^>]+>", " ", re.search(r'<tr id="tb-totals">(.*?)</tr>', html, re.S)[1])
    assert foot.split() == ["合计"] + [
        totals[k]
        for k in (
            "opening_debit",
            "opening_credit",
            "debit",
            "credit",
            "closing_debit",
            "closing_credit",
        )
    ]
    assert totals["debit"] == totals["credit"] == "30.34"
    assert "✓ 借贷平衡" in html


def test_zero_rows_are_hidden_unless_asked(admin_client, months):
    hidden = admin_client.get("/reports/trial-balance/?period=2026-03").content.decode()
    assert row(hidden, "1001") is None and "显示零余额" in hidden
    shown = admin_client.get("/reports/trial-balance/?period=2026-03&zero=1").content.decode()
    assert row(shown, "1001") == ["1001", "库存现金"] + ["0.00"] * 6
    assert "隐藏零余额" in shown


def test_every_amount_drills_down_to_the_journal(admin_client, months):
    html = admin_client.get("/reports/trial-balance/?period=2026-03").content.decode()
    m = re.search(r'<tr data-account="1405".*?</tr>', html, re.S)[0]
    links = re.findall(r'href="([^"]+)"', m)
    assert len(links) == 6 and set(links) == {"/journal/?period=2026-03&amp;account=1405"}
    journal = admin_client.get("/journal/?period=2026-03&account=1405").content.decode()
    assert len(re.findall(r'<tbody class="voucher"', journal)) == 1  # the March delivery
    by_dates = admin_client.get("/reports/trial-balance/?from=2026-03-01&to=2026-03-31")
    assert (
        "/journal/?from=2026-03-01&amp;to=2026-03-31&amp;account=1405" in by_dates.content.decode()
    )


def test_the_excel_export(admin_client, months):
    r = admin_client.get("/reports/trial-balance/?period=2026-03&format=xlsx")
    ws = load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.iter_rows(min_row=TITLE_ROWS + 1, values_only=True))
    assert rows[0] == (
        "科目编码",
        "科目",
        "期初借方",
        "期初贷方",
        "本期借方",
        "本期贷方",
        "期末借方",
        "期末贷方",
    )
    body = {r[0]: r for r in rows[1:-1]}
    assert body["22210101"][1] == "　　进项税额" and body["1405"][2:] == (50, 0, 0, 10, 40, 0)
    total = rows[-1]
    assert total[0] == "合计" and total[4] == total[5] == 30.34 and total[6] == total[7]


def test_a_bad_period_is_a_message_not_an_error_page(admin_client, months):
    r = admin_client.get("/reports/trial-balance/?period=2025-01")
    assert r.status_code == 422 and 'id="errors"' in r.content.decode()
    r = admin_client.get("/reports/trial-balance/?from=2026-03-31&to=2026-03-01")
    assert r.status_code == 422
