"""Costing methods in a real browser: 计价方法 on the item page, and the 库存台账 showing which
FIFO layers an issue took."""

import pytest
from playwright.sync_api import expect

from tests.browser import log_in, shot, table_rows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_fifo_item_and_its_layers_in_the_stock_ledger(zh_page, user):
    from tests.factories import doc

    page = zh_page
    log_in(page)
    page.wait_for_url(lambda url: "/login/" not in url)
    # given A001 set to 先进先出 on its page
    page.goto("/items/A001/edit/")
    page.select_option("#id_costing_method", "fifo")
    shot(page, "costing-01-item-form")
    page.click("#item-form button.primary")
    page.wait_for_url("**/items/?q=A001")
    r1 = doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    r2 = doc(user, "purchase_receipt", "2026-03-02", [("A001", 10, "6.00")])
    doc(user, "sales_delivery", "2026-03-03", [("A001", 12, "10.00")])
    # when the 库存台账 of March is shown
    page.goto("/stock/ledger/?item=A001&from=2026-03-01&to=2026-03-31")
    expect(page.locator("#ledger td.cost-basis").last).to_contain_text(r2)
    # then the delivery names the layers it took: 10 of the first receipt, 2 of the second
    rows = table_rows(page, "ledger")
    assert rows[3][2] == "销售出库单" and rows[3][7] == "-62.00"
    assert rows[3][8] == f"{r1} 10 = 50.00; {r2} 2 = 12.00"
    assert rows[3][-2:] == ["8", "48.00"]
    shot(page, "costing-02-stock-ledger-fifo")
