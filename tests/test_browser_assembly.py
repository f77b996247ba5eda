"""An assembly (组装单) in a real browser: a BOM entered on its page, then an assembly typed on the
entry form with a processing fee, saved and approved; the document shows the components it
consumed, and the stock holds the output at the components' cost plus the fee."""

import pytest
from playwright.sync_api import expect

from .browser import log_in, shot, table_rows
from .factories import doc, fetch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _balance(item):
    rows = fetch(
        "SELECT b.qty, b.value FROM inventory_stockbalance b JOIN catalog_item i "
        "ON i.id = b.item_id WHERE i.code = %s",
        [item],
    )
    return (rows[0][0] // 10000, rows[0][1]) if rows else (0, 0)


def test_assembly_entered_and_approved(zh_page, user):
    # given 10 × A001 at 5.00 and 20 × A002 at 2.00
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00"), ("A002", 20, "2.00")])
    page = zh_page
    log_in(page)
    page.wait_for_url(lambda url: "/login/" not in url)
    # a BOM: 1 × A003 = 2 × A001 + 3 × A002
    page.goto("/boms/")
    page.click("#new-bom")
    page.fill("#id_item", "A003")
    page.fill("#id_qty", "1")
    page.fill("#c_item_0", "A001")
    page.fill("#c_qty_0", "2")
    page.fill("#c_item_1", "A002")
    page.fill("#c_qty_1", "3")
    page.click("#save")
    page.wait_for_url("**/boms/")
    expect(page.locator("#boms tbody tr[data-code=BOM0001]")).to_contain_text("A001")
    shot(page, "bom-01-list")
    # an assembly of 2 × A003 with a processing fee of 3.00
    page.goto("/documents/assembly/new/")
    expect(page.locator("#entry-title")).to_contain_text("组装单")
    page.select_option("#f-warehouse", "WH1")
    page.fill("#f-extra-cost", "3.00")
    page.fill("#scan", "A003")
    page.press("#scan", "Enter")
    line = page.locator('#lines tbody tr.line[data-item="A003"]')
    line.wait_for()
    line.locator(".qty").fill("2")
    shot(page, "bom-02-assembly-entry")
    page.click("#save")
    page.wait_for_url("**/doc/ZZD*/")
    expect(page.locator("#doc-status")).to_have_attribute("data-status", "draft")
    page.click("#save-approve")
    expect(page.locator("#doc-status")).to_have_attribute("data-status", "approved")
    # the components it consumed: 4 × A001 and 6 × A002 (BOM0001 for 2)
    rows = table_rows(page, "doc-components")
    assert [(r[1], r[3], r[4]) for r in rows] == [
        ("A001", "4", "BOM0001"),
        ("A002", "6", "BOM0001"),
    ]
    expect(page.locator("#doc-extra-cost")).to_contain_text("3.00")
    shot(page, "bom-03-assembly-approved")
    # 4 × 5.00 + 6 × 2.00 + 3.00 = 35.00 for the two A003
    assert _balance("A003") == (2, 3500)
    assert _balance("A001") == (6, 3000)


def test_material_requirements_to_a_draft_purchase_order(zh_page, user):
    from openjxc.catalog.bom import create_bom

    create_bom(user, {"item": "A003", "qty": "1", "components": [{"item": "A001", "qty": "2"}]})
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 3, "5.00")])
    so = doc(user, "sales_order", "2026-03-02", [("A003", 4, "20.00")])
    page = zh_page
    log_in(page)
    page.wait_for_url(lambda url: "/login/" not in url)
    page.goto("/reports/material-requirements/")
    page.locator(f"input[name=order][value={so}]").check()
    page.click("#show")
    page.wait_for_url(f"**order={so}**")
    # A003: 4 short (made); A001: 8 required, 3 available → 5 short (bought)
    row = page.locator("#requirements tr[data-item=A001] td")
    expect(row.nth(7)).to_have_text("5")
    assert row.nth(3).inner_text() == "采购"
    shot(page, "bom-04-material-requirements")
    page.click("#create-po")
    page.wait_for_url("**/doc/CGDD*/")
    expect(page.locator('#lines tbody tr.line[data-item="A001"] .qty')).to_have_value("5")
    shot(page, "bom-05-draft-purchase-order")
