"""资金 in a real browser (screenshots in test-artifacts/): 财务 adds a bank account on the 结算账户
page, enters a 转账单 from the basic account into it with a fee, and reads the 日记账 of the new
account with its running balance, then the 资金报表."""

import pytest

from tests.browser import log_in, shot, table_rows
from tests.factories import doc

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_bank_account_a_transfer_and_its_cash_journal(zh_page, user):
    # given: a customer paid 1,500.00 into the basic account (1002) in March
    doc(user, "receipt", "2026-03-02", [], partner="C001", amount="1500.00", memo="货款")
    page = zh_page
    log_in(page)
    page.wait_for_url(lambda url: "/login/" not in url)
    # when: 资金 → 结算账户: a new bank account
    page.goto("/")
    page.click('nav a:has-text("结算账户")')
    page.wait_for_url("**/money-accounts/")
    page.fill("#id_code", "ICBC")
    page.fill("#id_name", "工商银行")
    page.select_option("#id_kind", "bank")
    page.fill("#id_bank_name", "工商银行城东支行")
    page.fill("#id_account_no", "6222 0200 1234 5678")
    page.click("#save")
    page.wait_for_selector('#money-accounts tr[data-code="ICBC"]')
    row = next(r for r in table_rows(page, "money-accounts") if r[0] == "ICBC")
    assert row[1:6] == [
        "工商银行",
        "银行存款",
        "工商银行城东支行",
        "6222 0200 1234 5678",
        "100201 银行存款—工商银行",
    ]
    shot(page, "f01-money-accounts")
    # when: a 转账单 of 1,000.00 with a 5.00 fee from 1002 into it, saved and approved
    page.goto("/documents/fund_transfer/new/")
    page.fill("#f-date", "2026-03-05")
    page.select_option("#f-from-account", "1002")
    page.select_option("#f-to-account", "ICBC")
    page.fill("#f-amount", "1000")
    page.fill("#f-fee", "5")
    shot(page, "f02-fund-transfer-entry")
    page.click("#save-approve")
    page.wait_for_selector("#doc-status[data-status=approved]")
    assert "手续费" in page.inner_text("#doc-head")
    shot(page, "f03-fund-transfer")
    # then: the 日记账 of 1002 (with its banks) shows the receipt and the transfer
    page.goto("/")
    page.click('nav a:has-text("日记账")')
    page.wait_for_url("**/reports/cash-journal/")
    page.select_option("#f-account", "1002")
    page.wait_for_url("**account=1002*")
    page.fill("input[name=from]", "2026-03-01")
    page.fill("input[name=to]", "2026-03-31")
    page.click("form.filters button.primary")
    page.wait_for_url("**from=2026-03-01*")
    rows = table_rows(page, "cash-journal")
    assert rows[0][-1] == "0.00"  # opening
    # (1002 银行存款 includes its banks: the transfer is in ICBC and out of 1002, the fee is lost)
    assert [(r[0], r[6], r[7], r[8]) for r in rows[1:]] == [
        ("2026-03-02", "1,500.00", "", "1,500.00"),
        ("2026-03-05", "1,000.00", "", "2,500.00"),
        ("2026-03-05", "", "1,005.00", "1,495.00"),
    ]
    assert rows[1][5] == "客户一" and rows[1][4] == "货款"
    shot(page, "f04-cash-journal-1002")
    page.select_option("#f-account", "ICBC")
    page.wait_for_url("**account=ICBC*")
    rows = table_rows(page, "cash-journal")
    assert [(r[0], r[6], r[8]) for r in rows[1:]] == [("2026-03-05", "1,000.00", "1,000.00")]
    assert page.locator("#export").is_visible()
    shot(page, "f05-cash-journal-icbc")
    # and the 资金报表 of March
    page.goto("/reports/funds/?from=2026-03-01&to=2026-03-31")
    totals = page.locator("#funds-totals td").all_inner_texts()
    assert totals[1:] == ["0.00", "2,500.00", "1,005.00", "1,495.00"]
    shot(page, "f06-funds-report")
