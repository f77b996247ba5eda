"""The customer edit form with the full record, in a real browser (screenshots in
test-artifacts/): every field shown, a bad 税号 marked, then saved and listed."""

import pytest

from openjxc.catalog.models import PriceLevel
from openjxc.partners.models import Partner
from tests.browser import log_in, shot, table_rows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_customer_edit_form_shows_and_saves_the_full_record(zh_page, user):
    # given: a price level to choose and the customer list
    PriceLevel.objects.create(code="PF", name="批发价")
    page = zh_page
    log_in(page)
    page.wait_for_url(lambda url: "/login/" not in url)
    page.goto("/customers/")
    page.click('#partners tr[data-code="C001"] a:has-text("编辑")')
    page.wait_for_url("**/customers/C001/edit/")
    # when: the record is filled in with a tax number whose check character is wrong
    page.fill("#id_contact", "张三")
    page.fill("#id_phone", "020-12345678")
    page.fill("#id_mobile", "13800000000")
    page.fill("#id_address", "广州市天河区天河路 1 号")
    page.fill("#id_tax_no", "91110000600037341A")
    page.fill("#id_bank_name", "工商银行天河支行")
    page.fill("#id_bank_account", "6222020200001234567")
    page.fill("#id_payment_terms_days", "30")
    page.select_option("#id_price_level", "PF")
    page.fill("#id_credit_limit", "50000")
    shot(page, "p01-customer-edit")
    page.click("#save")
    # then: the form comes back with the tax number marked and the input kept
    error = page.locator("#form-error")
    error.wait_for()
    assert "税号" in error.inner_text() and "校验码" in error.inner_text()
    assert "invalid" in page.locator("#id_tax_no").get_attribute("class")
    assert page.input_value("#id_contact") == "张三"
    shot(page, "p02-customer-edit-bad-tax-no")
    assert Partner.objects.get(kind="customer", code="C001").contact == ""
    # when: corrected and saved
    page.fill("#id_tax_no", "91110000600037341L")
    page.click("#save")
    page.wait_for_url("**/customers/")
    # then: stored, and the list shows contact, phones and terms
    p = Partner.objects.get(kind="customer", code="C001")
    assert (p.contact, p.tax_no, p.payment_terms_days, p.price_level.code, p.credit_limit) == (
        "张三",
        "91110000600037341L",
        30,
        "PF",
        5_000_000,
    )
    row = next(r for r in table_rows(page, "partners") if r[0] == "C001")
    assert row[2:6] == ["张三", "020-12345678 / 13800000000", "30", "PF"]
    shot(page, "p03-customers")


def test_price_levels_a_price_adjustment_and_aging_by_due_date(zh_page, user):
    """Screenshots of the pages around prices and due dates, driven as a user would."""
    from openjxc.catalog.services import update_item
    from openjxc.partners.services import update_partner
    from tests.factories import doc

    update_item(user, "A001", {"sale_price": "10.00"})
    update_partner(user, "customer", "C001", {"payment_terms_days": 30})
    doc(user, "purchase_receipt", "2026-01-10", [("A001", 100, "4.00")])
    doc(user, "sales_delivery", "2026-02-01", [("A001", 2, "10.00")])
    doc(user, "sales_delivery", "2026-03-20", [("A001", 1, "10.00")])
    page = zh_page
    log_in(page)
    page.wait_for_url(lambda url: "/login/" not in url)
    # a level is added and A001 gets a wholesale price
    page.goto("/price-levels/")
    page.fill("#id_code", "PF")
    page.fill("#id_name", "批发价")
    page.click("#add-level")
    page.wait_for_url("**/price-levels/")
    page.fill("#item", "A001")
    page.press("#item", "Enter")
    page.fill("input[name=price_PF]", "8.50")
    page.fill("input[name=valid_from]", "2026-03-01")
    page.click("#save-prices")
    page.wait_for_url("**/price-levels/?item=A001")
    assert table_rows(page, "current-prices")[0][:3] == ["批发价", "个", "8.50"]
    shot(page, "p04-price-levels")
    # a 调价单 lowers it from April and raises the list price
    page.goto("/documents/price_adjustment/new/")
    page.fill("#f-date", "2026-04-01")
    items = page.locator("input[name=line_item]")
    levels = page.locator("select[name=line_level]")
    prices = page.locator("input[name=line_price]")
    items.nth(0).fill("A001")
    levels.nth(0).select_option("PF")
    prices.nth(0).fill("8.00")
    items.nth(1).fill("A001")
    prices.nth(1).fill("11")
    shot(page, "p05-price-adjustment-entry")
    page.click("#save-approve")
    page.wait_for_url("**/doc/TJD*/")
    assert table_rows(page, "doc-lines") == [
        ["1", "A001", "商品A001", "批发价", "个", "8.50", "8.00"],
        ["2", "A001", "商品A001", "标准售价", "个", "10.00", "11.00"],
    ]
    shot(page, "p06-price-adjustment")
    # aging by due date: the February delivery is overdue, the March one not yet due
    page.goto("/reports/aging/?kind=receivable&as_of=2026-04-10&basis=due_date")
    row = table_rows(page, "aging")[0]
    assert row[:5] == ["C001", "客户一", "33.90", "11.30", "0.00"]
    shot(page, "p07-aging-by-due-date")
