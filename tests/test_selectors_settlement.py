"""Reads of the settlement pages (audit log filters, close records, periods, a document's
allocations, the money accounts) and the services the pages call for a whole action (a draft
saved and approved, an item saved with its status, the opening-stock preview, backups checked)."""

import datetime as dt

import pytest
from django.utils import timezone

from openjxc.audit import selectors as audit
from openjxc.audit.models import AuditEntry
from openjxc.backup.services import is_verified, list_backups, take_backup
from openjxc.catalog.selectors import get_item
from openjxc.catalog.services import edit_item
from openjxc.closing.selectors import close_info, closes_by_period
from openjxc.closing.services import close
from openjxc.core.errors import DomainError
from openjxc.documents.models import Document
from openjxc.documents.selectors import get_document
from openjxc.ledger.periods import all_periods, find_period, get_period, period_bounds
from openjxc.ledger.selectors import document_allocations, money_accounts
from openjxc.posting.drafts import save_draft
from openjxc.posting.opening import preview_totals
from tests.factories import doc


@pytest.fixture(autouse=True)
def backups_in_tmp(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "books"


def test_audit_entries_by_user_action_object_and_local_day(user):
    # given: a receipt created and approved by admin, one entry moved to yesterday
    number = doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    today = timezone.localdate()
    yesterday = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=1), dt.time(23)))
    AuditEntry.objects.filter(action="create", object=number).update(at=yesterday)
    # then: the filters, newest first
    assert [e.action for e in audit.entries(object=number)] == ["approve", "create"]
    assert [e.action for e in audit.entries(object_contains=number[-6:], action="create")] == [
        "create"
    ]
    assert audit.entries(user="nobody").count() == 0
    assert [e.action for e in audit.entries(object=number, date_from=today)] == ["approve"]
    assert [e.action for e in audit.entries(object=number, date_to=today - dt.timedelta(1))] == [
        "create"
    ]
    assert "admin" in audit.users() and {"create", "approve"} <= set(audit.actions())
    assert audit.actions() == sorted(audit.actions())


def test_close_records_and_periods(user):
    # given: a receipt in January, January closed
    doc(user, "purchase_receipt", "2026-01-05", [("A001", 10, "5.00")])
    close(user, "2026-01")
    january, february = get_period("2026-01"), get_period("2026-02")
    # then: what the close wrote
    info = close_info(january)
    assert info["closed_by"] == "admin" and info["backup_id"]
    assert (info["vouchers"], info["first_voucher"], info["last_voucher"]) == (
        1,
        "记-0001",
        "记-0001",
    )
    assert (info["stock_snapshots"], info["rows"] > 0) == (1, True)
    assert close_info(february) is None
    assert set(closes_by_period()) == {january.id}
    # the periods, oldest first; a name that does not exist is not created
    assert all_periods()[0] == january
    assert find_period("2026-02") == february and find_period("2099-01") is None
    assert period_bounds(["2026-01", "2099-01"]) == {
        "2026-01": (dt.date(2026, 1, 1), dt.date(2026, 1, 31))
    }


def test_allocations_of_a_document_and_money_accounts(user):
    # given: a delivery of 22.60 settled by a receipt
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    delivery = doc(user, "sales_delivery", "2026-03-02", [("A001", 2, "10.00")])
    receipt = doc(
        user,
        "receipt",
        "2026-03-04",
        [],
        warehouse=None,
        partner="C001",
        amount="30.00",
        account="1002",
        allocations=[{"document": delivery, "amount": "22.60"}],
    )
    # then: each side names the other
    expected = {"amount": "22.60", "date": "2026-03-04"}
    assert document_allocations(get_document(delivery).id) == [{"number": receipt, **expected}]
    assert document_allocations(get_document(receipt).id) == [{"number": delivery, **expected}]
    # the cash and bank accounts
    codes = [a.code for a in money_accounts()]
    assert codes[:3] == ["1001", "1002", "1012"] and all(
        c[:4] in ("1001", "1002", "1012") for c in codes
    )


def test_save_and_approve_is_one_transaction(user):
    # given: a delivery of more than is in stock
    body = {
        "type": "sales_delivery",
        "date": "2026-03-02",
        "partner": "C001",
        "warehouse": "WH1",
        "lines": [{"item": "A001", "qty": "5", "price": "10.00"}],
    }
    # when: saved and approved at once
    with pytest.raises(DomainError) as refused:
        save_draft(user, body, approve_it=True)
    # then: refused, and no draft was left behind
    assert refused.value.code == "insufficient_stock"
    assert not Document.objects.filter(type="sales_delivery").exists()
    # when: saved only, then changed and approved after stock came in
    number, approved = save_draft(user, body)
    assert approved is None and get_document(number).status == "draft"
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    lines = [{"item": "A001", "qty": "4", "price": "10.00"}]
    same, approved = save_draft(user, {**body, "lines": lines}, number, approve_it=True)
    assert (same, approved.status, get_document(number).amount) == (number, "approved", 4000)


def test_an_item_saved_with_its_status_in_one_transaction(user):
    # when: a valid change and the item switched off
    edit_item(user, "A001", {"name": "可乐"}, active=False)
    item = get_item("A001")
    assert (item.name, item.active) == ("可乐", False)
    # when: an invalid change: the status does not change either
    with pytest.raises(DomainError):
        edit_item(user, "A001", {"sale_price": "abc"}, active=True)
    assert get_item("A001").active is False


def test_opening_stock_preview_totals():
    rows = [
        {"data": {"qty": "48", "unit_cost": "2.10"}},
        {"data": {"qty": "52", "unit_cost": None, "amount": "100.05"}},
        {"data": {"qty": "0.5", "unit_cost": "0.333"}},
    ]
    # then: 100.5 units worth 100.80 + 100.05 + 0.17
    assert preview_totals(rows) == {"qty": "100.5", "amount": "201.02"}
    assert preview_totals(rows[:2]) == {"qty": "100", "amount": "200.85"}


def test_a_backup_is_verified_against_its_checksum(user):
    take_backup("test", user)
    [manifest] = list_backups()
    assert is_verified(manifest) is True
    assert is_verified({**manifest, "file": "missing.sqlite3"}) is False
