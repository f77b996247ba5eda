"""Excel imports (items, customers, suppliers, opening stock): all rows or none, every row's error
(named by column, in Chinese), the template's example row skipped, damaged files refused."""

import io
import zipfile
from decimal import Decimal

import pytest
from django.utils import translation
from openpyxl import Workbook, load_workbook

from openjxc.catalog.imports import COLUMNS as ITEM_COLUMNS
from openjxc.catalog.imports import import_items
from openjxc.catalog.models import Item
from openjxc.core.errors import DomainError
from openjxc.core.sheets import MAX_BYTES, read_rows
from openjxc.documents.models import Document
from openjxc.partners.imports import import_partners
from openjxc.partners.models import Partner
from openjxc.posting.opening import import_opening_stock

from .factories import fetch, vouchers_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("backups_in_tmp")]


def xlsx(header, *rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for r in rows:
        ws.append(list(r))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


ITEM_HEADER = [
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


def test_one_bad_row_imports_nothing_and_names_the_row(user):
    # given a file whose third data row has no unit and whose fourth repeats a code
    content = xlsx(
        ITEM_HEADER,
        ["B001", "可乐", "瓶", "330ml", None, "13%", 2.1, 3.5, 24],
        ["B002", "雪碧", "瓶", None, "6901234567890", 0.13, "2.00", None, None],
        ["B003", "芬达", None, None, None, None, None, None, None],
        ["B001", "重复", "个", None, None, None, None, None, None],
    )
    # when it is imported
    result = import_items(user, content, commit=True)
    # then nothing was written and rows 4 and 5 carry their errors
    assert not result["ok"] and result["imported"] == 0
    errors = {r["row"]: r["code"] for r in result["rows"]}
    assert errors == {2: None, 3: None, 4: "invalid", 5: "duplicate_code"}
    assert "unit" in result["rows"][2]["error"].message
    assert not Item.objects.filter(code__startswith="B").exists()
    assert not fetch("SELECT 1 FROM audit_auditentry WHERE object = 'B001'")


def test_a_valid_file_imports_every_row(user):
    content = xlsx(
        ITEM_HEADER,
        ["B001", "可乐", "瓶", "330ml", None, "13%", 2.1, 3.5, 24],
        ["B002", "雪碧", "瓶", None, 6901234567890, 0.09, "2.00", None, None],
    )
    preview = import_items(user, content, commit=False)
    assert preview["ok"] and preview["imported"] == 0
    assert not Item.objects.filter(code="B001").exists()  # the preview wrote nothing
    result = import_items(user, content, commit=True)
    assert result["ok"] and result["imported"] == 2
    b1, b2 = Item.objects.get(code="B001"), Item.objects.get(code="B002")
    assert (
        b1.name,
        b1.unit,
        b1.spec,
        b1.tax_rate,
        b1.purchase_price,
        b1.sale_price,
        b1.safety_stock,
    ) == ("可乐", "瓶", "330ml", Decimal("0.13"), Decimal("2.1"), Decimal("3.5"), 240000)
    assert len(b1.barcode) == 13 and b1.barcode.startswith("20")  # generated
    assert b1.pinyin == "kl"
    assert (b2.barcode, b2.tax_rate) == ("6901234567890", Decimal("0.09"))
    assert (
        fetch(
            "SELECT COUNT(*) FROM audit_auditentry WHERE action = 'import' AND object_type = 'item'"
        )[0][0]
        == 1
    )


def test_partners_import(user):
    content = xlsx(
        ["客户编码", "客户名称", "电话", "信用额度"],
        ["C100", "城东便利店", 13800000000, 5000],
        ["C101", "城西超市", None, "abc"],
    )
    bad = import_partners(user, "customer", content, commit=True)
    assert [r["code"] for r in bad["rows"]] == [None, "invalid_number"] and bad["rows"][1][
        "row"
    ] == 3
    assert not Partner.objects.filter(code="C100").exists()
    good = xlsx(
        ["客户编码", "客户名称", "电话", "信用额度"], ["C100", "城东便利店", 13800000000, 5000]
    )
    assert import_partners(user, "customer", good, commit=True)["imported"] == 1
    c = Partner.objects.get(kind="customer", code="C100")
    assert (c.phone, c.credit_limit) == ("13800000000", 500000)
    sup = xlsx(["供应商编码", "供应商名称"], ["S100", "华南食品"], ["S001", "已存在"])
    result = import_partners(user, "supplier", sup, commit=True)
    assert [r["code"] for r in result["rows"]] == [None, "duplicate_code"]


def test_missing_columns_and_bad_files(user):
    with pytest.raises(DomainError) as e:
        read_rows(xlsx(["商品编码", "单位"], ["X", "个"]), ITEM_COLUMNS)
    assert e.value.code == "invalid_file" and e.value.details["columns"] == ["商品名称"]
    with pytest.raises(DomainError) as e:
        read_rows(b"not a workbook", ITEM_COLUMNS)
    assert e.value.code == "invalid_file"
    with pytest.raises(DomainError) as e:
        read_rows(b"x" * (MAX_BYTES + 1), ITEM_COLUMNS)
    assert e.value.code == "invalid_file" and e.value.details["max_mb"] == 5


def test_opening_stock_posts_one_document_per_warehouse_on_the_go_live_date(user):
    content = xlsx(
        ["仓库编码", "商品编码", "数量", "单位成本", "金额"],
        ["WH1", "A001", 10, "5.00", None],
        ["WH1", "A002", 3, None, "10.00"],
        ["WH2", "A001", 2.5, 4, None],
    )
    preview = import_opening_stock(user, content, commit=False)
    assert preview["ok"] and not Document.objects.exists()
    result = import_opening_stock(user, content, commit=True)
    assert result["ok"] and result["imported"] == 3 and len(result["documents"]) == 2
    docs = Document.objects.filter(number__in=result["documents"]).order_by("warehouse__code")
    assert [(d.type, str(d.date), d.memo, d.status, d.warehouse.code) for d in docs] == [
        ("opening_stock", "2026-01-01", "期初库存", "approved", "WH1"),
        ("opening_stock", "2026-01-01", "期初库存", "approved", "WH2"),
    ]
    balances = fetch(
        "SELECT i.code, w.code, b.qty, b.value FROM inventory_stockbalance b JOIN catalog_item i "
        "ON i.id = b.item_id JOIN inventory_warehouse w ON w.id = b.warehouse_id ORDER BY 1, 2"
    )
    assert balances == [
        ("A001", "WH1", 100000, 5000),
        ("A001", "WH2", 25000, 1000),
        ("A002", "WH1", 30000, 1000),
    ]
    assert any("1405" in v and "60.00" in v for v in vouchers_of(docs[0].number))
    # importing the same opening stock again is refused for every row, nothing changes
    again = import_opening_stock(user, content, commit=True)
    assert [r["code"] for r in again["rows"]] == ["duplicate_opening"] * 3
    assert Document.objects.count() == 2


def test_opening_stock_row_errors(user):
    content = xlsx(
        ["仓库编码", "商品编码", "数量", "单位成本"],
        ["WH9", "A001", 1, 1],
        ["WH1", "NOPE", 1, 1],
        ["WH1", "A001", -1, 1],
        ["WH1", "A002", 1, None],
        ["WH1", "A003", 1, 1],
        ["WH1", "A003", 2, 1],
    )
    result = import_opening_stock(user, content, commit=True)
    assert [(r["row"], r["code"]) for r in result["rows"]] == [
        (2, "not_found"),
        (3, "not_found"),
        (4, "invalid"),
        (5, "invalid"),
        (6, None),
        (7, "invalid"),
    ]
    assert not Document.objects.exists()


def test_import_still_reads_a_plain_sheet_from_row_two(user):
    wb = Workbook()
    wb.active.append(["商品编码*", "商品名称*", "单位*"])
    wb.active.append(["X1", "甲", "个"])
    buf = io.BytesIO()
    wb.save(buf)
    result = import_items(user, buf.getvalue(), commit=False)
    assert result["ok"] and [r["row"] for r in result["rows"]] == [2]


def test_a_damaged_upload_is_a_clear_error_not_a_crash(user):
    wb = Workbook()
    wb.active.append(["商品编码*", "商品名称*", "单位*"])
    wb.active.append(["X1", "甲", "个"])
    buf = io.BytesIO()
    wb.save(buf)
    # truncate the sheet's XML inside an otherwise valid archive
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for info in src.infolist():
            data = src.read(info.filename)
            z.writestr(
                info, data[: len(data) // 2] if info.filename.endswith("sheet1.xml") else data
            )
    with pytest.raises(DomainError) as exc:
        import_items(user, out.getvalue(), commit=False)
    assert exc.value.code == "invalid_file"
    assert not Item.objects.filter(code="X1").exists()


def test_item_template_example_row_is_not_imported(client, user):
    client.force_login(user)
    template = load_workbook(io.BytesIO(client.get("/import/template/items/").content))
    assert template.worksheets[0].max_row == 1  # headers only: the example sits on its own sheet
    assert template.worksheets[1]["A2"].value == "A100"
    # a template filled in on its first sheet imports exactly the rows typed there
    template.worksheets[0].append(["N001", "新商品", "个"])
    buf = io.BytesIO()
    template.save(buf)
    f = io.BytesIO(buf.getvalue())
    f.name = "items.xlsx"
    client.post("/import/", {"kind": "items", "file": f})
    client.post(
        "/import/",
        {"kind": "items", "action": "import", "token": client.session["import"]["token"]},
    )
    assert (
        Item.objects.filter(code="N001").exists() and not Item.objects.filter(code="A100").exists()
    )


def test_item_import_refuses_full_width_percent_and_names_the_column(user):
    from openjxc.catalog.imports import import_items
    from openjxc.web.views_imports import row_error

    header = ["商品编码", "商品名称", "单位", "税率", "销售价"]
    content = xlsx(header, ["K1", "可乐", "瓶", "１３%", None], ["K2", "雪碧", "瓶", "13%", "1_0"])
    result = import_items(user, content, commit=True)
    assert [r["code"] for r in result["rows"]] == ["invalid_number", "invalid_number"]
    with translation.override("zh-hans"):
        assert row_error(result["rows"][1]["error"], [("sale_price", "销售价", False)]) == (
            "“销售价”不是数字。"
        )
