"""A counter's sheet on a phone (375 px wide) in real Chromium, by scanning: a barcode scanner
types the code and Enter, each scan adds one; the saved sheet shows on the count page with the
book quantity, the difference and the item nobody counted marked. Screenshots:
test-artifacts/issue13-count-*.png."""

import pytest
from playwright.sync_api import expect

from tests.browser import log_in, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 740}


def test_counting_on_a_phone_by_scanning(zh_page, user):
    from openjxc.catalog.services import update_item
    from openjxc.posting.counts import open_count
    from tests.factories import doc

    update_item(user, "A001", {"barcode": "6901234567892"})
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00"), ("A002", 4, "3.00")])
    body = {"type": "stock_count", "date": "2026-03-05", "warehouse": "WH1"}
    number = open_count(user, body, "all")["number"]
    page = zh_page
    page.set_viewport_size(PHONE)
    log_in(page)
    page.wait_for_url(lambda url: "/login/" not in url)
    page.goto(f"/counts/{number}/sheet/")
    page.fill("[name=location]", "货架A")
    # when the scanner reads A001's barcode three times and A002's code once
    for code in ("6901234567892", "6901234567892", "6901234567892"):
        page.fill("#scan", code)
        page.press("#scan", "Enter")
        expect(page.locator("#scan")).to_have_value("")
    row = page.locator('#sheet-lines tr.line[data-item="A001"]')
    expect(row.locator(".qty")).to_have_value("3")
    # no sideways scrolling on the phone, the scan input spans the screen
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "issue13-count-sheet-phone")
    page.click("#save-sheet")
    # then the count page shows book 10, counted 3, a loss of 7 at 5.00; A002 not yet counted
    page.wait_for_url(f"**/counts/{number}/")
    a001 = page.locator('#count-lines tr[data-item="A001"] td')
    expect(a001).to_have_text(["A001", "商品A001", "10", "3", "-7", "-35.00", "已盘点"])
    a002 = page.locator('#count-lines tr[data-item="A002"] td')
    expect(a002.nth(6)).to_have_text("未盘点")
    expect(page.locator("#uncounted")).to_have_text("未盘点：1 种商品")
    shot(page, "issue13-count-page-phone")
    # when it is approved, the difference is posted
    page.click("#approve")
    expect(page.locator("#doc-status")).to_have_attribute("data-status", "approved")
