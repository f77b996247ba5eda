"""Excel import of opening receivables and payables (期初应收 / 期初应付) with the row-by-row
preview: a bad row is named with its error and nothing is imported; a good file becomes one
approved opening document per row, each an open item of its own date and due date."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from openpyxl import Workbook, load_workbook

from openjxc.documents.models import Document
from openjxc.posting.opening import import_open_items, import_opening_stock
from tests.factories import fetch, vouchers_of

pytestmark = pytest.mark.django_db


def xlsx(header, *rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for r in rows:
        ws.append(list(r))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


HEADER = ["客户编码*", "金额*", "日期", "到期日"]


def test_a_bad_row_is_named_and_nothing_is_imported(user):
    # given a file with four bad rows among good ones
    content = xlsx(
        HEADER,
        ["C001", "1200.00", "2025-11-20", "2025-12-20"],
        ["C404", "10", None, None],  # unknown customer
        ["C001", "-3", None, None],  # negative amount
        ["C001", "5", "2026-02-01", None],  # after go-live
        ["C001", "5", "2025-12-01", "2025-11-01"],  # due before its date
        ["C001", "abc", None, None],
    )
    # when it is imported
    result = import_open_items(user, "receivable", content, commit=True)
    # then every bad row carries its error and nothing at all was imported
    assert [(r["row"], r["code"]) for r in result["rows"]] == [
        (2, None),
        (3, "not_found"),
        (4, "invalid"),
        (5, "invalid"),
        (6, "invalid"),
        (7, "invalid_number"),
    ]
    assert not result["ok"] and result["imported"] == 0 and result["documents"] == []
    assert not Document.objects.exists()
    assert fetch("SELECT COUNT(*) FROM ledger_journalline") == [(0,)]


def test_a_good_file_becomes_approved_open_items(user):
    content = xlsx(
        HEADER,
        ["C001", "1200.00", "2025-11-20", "2025-12-20"],
        ["C001", 80.5, None, None],
    )
    preview = import_open_items(user, "receivable", content, commit=False)
    assert preview["ok"] and not Document.objects.exists()
    result = import_open_items(user, "receivable", content, commit=True)
    assert result["ok"] and result["imported"] == 2 and len(result["documents"]) == 2
    docs = list(Document.objects.order_by("id"))
    assert [
        (d.type, str(d.date), str(d.origin_date), str(d.due_date), d.amount, d.status) for d in docs
    ] == [
        ("opening_receivable", "2026-01-01", "2025-11-20", "2025-12-20", 120000, "approved"),
        ("opening_receivable", "2026-01-01", "2026-01-01", "2026-01-01", 8050, "approved"),
    ]
    assert vouchers_of(docs[1].number) == ["借 1122 应收账款 80.50 / 贷 3999 期初余额差额 80.50"]


def test_payables_through_the_import_page_with_the_preview(client, user):
    # given a finance clerk (she edits no master data but enters the opening balances)
    clerk = get_user_model().objects.create_user("u-财务", password="pw-123456")
    clerk.groups.add(Group.objects.get(name="财务"))
    client.force_login(clerk)
    assert client.get("/import/").status_code == 403  # items are not hers
    template = client.get("/import/template/opening_payables/")
    headers = [c.value for c in load_workbook(io.BytesIO(template.content)).active[1]]
    assert headers == ["供应商编码*", "金额*", "日期", "到期日"]
    # when she uploads a file with a bad row, the preview names it and the import is refused
    bad = io.BytesIO(xlsx(headers, ["S001", "500", "2025-12-01", None], ["S999", "1", None, None]))
    bad.name = "ap.xlsx"
    r = client.post("/import/", {"kind": "opening_payables", "file": bad})
    body = r.content.decode()
    assert r.status_code == 200 and 'data-bad="1"' in body and "S999" in body
    assert 'data-row="3" class="row-bad"' in body and "不存在" in body
    assert not Document.objects.exists()
    # when she uploads the corrected file and confirms, the payables are posted
    good = io.BytesIO(xlsx(headers, ["S001", "500", "2025-12-01", None]))
    good.name = "ap.xlsx"
    r = client.post("/import/", {"kind": "opening_payables", "file": good})
    assert 'data-bad="0"' in r.content.decode()
    token = client.session["import"]["token"]
    r = client.post("/import/", {"kind": "opening_payables", "action": "import", "token": token})
    assert r.status_code == 302 and r["Location"] == "/opening/"
    (d,) = Document.objects.all()
    assert (d.type, d.status, str(d.origin_date), d.amount) == (
        "opening_payable",
        "approved",
        "2025-12-01",
        50000,
    )
    assert vouchers_of(d.number) == ["借 3999 期初余额差额 500.00 / 贷 2202 应付账款 500.00"]


def test_the_opening_stock_import_books_nothing_on_1901(user):
    # given opening stock imported from Excel (it credited 1901 before)
    content = xlsx(["仓库编码", "商品编码", "数量", "单位成本"], ["WH1", "A001", 10, "5.00"])
    result = import_opening_stock(user, content, commit=True)
    # then it is an opening stock document booked against the opening difference
    assert result["ok"] and Document.objects.get().type == "opening_stock"
    assert vouchers_of(result["documents"][0]) == [
        "借 1405 库存商品 50.00 / 贷 3999 期初余额差额 50.00"
    ]
    lines = fetch(
        "SELECT a.code, COALESCE(SUM(l.debit - l.credit), 0) FROM ledger_account a "
        "LEFT JOIN ledger_journalline l ON l.account_id = a.id WHERE a.code IN ('1901', '3999') "
        "GROUP BY a.code ORDER BY a.code"
    )
    assert lines == [("1901", 0), ("3999", -5000)]
