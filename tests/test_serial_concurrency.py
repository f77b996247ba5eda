"""Races for serial numbers (序列号) with real parallel connections: two deliveries of the last
serial, and two receipts of one serial into two warehouses (which lock different stock balance
rows, so only the serial's own row can keep them apart)."""

import pytest

from openjxc.catalog.services import update_item
from openjxc.closing.checks import reconcile
from openjxc.documents.models import Document
from openjxc.inventory.models import SerialMove, SerialStock
from tests.factories import approve, doc
from tests.test_concurrency import run_parallel

pytestmark = pytest.mark.django_db(transaction=True)


def _line(qty, serials, price="100.00"):
    return {"item": "A002", "qty": str(qty), "price": price, "serials": serials}


def test_two_deliveries_race_for_the_last_serial(user):
    # given A002 serial-tracked with SN1 and SN2 in stock, and two drafts both delivering SN1
    update_item(user, "A002", {"serial_tracked": True})
    doc(user, "purchase_receipt", "2026-03-01", [_line(2, ["SN1", "SN2"])])
    drafts = [
        doc(user, "sales_delivery", "2026-03-02", [_line(1, ["SN1"], "150.00")], approve_it=False)
        for _ in range(2)
    ]

    # when both are approved at once from two connections
    outcomes = run_parallel(lambda n: approve(user, n).number, [(n,) for n in drafts])

    # then exactly one wins, the other is refused with serial_not_in_stock and left a draft
    won = [o[1] for o in outcomes if o[0] == "ok"]
    refused = [o[1] for o in outcomes if o[0] == "domain"]
    assert len(won) == 1 and [e.code for e in refused] == ["serial_not_in_stock"], outcomes
    statuses = dict(Document.objects.filter(number__in=drafts).values_list("number", "status"))
    assert sorted(statuses.values()) == ["approved", "draft"]
    loser = next(n for n, s in statuses.items() if s == "draft")
    # nothing half-posted: the loser wrote no serial, stock or voucher row
    assert not SerialMove.objects.filter(document__number=loser).exists()
    assert dict(SerialStock.objects.values_list("serial", "warehouse__code")) == {
        "SN1": None,
        "SN2": "WH1",
    }
    assert reconcile()["ok"], reconcile()["problems"]


def test_one_serial_received_into_two_warehouses_at_once(user):
    update_item(user, "A002", {"serial_tracked": True})
    drafts = [
        doc(
            user,
            "purchase_receipt",
            "2026-03-01",
            [_line(1, ["SN7"])],
            warehouse=wh,
            approve_it=False,
        )
        for wh in ("WH1", "WH2")
    ]
    outcomes = run_parallel(lambda n: approve(user, n).number, [(n,) for n in drafts])
    assert sorted(o[0] for o in outcomes) == ["domain", "ok"], outcomes
    assert [o[1].code for o in outcomes if o[0] == "domain"] == ["serial_in_stock"]
    assert SerialMove.objects.filter(serial="SN7").count() == 1
    assert reconcile()["ok"], reconcile()["problems"]
