"""Item categories in a real browser (screenshots in test-artifacts/): a tree built on the 商品分类
page, items put in it through the item form, then the 进销存汇总表 filtered by a category with
its subtotal rows."""

import pytest

from tests.browser import log_in, shot, table_rows
from tests.factories import doc

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _add(page, code, name, parent=""):
    page.fill("#id_code", code)
    page.fill("#id_name", name)
    page.select_option("#id_parent", parent)
    page.click("#add-category")
    page.wait_for_selector(f'#categories tr[data-code="{code}"]')


def test_a_category_tree_filters_the_inventory_summary(zh_page, user):
    # given: March receipts and a delivery of three items
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00"), ("A002", 4, "2.50")])
    doc(user, "purchase_receipt", "2026-03-01", [("A003", 3, "1.20")])
    doc(user, "sales_delivery", "2026-03-03", [("A001", 4, "9.00")])
    page = zh_page
    log_in(page)
    page.wait_for_url(lambda url: "/login/" not in url)
    # when: the tree 饮料 ⊃ 碳酸饮料, 果汁; 零食 is built under 资料 → 商品分类
    page.goto("/")
    page.click('nav a:has-text("商品分类")')
    page.wait_for_url("**/categories/")
    _add(page, "DRINK", "饮料")
    _add(page, "SODA", "碳酸饮料", "DRINK")
    _add(page, "JUICE", "果汁", "DRINK")
    _add(page, "SNACK", "零食")
    rows = table_rows(page, "categories")
    assert [r[1] for r in rows] == ["DRINK", "JUICE", "SODA", "SNACK"]
    assert rows[2][0].endswith("└ 碳酸饮料")
    shot(page, "c01-categories")
    # and the items are put in it through the item form's picker
    for item, category in (("A001", "SODA"), ("A002", "JUICE"), ("A003", "SNACK")):
        page.goto(f"/items/{item}/edit/")
        page.select_option("#id_category", category)
        page.click("#save")
        page.wait_for_url("**/items/?q=*")
    page.goto("/items/?category=DRINK")
    assert [r[0] for r in table_rows(page, "items")] == ["A001", "A002"]
    # when: the 进销存汇总表 of March is filtered by 饮料 with subtotals
    page.goto("/reports/inventory-summary/?from=2026-03-01&to=2026-03-31")
    page.select_option("#category", "DRINK")
    page.check("#by_category")
    page.click("form.filters button.primary")
    page.wait_for_url("**category=DRINK**")
    # then: 饮料's subtotal, then 果汁 with 橙汁… and 碳酸饮料 with A001; no 零食
    rows = table_rows(page, "inventory-summary")
    labels = [r[0] for r in rows]
    assert labels == ["小计：饮料", "小计：果汁", "A002", "小计：碳酸饮料", "A001"]
    drink = rows[0]
    # opening qty, value, in qty, value, out qty, value, closing qty, value
    assert drink[1:9] == ["0", "0.00", "14", "60.00", "4", "20.00", "10", "40.00"]
    assert page.locator("#summary-totals").inner_text().split()[-2:] == ["10", "40.00"]
    shot(page, "c02-inventory-summary-by-category")


@pytest.fixture
def zh_page(browser, live_server):
    """A page in a browser set to Simplified Chinese; a generous timeout (a shared, busy machine)."""
    context = browser.new_context(
        locale="zh-CN", base_url=live_server.url, viewport={"width": 1280, "height": 800}
    )
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.set_default_navigation_timeout(60_000)
    yield page
    context.close()
