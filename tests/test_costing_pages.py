"""The costing method on the pages: the item form's 计价方法 (refused inline once the item has
moves), the item export and import, and the 库存台账's 计价依据 column."""

import io

from openpyxl import Workbook, load_workbook

from openjxc.catalog.imports import import_items
from openjxc.catalog.selectors import get_item

from .factories import doc


def test_the_item_form_sets_the_method_until_the_item_has_moves(admin_client, user):
    # given the edit page of an item without moves
    html = admin_client.get("/items/A001/edit/").content.decode()
    assert 'name="costing_method"' in html and "先进先出" in html
    # when FIFO is chosen
    r = admin_client.post(
        "/items/A001/edit/",
        {"name": "商品A001", "unit": "个", "active": "1", "costing_method": "fifo"},
    )
    assert r.status_code == 302
    assert get_item("A001").costing_method == "fifo"
    # then once it has a move, changing it is refused on the page, naming why
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 1, "5.00")])
    r = admin_client.post(
        "/items/A001/edit/",
        {"name": "商品A001", "unit": "个", "active": "1", "costing_method": "monthly_average"},
    )
    assert r.status_code == 409
    assert "计价方法不能再修改" in r.content.decode()
    assert get_item("A001").costing_method == "fifo"


def test_export_and_import_carry_the_method(admin_client, user):
    admin_client.post(
        "/items/A002/edit/",
        {"name": "商品A002", "unit": "个", "active": "1", "costing_method": "monthly_average"},
    )
    sheet = load_workbook(io.BytesIO(admin_client.get("/items/?export=1").content)).active
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    header = next(r for r in rows if "计价方法" in r)
    col = header.index("计价方法")
    by_code = {r[0]: r[col] for r in rows[rows.index(header) + 1 :] if r[0]}
    assert (by_code["A001"], by_code["A002"]) == ("移动加权平均", "全月一次加权平均")
    # an import reads the Chinese names (and the API's)
    wb = Workbook()
    ws = wb.active
    ws.append(["商品编码", "商品名称", "单位", "计价方法"])
    ws.append(["N1", "新品一", "个", "先进先出"])
    ws.append(["N2", "新品二", "个", "monthly_average"])
    ws.append(["N3", "新品三", "个", "后进先出"])
    buf = io.BytesIO()
    wb.save(buf)
    result = import_items(user, buf.getvalue(), commit=False)
    assert [r["error"] is None for r in result["rows"]] == [True, True, False]
    assert result["rows"][2]["code"] == "invalid"
    ws.delete_rows(4)
    buf = io.BytesIO()
    wb.save(buf)
    assert import_items(user, buf.getvalue(), commit=True)["imported"] == 2
    assert get_item("N1").costing_method == "fifo"
    assert get_item("N2").costing_method == "monthly_average"


def test_the_stock_ledger_page_shows_the_cost_basis(admin_client, user):
    admin_client.post(
        "/items/A001/edit/",
        {"name": "商品A001", "unit": "个", "active": "1", "costing_method": "fifo"},
    )
    r1 = doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    r2 = doc(user, "purchase_receipt", "2026-03-02", [("A001", 10, "6.00")])
    doc(user, "sales_delivery", "2026-03-03", [("A001", 12, "10.00")])
    html = admin_client.get("/stock/ledger/?item=A001&from=2026-03-01&to=2026-03-31").content
    html = html.decode()
    assert "计价依据" in html
    assert f"{r1} 10 = 50.00; {r2} 2 = 12.00" in html
