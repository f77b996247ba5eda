"""The item category pages through the test client: the 商品分类 tree page (add, edit, move,
deactivate, a cycle refused in Chinese), the category picker of the item form, and the report
pages filtered by a category — the 进销存汇总表 with its subtotal rows, on the page and in Excel."""

import io

import pytest
from openpyxl import load_workbook

from openjxc.catalog.models import Category, Item
from tests.factories import doc


@pytest.fixture
def tree(admin_client):
    for code, name, parent in (
        ("DRINK", "饮料", ""),
        ("SODA", "碳酸饮料", "DRINK"),
        ("JUICE", "果汁", "DRINK"),
        ("SNACK", "零食", ""),
    ):
        r = admin_client.post("/categories/", {"code": code, "name": name, "parent": parent})
        assert r.status_code == 302, r.content.decode()[:500]
    return admin_client


def test_the_tree_page_lists_adds_and_edits(tree):
    html = tree.get("/categories/").content.decode()
    html = html[html.index('id="categories"') :]  # after the messages of the four saves
    assert html.index("饮料") < html.index("果汁") < html.index("碳酸饮料") < html.index("零食")
    assert Category.objects.get(code="SODA").parent.code == "DRINK"
    # moved to the top level, renamed and deactivated
    r = tree.post("/categories/SODA/edit/", {"name": "汽水", "parent": ""})
    assert r.status_code == 302
    soda = Category.objects.get(code="SODA")
    assert (soda.name, soda.parent, soda.active) == ("汽水", None, False)
    # the edit page does not offer the category's own subtree as a parent
    html = tree.get("/categories/DRINK/edit/").content.decode()
    assert 'value="JUICE"' not in html and 'value="SNACK"' in html


def test_a_cycle_on_the_edit_page_is_refused_in_chinese(tree):
    r = tree.post("/categories/DRINK/edit/", {"name": "饮料", "parent": "SODA", "active": "1"})
    assert r.status_code == 422
    assert "不能移到" in r.content.decode()
    assert Category.objects.get(code="DRINK").parent is None


def test_the_item_form_picks_a_category_and_the_list_filters_by_it(tree):
    html = tree.get("/items/new/").content.decode()
    assert 'id="id_category"' in html and "碳酸饮料" in html
    r = tree.post(
        "/items/new/",
        {"code": "B001", "name": "可乐", "unit": "瓶", "tax_rate": "0.13", "category": "SODA"},
    )
    assert r.status_code == 302
    assert Item.objects.get(code="B001").category.code == "SODA"
    r = tree.post(
        "/items/A001/edit/", {"name": "橙汁", "unit": "瓶", "category": "JUICE", "active": "1"}
    )
    assert r.status_code == 302 and Item.objects.get(code="A001").category.code == "JUICE"
    listed = tree.get("/items/?category=DRINK").content.decode()
    assert 'data-code="B001"' in listed and 'data-code="A001"' in listed
    assert 'data-code="A002"' not in listed
    assert "没有商品分类" in tree.get("/items/?category=NOPE").content.decode()


@pytest.fixture
def moved(tree, user):
    Item.objects.filter(code="A001").update(category=Category.objects.get(code="SODA"))
    Item.objects.filter(code="A002").update(category=Category.objects.get(code="JUICE"))
    Item.objects.filter(code="A003").update(category=Category.objects.get(code="SNACK"))
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00"), ("A002", 4, "2.50")])
    doc(user, "purchase_receipt", "2026-03-01", [("A003", 3, "1.20")])
    doc(user, "sales_delivery", "2026-03-03", [("A001", 4, "9.00"), ("A003", 1, "3.00")])
    return tree


def test_the_inventory_summary_page_shows_subtotal_rows(moved):
    q = "/reports/inventory-summary/?from=2026-03-01&to=2026-03-31&by_category=1"
    html = moved.get(q).content.decode()
    assert html.index("小计：饮料") < html.index("小计：果汁") < html.index("小计：零食")
    assert html.count('class="subtotal"') == 4
    filtered = moved.get(q + "&category=SNACK").content.decode()
    assert 'data-item="A003"' in filtered and 'data-item="A001"' not in filtered
    assert moved.get(q + "&category=NOPE").status_code == 422
    # the Excel export keeps the subtotal rows
    ws = load_workbook(io.BytesIO(moved.get(q + "&format=xlsx").content)).active
    names = [row[1].value for row in ws.iter_rows(min_row=4)]
    assert names[:3] == ["小计：饮料", "\u3000小计：果汁", "商品A002"]


def test_stock_and_trade_pages_filter_by_category(moved):
    stock = moved.get("/stock/?date=2026-03-31&category=DRINK").content.decode()
    assert 'data-item="A001"' in stock and 'data-item="A003"' not in stock
    sales = moved.get("/reports/sales/summary/?from=2026-03-01&to=2026-03-31&category=SNACK")
    assert sales.status_code == 200
    html = sales.content.decode()
    assert 'data-key="A003"' in html and 'data-key="A001"' not in html
    by_cat = moved.get("/reports/sales/summary/?from=2026-03-01&to=2026-03-31&by=category")
    assert 'data-key="SODA"' in by_cat.content.decode()
    details = moved.get("/reports/purchase/details/?from=2026-03-01&to=2026-03-31&category=DRINK")
    html = details.content.decode()
    assert html.count("data-document=") == 2
    low = moved.get("/stock/low/?category=SNACK")
    assert low.status_code == 200
