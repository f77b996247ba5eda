"""Document pages through the Django test client: lists, lookup, line info, permissions, masking,
prints; the entry forms are in test_web_document_entry.py."""

import json

import pytest

from openjxc.catalog.models import Item
from openjxc.documents.models import Document

from .factories import doc, person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("backups_in_tmp")]


def _numbers(response):
    html = response.content.decode()
    return [
        line.split('data-number="')[1].split('"')[0]
        for line in html.splitlines()
        if 'data-number="' in line
    ]


def test_list_per_type_with_status_tabs_search_and_totals(admin_client, books):
    # given two approved receipts and, for sales, one approved delivery and one draft
    r = admin_client.get("/documents/purchase_receipt/")
    assert r.status_code == 200
    assert sorted(_numbers(r)) == sorted(books["receipts"])
    html = r.content.decode()
    assert 'id="total-gross">71.87<' in html  # 67.80 + 3.60 + 13 % tax of 3.60 (0.47)
    # the sales list: status tabs count what each holds; the draft tab shows only the draft
    r = admin_client.get("/documents/sales_delivery/")
    assert sorted(_numbers(r)) == sorted([books["delivery"], books["draft"]])
    r = admin_client.get("/documents/sales_delivery/?status=draft")
    assert _numbers(r) == [books["draft"]]
    assert 'data-status="draft" class="current"' in r.content.decode()
    r = admin_client.get("/documents/sales_delivery/?status=approved")
    assert _numbers(r) == [books["delivery"]]
    # search by number, by item code, by partner name, and by date
    assert _numbers(admin_client.get(f"/documents/sales_delivery/?q={books['draft'][4:]}")) == [
        books["draft"]
    ]
    assert _numbers(admin_client.get("/documents/sales_delivery/?q=A002")) == [books["draft"]]
    assert sorted(_numbers(admin_client.get("/documents/sales_delivery/?q=客户一"))) == sorted(
        [books["delivery"], books["draft"]]
    )
    assert _numbers(
        admin_client.get("/documents/purchase_receipt/?from=2026-03-02&to=2026-03-02")
    ) == [books["receipts"][1]]
    assert _numbers(admin_client.get("/documents/sales_delivery/?q=nothing-like-this")) == []


def test_list_paging_and_excel_export(admin_client, user):
    for day in range(1, 29):
        doc(user, "other_in", f"2026-02-{day:02d}", [("A001", 1, "1.00")], approve_it=False)
    for day in range(1, 26):
        doc(user, "other_in", f"2026-04-{day:02d}", [("A002", 1, "1.00")], approve_it=False)
    first = _numbers(admin_client.get("/documents/other_in/"))
    second = _numbers(admin_client.get("/documents/other_in/?page=2"))
    assert len(first) == 50 and len(second) == 3
    assert not set(first) & set(second)
    # newest first
    assert Document.objects.get(number=first[0]).date.isoformat() == "2026-04-25"
    r = admin_client.get("/documents/other_in/?export=xlsx")
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    import io

    from openpyxl import load_workbook

    from openjxc.reports.excel import TITLE_ROWS

    ws = load_workbook(io.BytesIO(r.content)).active
    assert ws.max_row == TITLE_ROWS + 1 + 53 + 1  # title block, header, rows, totals
    assert ws.cell(ws.max_row, 1).value == "合计"


def test_unknown_type_is_404(admin_client):
    assert admin_client.get("/documents/no_such_type/").status_code == 404
    assert admin_client.get("/doc/NOPE123/").status_code == 404


def test_lookup_by_barcode_code_and_pinyin(admin_client, user):
    from openjxc.catalog.services import create_item

    create_item(
        user,
        {
            "code": "K100",
            "name": "可口可乐",
            "unit": "瓶",
            "sale_price": "3.00",
            "purchase_price": "2.00",
        },
    )
    barcode = Item.objects.get(code="K100").barcode
    assert len(barcode) == 13
    # a scanner sends the barcode: exact match
    r = admin_client.get("/doc-lookup/items/", {"q": barcode, "type": "sales_delivery"})
    data = r.json()
    assert data["exact"] is True
    assert [i["code"] for i in data["items"]] == ["K100"]
    assert data["items"][0]["price"] == "3.00"  # the sale price for a sales document
    assert data["items"][0]["tax_percent"] == "13"
    # pinyin initials find it too (not exact: the user picks)
    data = admin_client.get("/doc-lookup/items/", {"q": "kkkl", "type": "sales_delivery"}).json()
    assert data["exact"] is False and [i["code"] for i in data["items"]] == ["K100"]
    # the item code is an exact hit as well; a purchase document gets the purchase price
    data = admin_client.get("/doc-lookup/items/", {"q": "K100", "type": "purchase_receipt"}).json()
    assert data["exact"] is True and data["items"][0]["price"] == "2.00"
    assert admin_client.get("/doc-lookup/items/", {"q": "zzzz"}).json() == {
        "exact": False,
        "items": [],
    }


def test_line_info_has_stock_last_price_and_cost(admin_client, books):
    r = admin_client.get(
        "/doc-lookup/line-info/",
        {"type": "sales_delivery", "item": "A001", "warehouse": "WH1", "partner": "C001"},
    )
    info = r.json()
    assert info["on_hand"] == "6" and info["available"] == "6"  # 10 received, 4 delivered
    assert info["last_price"] == "9.00"
    assert info["suggested_price"] == "9.00"
    assert info["unit_cost"] == "5.000000"


def test_sales_clerk_gets_no_cost_in_line_info(client, books):
    clerk = person("销售", username="xiaoshou")
    client.force_login(clerk)
    info = client.get(
        "/doc-lookup/line-info/",
        {"type": "sales_delivery", "item": "A001", "warehouse": "WH1", "partner": "C001"},
    ).json()
    assert info["available"] == "6" and info["last_price"] == "9.00"
    assert info["unit_cost"] is None and info["margin"] is None
    assert "5.000000" not in json.dumps(info)
    # the approved delivery's page shows no margin either
    html = client.get(f"/doc/{books['delivery']}/").content.decode()
    assert 'id="margin"' not in html
    # and a purchase document's line info is refused (no purchase area)
    assert (
        client.get(
            "/doc-lookup/line-info/", {"type": "purchase_receipt", "item": "A001"}
        ).status_code
        == 403
    )


def test_user_without_sales_area_gets_403_on_sales_pages(client, books):
    buyer = person("采购", username="caigou")
    client.force_login(buyer)
    assert client.get("/documents/sales_delivery/").status_code == 403
    assert client.get("/documents/sales_order/").status_code == 403
    assert client.get("/documents/sales_delivery/new/").status_code == 403
    assert client.get(f"/doc/{books['delivery']}/").status_code == 403
    assert client.get(f"/doc/{books['delivery']}/print/").status_code == 403
    r = client.post(f"/doc/{books['draft']}/", {"action": "delete"})
    assert r.status_code == 403
    assert Document.objects.filter(number=books["draft"]).exists()
    # their own area works
    assert client.get("/documents/purchase_receipt/").status_code == 200
    assert client.get(f"/doc/{books['receipts'][0]}/").status_code == 200


def test_sales_clerk_cannot_approve(client, books):
    clerk = person("销售", username="xs2")
    client.force_login(clerk)
    r = client.post(f"/doc/{books['draft']}/", {"action": "approve"})
    assert r.status_code == 403
    assert Document.objects.get(number=books["draft"]).status == "draft"
    assert 'id="save-approve"' not in client.get(f"/doc/{books['draft']}/").content.decode()


def test_print_views(admin_client, books):
    from openjxc.core.services import set_setting

    set_setting("company_name", "测试商贸有限公司")
    set_setting("company_phone", "010-12345678")
    html = admin_client.get(f"/doc/{books['receipts'][0]}/print/").content.decode()
    assert "测试商贸有限公司" in html and 'id="print-a4"' in html
    assert 'id="print-total">67.80<' in html and "陆拾柒元捌角整" in html
    html = admin_client.get(f"/doc/{books['receipts'][0]}/print/?format=receipt").content.decode()
    assert 'id="print-receipt"' in html and "80mm" in html


def test_amount_in_words():
    from openjxc.core.words import amount_in_words

    assert amount_in_words(6780) == "陆拾柒元捌角整"
    assert amount_in_words(1050000) == "壹万零伍佰元整"
    assert amount_in_words(1234567) == "壹万贰仟叁佰肆拾伍元陆角柒分"
    assert amount_in_words(100001) == "壹仟元零壹分"
    assert amount_in_words(0) == "零元整"


@pytest.mark.parametrize(
    "doc_type",
    [
        "purchase_order",
        "purchase_receipt",
        "purchase_return",
        "purchase_invoice",
        "sales_order",
        "sales_delivery",
        "sales_return",
        "sales_invoice",
        "other_in",
        "other_out",
        "transfer",
        "stock_count",
        "receipt",
        "payment",
        "refund",
        "supplier_refund",
    ],
)
def test_every_type_has_a_list_and_an_entry_page(admin_client, books, doc_type):
    from django.urls import reverse

    r = admin_client.get(reverse("doc_list", kwargs={"doc_type": doc_type}))
    assert r.status_code == 200 and 'id="doc-list"' in r.content.decode()
    r = admin_client.get(reverse("doc_new", kwargs={"doc_type": doc_type}))
    html = r.content.decode()
    assert r.status_code == 200 and 'id="doc-form"' in html
    assert ('id="scan"' in html) == (
        doc_type not in ("receipt", "payment", "refund", "supplier_refund")
    )
    assert 'value="2026-' in html or 'value="20' in html  # today's date as default


def test_line_info_gives_a_cost_for_the_margin_on_sales_documents_only(client, user):
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    client.force_login(user)
    info = client.get(
        "/doc-lookup/line-info/?type=purchase_receipt&item=A001&warehouse=WH1&partner=S001"
    ).json()
    assert info["unit_cost"] is None and info["on_hand"] == "10"
    info = client.get(
        "/doc-lookup/line-info/?type=sales_delivery&item=A001&warehouse=WH1&partner=C001"
    ).json()
    assert info["unit_cost"] == "5.000000"
