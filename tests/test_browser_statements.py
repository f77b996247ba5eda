"""The 利润表 and 资产负债表 in a real browser: reached from the 财务报表 menu, a period chosen
with the picker, the rows of the form with their line numbers."""

import pytest

from tests.browser import log_in, shot, table_rows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_income_statement_and_balance_sheet(zh_page, books):
    page = zh_page
    log_in(page)
    page.wait_for_url(lambda url: "/login/" not in url)
    # the 财务报表 menu leads to the 利润表
    assert page.locator("#menu summary", has_text="财务报表").count() == 1
    page.click("#menu a:text-is('利润表')")
    page.wait_for_url("**/reports/income-statement/**")
    # choosing March shows its sale: revenue 36.00, cost 20.00, net profit 16.00
    page.select_option("#period", "2026-03")
    page.click("form.filters button.primary")
    page.wait_for_url("**period=2026-03**")
    rows = {r[1]: r for r in table_rows(page, "income-statement")}
    assert rows["1"] == ["一、营业收入", "1", "36.00", "36.00"]
    assert rows["2"][2] == "20.00" and rows["32"][2:] == ["16.00", "16.00"]
    shot(page, "statements-01-income-statement")
    # the 资产负债表 of the same month balances
    page.goto("/reports/balance-sheet/?period=2026-03")
    assert "✓" in page.locator("#balanced").inner_text()
    assets = {r[1]: r for r in table_rows(page, "balance-sheet") if r[1]}
    assert assets["30"][2] == assets["53"][2]
    shot(page, "statements-02-balance-sheet")
