"""Issue 9, daily work, in real Chromium: leaving unsaved lines asks first, the credit warning
before approval, every form error at once, 选择源单 linked at once, no margin on purchases."""

import pytest

from tests.browser import log_in, shot
from tests.factories import doc

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _scan(page, code):
    page.fill("#scan", code)
    page.press("#scan", "Enter")


def _line(page, item):
    return page.locator(f'#lines tbody tr.line[data-item="{item}"]')


def _logged_in(page):
    log_in(page)
    page.wait_for_url(lambda url: "/login/" not in url)


def test_leaving_unsaved_lines_asks_first(zh_page, user):
    page = zh_page
    _logged_in(page)
    page.goto("/documents/purchase_receipt/new/")
    page.select_option("#f-partner", "S001")
    _scan(page, "A001")
    _line(page, "A001").wait_for()
    asked = []

    def stay(dialog):
        asked.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", stay)
    page.click("#menu >> text=采购订单")
    page.wait_for_timeout(500)
    assert asked == ["beforeunload"]
    assert page.url.endswith("/documents/purchase_receipt/new/")  # stayed, the line is still there
    assert _line(page, "A001").count() == 1
    shot(page, "issue9-unsaved-stayed")
    # saving is not leaving: no question
    page.remove_listener("dialog", stay)
    page.on("dialog", lambda d: asked.append(d.type) or d.dismiss())
    page.fill("#lines .price", "2.00")
    page.click("#save")
    page.locator("#doc-status[data-status=draft]").wait_for()
    assert asked == ["beforeunload"]


def test_credit_warning_before_approval(zh_page, user):
    from openjxc.partners.services import update_partner

    update_partner(user, "customer", "C001", {"credit_limit": "30"})
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    doc(user, "sales_delivery", "2026-03-02", [("A001", 2, "10.00")])  # C001 owes 22.60
    page = zh_page
    _logged_in(page)
    page.goto("/documents/sales_order/new/")
    page.select_option("#f-partner", "C001")
    _scan(page, "A001")
    row = _line(page, "A001")
    row.wait_for()
    row.locator(".price").fill("5.00")  # 5.65 incl. tax: 28.25 in all, within 30
    row.locator(".qty").fill("1")
    assert page.locator("#credit-warning").is_hidden()
    row.locator(".price").fill("10.00")  # 11.30: 33.90 in all
    warning = page.locator("#credit-warning")
    warning.wait_for(state="visible")
    assert warning.inner_text().strip() == "超出客户信用额度：额度 30.00，已欠 22.60，本单 11.30。"
    shot(page, "issue9-credit-warning")
    page.select_option("#f-partner", "")  # no customer, no limit
    warning.wait_for(state="hidden")


def test_every_error_of_the_form_at_once(zh_page, user):
    page = zh_page
    _logged_in(page)
    page.goto("/documents/purchase_receipt/new/")
    _scan(page, "A001")
    _line(page, "A001").wait_for()
    _scan(page, "A002")
    _line(page, "A002").wait_for()
    _line(page, "A001").locator(".qty").fill("abc")
    _line(page, "A002").locator(".price").fill("1e3")
    page.click("#save")
    errors = page.locator("#form-errors li")
    errors.first.wait_for()
    texts = errors.all_inner_texts()
    assert len(texts) == 3, texts  # no supplier, line 1's quantity, line 2's price
    assert texts[1].startswith("第 1 行") and texts[2].startswith("第 2 行")
    assert "invalid" in (page.locator("#f-partner").get_attribute("class") or "")
    assert "invalid" in (_line(page, "A002").locator(".price").get_attribute("class") or "")
    shot(page, "issue9-all-errors")


def test_choosing_the_source_of_a_return_copies_its_lines(zh_page, user):
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    delivery = doc(user, "sales_delivery", "2026-03-02", [("A001", 4, "9.00")])
    page = zh_page
    _logged_in(page)
    page.goto("/documents/sales_return/new/")
    page.select_option("#derive-source", delivery)  # no button: choosing is enough
    page.locator("#doc-status[data-status=draft]").wait_for()
    assert _line(page, "A001").locator(".qty").input_value() == "4"
    assert page.locator("#entry-title").inner_text().startswith("销售退货单 XSTH")
    shot(page, "issue9-return-from-source")


def test_no_margin_on_a_purchase_line(zh_page, user):
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    page = zh_page
    _logged_in(page)
    page.goto("/documents/purchase_receipt/new/")
    page.select_option("#f-partner", "S001")
    _scan(page, "A001")
    row = _line(page, "A001")
    row.locator(".info .avail").wait_for()
    row.locator(".price").fill("3.00")
    assert (
        row.locator(".info .margin").count() == 0
        and "毛利" not in page.locator("#lines").inner_text()
    )
    shot(page, "issue9-purchase-no-margin")
    page.on("dialog", lambda d: d.accept())  # leave the unsaved receipt
    page.goto("/documents/sales_delivery/new/")
    page.select_option("#f-partner", "C001")
    _scan(page, "A001")
    _line(page, "A001").locator(".info .margin").wait_for()
