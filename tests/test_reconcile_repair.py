"""`jxc reconcile --fix` repairs by appending (issue 14, item 4): real damage injected with raw
SQL, each named by reconcile, repaired without a ledger row updated or deleted, audited, and
reconcile ok afterwards; a problem inside a closed period is only proposed until confirmed."""

import pytest
from django.db import connection

from openjxc.audit.models import AuditEntry
from openjxc.closing import snapshots
from openjxc.closing.checks import reconcile
from openjxc.closing.fix import fix_books
from openjxc.closing.models import PeriodClose
from openjxc.closing.services import close

from .factories import doc, fetch, vouchers_of

LEDGERS = ("inventory_stockmove", "ledger_journalline", "ledger_voucher", "ledger_openitementry")


def tamper(*statements):
    with connection.cursor() as cur:
        for sql, args in statements:
            cur.execute(sql, list(args))


def doc_id(number):
    return fetch("SELECT id FROM documents_document WHERE number = %s", [number])[0][0]


def drop_vouchers(number, kind):
    """Remove a document's vouchers of one kind: their numbers of a close, lines, vouchers."""
    vouchers = "SELECT id FROM ledger_voucher WHERE document_id = %s AND kind = %s"
    tamper(
        (
            f"DELETE FROM closing_vouchernumber WHERE voucher_id IN ({vouchers})",
            [doc_id(number), kind],
        ),
        (
            f"DELETE FROM ledger_journalline WHERE voucher_id IN ({vouchers})",
            [doc_id(number), kind],
        ),
        ("DELETE FROM ledger_voucher WHERE document_id = %s AND kind = %s", [doc_id(number), kind]),
    )


def drop_restatement(cause):
    """Remove what a back-dated document's re-statement appended: its ADJUSTMENT rows and the
    cost-adjustment voucher it caused."""
    tamper(("DELETE FROM inventory_stockmove WHERE kind = 2 AND cause_id = %s", [doc_id(cause)]))
    drop_vouchers(cause, "cost_adjustment")


def ledger_rows() -> dict:
    return {t: set(fetch(f"SELECT * FROM {t}")) for t in LEDGERS}


def repaired(user, checks: set) -> dict:
    """reconcile names `checks`; the repair keeps every ledger row as it was and only appends;
    the audit entry lists the changes; reconcile is ok afterwards."""
    found = {p["check"] for p in reconcile()["problems"]}
    assert checks <= found, found
    before = ledger_rows()
    fixed = fix_books(user)
    after = ledger_rows()
    for table in LEDGERS:
        assert before[table] <= after[table], f"{table}: a row was updated or deleted"
    assert reconcile() == {"ok": True, "problems": []}
    entry = AuditEntry.objects.filter(action="reconcile_fix").latest("id")
    assert entry.after["changes"] == fixed["changes"] and fixed["changes"]
    assert entry.user == user.username
    fixed["appended"] = {t: len(after[t]) - len(before[t]) for t in LEDGERS}
    return fixed


@pytest.fixture
def march(user):
    receipt = doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    delivery = doc(user, "sales_delivery", "2026-03-05", [("A001", 4, "10.00")])
    return receipt, delivery


def test_a_deleted_voucher_of_an_approved_document_is_posted_again(user, march):
    _receipt, delivery = march
    expected = vouchers_of(delivery)
    assert expected == [
        "借 1122 应收账款 45.20 / 贷 5001 主营业务收入 40.00 / 贷 22210102 销项税额 5.20 / "
        "借 5401 主营业务成本 20.00 / 贷 1405 库存商品 20.00"
    ]
    drop_vouchers(delivery, "posting")
    fixed = repaired(user, {"document_voucher", "account_cache", "stock_control"})
    assert vouchers_of(delivery) == expected
    assert fixed["appended"] == {
        "inventory_stockmove": 0,
        "ledger_journalline": 5,
        "ledger_voucher": 1,
        "ledger_openitementry": 0,
    }
    assert any(
        c.startswith(f"voucher {delivery} 2026-03-05: 借 1122 45.20") for c in fixed["changes"]
    )


@pytest.mark.parametrize(
    "damage, check, words",
    [
        (
            "UPDATE inventory_stockbalance SET value = value + 100",
            "stock_cache",
            "stock A001 @ WH1",
        ),
        (
            "UPDATE ledger_accountbalance SET credit = credit + 7 WHERE credit <> 0",
            "account_cache",
            "account ",
        ),
        (
            "UPDATE ledger_openitem SET open_amount = open_amount + 100",
            "open_item_cache",
            "open item ",
        ),
    ],
)
def test_a_wrong_cache_is_resettled_from_its_ledger(user, march, damage, check, words):
    tamper((damage, []))
    fixed = repaired(user, {check})
    assert fixed["appended"] == dict.fromkeys(LEDGERS, 0)
    assert any(c.startswith(words) for c in fixed["changes"])


def test_a_missing_cost_restatement_is_appended(user, march):
    # given: a receipt at 7.00 entered back-dated before the delivery re-states its cost
    _receipt, delivery = march
    late = doc(user, "purchase_receipt", "2026-03-03", [("A001", 10, "7.00")])
    cost = "SELECT SUM(value) FROM inventory_stockmove WHERE document_id = %s"
    assert fetch(cost, [doc_id(delivery)])[0][0] == -2400  # 4 × (50 + 70) / 20
    # when: the re-statement is lost
    drop_restatement(late)
    assert fetch(cost, [doc_id(delivery)])[0][0] == -2000
    # then: repaired by an appended adjustment and its voucher
    fixed = repaired(user, {"cost_restatement", "stock_cache"})
    assert fetch(cost, [doc_id(delivery)])[0][0] == -2400
    assert fixed["appended"]["inventory_stockmove"] == 1
    assert f"re-statement {delivery}: A001 @ WH1 2026-03-05: 0 / -4.00" in fixed["changes"]
    assert fetch(
        "SELECT l.debit, l.credit FROM ledger_journalline l JOIN ledger_voucher v ON v.id = l.voucher_id "
        "JOIN ledger_account a ON a.id = l.account_id WHERE v.kind = 'cost_adjustment' "
        "AND v.document_id IS NULL AND a.code = '5401'"
    ) == [(400, 0)]


def test_a_missing_count_restatement_is_appended(user):
    # given: 10 received, 8 counted on 03-10, then 5 received back-dated on 03-05
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    doc(user, "stock_count", "2026-03-10", [("A001", 8)])
    late = doc(user, "purchase_receipt", "2026-03-05", [("A001", 5, "5.00")])
    on_count_day = (
        "SELECT SUM(qty) FROM inventory_stockmove WHERE item_id = "
        "(SELECT id FROM catalog_item WHERE code = 'A001') AND date <= '2026-03-10'"
    )
    counted = fetch(on_count_day)[0][0]
    assert counted == 8 * 10_000  # quantities are stored in 1/10,000 units
    # when: the count's re-statement (5 more lost) is missing
    drop_restatement(late)
    assert fetch(on_count_day)[0][0] != counted
    # then
    fixed = repaired(user, {"stock_count", "cost_restatement"})
    assert fetch(on_count_day)[0][0] == counted
    assert any(c.startswith("re-statement PDD") and ": -5 / -25.00" in c for c in fixed["changes"])


@pytest.fixture
def closed_feb(user, backups_in_tmp):
    doc(user, "purchase_receipt", "2026-02-01", [("A001", 10, "5.00")])
    delivery = doc(user, "sales_delivery", "2026-02-05", [("A001", 4, "10.00")])
    close(user, "2026-01")
    close(user, "2026-02")
    return delivery


def test_a_wrong_snapshot_of_an_intact_closed_period_is_re_derived(user, closed_feb):
    feb = PeriodClose.objects.get(period__name="2026-02")
    tamper(
        ("UPDATE closing_stocksnapshot SET value = value + 1 WHERE period_id = %s", [feb.period_id])
    )
    fixed = repaired(user, {"closed_stock_snapshot"})
    assert fixed["changes"] == ["snapshots 2026-02: re-derived from its unchanged ledger rows"]
    assert fetch(
        "SELECT qty, value FROM closing_stocksnapshot WHERE period_id = %s", [feb.period_id]
    ) == [(60000, 3000)]
    assert (
        snapshots.digest(feb.period)[0] == feb.digest == PeriodClose.objects.get(pk=feb.pk).digest
    )


def test_a_missing_voucher_in_a_closed_period_is_proposed_then_made_on_confirmation(
    user, closed_feb
):
    delivery = closed_feb
    feb = PeriodClose.objects.get(period__name="2026-02")
    drop_vouchers(delivery, "posting")
    found = {p["check"] for p in reconcile()["problems"]}
    assert {"document_voucher", "closed_period_digest"} <= found
    digest = snapshots.digest(feb.period)[0]
    # when: repaired without confirmation, the correcting voucher is proposed, not made
    before = ledger_rows()
    fixed = fix_books(user)
    assert ledger_rows() == before
    assert fixed["confirmed"] is False
    [proposal] = fixed["proposals"]
    assert (proposal["document"], proposal["date"]) == (delivery, "2026-03-01")
    assert proposal["entry"] == (
        "借 1122 45.20; 贷 5001 40.00; 贷 22210102 5.20; 借 5401 20.00; 贷 1405 20.00"
    )
    assert {"document_voucher"} <= {p["check"] for p in reconcile()["problems"]}
    # when: confirmed, the voucher is appended on the first open day
    fixed = fix_books(user, confirm_closed=True)
    assert fixed["confirmed"] is True
    after = ledger_rows()
    for table in LEDGERS:
        assert before[table] <= after[table]
    assert [
        (str(day), memo)
        for day, memo in fetch(
            "SELECT date, memo FROM ledger_voucher WHERE document_id = %s", [doc_id(delivery)]
        )
    ] == [("2026-03-01", f"补记 {delivery} (2026-02-05)")]
    entry = AuditEntry.objects.filter(action="reconcile_fix").latest("id")
    assert entry.after["confirmed"] is True and entry.after["proposals"] == [
        f"{delivery} 2026-03-01: {proposal['entry']}"
    ]
    # then: the closed period is as it was; the balances are whole again, and what remains is
    # the evidence that February's rows were changed
    assert snapshots.digest(feb.period)[0] == digest
    assert PeriodClose.objects.get(pk=feb.pk).digest == feb.digest
    left = {p["check"] for p in reconcile()["problems"]}
    assert left <= {"closed_period_digest", "closed_account_snapshot"} and left


def test_the_api_repairs_and_answers_the_reconcile_with_the_changes(api, march):
    tamper(("UPDATE inventory_stockbalance SET value = value + 100", []))
    r = api.post("/reconcile/fix", {})
    assert r.status_code == 200, r.content
    body = r.json()
    assert set(body) == {"ok", "problems", "changes", "proposals", "confirmed"}
    assert body["ok"] is True and body["problems"] == [] and body["proposals"] == []
    assert body["changes"] == ["stock A001 @ WH1: 6 / 31.00 → 6 / 30.00"]
    r = api.post("/reconcile/fix", {"confirm": True})
    assert r.status_code == 422 and r.json()["error"]["code"] == "unknown_field"


def test_audit_verify_answers_exactly_ok_entries_and_first_broken(api, march):
    assert set(api.get("/audit/verify").json()) == {"ok", "entries"}
    tamper(
        (
            "UPDATE audit_auditentry SET reason = '篡改' WHERE id = (SELECT MIN(id) FROM audit_auditentry)",
            [],
        )
    )
    body = api.get("/audit/verify").json()
    assert set(body) == {"ok", "entries", "first_broken"} and body["ok"] is False
    assert body["first_broken"]["id"] == fetch("SELECT MIN(id) FROM audit_auditentry")[0][0]


def test_a_return_valued_at_an_old_purchase_price_needs_no_restatement(user):
    # given: a return without its delivery onto an empty balance, valued at the purchase price
    from openjxc.catalog.models import Item

    Item.objects.filter(code="A002").update(purchase_price="3.00")
    doc(user, "sales_return", "2026-03-02", [("A002", 2, "9.00")])
    assert fetch("SELECT SUM(value) FROM inventory_stockmove")[0][0] == 600
    # when: the purchase price changes afterwards
    Item.objects.filter(code="A002").update(purchase_price="4.00")
    # then: nothing is due: the return keeps the cost it came in at
    assert reconcile() == {"ok": True, "problems": []}
    assert fix_books(user)["changes"] == []
