"""批次 / 序列号 in a real browser: a receipt entered with a batch and its expiry date, a serial
item received by scanning its serials one per scan, then the batch stock, the expiry report
(近效期) and the serial's history pages."""

import pytest
from playwright.sync_api import expect

from openjxc.catalog.services import update_item

from .browser import log_in, shot, table_rows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _line(page, item):
    return page.locator(f'#lines tbody tr.line[data-item="{item}"]')


def _scan(page, code):
    page.fill("#scan", code)
    page.press("#scan", "Enter")


def test_receipt_with_batch_and_serials_then_the_reports(zh_page, user):
    update_item(user, "A001", {"batch_tracked": True, "shelf_life_days": 30})
    update_item(user, "A002", {"serial_tracked": True})
    page = zh_page
    log_in(page)
    page.wait_for_url(lambda url: "/login/" not in url)
    page.goto("/documents/purchase_receipt/new/")
    page.select_option("#f-partner", "S001")
    page.select_option("#f-warehouse", "WH1")
    # a batch item shows its batch and dates; a serial item its serial scanner
    _scan(page, "A001")
    line = _line(page, "A001")
    expect(line.locator(".batch")).to_be_visible()
    expect(line.locator(".serial-scan")).to_be_hidden()
    line.locator(".qty").fill("6")
    line.locator(".price").fill("5.00")
    line.locator(".batch").fill("L2026A")
    line.locator("[name=line_expiry]").fill("2026-03-20")
    _scan(page, "A002")
    serial_line = _line(page, "A002")
    expect(serial_line.locator(".serial-scan")).to_be_visible()
    for serial in ("SN-001", "SN-002"):  # one serial per scan; the quantity follows
        serial_line.locator(".serial-scan").fill(serial)
        serial_line.locator(".serial-scan").press("Enter")
    expect(serial_line.locator(".qty")).to_have_value("2")
    expect(serial_line.locator(".serial-list .serial")).to_have_count(2)
    serial_line.locator(".price").fill("100.00")
    shot(page, "batches-01-receipt-entry")
    page.click("#save")
    page.wait_for_url("**/doc/CGRK*/")
    expect(_line(page, "A001").locator(".batch")).to_have_value("L2026A")
    page.click("#save-approve")
    page.locator("#doc-status[data-status=approved]").wait_for()
    shot(page, "batches-02-receipt-approved")

    # the batch stock page: 6 of L2026A, expiring 2026-03-20
    page.goto("/stock/batches/")
    rows = table_rows(page, "batches")
    assert [(r[0], r[3], r[5], r[7]) for r in rows] == [("A001", "L2026A", "2026-03-20", "6 个")]
    shot(page, "batches-03-batch-stock")
    page.goto("/reports/expiring/?days=36500")
    assert [r[3] for r in table_rows(page, "expiring")] == ["L2026A"]
    shot(page, "batches-04-expiring")

    # the serial's history: received into WH1, in stock
    page.goto("/serials/?serial=SN-002")
    expect(page.locator("#serial-state")).to_contain_text("WH1")
    rows = table_rows(page, "serial-moves")
    assert len(rows) == 1 and rows[0][1].startswith("CGRK") and rows[0][5] == "入库"
    shot(page, "batches-05-serial-history")
