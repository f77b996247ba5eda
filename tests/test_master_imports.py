"""The master-data Excel import at scale (issue 11): items with their category and alternate units
(单位2/换算率2/条码2, 单位3/…) imported exactly, customers with every field; a bad unit, an
unknown category or price level is a row-level error (in Chinese, naming the column) and nothing
is imported; the templates carry the new columns; the fast sheet reader reads what openpyxl
reads; the bulk writes leave an audit entry per object in an intact chain. Timing belongs to
`python -m bench --only imports`, never to these tests."""

import datetime as dt
import io
import json
import os
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation
from openpyxl import Workbook, load_workbook

from openjxc.audit.services import verify_chain
from openjxc.catalog.imports import import_items
from openjxc.catalog.models import Category, Item, ItemUnit
from openjxc.catalog.services import create_price_level
from openjxc.core.sheets import read_rows
from openjxc.core.xlsx_rows import iter_values
from openjxc.partners.imports import import_partners
from openjxc.partners.models import Partner
from openjxc.web.views_imports import IMPORTS, row_error
from tests.factories import fetch, person

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent

ITEM_HEADER = ["商品编码", "商品名称", "单位", "条码", "分类编码", "销售价"]
UNIT_HEADER = ["单位2", "换算率2", "条码2", "采购价2", "销售价2", "单位3", "换算率3", "条码3"]


def xlsx(header, *rows) -> bytes:
    wb = Workbook()
    wb.active.append(header)
    for r in rows:
        wb.active.append(list(r))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.fixture
def categories(db):
    Category.objects.create(code="YL", name="饮料")
    Category.objects.create(code="LS", name="零食")


def item_file(*rows) -> bytes:
    return xlsx(ITEM_HEADER + UNIT_HEADER, *rows)


def errors(result) -> dict:
    return {r["row"]: r["code"] for r in result["rows"] if r["code"]}


def zh(result, row: int) -> str:
    """The Chinese sentence the import page shows for a row's error."""
    entry = next(r for r in result["rows"] if r["row"] == row)
    with translation.override("zh-hans"):
        return row_error(entry["error"], IMPORTS["items"]["columns"])


def test_items_with_category_and_units_are_imported_exactly(user, categories):
    # given a file with a base unit, a 箱 of 24 and a 盒 of 2.5, barcodes and a category
    content = item_file(
        ["K001", "可乐", "瓶", "6901234567892", "YL", "3.50"]
        + ["箱", 24, "16901234567899", "48.00", "80.00", "盒", "2.5", "26901234567896"],
        ["K002", "薯片", "袋", None, "LS", None] + ["箱", "0.0001", None, None, None] + [None] * 3,
        ["K003", "散装糖", "斤", None, None, None] + [None] * 8,
    )
    # when it is previewed, nothing is written
    preview = import_items(user, content, commit=False)
    assert preview["ok"] and preview["imported"] == 0
    assert not Item.objects.filter(code__startswith="K").exists()
    # and when it is imported, every item, unit, factor, barcode and price is as typed
    result = import_items(user, content, commit=True)
    assert result["ok"] and result["imported"] == 3
    k1, k2, k3 = (Item.objects.get(code=c) for c in ("K001", "K002", "K003"))
    assert (k1.category.code, k2.category.code, k3.category) == ("YL", "LS", None)
    assert (k1.barcode, k1.sale_price, k1.tax_rate) == (
        "6901234567892",
        Decimal("3.5"),
        Decimal("0.13"),
    )
    assert len(k2.barcode) == 13 and k2.barcode.startswith("20")  # generated, as one by one
    assert len(k3.barcode) == 13 and k3.barcode != k2.barcode
    units = [
        (u.item.code, u.unit, u.factor, u.barcode, u.purchase_price, u.sale_price)
        for u in ItemUnit.objects.select_related("item").order_by("item__code", "id")
    ]
    assert units == [
        ("K001", "箱", 240000, "16901234567899", Decimal("48"), Decimal("80")),
        ("K001", "盒", 25000, "26901234567896", None, None),
        ("K002", "箱", 1, "", None, None),
    ]
    assert k1.pinyin == "kl" and k2.pinyin == "sp"
    # one audit entry per item (with its units) and one for the import, in an intact chain
    created = fetch(
        "SELECT object, after FROM audit_auditentry WHERE action = 'create' "
        "AND object_type = 'item' AND object LIKE 'K%%' ORDER BY id"
    )
    assert [c[0] for c in created] == ["K001", "K002", "K003"]
    after = created[0][1] if isinstance(created[0][1], dict) else json.loads(created[0][1])
    assert after["category"] == "YL" and after["units"][0]["factor"] == "24"
    assert fetch("SELECT after FROM audit_auditentry WHERE action = 'import'")
    assert verify_chain() == []
    # importing the same file again is refused row by row (codes and unit barcodes exist)
    again = import_items(user, content, commit=True)
    assert errors(again) == {2: "duplicate_code", 3: "duplicate_code", 4: "duplicate_code"}
    assert ItemUnit.objects.count() == 3


def test_bad_units_and_unknown_category_are_row_errors_and_nothing_is_imported(user, categories):
    Item.objects.filter(code="A001").update(barcode="6900000000001")
    content = item_file(
        ["G001", "好", "个", None, "YL", None] + ["箱", 12, "6911111111111"] + [None] * 5,
        ["B001", "零换算", "个", None, None, None] + ["箱", 0] + [None] * 6,
        ["B002", "五位小数", "个", None, None, None] + ["箱", "1.00001"] + [None] * 6,
        ["B003", "同名", "个", None, None, None] + ["个", 12] + [None] * 6,
        ["B004", "二三同名", "个", None, None, None] + ["箱", 12, None, None, None, "箱", 6, None],
        ["B005", "条码已有", "个", None, None, None] + ["箱", 12, "6900000000001"] + [None] * 5,
        ["B006", "条码重复", "个", None, None, None] + ["箱", 12, "6911111111111"] + [None] * 5,
        ["B007", "无单位名", "个", None, None, None] + [None, 12, "6922222222222"] + [None] * 5,
        ["B008", "无换算率", "个", None, None, None] + ["箱", None] + [None] * 6,
        ["B009", "未知分类", "个", None, "NOPE", None] + [None] * 8,
        ["B010", "负换算", "个", None, None, None] + ["箱", -2] + [None] * 6,
        ["B011", "本品条码", "个", "6933333333333", None, None]
        + ["箱", 12, "6933333333333"]
        + [None] * 5,
    )
    result = import_items(user, content, commit=True)
    assert not result["ok"] and result["imported"] == 0
    assert errors(result) == {
        3: "invalid",
        4: "invalid",
        5: "invalid",
        6: "invalid",
        7: "duplicate_barcode",
        8: "duplicate_barcode",
        9: "invalid",
        10: "invalid",
        11: "unknown_category",
        12: "invalid",
        13: "duplicate_barcode",
    }
    assert not Item.objects.filter(code__in=["G001", "B001"]).exists()
    assert not ItemUnit.objects.exists()
    # each error names its column, in Chinese
    assert "换算率2" in zh(result, 3) and "0" in zh(result, 3)
    assert "换算率2" in zh(result, 4) and "小数" in zh(result, 4)
    assert zh(result, 5) == "“单位2”与该商品的另一个单位相同。"
    assert zh(result, 6) == "“单位3”与该商品的另一个单位相同。"
    assert zh(result, 7) == "条码 6900000000001 已被其他商品或单位使用。"
    assert zh(result, 8) == "条码 6911111111111 已被其他商品或单位使用。"
    assert zh(result, 9) == "“单位2”必填。"
    assert zh(result, 10) == "“换算率2”必填。"
    assert zh(result, 11) == "分类：没有商品分类 NOPE。"
    assert "换算率2" in zh(result, 12)
    for row in range(3, 14):
        assert not any("a" <= ch <= "z" for ch in zh(result, row).replace("NOPE", "")), row


def test_a_barcode_names_one_item_or_unit(user):
    # a barcode scans to one thing: an item's barcode may not repeat another item's (as the item
    # service refuses), nor may a unit's barcode be reused as an item's barcode
    Item.objects.filter(code="A001").update(barcode="6900000000001")
    taken = import_items(
        user, item_file(["D001", "同码", "个", "6900000000001", None, None]), False
    )
    assert errors(taken) == {2: "duplicate_barcode"}
    content = item_file(
        ["D002", "甲", "个", None, None, None] + ["箱", 10, "6944444444444"] + [None] * 5,
        ["D003", "乙", "个", "6944444444444", None, None] + [None] * 8,
    )
    assert errors(import_items(user, content, commit=True)) == {3: "duplicate_barcode"}
    assert not Item.objects.filter(code__in=["D001", "D002", "D003"]).exists()


def test_purchase_prices_of_units_need_cost_visibility(user):
    keeper = person("库管")  # may edit master data, may not see cost
    content = item_file(
        ["M001", "甲", "个", None, None, "2.00"] + ["箱", 10, None, "9.99", "25.00"] + [None] * 3
    )
    assert import_items(keeper, content, commit=True)["ok"]
    unit = ItemUnit.objects.get(item__code="M001")
    assert (unit.purchase_price, unit.sale_price) == (None, Decimal("25"))


def test_customers_with_every_field_and_a_price_level(user):
    create_price_level(user, {"code": "PF", "name": "批发价"})
    header = [
        "客户编码", "客户名称", "电话", "信用额度", "联系人", "手机", "地址", "税号",
        "开户银行", "银行账号", "账期天数", "价格等级",
    ]  # fmt: skip
    content = xlsx(
        header,
        ["C100", "城东便利店", "020-1234", "5000.50", "张三", 13900000000, "广州市天河路 1 号",
         "91110000600037341L", "工商银行", "6222020200001234567", 30, "PF"],
        ["C101", "城西超市", None, None, None, None, None, None, None, None, None, None],
    )  # fmt: skip
    result = import_partners(user, "customer", content, commit=True)
    assert result["ok"] and result["imported"] == 2
    c = Partner.objects.get(kind="customer", code="C100")
    assert (
        c.name, c.phone, c.credit_limit, c.contact, c.mobile, c.address, c.tax_no,
        c.bank_name, c.bank_account, c.payment_terms_days, c.price_level.code, c.active,
    ) == (
        "城东便利店", "020-1234", 500050, "张三", "13900000000", "广州市天河路 1 号",
        "91110000600037341L", "工商银行", "6222020200001234567", 30, "PF", True,
    )  # fmt: skip
    c2 = Partner.objects.get(kind="customer", code="C101")
    assert (c2.credit_limit, c2.payment_terms_days, c2.price_level) == (None, None, None)
    assert [r[0] for r in fetch(
        "SELECT object FROM audit_auditentry WHERE action = 'create' AND object_type = 'customer' "
        "AND object LIKE 'C10%%' ORDER BY id"
    )] == ["C100", "C101"]  # fmt: skip
    assert verify_chain() == []


def test_partner_rows_with_errors_import_nothing(user):
    header = ["客户编码", "客户名称", "税号", "账期天数", "价格等级", "信用额度"]
    content = xlsx(
        header,
        ["C200", "好", None, None, None, None],
        ["C201", "坏税号", "123", None, None, None],
        ["C202", "账期太长", None, 9999, None, None],
        ["C203", "无等级", None, None, "NOPE", None],
        ["C001", "已有编码", None, None, None, None],
        ["C200", "文件内重复", None, None, None, None],
        ["C204", "额度非数字", None, None, None, "abc"],
    )
    result = import_partners(user, "customer", content, commit=True)
    assert errors(result) == {
        3: "invalid_tax_no",
        4: "invalid",
        5: "not_found",
        6: "duplicate_code",
        7: "duplicate_code",
        8: "invalid_number",
    }
    assert not Partner.objects.filter(code__startswith="C2").exists()
    with translation.override("zh-hans"):
        entry = next(r for r in result["rows"] if r["row"] == 5)
        assert (
            row_error(entry["error"], IMPORTS["customers"]["columns"]) == "价格等级 NOPE 不存在。"
        )
    # a supplier may have the same code as a customer
    sup = xlsx(["供应商编码", "供应商名称", "账期天数"], ["C001", "同码供应商", 60])
    assert import_partners(user, "supplier", sup, commit=True)["ok"]
    assert Partner.objects.get(kind="supplier", code="C001").payment_terms_days == 60


@pytest.mark.parametrize(
    "kind, expected",
    [
        ("items", ["分类编码", "单位2", "换算率2", "条码2", "采购价2", "销售价2", "单位3", "换算率3", "条码3"]),
        ("customers", ["联系人", "手机", "地址", "税号", "开户银行", "银行账号", "账期天数", "价格等级", "信用额度"]),
        ("suppliers", ["联系人", "地址", "税号", "开户银行", "银行账号", "账期天数"]),
    ],
)  # fmt: skip
def test_template_download_has_the_new_columns(admin_client, user, kind, expected):
    r = admin_client.get(f"/import/template/{kind}/")
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    headers = [c.value for c in wb.worksheets[0][1]]
    assert set(expected) <= set(headers), headers
    assert wb.worksheets[0].max_row == 1  # the example sits on its own sheet
    example = [c.value for c in wb.worksheets[1][2]]
    assert len(example) == len(headers)
    if kind == "items":  # the template's own example passes the check (once its category exists)
        Category.objects.create(code="YL", name="饮料")
        result = import_items(user, xlsx(headers, example), commit=False)
        assert result["ok"], [(r["row"], r["code"], str(r["error"])) for r in result["rows"]]


def test_a_large_preview_shows_the_bad_rows_first(admin_client):
    rows = [[f"P{i:04d}", f"商品{i}", "个", None, None, None] for i in range(400)]
    rows[350][2] = None  # row 352 has no unit
    f = io.BytesIO(item_file(*rows))
    f.name = "big.xlsx"
    r = admin_client.post("/import/", {"kind": "items", "file": f})
    body = r.content.decode()
    assert r.status_code == 200 and 'data-bad="1"' in body and 'id="preview-shown"' in body
    assert body.count("<tr data-row=") == 300
    assert 'data-row="352" class="row-bad"' in body and 'data-row="2" class="row-ok"' in body
    assert "400" in body
    assert not Item.objects.filter(code__startswith="P").exists()


def shared_strings_xlsx() -> bytes:
    """A workbook as Excel writes it (openpyxl writes inline strings only): shared strings with
    a rich-text run and a phonetic run, a date style, a row gap, cells without references."""
    sheet = (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<dimension ref="A1:D4"/><sheetData>'
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'
        '<c r="D1" t="s"><v>2</v></c></row>'
        '<row r="2"><c r="A2" t="s"><v>3</v></c><c r="B2" s="1"><v>46000</v></c>'
        '<c r="C2"><v>12.50</v></c><c r="D2" t="b"><v>1</v></c></row>'
        '<row r="4"><c t="s"><v>4</v></c><c t="e"><v>#N/A</v></c><c t="str"><f>A1</f>'
        "<v>x</v></c><c><v>1E3</v></c></row>"
        "</sheetData></worksheet>"
    )
    strings = (
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="5" '
        'uniqueCount="5"><si><t>商品编码</t></si><si><t>日期</t></si><si><t>金额</t></si>'
        "<si><r><t>可</t></r><r><rPr><b/></rPr><t>乐</t></r>"
        '<rPh sb="0" eb="1"><t>ke</t></rPh></si><si><t xml:space="preserve"> 空格 </t></si>'
        "</sst>"
    )
    styles = (
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/>'
        '</numFmts><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="164"/></cellXfs></styleSheet>'
    )
    workbook = (
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="商品" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
    rels = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{rel}worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{rel}sharedStrings" Target="sharedStrings.xml"/>'
        f'<Relationship Id="rId3" Type="{rel}styles" Target="styles.xml"/></Relationships>'
    )
    ct = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    types = (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{ct}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{ct}.worksheet+xml"/>'
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{ct}.sharedStrings+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{ct}.styles+xml"/></Types>'
    )
    root_rels = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", types)
        z.writestr("_rels/.rels", root_rels)
        z.writestr("xl/workbook.xml", workbook)
        z.writestr("xl/_rels/workbook.xml.rels", rels)
        z.writestr("xl/worksheets/sheet1.xml", sheet)
        z.writestr("xl/sharedStrings.xml", strings)
        z.writestr("xl/styles.xml", styles)
    return buf.getvalue()


def openpyxl_values(content: bytes) -> list[tuple]:
    wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        return [tuple(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
    finally:
        wb.close()


def padded(rows, width):
    return [tuple(r) + (None,) * (width - len(r)) for r in rows]


def test_the_fast_reader_reads_what_openpyxl_reads(db):
    # an Excel-like file (shared strings) and an openpyxl-written one (inline strings)
    wb = Workbook()
    wb.active.append(["a", 1, 2.5, True, None, "=1+1", dt.date(2026, 1, 2), 1e20, " x "])
    wb.active["C5"] = "gap"
    wb.active.append([dt.datetime(2026, 3, 4, 5, 6, 7), dt.time(12, 30), -3, "#N/A", 0.1])
    buf = io.BytesIO()
    wb.save(buf)
    for content in (shared_strings_xlsx(), buf.getvalue()):
        theirs = openpyxl_values(content)
        width = max(len(r) for r in theirs)
        assert padded(iter_values(content), width) == padded(theirs, width)
    values = list(iter_values(shared_strings_xlsx()))
    assert values[1][:2] == ("可乐", dt.datetime(2025, 12, 9)) and values[2] == ()
    assert values[3] == (" 空格 ", "#N/A", "x", 1000.0)


def test_a_file_the_fast_reader_cannot_read_is_read_by_openpyxl(db):
    # a cell type the fast reader does not know: it gives up, openpyxl reads the file
    broken = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(shared_strings_xlsx())) as src,
        zipfile.ZipFile(broken, "w") as z,
    ):
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b'<c t="str">', b'<c t="zz">')
            z.writestr(info, data)
    with pytest.raises(ValueError):
        list(iter_values(broken.getvalue()))
    rows = read_rows(broken.getvalue(), [("code", "商品编码", True), ("amount", "金额", False)])
    assert rows == [
        (2, {"code": "可乐", "amount": "1"}),
        (4, {"code": "空格", "amount": "1000"}),
    ]


@pytest.mark.sqlite_subprocess  # own SQLite books: SQLite pass only
def test_the_import_benchmark_runs(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENJXC_", "DJANGO_SETTINGS"))}
    env["TMPDIR"] = str(tmp_path)
    proc = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--backends", "sqlite", "--only", "imports",
         "--runs", "2"],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=600,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-4000:]
    res = json.loads(proc.stdout)["results"]["sqlite"]["imports"]
    assert "error" not in res, res
    assert (
        res["imported_items"] == 2 * res["items"]
        and res["imported_customers"] == 2 * res["customers"]
    )
    assert res["imported_units"] == 2 * 2 * res["items"]  # 单位2 and 单位3 of every item
    assert res["items_preview_ok"] is True and res["audit_chain_ok"] is True
    assert len(res["import_s_runs"]) == 2 and res["import_s"] > 0 and isinstance(res["met"], bool)
