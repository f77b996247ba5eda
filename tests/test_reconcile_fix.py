"""`jxc reconcile --fix`: every cache that drifts from its ledger is found, named and re-settled;
the ledgers themselves are never touched."""

from django.db import connection

from openjxc.closing.checks import reconcile
from openjxc.closing.fix import fix_books
from openjxc.ledger.services import open_amount

from .factories import doc, fetch


def tamper(sql, args=()):
    with connection.cursor() as cur:
        cur.execute(sql, list(args))


def test_drifted_caches_are_found_and_resettled(user):
    # given: a receipt, a delivery and a partial receipt of money
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    delivery = doc(user, "sales_delivery", "2026-03-02", [("A001", 4, "10.00")])
    doc(
        user,
        "receipt",
        "2026-03-03",
        [],
        partner="C001",
        amount="20.00",
        allocations=[{"document": delivery, "amount": "20.00"}],
    )
    delivery_id = fetch("SELECT id FROM documents_document WHERE number = %s", [delivery])[0][0]
    assert open_amount(delivery_id) == 4520 - 2000
    ledger_before = fetch("SELECT COUNT(*), SUM(amount) FROM ledger_openitementry")
    # when: someone edits the caches behind the engine's back
    tamper("UPDATE inventory_stockbalance SET qty = qty + 10000 WHERE qty <> 0")
    tamper("UPDATE ledger_accountbalance SET debit = debit + 7 WHERE debit <> 0")
    tamper(
        "UPDATE ledger_openitem SET open_amount = open_amount + 100 WHERE document_id = %s",
        [delivery_id],
    )
    tamper("DELETE FROM ledger_openitem WHERE document_id <> %s", [delivery_id])
    # then: reconcile names each drift, fix re-settles exactly those, and the books agree again
    checks = {p["check"] for p in reconcile()["problems"]}
    assert {"stock_cache", "account_cache", "open_item_cache"} <= checks
    changes = fix_books(user)["changes"]
    assert any(c.startswith(f"open item {delivery}: 26.20 → 25.20") for c in changes)
    assert any(c.startswith("stock A001 @ WH1: 7 / ") for c in changes)
    assert reconcile() == {"ok": True, "problems": []}
    assert open_amount(delivery_id) == 2520
    assert fetch("SELECT COUNT(*), SUM(amount) FROM ledger_openitementry") == ledger_before
