"""Periods: close-check, close, the period_closed guard, reopen, snapshots and digests; nothing
before the go-live date; the period after the last close; no period rows for far dates."""

import datetime as dt

import pytest
from django.utils import timezone

from openjxc.closing.checks import reconcile
from openjxc.closing.models import PeriodClose, StockSnapshot, VoucherNumber
from openjxc.closing.services import close, close_check, reopen
from openjxc.core.errors import DomainError
from openjxc.documents.models import Document
from openjxc.documents.services import create_draft
from openjxc.ledger.models import Period
from openjxc.reports.selectors import inventory_summary

from .factories import (
    approved,
    cancel,
    created,
    delivery_body,
    doc,
    fetch,
    master_data,
    receipt_body,
    refused,
    setup_books,
    stock_of,
)

pytestmark = pytest.mark.usefixtures("backups_in_tmp")


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
    # three document vouchers and the 结转损益 voucher the close appends
    assert result["status"] == "closed" and result["vouchers"] == 4 and result["backup_id"]
    assert result["closing_vouchers"] == 1
    assert list(VoucherNumber.objects.order_by("number").values_list("number", flat=True)) == [
        "记-0001",
        "记-0002",
        "记-0003",
        "记-0004",
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


@pytest.fixture
def this_month(db):
    """Books that went live on the first of this month."""
    u = setup_books(start=timezone.localdate().replace(day=1).isoformat())
    master_data(u)
    return u


def test_closing_the_last_period_opens_the_next_and_new_work_is_dated_there(client, this_month):
    user = this_month
    today = timezone.localdate()
    receipt = doc(user, "purchase_receipt", today.isoformat(), [("A001", 5, "2.00")])
    name = today.strftime("%Y-%m")
    close(user, name)
    nxt = (today.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    assert Period.objects.filter(start=nxt, status="open").exists()
    client.force_login(user)
    # a new document and a red-letter reversal are dated in the open period
    assert (
        f'value="{nxt.isoformat()}"'
        in client.get("/documents/sales_delivery/new/").content.decode()
    )
    impact = client.get(f"/doc/{receipt}/impact/reverse/").content.decode()
    assert f'value="{nxt.isoformat()}"' in impact
    r = client.post(f"/doc/{receipt}/impact/reverse/", {"reason": "退回供应商"})
    assert r.status_code == 302
    assert Document.objects.get(reversal_of__number=receipt).date == nxt


def test_closing_a_far_period_creates_no_period_rows(api):
    api.get("/periods")
    before = sorted(Period.objects.values_list("name", flat=True))
    r = api.post("/periods/2027-05/close")
    assert (r.status_code, r.json()["error"]["code"]) == (409, "previous_period_open")
    assert sorted(Period.objects.values_list("name", flat=True)) == before
    assert not Period.objects.filter(name="2027-05").exists()


def test_409_before_the_go_live_date(api):
    err = refused(
        lambda: api.post("/documents", receipt_body(date="2025-12-31")), 409, "period_closed"
    )
    assert err["details"]["start_date"] == "2026-01-01"
    number = created(api.post("/documents", receipt_body(date="2026-01-01")))["number"]
    refused(
        lambda: api.put(f"/documents/{number}", receipt_body(date="2025-12-31")),
        409,
        "period_closed",
    )
    assert api.get(f"/documents/{number}").json()["date"] == "2026-01-01"


def test_409_in_a_closed_period(api):
    jan_ok = created(api.post("/documents", receipt_body(date="2026-01-10")))["number"]
    approved(api, jan_ok)
    jan_draft = created(api.post("/documents", receipt_body(date="2026-01-15")))["number"]
    mar_draft = created(api.post("/documents", receipt_body(date="2026-03-01")))["number"]
    Period.objects.update_or_create(
        name="2026-01",
        defaults={
            "start": dt.date(2026, 1, 1),
            "end": dt.date(2026, 1, 31),
            "status": Period.CLOSED,
        },
    )
    err = refused(
        lambda: api.post("/documents", receipt_body(date="2026-01-20")), 409, "period_closed"
    )
    assert err["details"]["date"] == "2026-01-20"
    refused(
        lambda: api.put(f"/documents/{jan_draft}", receipt_body(date="2026-01-15")),
        409,
        "period_closed",
    )
    refused(
        lambda: api.put(f"/documents/{jan_draft}", receipt_body(date="2026-03-02")),
        409,
        "period_closed",
    )
    refused(
        lambda: api.put(f"/documents/{mar_draft}", receipt_body(date="2026-01-31")),
        409,
        "period_closed",
    )
    refused(lambda: api.post(f"/documents/{jan_draft}/approve"), 409, "period_closed")
    refused(lambda: api.delete(f"/documents/{jan_draft}"), 409, "period_closed")
    refused(
        lambda: api.post(f"/documents/{jan_ok}/cancel", {"reason": "太晚了"}), 409, "period_closed"
    )
    # a back-dated delivery into the closed month is refused as well
    late = created(api.post("/documents", delivery_body(1, date="2026-03-02")))["number"]
    refused(
        lambda: api.put(f"/documents/{late}", delivery_body(1, date="2026-01-31")),
        409,
        "period_closed",
    )
    # the open period still works
    approved(api, mar_draft)
    assert api.put(f"/documents/{late}", delivery_body(2, date="2026-02-01")).status_code == 200
    approved(api, late)
    assert stock_of(api) == ("18", "90.00")


def test_the_digest_is_sha256_of_each_rows_repr(user):
    # the stored digests of closed periods stay valid: each ledger row, in id order, as
    # repr(tuple(str(value) …)), whichever way the rows are read
    import hashlib
    from types import SimpleNamespace

    from openjxc.closing.snapshots import LEDGERS, digest

    doc(user, "purchase_receipt", "2026-03-02", [("A001", 10, "5.00")])
    doc(user, "sales_delivery", "2026-03-03", [("A001", 4, "9.00")])
    march = SimpleNamespace(start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31))
    h, n = hashlib.sha256(), 0
    for table, cols in LEDGERS.items():
        h.update(table.encode())
        for r in fetch(
            f"SELECT {cols} FROM {table} WHERE date >= %s AND date <= %s ORDER BY id",
            [march.start, march.end],
        ):
            h.update(repr(tuple(str(x) for x in r)).encode())
            n += 1
    assert n > 6 and digest(march) == (h.hexdigest(), n)
