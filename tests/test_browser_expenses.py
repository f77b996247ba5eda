"""A 费用单 in a real browser (screenshots in test-artifacts/): rent with VAT and freight entered
on the form, the tax and totals worked out while typing, saved and approved, then the detail
page with its lines by expense type; and the 费用类型 page."""

import pytest

from openjxc.documents.models import Document
from tests.browser import log_in, shot, table_rows
from tests.factories import vouchers_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_expense_is_entered_and_approved(zh_page, user):
    page = zh_page
    log_in(page)
    page.wait_for_url(lambda url: "/login/" not in url)
    # given: the 费用类型 page, reached from the 资金 menu
    page.goto("/")
    page.click('nav a:has-text("费用类型")')
    page.wait_for_url("**/expense-types/")
    assert ["FZ", "房租", "费用", "560201 房租"] == table_rows(page, "expense-types")[2][:4]
    shot(page, "e01-expense-types")
    # when: a 费用单 is entered — rent at 9% VAT and freight, paid from 库存现金
    page.goto("/")
    page.click('nav a:has-text("费用单")')
    page.click("#new-doc")
    page.wait_for_url("**/documents/expense/new/")
    page.fill("#f-date", "2026-03-05")
    page.select_option("#f-account", "1001")
    rows = page.locator("#expense-lines tbody tr")
    rows.nth(0).locator("select").select_option("FZ")
    rows.nth(0).locator("input.amount").fill("3000")
    rows.nth(0).locator("input.rate").fill("9")
    rows.nth(1).locator("select").select_option("YF")
    rows.nth(1).locator("input.amount").fill("120.55")
    # then: the tax and totals follow the typing
    assert rows.nth(0).locator(".line-tax").inner_text() == "270.00"
    assert page.inner_text("#total-gross") == "3,390.55"
    shot(page, "e02-expense-entry")
    page.click("#save-approve")
    page.wait_for_selector("#doc-lines")
    # and: the approved expense shows its lines by type and books 借 费用 / 贷 库存现金
    assert page.get_attribute("#doc-status", "data-status") == "approved"
    lines = table_rows(page, "doc-lines")
    assert [r[1:4] for r in lines] == [
        ["房租", "560201 房租", "3,000.00"],
        ["运费", "560101 运费", "120.55"],
    ]
    assert page.inner_text("#doc-gross") == "3,390.55"
    shot(page, "e03-expense-detail")
    number = Document.objects.get(type="expense").number
    assert vouchers_of(number) == [
        "借 560201 房租 3000.00 / 借 560101 运费 120.55 / 借 22210101 进项税额 270.00 / "
        "贷 1001 库存现金 3390.55"
    ]
