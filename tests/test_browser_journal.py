"""凭证列表, 科目余额表 and the voucher print in a real browser: reached from the menu, the
trial balance drills down to the journal, the print shows one 记账凭证."""

import pytest

from tests.browser import log_in, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_trial_balance_drills_down_to_the_journal_and_prints(zh_page, books):
    page = zh_page
    log_in(page)
    page.wait_for_url(lambda url: "/login/" not in url)
    # the 科目余额表 of March from the menu: balanced, parents with their sub-accounts
    page.click("#menu >> text=科目余额表")
    page.wait_for_url("**/reports/trial-balance/")
    page.select_option("#tb-period", "2026-03")
    page.click("#tb-filters button.primary")
    page.wait_for_url("**period=2026-03**")
    assert page.inner_text("#balanced").strip() == "✓ 借贷平衡"
    row = page.locator('#trial-balance tr[data-account="1405"] td').all_inner_texts()
    assert row == ["1405", "库存商品", "0.00", "0.00", "63.60", "20.00", "43.60", "0.00"]
    assert page.locator('#trial-balance tr[data-account="22210101"].sub-account').count() == 1
    shot(page, "journal-01-trial-balance")
    # an amount of 1405 opens the journal of March filtered by 1405
    page.click('#trial-balance tr[data-account="1405"] td:nth-child(5) a')
    page.wait_for_url("**/journal/?period=2026-03&account=1405")
    assert page.locator("#journal tbody.voucher").count() == 3
    assert "临时" in page.inner_text("#journal tbody.voucher >> nth=0")
    assert page.locator("#journal-totals td").all_inner_texts()[-3:-1] == ["132.55", "132.55"]
    assert page.is_visible("#provisional-note")
    shot(page, "journal-02-journal")
    # the print of the first voucher: one 记账凭证 with the amount in Chinese capitals
    with page.expect_popup() as popup:
        page.click("#journal tbody.voucher >> nth=0 >> text=打印")
    printed = popup.value
    printed.wait_for_load_state()
    assert printed.locator("section.voucher").count() == 1
    assert "记账凭证" in printed.inner_text("section.voucher h1").replace(" ", "")
    assert "合计: 陆拾柒元捌角整" in printed.inner_text("section.voucher tfoot")
    shot(printed, "journal-03-voucher-print")
