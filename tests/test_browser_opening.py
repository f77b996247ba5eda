"""The 期初 page in a real browser: opening stock already entered, a receivable and a payable
added on the page, the bank balance and the capital typed — the 试算平衡 panel follows every
change (HTMX) and turns balanced. Screenshots of each step go to test-artifacts/."""

import pytest
from playwright.sync_api import expect

from tests.browser import log_in, shot, table_rows
from tests.factories import doc

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def panel(page) -> tuple:
    return tuple(
        page.locator(f"#check-{k}").inner_text() for k in ("debit", "credit", "difference")
    ) + (page.locator("#opening-check").get_attribute("data-balanced"),)


def test_the_opening_page_turns_balanced(zh_page, user):
    page = zh_page
    # given opening stock of 10 × 5.00 entered earlier
    doc(user, "opening_stock", "2026-01-01", [("A001", 10, "5.00")])
    log_in(page)
    page.wait_for_url(lambda url: "/login/" not in url)

    # the menu leads to the page; the panel shows the stock alone: not balanced
    page.click("nav.side a[href='/opening/']")
    page.wait_for_url("**/opening/")
    assert page.locator("#opening-tabs a.current").inner_text() == "期初库存"
    assert panel(page) == ("50.00", "0.00", "50.00", "0")
    assert "不平衡" in page.locator("#check-verdict").inner_text()
    [row] = table_rows(page, "opening-documents")
    assert row[1:] == ["仓库WH1", "50.00", "已审核"]
    shot(page, "opening-01-stock")

    # when a receivable of 1,130.00 from November is added on its tab
    page.click("#opening-tabs a[data-tab=receivable]")
    page.select_option("#f-partner", "C001")
    page.fill("#f-amount", "1130")
    page.fill("#f-date", "2025-11-20")
    page.fill("#f-due", "2025-12-20")
    page.click("#add-item")
    # then it is listed and the panel follows without reloading the page
    page.wait_for_selector("#opening-notice")
    [row] = table_rows(page, "opening-documents")
    assert row[1:6] == ["C001 客户一", "2025-11-20", "2025-12-20", "1,130.00", "已审核"]
    assert panel(page) == ("1,180.00", "0.00", "1,180.00", "0")
    shot(page, "opening-02-receivable")

    # when a payable of 800.00 is added
    page.click("#opening-tabs a[data-tab=payable]")
    page.select_option("#f-partner", "S001")
    page.fill("#f-amount", "800")
    page.click("#add-item")
    page.wait_for_selector("#opening-notice")
    assert panel(page) == ("1,180.00", "800.00", "380.00", "0")
    shot(page, "opening-03-payable")

    # when the bank balance and the capital are typed: the panel previews as the user types
    page.click("#opening-tabs a[data-tab=accounts]")
    control = page.locator("#opening-accounts tr[data-account='1122']")
    assert control.locator("input").count() == 0 and "1,130.00" in control.inner_text()
    page.fill("input[name=debit_1002]", "20000")
    page.wait_for_selector("#check-preview")
    expect(page.locator("#check-debit")).to_have_text("21,180.00")
    assert panel(page)[2] == "20,380.00"
    page.fill("input[name=credit_3001]", "20380")
    expect(page.locator("#opening-check")).to_have_attribute("data-balanced", "1")
    assert panel(page) == ("21,180.00", "21,180.00", "0.00", "1")
    shot(page, "opening-04-typed-preview")
    # and saved: the panel is balanced (green) with the saved figures
    page.click("#save-accounts")
    page.wait_for_selector("#opening-notice")
    assert page.locator("#check-preview").count() == 0
    assert panel(page) == ("21,180.00", "21,180.00", "0.00", "1")
    assert "平衡" in page.locator("#check-verdict").inner_text()
    assert page.locator("input[name=debit_1002]").input_value() == "20000.00"
    shot(page, "opening-05-balanced")

    # a page reload shows the same (it was saved)
    page.reload()
    assert panel(page) == ("21,180.00", "21,180.00", "0.00", "1")

    # the opening stock form is dated at the go-live date
    page.goto("/opening/?tab=stock")
    page.click("#new-opening-stock")
    page.wait_for_url("**/documents/opening_stock/new/")
    assert page.locator("input[name=date]").input_value() == "2026-01-01"
    shot(page, "opening-06-stock-entry")
