"""多单位 in a real browser: scanning the barcode of an item's 箱 adds a 箱 line (price per 箱),
scanning the item's own barcode adds a line in the base unit; saved and approved, the stock moves
in base units; the stock page shows "3箱5个" with 按多单位显示."""

import pytest
from playwright.sync_api import expect

from .browser import log_in, shot
from .test_browser_documents import _on_hand, _scan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BOX_BARCODE = "6901234567892"


def test_scanning_a_box_barcode_adds_a_box_line(zh_page, user):
    from openjxc.catalog.models import Item
    from openjxc.catalog.services import update_item

    update_item(
        user,
        "A001",
        {
            "purchase_price": "9.50",
            "units": [{"unit": "箱", "factor": "12", "barcode": BOX_BARCODE}],
        },
    )
    piece_barcode = Item.objects.get(code="A001").barcode
    before = _on_hand("A001")
    page = zh_page
    log_in(page)
    page.wait_for_url(lambda url: "/login/" not in url)
    page.goto("/documents/purchase_receipt/new/")
    page.select_option("#f-partner", "S001")
    page.select_option("#f-warehouse", "WH1")
    # when the 箱 barcode is scanned
    _scan(page, BOX_BARCODE)
    box = page.locator('#lines tbody tr.line[data-item="A001"][data-unit="箱"]')
    box.wait_for()
    # then a line in 箱 appears, priced per 箱 (9.50 × 12)
    expect(box.locator(".unit-pick")).to_have_value("箱")
    expect(box.locator(".price")).to_have_value("114.00")
    # scanning it again adds a 箱; the item's own barcode adds a line in 个
    _scan(page, BOX_BARCODE)
    expect(box.locator(".qty")).to_have_value("2")
    _scan(page, piece_barcode)
    piece = page.locator('#lines tbody tr.line[data-item="A001"][data-unit=""]')
    piece.wait_for()
    expect(piece.locator(".unit-pick")).to_have_value("")
    assert page.locator("#lines tbody tr.line").count() == 2
    box.locator(".qty").fill("10")
    box.locator(".price").fill("120")
    piece.locator(".price").fill("10")
    # totals: 10 箱 × 120 + 1 个 × 10 = 1,210.00; quantity in base units 121
    expect(page.locator("#total-amount")).to_have_text("1,210.00")
    expect(page.locator("#total-qty")).to_have_text("121")
    shot(page, "units-01-entry-box-line")
    page.click("#save")
    page.wait_for_url("**/doc/CGRK*/")
    page.click("#save-approve")
    page.locator("#doc-status[data-status=approved]").wait_for()
    assert _on_hand("A001") == before + 121
    detail = page.locator("table tbody tr[data-item=A001]").first
    assert "箱" in detail.inner_text() and "= 120个" in detail.inner_text()
    shot(page, "units-02-receipt-approved")
    # the stock page in several units
    page.goto("/stock/?units=mixed")
    row = page.locator('#stock tbody tr[data-item="A001"]')
    expect(page.locator("#mixed-units")).to_be_checked()
    assert f"{int(before + 121) // 12}箱" in row.inner_text()
    shot(page, "units-03-stock-mixed")
    # the item form lists the alternate units as table rows
    page.goto("/items/A001/edit/")
    expect(page.locator("#item-units tr.unit-row input[name=unit_unit]").first).to_have_value("箱")
    shot(page, "units-04-item-form")
