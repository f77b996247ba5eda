"""补货建议 pages: the report page, its Excel export, one click to the drafts, and the limits
per warehouse on the item page."""

import io

from openpyxl import load_workbook

from .factories import doc, fetch
from .test_reorder import day


def test_limits_on_the_item_page_then_report_and_drafts(admin_client, user):
    doc(user, "purchase_receipt", day(10), [("A001", 4, "5.00")])
    page = admin_client.get("/items/A001/edit/").content.decode()
    assert 'name="min_WH1"' in page and 'name="max_WH2"' in page
    r = admin_client.post(
        "/items/A001/stock-limits/", {"min_WH1": "5", "max_WH1": "12", "min_WH2": "", "max_WH2": ""}
    )
    assert r.status_code == 302
    assert fetch("SELECT min_qty, max_qty FROM inventory_stocklimit") == [(50000, 120000)]
    bad = admin_client.post(
        "/items/A001/stock-limits/", {"min_WH1": "9", "max_WH1": "3"}, follow=True
    )
    assert "最低" in bad.content.decode() or "低于" in bad.content.decode()
    assert fetch("SELECT min_qty, max_qty FROM inventory_stocklimit") == [(50000, 120000)]

    page = admin_client.get("/stock/reorder/?warehouse=WH1").content.decode()
    assert 'data-item="A001"' in page  # 4 on hand ≤ 5 → 12 − 4 = 8
    assert ">8<" in page
    x = admin_client.get("/stock/reorder/?warehouse=WH1&format=xlsx")
    sheet = load_workbook(io.BytesIO(x.content)).active
    values = [c for row in sheet.iter_rows(values_only=True) for c in row]
    assert "建议采购数量" in values and "A001" in values

    r = admin_client.post("/stock/reorder/?warehouse=WH1", follow=True)
    assert r.status_code == 200
    assert fetch(
        "SELECT d.type, d.status, l.qty FROM documents_document d "
        "JOIN documents_documentline l ON l.document_id = d.id WHERE d.type = 'purchase_order'"
    ) == [("purchase_order", "draft", 80000)]
