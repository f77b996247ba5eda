"""The pages of expenses and other income through the test client: the 费用类型 page (add,
rename, move to a new sub-account, 停用, a duplicate refused in Chinese), the entry form of a
费用单 / 其他收入单 (save and approve, a refusal that keeps the input and changes nothing, a
draft edited), the detail and print pages showing the expense lines, the menu, and the audit
entries labelled in Chinese."""

import pytest
from django.utils import translation

from openjxc.audit.models import AuditEntry
from openjxc.documents.models import Document
from openjxc.ledger.models import Account, ExpenseType
from openjxc.web import audit_display
from tests.factories import person, snapshot, vouchers_of

pytestmark = pytest.mark.django_db


def form(**over) -> dict:
    """The entry form of a 费用单 as a browser posts it: two typed rows and blank ones."""
    body = {
        "date": "2026-03-05",
        "account": "1001",
        "partner": "",
        "due_date": "",
        "memo": "三月房租",
        "line_type": ["FZ", "YF", ""],
        "line_amount": ["3000", "120.55", ""],
        "line_tax": ["9", "", ""],
        "line_memo": ["店面", "", ""],
        "action": "approve",
    }
    return {**body, **over}


def test_the_types_page_lists_adds_and_edits(admin_client):
    html = admin_client.get("/expense-types/").content.decode()
    assert "费用类型" in html and "560201 房租" in html and "530101 罚款收入" in html
    # when a type is added under 5601 and another is edited
    r = admin_client.post(
        "/expense-types/", {"code": "BZF", "name": "包装费", "kind": "expense", "parent": "5601"}
    )
    assert r.status_code == 302, r.content.decode()[:500]
    assert ExpenseType.objects.get(code="BZF").account.code == "560103"
    r = admin_client.post("/expense-types/SDF/edit/", {"name": "水电燃气", "account": "new:5601"})
    # then the edit renamed it, gave it a new sub-account and (unchecked) deactivated it
    assert r.status_code == 302, r.content.decode()[:500]
    t = ExpenseType.objects.select_related("account").get(code="SDF")
    assert (t.name, t.account.code, t.active) == ("水电燃气", "560104", False)
    html = admin_client.get("/expense-types/SDF/edit/").content.decode()
    assert 'value="560201"' in html and 'value="new:5603"' in html
    assert 'value="505101"' not in html  # an income account is not offered to an expense


def test_a_duplicate_code_is_refused_in_chinese_and_changes_nothing(admin_client):
    before = (snapshot(), Account.objects.count(), ExpenseType.objects.count())
    r = admin_client.post(
        "/expense-types/", {"code": "FZ", "name": "又一个", "kind": "expense", "parent": "5602"}
    )
    assert r.status_code == 409
    assert "已被使用" in r.content.decode() or "已经" in r.content.decode()
    assert (snapshot(), Account.objects.count(), ExpenseType.objects.count()) == before


def test_an_expense_is_entered_and_approved_on_the_form(admin_client):
    html = admin_client.get("/documents/expense/new/").content.decode()
    assert "新增费用单" in html or "费用单" in html
    assert "房租 (560201)" in html and "租金收入" not in html  # expense types only
    r = admin_client.post("/documents/expense/new/", form())
    assert r.status_code == 302, r.content.decode()[:800]
    doc = Document.objects.get(type="expense")
    assert doc.status == "approved"
    assert vouchers_of(doc.number) == [
        "借 560201 房租 3000.00 / 借 560101 运费 120.55 / 借 22210101 进项税额 270.00 / "
        "贷 1001 库存现金 3390.55"
    ]
    # the detail page shows the lines by type, the print the total in words
    html = admin_client.get(f"/doc/{doc.number}/").content.decode()
    assert 'data-expense-type="FZ"' in html and "560201 房租" in html and "3,270.00" in html
    assert 'id="doc-gross">3,390.55' in html
    html = admin_client.get(f"/doc/{doc.number}/print/").content.decode()
    assert "房租" in html and "叁仟叁佰玖拾元伍角伍分" in html


def test_other_income_owed_by_a_customer_on_the_form(admin_client):
    html = admin_client.get("/documents/other_income/new/").content.decode()
    assert "收款账户" in html and "租金收入" in html and "房租 (" not in html
    body = form(account="", partner="C001", line_type=["FKSR"], line_amount=["50"], line_tax=[""])
    body["line_memo"] = [""]
    r = admin_client.post("/documents/other_income/new/", body)
    assert r.status_code == 302, r.content.decode()[:800]
    doc = Document.objects.get(type="other_income")
    assert vouchers_of(doc.number) == ["借 1122 应收账款 50.00 / 贷 530101 罚款收入 50.00"]


def test_a_refused_form_keeps_the_input_and_changes_nothing(admin_client):
    before = snapshot()
    r = admin_client.post("/documents/expense/new/", form(account="", line_tax=["9", "", ""]))
    assert r.status_code == 422
    html = r.content.decode()
    assert 'id="form-error"' in html and "结算账户" in html  # the field, in Chinese
    assert 'value="3000"' in html and 'value="120.55"' in html and 'value="9"' in html
    assert snapshot() == before


def test_a_draft_is_shown_again_in_the_form_and_edited(admin_client):
    r = admin_client.post("/documents/expense/new/", form(action="save"))
    assert r.status_code == 302
    doc = Document.objects.get(type="expense")
    html = admin_client.get(f"/doc/{doc.number}/").content.decode()
    assert 'id="expense-form"' in html and 'value="3000.00"' in html and 'value="9"' in html
    r = admin_client.post(
        f"/doc/{doc.number}/",
        form(action="save", version="1", line_type=["GZ"], line_amount=["8000"], line_tax=[""]),
    )
    assert r.status_code == 302, r.content.decode()[:800]
    lines = list(doc.account_lines.values_list("account__code", "debit"))
    assert lines == [("560204", 800000)]


def test_finance_finds_the_pages_in_the_menu_and_a_sales_clerk_does_not(client):
    client.force_login(person("财务"))
    html = client.get("/").content.decode()
    assert "费用单" in html and "其他收入单" in html and "费用类型" in html
    client.force_login(person("销售"))
    html = client.get("/").content.decode()
    assert "费用类型" not in html
    assert client.get("/expense-types/").status_code == 403
    assert client.get("/documents/expense/new/").status_code == 403


def test_the_audit_entries_of_types_and_expenses_are_labelled_in_chinese(admin_client):
    admin_client.post(
        "/expense-types/", {"code": "BZF", "name": "包装费", "kind": "expense", "parent": "5601"}
    )
    admin_client.post("/expense-types/BZF/edit/", {"name": "包装", "account": "560101"})
    admin_client.post("/documents/expense/new/", form())
    entries = list(AuditEntry.objects.filter(object_type__in=("expense_type", "document")))
    assert {e.object_type for e in entries} == {"expense_type", "document"}

    def keys(value, found):
        if isinstance(value, dict):
            for k, v in value.items():
                found.add(k)
                keys(v, found)
        elif isinstance(value, list):
            for v in value:
                keys(v, found)
        return found

    with translation.override("zh-hans"):
        assert audit_display.object_kind("expense_type") == "费用类型"
        for e in entries:
            for k in keys(e.before, set()) | keys(e.after, set()):
                assert audit_display.key_label(k, e.object_type) != k, (e.object_type, k)
