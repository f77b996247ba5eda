"""Stock, report and dashboard pages in a real browser."""

import pytest

from tests.browser import log_in, shot, table_rows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]



def test_stock_list(zh_page, books):
    page = zh_page
    log_in(page)
    page.wait_for_url(lambda url: "/login/" not in url)
    # the stock list shows quantities and values
    page.click("header >> text=库存")
    page.wait_for_url("**/stock/")
    headers = [h.strip() for h in page.locator("#stock thead th").all_inner_texts()]
    assert headers[:4] == ["商品编码", "名称", "仓库", "结存数量"]
    stock = {(r[0], r[2]): r for r in table_rows(page, "stock")}
    assert stock[("A001", "仓库WH1")][1] == "商品A001"
    assert (stock[("A001", "仓库WH1")][3], stock[("A001", "仓库WH1")][8]) == ("6", "30.00")
    assert (stock[("A002", "仓库WH1")][3], stock[("A002", "仓库WH1")][8]) == ("4", "10.00")
    assert (stock[("A003", "仓库WH2")][3], stock[("A003", "仓库WH2")][8]) == ("3", "3.60")
    assert stock[("A001", "仓库WH1")][7].startswith("5.00")
    shot(page, "05-stock")

