"""The stock count's pages through the test client: the count page (book, counted, difference
and its value, items not yet counted marked; the value hidden without view_cost), a counter's
sheet saved from the sheet page, the Excel export of the count and the Excel import of a sheet
(an exported count filled in imports as it is)."""

import io

import pytest
from openpyxl import Workbook, load_workbook

from .factories import doc, person, post

pytestmark = pytest.mark.usefixtures("backups_in_tmp")


@pytest.fixture
def count(api, user):
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00"), ("A002", 4, "3.00")])
    body = {"type": "stock_count", "date": "2026-03-05", "warehouse": "WH1"}
    return post(api, "/documents?fill=all", body, 201)["number"]


def _cells(html: str, item: str) -> list[str]:
    import re

    row = re.search(rf'<tr data-item="{item}"[^>]*>(.*?)</tr>', html, re.S).group(1)
    return [
        re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    ]


def test_a_sheet_saved_on_the_sheet_page_shows_on_the_count_page(admin_client, count):
    r = admin_client.post(
        f"/counts/{count}/sheet/",
        {"counter": "张三", "location": "货架A", "line_item": ["A001"], "line_qty": ["7"]},
    )
    assert r.status_code == 302 and r["Location"] == f"/counts/{count}/"
    html = admin_client.get(f"/counts/{count}/").content.decode()
    # book 10, counted 7: a loss of 3 at 5.00; A002 nobody counted yet
    assert _cells(html, "A001") == ["A001", "商品A001", "10", "7", "-3", "-15.00", "已盘点"]
    assert _cells(html, "A002") == ["A002", "商品A002", "4", "—", "0", "0.00", "未盘点"]
    assert "未盘点：1 种商品" in html and "张三" in html and "货架A" in html


def test_a_sheet_page_error_keeps_what_was_typed(admin_client, count):
    r = admin_client.post(
        f"/counts/{count}/sheet/",
        {"counter": "张三", "line_item": ["A001", "A003"], "line_qty": ["7", "1"]},
    )
    # A003 never was in WH1, but the count covers every item of the warehouse: it is counted
    assert r.status_code == 302
    r = admin_client.post(
        f"/counts/{count}/sheet/", {"counter": "李四", "line_item": ["NOPE"], "line_qty": ["1"]}
    )
    assert r.status_code == 404 and 'value="NOPE"' in r.content.decode()


def test_the_difference_value_is_hidden_without_view_cost(client, count):
    client.force_login(person("库管"))
    client.post(
        f"/counts/{count}/sheet/", {"counter": "K", "line_item": ["A001"], "line_qty": ["8"]}
    )
    html = client.get(f"/counts/{count}/").content.decode()
    assert _cells(html, "A001") == ["A001", "商品A001", "10", "8", "-2", "已盘点"]
    assert "差异金额" not in html
    assert client.get(f"/counts/{count}/?format=xlsx").status_code == 403  # no export_data


def _xlsx(rows) -> bytes:
    wb = Workbook()
    for r in rows:
        wb.active.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_excel_import_of_a_sheet_and_export_of_the_count(admin_client, count):
    upload = io.BytesIO(_xlsx([["商品编码", "实盘数量"], ["A001", 6], ["A002", "4.5"]]))
    upload.name = "sheet.xlsx"
    r = admin_client.post(f"/counts/{count}/", {"counter": "王五", "file": upload})
    assert r.status_code == 302
    export = admin_client.get(f"/counts/{count}/?format=xlsx")
    assert export.status_code == 200
    ws = load_workbook(io.BytesIO(export.content)).active
    rows = [[c for c in row] for row in ws.iter_rows(values_only=True)]
    header = rows.index(["商品编码", "名称", "账面数量", "实盘数量", "差额", "差异金额", "状态"])
    assert rows[header + 1 :] == [
        ["A001", "商品A001", 10, 6, -4, -20, "已盘点"],  # 4 × 5.00
        ["A002", "商品A002", 4, 4.5, 0.5, 1.5, "已盘点"],  # 0.5 at the average 3.00
    ]
    # the export, filled in again by another counter, imports as it is: their sheets add up
    upload = io.BytesIO(export.content)
    upload.name = "count.xlsx"
    assert (
        admin_client.post(f"/counts/{count}/", {"counter": "赵六", "file": upload}).status_code
        == 302
    )
    html = admin_client.get(f"/counts/{count}/").content.decode()
    assert _cells(html, "A001")[2:5] == ["10", "12", "2"]


def test_a_damaged_upload_is_refused_and_changes_nothing(admin_client, count):
    upload = io.BytesIO(b"not excel")
    upload.name = "x.xlsx"
    r = admin_client.post(f"/counts/{count}/", {"counter": "王五", "file": upload})
    assert r.status_code == 422
    assert "还没有盘点表" in r.content.decode()
