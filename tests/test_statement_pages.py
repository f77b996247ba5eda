"""The 利润表 and 资产负债表 pages through the test client: the rows the API computes, in Chinese,
with line numbers, the period picker, the Excel export, the menu entry (view_cost only), an
unknown period refused inline; and the close page's warnings linking where a 财务 looks."""

import io
import re

import pytest
from openpyxl import load_workbook

from openjxc.closing.services import close

from .factories import doc, person

pytestmark = pytest.mark.usefixtures("backups_in_tmp")


@pytest.fixture
def january(user):
    doc(user, "purchase_receipt", "2026-01-05", [("A001", 10, "5.00")])
    doc(user, "sales_delivery", "2026-01-06", [("A001", 4, "9.00")])


def _row(html: str, table: str, line: int) -> list[str]:
    body = html.split(f'id="{table}"', 1)[1]
    m = re.search(rf'<tr data-line="{line}"[^>]*>(.*?)</tr>', body, re.S)
    assert m, f"line {line} not in #{table}"
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", m[1])]


def test_income_statement_page_in_chinese(admin_client, january):
    # when the 财务 opens the 利润表 of January in Chinese
    r = admin_client.get(
        "/reports/income-statement/?period=2026-01", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    html = r.content.decode()
    # then the rows of the form with their line numbers and figures
    assert r.status_code == 200 and "利润表" in html and "会小企02表" in html
    assert _row(html, "income-statement", 1) == ["一、营业收入", "1", "36.00", "36.00"]
    assert _row(html, "income-statement", 2) == ["减：营业成本", "2", "20.00", "20.00"]
    assert _row(html, "income-statement", 32)[2:] == ["16.00", "16.00"]
    assert "本期金额" in html and "本年累计金额" in html and "Income statement" not in html
    assert '<option value="2026-01" selected>' in html
    # and the export holds the same rows
    x = admin_client.get("/reports/income-statement/?period=2026-01&format=xlsx")
    rows = list(load_workbook(io.BytesIO(x.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "利润表" and ("四、净利润（净亏损以“-”号填列）", 32, 16, 16) in rows


def test_balance_sheet_page_balanced_before_and_after_close(admin_client, user, january):
    for moment in ("open", "closed"):
        r = admin_client.get(
            "/reports/balance-sheet/?period=2026-01", HTTP_ACCEPT_LANGUAGE="zh-hans"
        )
        html = r.content.decode()
        assert r.status_code == 200 and "资产负债表" in html
        assert "✓ 资产 = 负债 + 所有者权益" in html
        assert _row(html, "balance-sheet", 9) == ["存货", "9", "30.00", "0.00"]
        assert _row(html, "balance-sheet", 51) == ["未分配利润", "51", "16.00", "0.00"]
        assert _row(html, "balance-sheet", 30)[2] == _row(html, "balance-sheet", 53)[2]
        if moment == "open":
            close(user, "2026-01")


def test_unknown_period_is_refused_inline(admin_client, user):
    r = admin_client.get("/reports/balance-sheet/?period=1999-01", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert r.status_code == 404 and 'id="errors"' in r.content.decode()


def test_menu_and_pages_only_for_view_cost(client, user):
    # the 财务 sees 财务报表 in the menu; 销售 (no view_cost) neither the entry nor the page
    finance, sales = person("财务"), person("销售")
    client.force_login(finance)
    home = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "财务报表" in home and "/reports/income-statement/" in home
    client.force_login(sales)
    home = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "/reports/income-statement/" not in home
    assert client.get("/reports/income-statement/").status_code == 403


def test_the_1901_warning_links_to_the_statements_for_finance(client, user):
    # given a stock count loss left on 1901 in January
    doc(user, "purchase_receipt", "2026-01-05", [("A001", 10, "5.00")])
    doc(user, "stock_count", "2026-01-10", [("A001", 9)])
    client.force_login(person("财务"))
    # when the 财务 opens the close check
    html = client.get("/periods/2026-01/check/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    # then the warning links to the balance sheet and the income statement of the period
    assert "待处理财产损溢" in html or "1901" in html
    assert 'href="/reports/balance-sheet/?period=2026-01"' in html
    assert 'href="/reports/income-statement/?period=2026-01"' in html
