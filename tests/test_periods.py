"""Periods: close-check, close, the period_closed guard, reopen, snapshots and digests."""

import pytest

from openjxc.closing.checks import reconcile
from openjxc.closing.models import PeriodClose, StockSnapshot, VoucherNumber
from openjxc.closing.services import close, close_check, reopen
from openjxc.core.errors import DomainError
from openjxc.documents.services import create_draft
from openjxc.ledger.models import Period
from openjxc.reports.selectors import inventory_summary
from tests.factories import cancel, doc


@pytest.fixture(autouse=True)
def backups_in_tmp(settings, tmp_path):
    settings.DATA_DIR = tmp_path


def test_close_refuses_with_problems_then_closes_and_locks(user):
    # given January with a receipt, a delivery and a forgotten draft
    r = doc(user, "purchase_receipt", "2026-01-05", [("A001", 10, "5.00")])
    doc(user, "sales_delivery", "2026-01-06", [("A001", 4, "9.00")])
    draft = doc(user, "other_in", "2026-01-20", [("A002", 1, "1.00")], approve_it=False)
    # when closing, the check names the draft and what to do
    check = close_check("2026-01")
    assert not check["ok"]
    assert check["problems"][0]["check"] == "drafts_in_period"
    assert check["problems"][0]["documents"] == [draft]
    with pytest.raises(DomainError) as e:
        close(user, "2026-01")
    assert e.value.code == "close_check_failed"
    # when the draft is approved, the period closes
    from openjxc.posting.engine import approve

    approve(user, draft)
    result = close(user, "2026-01")
    assert result["status"] == "closed" and result["vouchers"] == 3 and result["backup_id"]
    assert list(VoucherNumber.objects.order_by("number").values_list("number", flat=True)) == [
        "记-0001",
        "记-0002",
        "记-0003",
    ]
    snap = {(s.item.code, s.qty, s.value) for s in StockSnapshot.objects.select_related("item")}
    assert snap == {("A001", 60000, 3000), ("A002", 10000, 100)}
    # then nothing dated in January can change
    for action in (
        lambda: doc(
            user, "purchase_receipt", "2026-01-31", [("A001", 1, "5.00")], approve_it=False
        ),
        lambda: cancel(user, r, "too late"),
    ):
        with pytest.raises(DomainError) as e:
            action()
        assert e.value.code == "period_closed"
    with pytest.raises(DomainError) as e:
        close(user, "2026-01")
    assert e.value.code == "already_closed"
    assert reconcile()["ok"]


def test_previous_period_must_close_first_and_reopen_only_latest(user):
    doc(user, "purchase_receipt", "2026-02-05", [("A001", 10, "5.00")])
    with pytest.raises(DomainError) as e:
        close(user, "2026-02")
    assert e.value.code == "previous_period_open"
    close(user, "2026-01")
    close(user, "2026-02")
    with pytest.raises(DomainError) as e:
        reopen(user, "2026-01", "wrong one")
    assert e.value.code == "not_latest_closed"
    with pytest.raises(DomainError) as e:
        reopen(user, "2026-02", "  ")
    assert e.value.code == "reason_required"
    result = reopen(user, "2026-02", "补录漏记的入库单")
    assert result["status"] == "open" and result["backup_id"]
    # reopening removed exactly what closing created for February
    feb = Period.objects.get(name="2026-02")
    assert not PeriodClose.objects.filter(period=feb).exists()
    assert not StockSnapshot.objects.filter(period=feb).exists()
    assert PeriodClose.objects.filter(period__name="2026-01").exists()
    doc(user, "purchase_receipt", "2026-02-10", [("A001", 1, "5.00")])
    assert reconcile()["ok"]


def test_reopen_needs_permission(user, django_user_model):
    close(user, "2026-01")
    clerk = django_user_model.objects.create_user("clerk", password="x")
    with pytest.raises(DomainError) as e:
        reopen(clerk, "2026-01", "reason")
    assert e.value.code == "forbidden"


def test_inventory_summary_uses_snapshot_and_adds_up(user):
    doc(user, "purchase_receipt", "2026-01-05", [("A001", 10, "5.00")])
    doc(user, "sales_delivery", "2026-01-06", [("A001", 4, "9.00")])
    close(user, "2026-01")
    doc(user, "purchase_receipt", "2026-02-03", [("A001", 10, "6.00")])
    d = doc(user, "sales_delivery", "2026-02-04", [("A001", 8, "9.00")])
    cancelled = doc(user, "other_out", "2026-02-05", [("A001", 1)])
    cancel(user, cancelled, "录错")
    import datetime as dt

    report = inventory_summary(dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    row = report["items"][0]
    assert (row["opening_qty"], row["opening_value"]) == ("6", "30.00")
    assert (row["in_qty"], row["in_value"]) == ("10", "60.00")
    # 8 out at the average (30 + 60) / 16 = 5.625 → 45.00; the cancelled other-out is left out
    assert (row["out_qty"], row["out_value"]) == ("8", "45.00")
    assert (row["closing_qty"], row["closing_value"]) == ("8", "45.00")
    assert d


def test_draft_dated_in_closed_period_cannot_be_created(user):
    close(user, "2026-01")
    with pytest.raises(DomainError) as e:
        create_draft(
            user,
            {
                "type": "other_in",
                "date": "2026-01-15",
                "warehouse": "WH1",
                "lines": [{"item": "A001", "qty": "1", "price": "1"}],
            },
        )
    assert e.value.code == "period_closed"
