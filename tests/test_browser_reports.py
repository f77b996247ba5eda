"""Stock, report and dashboard pages in a real browser."""

import pytest

from openjxc.reports.excel import TITLE_ROWS
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


def _today_sales(user):
    """Today: a receipt, a delivery and a return (sales today 48.00); A002 below its safety stock."""
    from django.utils import timezone

    from openjxc.catalog.services import update_item
    from tests.factories import doc

    today = str(timezone.localdate())
    doc(user, "purchase_receipt", today, [("A001", 10, "6.00"), ("A002", 2, "2.50")])
    doc(user, "sales_delivery", today, [("A001", 5, "10.00"), ("A002", 2, "4.00")])
    doc(user, "sales_return", today, [("A001", 1, "10.00")])
    update_item(user, "A002", {"safety_stock": "10"})


def _clerk(role, username):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    u = get_user_model().objects.create_user(username, password="clerk-pw-1")
    u.groups.add(Group.objects.get(name=role))
    return u


def test_dashboard_with_real_figures(zh_page, books, user):
    from openjxc.reports import trade

    _today_sales(user)
    page = zh_page
    log_in(page)
    page.wait_for_url(lambda url: "/login/" not in url)
    page.goto("/")
    # figures: today's sales, this month's margin, receivables, low stock, drafts waiting
    assert page.get_attribute("#fig-sales-today", "data-value") == "48.00"
    from django.utils import timezone

    today = timezone.localdate()
    month = trade.summary("sales", "item", today.replace(day=1), today)["totals"]
    assert page.get_attribute("#fig-sales-month", "data-value") == month["amount"]
    assert page.get_attribute("#fig-margin", "data-value") == month["margin"]
    assert page.get_attribute("#fig-low-stock", "data-value") == "1"
    assert page.get_attribute("#fig-waiting", "data-value") == "1"
    assert page.get_attribute("#data-check", "data-ok") == "1"
    assert "账账相符" in page.locator("#data-check").inner_text()
    # the 30-day trend: 30 bars, today's the tallest
    assert page.locator("#sales-trend g.bar").count() == 30
    assert page.locator("#sales-trend g.bar").last.get_attribute("data-value") == "48.00"
    top = table_rows(page, "top-items")
    assert [(r[0], r[3]) for r in top] == [("A001", "40.00"), ("A002", "8.00")]
    # the waiting draft links to the document list
    waiting = table_rows(page, "waiting")
    assert waiting == [["销售出库单", "草稿", "1"]]
    shot(page, "20-dashboard")
    # from the low-stock card to the list, where a purchase order is one click away
    page.click("#fig-low-stock a")
    page.wait_for_url("**/stock/low/")
    assert page.locator("#low-stock tbody tr[data-item=A002]").count() == 1
    assert page.input_value("input[name=qty_A002]") == "16"
    page.fill("input[name=price_A002]", "2.50")
    page.select_option("select[name=supplier]", "S001")
    shot(page, "21-low-stock")
    page.click("#create-po")
    page.wait_for_url(lambda url: "/stock/low/" not in url)
    from openjxc.documents.models import Document

    order = Document.objects.get(type="purchase_order")
    assert order.status == "draft" and [ln.qty for ln in order.lines.all()] == [160000]


def test_stock_ledger_from_the_stock_page(zh_page, books):
    page = zh_page
    log_in(page)
    page.wait_for_url(lambda url: "/login/" not in url)
    page.goto("/stock/")
    page.click("#stock tr[data-item=A001] td a")
    page.wait_for_url("**/stock/ledger/**")
    page.fill("input[name=from]", "2026-03-01")
    page.fill("input[name=to]", "2026-03-31")
    page.click("form.filters button.primary")
    page.wait_for_selector("#ledger")
    rows = table_rows(page, "ledger")
    # opening, the receipt (+10 at 5.00), the delivery (−4), closing 6 / 30.00
    assert rows[0][-2:] == ["0", "0.00"]
    assert rows[1][2] == "采购入库单" and rows[1][4] == "10" and rows[1][-2:] == ["10", "50.00"]
    assert rows[2][2] == "销售出库单" and rows[2][5] == "4" and rows[2][-2:] == ["6", "30.00"]
    assert page.locator("#ledger-closing td").all_inner_texts()[-2:] == ["6", "30.00"]
    shot(page, "22-stock-ledger")


def test_export_inventory_summary_to_excel(zh_page, books):
    import io

    from openpyxl import load_workbook

    page = zh_page
    log_in(page)
    page.wait_for_url(lambda url: "/login/" not in url)
    page.goto("/reports/inventory-summary/")
    page.fill("input[name=from]", "2026-03-01")
    page.fill("input[name=to]", "2026-03-31")
    page.click("form.filters button.primary")
    page.wait_for_url("**from=2026-03-01**")
    totals = page.locator("#summary-totals td").all_inner_texts()
    assert totals[-2] == "43.60"
    shot(page, "23-inventory-summary")
    with page.expect_download() as info:
        page.click("#export")
    download = info.value
    assert (
        download.suggested_filename.endswith(".xlsx")
        and "进销存汇总表" in download.suggested_filename
    )
    ws = load_workbook(io.BytesIO(open(download.path(), "rb").read())).active
    rows = [
        list(r) for r in ws.iter_rows(min_row=TITLE_ROWS + 1, values_only=True)
    ]  # from the header
    assert rows[0] == [
        "商品编码",
        "商品名称",
        "单位",
        "商品分类",
        "期初数量",
        "期初金额",
        "入库数量",
        "入库金额",
        "出库数量",
        "出库金额",
        "结存数量",
        "结存金额",
    ]
    a001 = next(r for r in rows if r[0] == "A001")
    assert a001[-2:] == [6, 30]
    assert rows[-1][0] == "合计" and rows[-1][-2:] == [13, 43.6]


def test_sales_clerk_cannot_see_cost(zh_page, books):
    import io

    from openpyxl import load_workbook

    _clerk("销售", "clerk")
    page = zh_page
    log_in(page, username="clerk", password="clerk-pw-1")
    page.wait_for_url(lambda url: "/login/" not in url)
    # the stock page: quantities, no unit cost, no value
    page.goto("/stock/")
    headers = page.locator("#stock thead th").all_inner_texts()
    assert "单位成本" not in headers and len(headers) == 7
    row = page.locator("#stock tr[data-item=A001]").locator("td").all_inner_texts()
    assert row[3] == "6" and "30.00" not in row and "5.000000" not in row
    assert "30.00" not in page.content()
    shot(page, "24-stock-sales-clerk")
    # the 进销存汇总表: quantities only
    page.goto("/reports/inventory-summary/?from=2026-03-01&to=2026-03-31")
    assert page.locator("#summary-totals td").all_inner_texts()[1:] == ["0", "17", "4", "13"]
    assert "43.60" not in page.content()
    # the export leaves the amounts out
    with page.expect_download() as info:
        page.click("#export")
    rows = [
        list(r)
        for r in load_workbook(io.BytesIO(open(info.value.path(), "rb").read())).active.iter_rows(
            min_row=TITLE_ROWS + 1, values_only=True
        )
    ]
    assert rows[0] == [
        "商品编码",
        "商品名称",
        "单位",
        "商品分类",
        "期初数量",
        "入库数量",
        "出库数量",
        "结存数量",
    ]
    # the margin report is refused with the 403 page
    response = page.goto("/reports/margin/")
    assert response.status == 403 and page.locator("#forbidden").is_visible()
    shot(page, "25-margin-403-sales-clerk")
    # a warehouse keeper has no export permission at all: the Excel link gives the 403 page
    _clerk("库管", "keeper")
    page.goto("/logout/")
    page.click("#logout-confirm")
    log_in(page, username="keeper", password="clerk-pw-1")
    page.wait_for_url(lambda url: "/login/" not in url)
    response = page.goto("/reports/inventory-summary/?from=2026-03-01&to=2026-03-31&format=xlsx")
    assert response.status == 403 and page.locator("#forbidden").is_visible()
