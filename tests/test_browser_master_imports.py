"""The item import with categories and alternate units in a real browser: the preview names the bad
unit and the unknown category in Chinese, nothing is imported, then the fixed file imports
(screenshots in test-artifacts/)."""

import pytest
from openpyxl import Workbook

from openjxc.catalog.models import Category, ItemUnit
from tests.browser import log_in, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADER = ["商品编码*", "商品名称*", "单位*", "分类编码", "销售价"]
HEADER += ["单位2", "换算率2", "条码2", "单位3", "换算率3", "条码3"]


def workbook(path, rows) -> str:
    wb = Workbook()
    for r in rows:
        wb.active.append(r)
    wb.save(path)
    return str(path)


def test_import_items_with_units_shows_row_errors_then_imports(zh_page, user, tmp_path):
    Category.objects.create(code="YL", name="饮料")
    page = zh_page
    log_in(page)
    page.wait_for_url(lambda url: "/login/" not in url)
    page.goto("/import/?kind=items")
    assert "换算率2" in page.locator(".import-steps").inner_text()
    rows = [
        HEADER,
        ["U001", "可乐", "瓶", "YL", "3.50", "箱", 24, "6912345678904", "提", 6, None],
        ["U002", "雪碧", "瓶", "XX", None, None, None, None, None, None, None],
        ["U003", "芬达", "瓶", "YL", None, "箱", 0, None, "箱", 6, None],
    ]
    page.set_input_files("#file", workbook(tmp_path / "bad.xlsx", rows))
    page.click("#preview-button")
    page.locator("#preview").wait_for()
    assert page.locator("#preview-summary").get_attribute("data-bad") == "2"
    assert page.locator("#import-button").is_disabled()
    assert "没有商品分类 XX" in page.locator('#preview tr[data-row="3"] td.result').inner_text()
    assert "换算率2" in page.locator('#preview tr[data-row="4"] td.result').inner_text()
    shot(page, "m01-import-units-errors")
    assert not ItemUnit.objects.exists()

    rows[2][3] = "YL"
    rows[3][6] = "12"
    rows[3][8] = "盒"
    page.goto("/import/?kind=items")
    page.set_input_files("#file", workbook(tmp_path / "good.xlsx", rows))
    page.click("#preview-button")
    page.locator("#preview").wait_for()
    assert page.locator("#preview-summary").get_attribute("data-bad") == "0"
    shot(page, "m02-import-units-ok")
    page.click("#import-button")
    page.wait_for_url("**/items/")
    units = sorted(ItemUnit.objects.values_list("item__code", "unit", "factor", "barcode"))
    assert units == [
        ("U001", "提", 60000, ""),
        ("U001", "箱", 240000, "6912345678904"),
        ("U003", "盒", 60000, ""),
        ("U003", "箱", 120000, ""),
    ]
