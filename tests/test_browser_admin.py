"""Master data, Excel import, users and settings in a real browser (screenshots in test-artifacts/)."""

import pytest
from openpyxl import Workbook

from tests.browser import log_in, shot, table_rows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADER = [
    "商品编码*",
    "商品名称*",
    "单位*",
    "规格型号",
    "条码",
    "税率",
    "采购价",
    "销售价",
    "安全库存",
]


def workbook(path, rows):
    wb = Workbook()
    for r in rows:
        wb.active.append(r)
    wb.save(path)
    return str(path)


def logged_in(page):
    log_in(page)
    page.wait_for_url(lambda url: "/login/" not in url)


def test_item_without_barcode_gets_one(zh_page, user):
    page = zh_page
    logged_in(page)
    page.goto("/items/")
    shot(page, "d01-items")
    page.click("#new-item")
    page.fill("#id_code", "N100")
    page.fill("#id_name", "农夫山泉 550ml")
    page.fill("#id_unit", "瓶")
    page.fill("#id_purchase_price", "1.20")
    page.fill("#id_sale_price", "2.00")
    page.fill("#id_safety_stock", "24")
    shot(page, "d02-item-new")
    page.click("#save")
    page.wait_for_url("**/items/?q=N100")
    row = page.locator('#items tr[data-code="N100"]')
    barcode = row.locator("td.barcode").inner_text().strip()
    assert len(barcode) == 13 and barcode.isdigit() and barcode.startswith("20")
    # the generated barcode finds the item again; so do the pinyin initials
    page.fill("#q", barcode)
    page.press("#q", "Enter")
    page.wait_for_url(f"**/items/?q={barcode}")
    assert [r[0] for r in table_rows(page, "items")] == ["N100"]
    page.fill("#q", "nfsq")
    page.press("#q", "Enter")
    page.wait_for_url("**/items/?q=nfsq")
    assert [r[0] for r in table_rows(page, "items")] == ["N100"]
    # a duplicate code is refused next to the form, the input kept
    page.goto("/items/new/")
    page.fill("#id_code", "N100")
    page.fill("#id_name", "重复")
    page.fill("#id_unit", "瓶")
    page.click("#save")
    page.locator("#form-error").wait_for()
    assert "N100" in page.locator("#form-error").inner_text()
    assert page.input_value("#id_name") == "重复"
    shot(page, "d03-item-duplicate")


def test_import_items_with_a_bad_row_then_fixed(zh_page, user, tmp_path):
    page = zh_page
    logged_in(page)
    page.goto("/import/?kind=items")
    bad = workbook(
        tmp_path / "bad.xlsx",
        [
            HEADER,
            ["K001", "可乐", "瓶", "330ml", None, "13%", 2.1, 3.5, 24],
            ["K002", "雪碧", None, None, None, None, None, None, None],
            ["K003", "芬达", "瓶", None, None, None, None, "abc", None],
        ],
    )
    page.set_input_files("#file", bad)
    page.click("#preview-button")
    page.locator("#preview").wait_for()
    assert page.locator("#preview-summary").get_attribute("data-bad") == "2"
    assert page.locator("#import-button").is_disabled()
    assert page.locator('#preview tr[data-row="2"]').get_attribute("class") == "row-ok"
    assert page.locator('#preview tr[data-row="3"]').get_attribute("class") == "row-bad"
    assert "单位" in page.locator('#preview tr[data-row="3"] td.result').inner_text()
    assert "销售价" in page.locator('#preview tr[data-row="4"] td.result').inner_text()
    shot(page, "d04-import-preview-errors")
    # nothing was imported
    page.goto("/items/?q=K00")
    assert table_rows(page, "items")[0][0] != "K001"

    good = workbook(
        tmp_path / "good.xlsx",
        [
            HEADER,
            ["K001", "可乐", "瓶", "330ml", None, "13%", 2.1, 3.5, 24],
            ["K002", "雪碧", "瓶", None, None, None, None, None, None],
            ["K003", "芬达", "瓶", None, None, None, None, "3.00", None],
        ],
    )
    page.goto("/import/?kind=items")
    page.set_input_files("#file", good)
    page.click("#preview-button")
    page.locator("#preview").wait_for()
    assert page.locator("#preview-summary").get_attribute("data-bad") == "0"
    assert page.locator("#import-button").is_enabled()
    shot(page, "d05-import-preview-ok")
    page.click("#import-button")
    page.wait_for_url("**/items/")
    page.goto("/items/?q=K00")
    rows = {r[0]: r for r in table_rows(page, "items")}
    assert set(rows) == {"K001", "K002", "K003"}
    assert rows["K001"][6] == "2.10" and rows["K003"][7] == "3.00"
    assert all(len(r[4]) == 13 for r in rows.values())


def test_create_sales_user_with_warehouse_restriction(zh_page, user):
    page = zh_page
    logged_in(page)
    page.goto("/users/")
    page.click("#new-user")
    page.fill("#id_username", "xiaoli")
    page.fill("#id_name", "小李")
    page.fill("#id_password", "secret123")
    page.check('#roles input[value="销售"]')
    page.check('#warehouses input[value="WH1"]')
    shot(page, "d06-user-new")
    page.click("#save")
    page.wait_for_url("**/users/")
    row = page.locator('#users tr[data-username="xiaoli"]')
    assert row.locator("td.roles").inner_text().strip() == "销售"
    assert row.locator("td.warehouses").inner_text().strip() == "仓库WH1"
    shot(page, "d07-users")
    page.goto("/users/roles/")
    assert page.locator('input[name="销售:view_cost"]').is_checked() is False
    assert page.locator('input[name="管理员:manage_users"]').is_checked()
    shot(page, "d08-roles")
    page.goto("/settings/")
    page.fill("#id_company_name", "示例商贸有限公司")
    page.click("#save")
    page.wait_for_url("**/settings/")
    assert page.input_value("#id_company_name") == "示例商贸有限公司"
    shot(page, "d09-settings")
    for url, name in (
        ("/customers/", "d10-customers"),
        ("/suppliers/", "d11-suppliers"),
        ("/warehouses/", "d12-warehouses"),
        ("/import/?kind=opening", "d13-import-opening"),
    ):
        page.goto(url)
        shot(page, name)

    # the sales clerk: no purchase price column, no user administration
    page.click("header >> #logout")
    page.wait_for_url("**/login/**")
    log_in(page, username="xiaoli", password="secret123")
    page.wait_for_url(lambda url: "/login/" not in url)
    page.goto("/items/")
    assert page.locator("#items td.purchase-price").count() == 0
    assert page.locator("#new-item").count() == 0
    shot(page, "d14-items-sales-clerk")
    response = page.goto("/users/")
    assert response.status == 403 and page.locator("#forbidden").count() == 1


def test_item_list_on_a_phone(browser, live_server, user):
    context = browser.new_context(
        locale="zh-CN", base_url=live_server.url, viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    try:
        logged_in(page)
        page.goto("/items/")
        # the table scrolls inside its box; the page itself does not get wider than the phone
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert page.locator('#items tr[data-code="A001"]').count() == 1
        shot(page, "d15-items-phone")
    finally:
        context.close()
