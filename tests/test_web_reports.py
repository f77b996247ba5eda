"""Dashboard, stock and report pages through the Django test client: the figures the pages show
equal the selectors' numbers; totals, aging buckets, cost masking and warehouse restriction."""

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from openpyxl import load_workbook

from openjxc.catalog.services import update_item
from openjxc.documents.models import Document
from openjxc.reports import dashboard, money, selectors, trade
from openjxc.reports.excel import TITLE_ROWS
from openjxc.users.models import WarehouseAccess

from .factories import doc

pytestmark = pytest.mark.django_db


def person(role: str, username: str | None = None, warehouses=()):
    u = get_user_model().objects.create_user(username or f"u-{role}", password="pw-123456")
    u.groups.add(Group.objects.get(name=role))
    for code in warehouses:
        from openjxc.inventory.models import Warehouse

        WarehouseAccess.objects.create(user=u, warehouse=Warehouse.objects.get(code=code))
    return u


def value_of(html: str, element_id: str) -> str:
    m = re.search(rf'id="{element_id}"[^>]*data-value="([^"]*)"', html)
    assert m, f"#{element_id} not on the page"
    return m.group(1)


def cells(html: str, row_id: str) -> list[str]:
    """The texts of the cells of the <tr id=row_id> (a totals row without its label: "Total" is
    only Chinese once the lead has merged the translation fragments)."""
    m = re.search(rf'<tr [^>]*\bid="{row_id}"[^>]*>(.*?)</tr>', html, re.S)
    assert m, f"#{row_id} not on the page"
    return [
        re.sub(r"<[^>]+>", "", c).strip()
        for c in re.findall(r"<td[^>]*>(.*?)</td>", m.group(1), re.S)
    ]


def data_rows(html: str, table_id: str, attr: str) -> dict[str, list[str]]:
    """Rows of a table body keyed by a data attribute (data-item, data-partner …)."""
    body = re.search(rf'<table id="{table_id}".*?<tbody>(.*?)</tbody>', html, re.S).group(1)
    out = {}
    for key, row in re.findall(rf'<tr [^>]*{attr}="([^"]*)"[^>]*>(.*?)</tr>', body, re.S):
        out.setdefault(key, []).append(
            [
                re.sub(r"<[^>]+>", "", c).strip()
                for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
            ]
        )
    return out


def sheet(response) -> list[list]:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(response.content)).active
    return [
        list(r) for r in ws.iter_rows(min_row=TITLE_ROWS + 1, values_only=True)
    ]  # from the header row


@pytest.fixture
def today_sales(books, user):
    """Today: a receipt of A001 and A002, a delivery of A001 and A002, a return of one A001; safety
    stock on A002 (10) and A003 (2) so that A002 is low."""
    today = str(timezone.localdate())
    doc(user, "purchase_receipt", today, [("A001", 10, "6.00"), ("A002", 2, "2.50")])
    delivery = doc(user, "sales_delivery", today, [("A001", 5, "10.00"), ("A002", 2, "4.00")])
    doc(user, "sales_return", today, [("A001", 1, "10.00")], source=None)
    update_item(user, "A002", {"safety_stock": "10"})
    update_item(user, "A003", {"safety_stock": "2"})
    return {"today": timezone.localdate(), "delivery": delivery}


def test_dashboard_figures_equal_the_selectors(client, user, today_sales):
    # given today's sales and a draft from the books
    today = today_sales["today"]
    client.force_login(user)
    # when
    html = client.get("/").content.decode()
    # then the figures are the selectors' numbers
    day = trade.summary("sales", "item", today, today)["totals"]
    month = trade.summary("sales", "item", today.replace(day=1), today)["totals"]
    assert value_of(html, "fig-sales-today") == day["amount"] == "48.00"  # 50 + 8 − 10
    assert value_of(html, "fig-sales-month") == month["amount"]
    assert value_of(html, "fig-margin") == month["margin"]
    aging = money.aging("receivable", today)["totals"]
    assert value_of(html, "fig-receivable") == aging["total"]
    assert value_of(html, "fig-overdue") == str(Decimal(aging["total"]) - Decimal(aging["0-30"]))
    low = dashboard.low_stock()
    assert [r["item"] for r in low] == ["A002"]
    assert value_of(html, "fig-low-stock") == "1"
    drafts = Document.objects.filter(status__in=["draft", "pending_approval"]).count()
    assert value_of(html, "fig-waiting") == str(drafts) == "1"
    # the trend chart has 30 bars, today's the last one with today's amount
    bars = re.findall(r'<g class="bar[^"]*" data-label="([^"]*)" data-value="([^"]*)"', html)
    assert len(bars) == 30 and bars[-1] == (str(today)[5:], "48.00")
    # top items: A001 first (40.00), then A002 (8.00)
    top = data_rows(html.replace("<tr><td>", '<tr data-x="1"><td>'), "top-items", "data-x")["1"]
    assert [(r[0], r[3]) for r in top] == [("A001", "40.00"), ("A002", "8.00")]
    # the data check comes after the page (it reads every ledger)
    assert 'hx-get="/home/check/"' in html and "data-ok=" not in html
    card = client.get("/home/check/").content.decode()
    assert 'data-ok="1"' in card and "账账相符" in card


def test_dashboard_hides_margin_from_a_sales_clerk(client, today_sales):
    client.force_login(person("销售"))
    html = client.get("/").content.decode()
    assert value_of(html, "fig-sales-today") == "48.00"
    assert 'id="fig-margin"' not in html
    assert (
        "Gross profit" not in html
        and "毛利" not in html.split('id="top-items"')[1].split("</table>")[0]
    )


def test_sales_and_purchase_summary_totals(client, user, books):
    client.force_login(user)
    html = client.get("/reports/sales/summary/?from=2026-03-01&to=2026-03-31").content.decode()
    data = trade.summary("sales", "item", dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    # Total | qty | amount | tax | gross | cost | margin | margin %
    assert cells(html, "summary-totals")[1:] == [
        "",
        "36.00",
        "4.68",
        "40.68",
        "20.00",
        "16.00",
        "44.44",
    ]
    assert data["totals"]["amount"] == "36.00" and data["totals"]["margin"] == "16.00"
    rows = data_rows(html, "summary", "data-key")
    assert rows["A001"][0][:4] == ["A001", "商品A001", "4", "36.00"]
    # by supplier for purchases: one supplier, every receipt
    html = client.get(
        "/reports/purchase/summary/?by=partner&from=2026-03-01&to=2026-03-31"
    ).content.decode()
    assert data_rows(html, "summary", "data-key")["S001"][0][:4] == [
        "S001",
        "供应商一",
        "17",
        "63.60",
    ]
    assert cells(html, "summary-totals")[1:3] == ["", "63.60"]
    # by period: March
    html = client.get(
        "/reports/sales/summary/?by=period&from=2026-03-01&to=2026-03-31"
    ).content.decode()
    assert list(data_rows(html, "summary", "data-key")) == ["2026-03"]
    assert "/reports/sales/details/?from=2026-03-01&amp;to=2026-03-31" in html
    # the Excel has the same totals
    rows = sheet(client.get("/reports/sales/summary/?from=2026-03-01&to=2026-03-31&format=xlsx"))
    assert rows[0] == [
        "编码",
        "名称",
        "数量",
        "金额",
        "税额",
        "价税合计",
        "成本",
        "毛利",
        "毛利率%",
        "商品分类",
    ]
    assert rows[-1][0] == "合计" and rows[-1][3] == 36 and rows[-1][7] == 16
    # details: one line, link back
    html = client.get(
        "/reports/sales/details/?from=2026-03-01&to=2026-03-31&item=A001"
    ).content.decode()
    assert cells(html, "details-totals")[1:] == [
        "4",
        "",
        "36.00",
        "4.68",
        "40.68",
        "20.00",
        "16.00",
        "",
    ]


def test_inventory_summary_page_and_excel(client, user, books):
    client.force_login(user)
    html = client.get("/reports/inventory-summary/?from=2026-03-01&to=2026-03-31").content.decode()
    data = selectors.inventory_summary(dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    t = data["totals"]
    assert cells(html, "summary-totals")[1:] == [
        t["opening_qty"],
        t["opening_value"],
        t["in_qty"],
        t["in_value"],
        t["out_qty"],
        t["out_value"],
        t["closing_qty"],
        t["closing_value"],
        "",
    ]
    assert t["closing_value"] == "43.60"  # 30 + 10 + 3.60
    assert data_rows(html, "inventory-summary", "data-item")["A001"][0][-3:] == [
        "6",
        "30.00",
        "5.000000",
    ]
    rows = sheet(
        client.get("/reports/inventory-summary/?from=2026-03-01&to=2026-03-31&format=xlsx")
    )
    assert rows[0][-2:] == ["结存数量", "结存金额"]
    assert rows[1][0] == "A001" and rows[1][-2:] == [6, 30]
    assert rows[-1][0] == "合计" and rows[-1][-1] == 43.6


def test_aging_buckets(client, user, books):
    # given the delivery of 2026-03-03 (40.68 incl. tax) and one of 2026-04-20 (2 × A001 at 9.00 = 20.34)
    doc(user, "sales_delivery", "2026-04-20", [("A001", 2, "9.00")])
    client.force_login(user)
    # when: 68 days after the first, 20 after the second
    html = client.get("/reports/aging/?kind=receivable&as_of=2026-05-10").content.decode()
    # then: partner | name | total | 0-30 | 31-60 | 61-90 | 91-180 | 181-365 | 365+ | link
    row = data_rows(html, "aging", "data-partner")["C001"][0]
    assert row[:9] == ["C001", "客户一", "61.02", "20.34", "0.00", "40.68", "0.00", "0.00", "0.00"]
    assert cells(html, "aging-totals")[1:9] == [
        "61.02",
        "20.34",
        "0.00",
        "40.68",
        "0.00",
        "0.00",
        "0.00",
        "",
    ]
    assert money.aging("receivable", dt.date(2026, 5, 10))["totals"]["61-90"] == "40.68"
    # before the second delivery only the first is open, in 0-30
    html = client.get("/reports/aging/?as_of=2026-03-20").content.decode()
    assert data_rows(html, "aging", "data-partner")["C001"][0][2:4] == ["40.68", "40.68"]
    # payables: the two receipts, 63.60 + 13% tax
    html = client.get("/reports/aging/?kind=payable&as_of=2026-03-20").content.decode()
    assert data_rows(html, "aging", "data-partner")["S001"][0][2] == "71.87"
    # receivables page and statement agree
    html = client.get("/reports/receivables/").content.decode()
    rows = data_rows(html, "receivables", "data-partner")
    assert rows["C001"][0][2:4] == ["61.02", "0.00"] and rows["S001"][0][2:4] == ["0.00", "71.87"]
    assert cells(html, "receivables-totals")[1:3] == ["61.02", "71.87"]
    html = client.get(
        "/reports/statements/?kind=customer&partner=C001&from=2026-03-01&to=2026-04-30"
    ).content.decode()
    assert cells(html, "statement-closing")[-1] == "61.02"
    assert "/statement/customer/C001/?from=2026-03-01" in html


def test_sales_clerk_sees_no_cost(client, books):
    client.force_login(person("销售"))
    html = client.get("/stock/").content.decode()
    assert "单位成本" not in html and "30.00" not in html
    assert data_rows(html, "stock", "data-item")["A001"][0][3] == "6"
    html = client.get("/reports/inventory-summary/?from=2026-03-01&to=2026-03-31").content.decode()
    assert "30.00" not in html and "43.60" not in html
    assert cells(html, "summary-totals")[1:] == ["0", "17", "4", "13"]
    # the export leaves the value columns out; the margin report is refused
    rows = sheet(
        client.get("/reports/inventory-summary/?from=2026-03-01&to=2026-03-31&format=xlsx")
    )
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
    rows = sheet(client.get("/reports/sales/summary/?from=2026-03-01&to=2026-03-31&format=xlsx"))
    assert "成本" not in rows[0] and "毛利" not in rows[0]
    assert client.get("/reports/margin/").status_code == 403
    html = client.get("/stock/ledger/?item=A001&from=2026-03-01&to=2026-03-31").content.decode()
    assert "单位成本" not in html and "30.00" not in html
    # receivables and payables: a sales clerk sees customers only
    html = client.get("/reports/receivables/").content.decode()
    assert set(data_rows(html, "receivables", "data-partner")) == {"C001"}
    # no purchase permission: no order from the low-stock list
    assert client.post("/stock/low/", {"supplier": "S001", "pick_A002": "1"}).status_code == 403
    # a warehouse keeper may not export at all
    client.force_login(person("库管"))
    response = client.get("/reports/inventory-summary/?from=2026-03-01&to=2026-03-31&format=xlsx")
    assert response.status_code == 403 and "xlsx" not in response["Content-Type"]


def test_warehouse_restriction(client, books):
    client.force_login(person("库管", "keeper1", warehouses=["WH1"]))
    html = client.get("/stock/").content.decode()
    rows = data_rows(html, "stock", "data-item")
    assert set(rows) == {"A001", "A002"}  # A003 lies in WH2
    assert "仓库WH2" not in html
    # asking for WH2 gives WH1
    html = client.get("/stock/?warehouse=WH2").content.decode()
    assert set(data_rows(html, "stock", "data-item")) == {"A001", "A002"}
    html = client.get(
        "/reports/inventory-summary/?from=2026-03-01&to=2026-03-31&warehouse=WH2"
    ).content.decode()
    assert set(data_rows(html, "inventory-summary", "data-item")) == {"A001", "A002"}
    html = client.get(
        "/stock/ledger/?item=A003&warehouse=WH2&from=2026-03-01&to=2026-03-31"
    ).content.decode()
    assert cells(html, "ledger-closing")[-1] == "0" and 'data-document="' not in html


def test_stock_ledger_rows(client, user, books):
    client.force_login(user)
    html = client.get("/stock/ledger/?item=A001&from=2026-03-02&to=2026-03-31").content.decode()
    assert cells(html, "ledger-opening")[-2:] == ["10", "50.00"]
    (row,) = data_rows(html, "ledger", "data-document")[books["delivery"]]
    assert row[2:] == ["销售出库单", "WH1", "", "4", "5.000000", "-20.00"] + [
        "平均单价 5.000000",  # the cost basis: the moving average it used
        "6",
        "30.00",
    ]
    assert cells(html, "ledger-closing")[-2:] == ["6", "30.00"]
    rows = sheet(client.get("/stock/ledger/?item=A001&from=2026-03-02&to=2026-03-31&format=xlsx"))
    assert rows[1][1] == "期初" and rows[1][-2:] == [10, 50]
    assert rows[-1][-2:] == [6, 30]


def test_low_stock_creates_a_draft_purchase_order(client, user, books):
    update_item(user, "A002", {"safety_stock": "10"})
    client.force_login(user)
    html = client.get("/stock/low/").content.decode()
    row = data_rows(html, "low-stock", "data-item")["A002"][0]
    assert row[4:9] == ["10", "4", "0", "4", "0"]
    assert 'name="qty_A002" value="16"' in html  # 2 × 10 − 4
    # no supplier: the service's error, nothing created
    response = client.post(
        "/stock/low/",
        {"pick_A002": "1", "qty_A002": "16", "price_A002": "2.50", "order_warehouse": "WH1"},
    )
    assert response.status_code == 422 and 'id="errors"' in response.content.decode()
    assert not Document.objects.filter(type="purchase_order").exists()
    # with a supplier: a draft order and a redirect to it
    response = client.post(
        "/stock/low/",
        {
            "pick_A002": "1",
            "qty_A002": "12",
            "price_A002": "2.50",
            "supplier": "S001",
            "order_warehouse": "WH1",
        },
    )
    assert response.status_code == 302
    order = Document.objects.get(type="purchase_order")
    assert (
        order.status == "draft" and order.partner.code == "S001" and order.warehouse.code == "WH1"
    )
    assert [(ln.item.code, ln.qty, ln.amount) for ln in order.lines.all()] == [
        ("A002", 120000, 3000)
    ]
    assert order.number in response["Location"] or response["Location"].startswith("/documents/")


def test_bad_filters_and_forbidden_reports(client, user, books):
    client.force_login(user)
    # a bad date: the page again with the message, status 422
    response = client.get("/reports/inventory-summary/?from=2026-13-01")
    assert response.status_code == 422 and 'id="errors"' in response.content.decode()
    response = client.get("/reports/sales/summary/?from=2026-03-31&to=2026-03-01")
    assert response.status_code == 422 and 'id="errors"' in response.content.decode()
    assert client.get("/reports/unknown/summary/").status_code == 404
    # a warehouse keeper: no sales or purchase summary, no receivables
    client.force_login(person("库管"))
    for url in (
        "/reports/sales/summary/",
        "/reports/purchase/details/",
        "/reports/receivables/",
        "/reports/aging/",
        "/reports/statements/",
        "/reports/margin/",
    ):
        response = client.get(url)
        assert response.status_code == 403 and 'id="forbidden"' in response.content.decode(), url
    # the stock pages are open to them
    assert client.get("/stock/").status_code == 200 and client.get("/stock/low/").status_code == 200
