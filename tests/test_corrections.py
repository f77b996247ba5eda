"""红冲蓝补: a correction under approval (red + blue in one transaction) and its undo, in a closed
and in an open period; every amount below worked out by hand."""

import datetime as dt

import pytest

from openjxc.closing.checks import reconcile
from openjxc.closing.services import close
from openjxc.closing.snapshots import digest
from openjxc.core.errors import DomainError
from openjxc.core.services import set_setting
from openjxc.documents.models import Correction, Document
from openjxc.documents.selectors import document_dict, get_document
from openjxc.ledger.models import Period
from openjxc.ledger.selectors import partner_balance
from openjxc.posting import corrections
from openjxc.posting.engine import approve
from tests.factories import doc, fetch, person, state, vouchers_of

pytestmark = pytest.mark.usefixtures("backups_in_tmp")

RED = (
    "借 1122 应收账款 -40.68 / 贷 5001 主营业务收入 -36.00 / 贷 22210102 销项税额 -4.68 / "
    "借 5401 主营业务成本 -20.00 / 贷 1405 库存商品 -20.00"
)
BLUE = (
    "借 1122 应收账款 45.20 / 贷 5001 主营业务收入 40.00 / 贷 22210102 销项税额 5.20 / "
    "借 5401 主营业务成本 20.00 / 贷 1405 库存商品 20.00"
)
ORIGINAL = RED.replace("-", "")


def body(price="10.00", qty="4", date="2026-01-06"):
    """The delivery's create body with the corrected line."""
    return {
        "type": "sales_delivery",
        "date": date,
        "warehouse": "WH1",
        "partner": "C001",
        "lines": [{"item": "A001", "qty": qty, "price": price}],
    }


def stock():
    """On hand and value of A001 in WH1: (qty in 1/10,000, fen)."""
    return fetch(
        "SELECT b.qty, b.value FROM inventory_stockbalance b JOIN catalog_item i ON i.id = b.item_id "
        "WHERE i.code = 'A001'"
    )[0]


def receivable(number):
    return partner_balance([Document.objects.get(number=number).partner_id])["receivable"]


def ledger_totals():
    """Per account: debit − credit over all time (what every balance report sums)."""
    return fetch(
        "SELECT a.code, SUM(l.debit) - SUM(l.credit) FROM ledger_journalline l "
        "JOIN ledger_account a ON a.id = l.account_id GROUP BY a.code "
        "HAVING SUM(l.debit) - SUM(l.credit) <> 0 ORDER BY a.code"
    )


@pytest.fixture
def closed_delivery(user):
    """10 received @ 5.00 and 4 delivered @ 9.00 in January, which is closed."""
    doc(user, "purchase_receipt", "2026-01-05", [("A001", 10, "5.00")])
    d = doc(user, "sales_delivery", "2026-01-06", [("A001", 4, "9.00")])
    close(user, "2026-01")
    return d


def test_price_corrected_in_a_closed_period_then_undone(user, closed_delivery):
    d = closed_delivery
    jan = Period.objects.get(start=dt.date(2026, 1, 1))
    jan_digest = digest(jan)
    before = (stock(), receivable(d), ledger_totals())
    assert before[:2] == ((60000, 3000), "40.68")
    # proposed: two pending documents, nothing posted
    corr = corrections.propose(user, d, "单价录错 9.00 → 10.00", body(), "2026-02-03")
    assert (
        corr.status == "pending_approval"
        and corr.red.status == corr.blue.status == "pending_approval"
    )
    assert corr.red.date == corr.blue.date == dt.date(2026, 2, 3)
    assert (stock(), receivable(d), ledger_totals()) == before
    # a half cannot be approved alone
    with pytest.raises(DomainError) as e:
        approve(user, corr.blue.number)
    assert e.value.code == "in_correction"
    # approved: the red takes the delivery out at its own cost, the blue re-enters at 10.00
    corr, backup_id = corrections.approve(user, corr.id)
    assert backup_id and corr.status == "approved"
    assert get_document(d).status == "reversed"
    assert vouchers_of(corr.red.number) == [RED]
    assert vouchers_of(corr.blue.number) == [BLUE]
    assert stock() == (60000, 3000)  # 6 left at 5.00: the cost did not move
    assert receivable(d) == "45.20"
    assert digest(jan) == jan_digest  # January untouched
    assert reconcile()["ok"]
    # linked both ways
    links = {
        n: (x["correction"], x["correction_role"])
        for n in (d, corr.red.number, corr.blue.number)
        for x in [document_dict(get_document(n))]
    }
    assert links == {
        d: (corr.id, "original"),
        corr.red.number: (corr.id, "red"),
        corr.blue.number: (corr.id, "blue"),
    }
    audit = fetch(
        "SELECT action, reason, after FROM audit_auditentry WHERE object_type = 'correction'"
    )
    assert audit[0][0] == "approve" and audit[0][1] == "单价录错 9.00 → 10.00"
    assert backup_id in audit[0][2]
    # undone: the blue reversed, the red reversed (the original's effect, in the open period)
    corr, undo_backup = corrections.undo(user, corr.id, "客户同意原价")
    assert undo_backup and corr.status == "undone"
    assert vouchers_of(corr.blue_reversal.number) == [_negated(BLUE)]
    assert vouchers_of(corr.restored.number) == [ORIGINAL]
    assert (stock(), receivable(d), ledger_totals()) == before
    assert digest(jan) == jan_digest
    assert reconcile()["ok"]
    # and it cannot be undone twice
    with pytest.raises(DomainError) as e:
        corrections.undo(user, corr.id, "again")
    assert e.value.code == "wrong_status"


def _negated(text):
    return " / ".join(
        f"{side} {code} {name} -{amount}"
        for side, code, name, amount in (part.split(" ") for part in text.split(" / "))
    )


def test_correction_in_an_open_period_cancels_and_re_enters_at_the_original_date(user):
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    d = doc(user, "sales_delivery", "2026-03-03", [("A001", 4, "9.00")])
    before = (stock(), receivable(d), ledger_totals())
    corr = corrections.propose(user, d, "数量录错", body(qty="3", date="2026-03-09"))
    assert corr.red is None and corr.blue.date == dt.date(2026, 3, 3)
    corr, _backup = corrections.approve(user, corr.id)
    assert get_document(d).status == "cancelled"
    assert vouchers_of(corr.blue.number) == [
        "借 1122 应收账款 33.90 / 贷 5001 主营业务收入 30.00 / 贷 22210102 销项税额 3.90 / "
        "借 5401 主营业务成本 15.00 / 贷 1405 库存商品 15.00"
    ]
    assert stock() == (70000, 3500) and receivable(d) == "33.90"
    corr, _backup = corrections.undo(user, corr.id, "撤销")
    assert corr.blue_reversal is None and get_document(corr.blue.number).status == "cancelled"
    assert corr.restored.date == dt.date(2026, 3, 3)
    assert vouchers_of(corr.restored.number) == [ORIGINAL]
    assert (stock(), receivable(d), ledger_totals()) == before
    assert reconcile()["ok"]


def test_an_open_receipt_whose_goods_left_is_corrected_by_one_re_statement(user):
    # 10 received @ 5.00, then 8 delivered (cost 40.00): the receipt's price corrected to 6.00.
    # Cancelled alone the receipt would leave the delivery short; the correction re-states the
    # later moves once, from the cancel and the re-entry together.
    r = doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    d = doc(user, "sales_delivery", "2026-03-05", [("A001", 8, "9.00")])
    before = (stock(), ledger_totals())
    assert before[0] == (20000, 1000)
    receipt = {
        "type": "purchase_receipt",
        "date": "2026-03-01",
        "warehouse": "WH1",
        "partner": "S001",
        "lines": [{"item": "A001", "qty": "10", "price": "6.00"}],
    }
    assert corrections.preview(user, r, receipt)["allowed"]
    assert (stock(), ledger_totals()) == before
    corr = corrections.propose(user, r, "单价录错 5.00 → 6.00", receipt)
    corr, _backup = corrections.approve(user, corr.id)
    assert get_document(r).status == "cancelled"
    assert stock() == (20000, 1200)  # 2 left at 6.00
    # the delivery's cost 40.00 → 48.00, booked once with the re-entry
    assert vouchers_of(corr.blue.number)[-1] == "借 5401 主营业务成本 8.00 / 贷 1405 库存商品 8.00"
    assert fetch(
        "SELECT SUM(m.value) FROM inventory_stockmove m JOIN documents_document x "
        "ON x.id = m.document_id WHERE x.number = %s",
        [d],
    ) == [(-4800,)]
    assert reconcile()["ok"]
    corr, _backup = corrections.undo(user, corr.id, "撤销")
    assert (stock(), ledger_totals()) == before
    assert reconcile()["ok"]


def test_undo_refused_while_a_later_document_uses_the_blue(user, closed_delivery):
    corr = corrections.propose(user, closed_delivery, "单价", body(), "2026-02-03")
    corr, _ = corrections.approve(user, corr.id)
    doc(
        user,
        "receipt",
        "2026-02-05",
        [],
        partner="C001",
        amount="10.00",
        allocations=[{"document": corr.blue.number, "amount": "10.00"}],
    )
    before = state()
    with pytest.raises(DomainError) as e:
        corrections.undo(user, corr.id, "撤销")
    assert e.value.code == "has_dependents"
    assert state() == before
    assert Correction.objects.get(pk=corr.id).status == "approved"


def test_maker_is_not_the_checker_above_the_threshold(user, closed_delivery):
    set_setting("approval_threshold.sales_delivery", "10")
    corr = corrections.propose(user, closed_delivery, "单价", body(), "2026-02-03")
    before = state()
    with pytest.raises(DomainError) as e:
        corrections.approve(user, corr.id)
    assert e.value.code == "second_approver_required"
    assert state() == before
    boss = person("老板")
    corr, _ = corrections.approve(boss, corr.id)
    assert corr.status == "approved" and corr.approver == boss
    assert vouchers_of(corr.blue.number) == [BLUE]


def test_the_preview_shows_both_halves_and_changes_nothing(user, closed_delivery):
    before = state()
    p = corrections.preview(user, closed_delivery, body(), "2026-02-03")
    assert state() == before
    assert p["allowed"] and [s["step"] for s in p["steps"]] == ["red", "blue"]
    red, blue = p["steps"]
    assert [v["memo"] for v in red["vouchers"]] == [f"红字冲销 {closed_delivery}"]
    assert red["stock"][0]["qty_change"] == "4" and blue["stock"][0]["qty_change"] == "-4"
    assert p["stock"] == []  # net: 4 back, 4 out at the same cost
    assert {a["account"]: a["net_debit"] for a in p["net_accounts"]} == {
        "1122": "4.52",
        "5001": "-4.00",
        "22210102": "-0.52",
    }
    assert [o["amount"] for o in p["open_items"]] == ["-40.68", "45.20"]


def test_refusals_change_nothing(user, closed_delivery):
    before = state()
    for call, code in (
        (lambda: corrections.propose(user, closed_delivery, "", body()), "reason_required"),
        (
            lambda: corrections.propose(user, closed_delivery, "x", body(), "2026-01-20"),
            "period_closed",
        ),
        (
            lambda: corrections.propose(
                user, closed_delivery, "x", {**body(), "type": "sales_return"}
            ),
            "invalid",
        ),
        (lambda: corrections.approve(user, 999), "not_found"),
        (lambda: corrections.propose(person("销售"), closed_delivery, "x", body()), "forbidden"),
    ):
        with pytest.raises(DomainError) as e:
            call()
        assert e.value.code == code
    assert state() == before
    corrections.propose(user, closed_delivery, "x", body())
    with pytest.raises(DomainError) as e:
        corrections.propose(user, closed_delivery, "y", body())
    assert e.value.code == "in_correction"


def test_undo_takes_the_red_back_at_its_own_cost_not_capped(user, closed_delivery):
    # given the delivery left at 5.00 and a cheaper receipt since (16 at 2.50)
    doc(user, "purchase_receipt", "2026-02-01", [("A001", 10, "1.00")])
    before = (stock(), ledger_totals())
    assert before[0] == (160000, 4000)
    corr = corrections.propose(user, closed_delivery, "单价", body(), "2026-02-03")
    corr, _ = corrections.approve(user, corr.id)
    # the red brings 4 back at 5.00 (20 at 3.00), the blue takes them out at 3.00
    assert stock() == (160000, 4800)
    corr, _ = corrections.undo(user, corr.id, "撤销")
    # undone: the 4 leave again at 5.00 (20.00), not at the average 3.00: as before
    assert (stock(), ledger_totals()) == before
    assert vouchers_of(corr.restored.number) == [ORIGINAL]
    assert reconcile()["ok"]


def test_a_delivery_from_an_order_is_corrected_against_the_same_order(user):
    from openjxc.posting.orders import derive

    doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    order = doc(user, "sales_order", "2026-03-02", [("A001", 4, "9.00")])
    drafted = derive(user, order, {"type": "sales_delivery", "date": "2026-03-03"})
    approve(user, drafted["number"])
    assert get_document(order).status == "completed"
    line = get_document(order).lines.get().id
    corrected = {
        **body(date="2026-03-03"),
        "source": order,
        "lines": [{"item": "A001", "qty": "4", "price": "10.00", "source_line": line}],
    }
    corr = corrections.propose(user, drafted["number"], "单价", corrected)
    corr, _ = corrections.approve(user, corr.id)
    blue = get_document(corr.blue.number)
    assert blue.source.number == order and blue.amount_incl_tax == 4520
    assert get_document(order).status == "completed"  # fulfilled by the blue delivery now
    assert reconcile()["ok"]
