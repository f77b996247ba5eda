"""Advances (预收 2203 / 预付 1123): money received or paid and not allocated sits in the advance
account of its kind; allocating it later moves it to 1122 / 2202 with a voucher dated at the
allocation, undoing that moves it back, and cancelling or reversing the money document nets
every account to zero. Reconcile holds after each step; books from before advances are
brought in step by an appended transfer voucher."""

import pytest
from django.utils import timezone

from openjxc.closing.checks import reconcile
from openjxc.closing.fix import fix_books
from openjxc.documents.models import Document
from openjxc.ledger import chart as A
from openjxc.ledger.models import Voucher
from openjxc.ledger.services import post_voucher
from openjxc.posting.recipes import pair

from .factories import approved_doc, fetch, post, receipt_body, reconciled, sales_body, vouchers_of

pytestmark = pytest.mark.usefixtures("backups_in_tmp")


def money_body(type, partner, amount, date, **over):
    return {"type": type, "date": date, "partner": partner, "amount": amount, **over}


def advance_balance(api, code):
    b = api.get(f"/partners/{code}/balance").json()
    return b["receivable"], b["payable"], b["advance_received"], b["advance_paid"]


def net_of(number) -> dict:
    """debit − credit per account over every voucher of a document and of its reversal."""
    rows = fetch(
        "SELECT a.code, SUM(l.debit - l.credit) FROM ledger_journalline l "
        "JOIN ledger_account a ON a.id = l.account_id JOIN ledger_voucher v ON v.id = l.voucher_id "
        "JOIN documents_document d ON d.id = v.document_id "
        "WHERE d.number = %s OR d.reversal_of_id = (SELECT id FROM documents_document WHERE number = %s) "
        "GROUP BY a.code",
        [number, number],
    )
    return {code: int(v) for code, v in rows}


def voucher_dates(number) -> list[str]:
    return [
        str(d)
        for (d,) in fetch(
            "SELECT v.date FROM ledger_voucher v JOIN documents_document d ON d.id = v.document_id "
            "WHERE d.number = %s ORDER BY v.id",
            [number],
        )
    ]


def test_receipt_before_delivery_then_allocation_undo_and_cancel(api):
    approved_doc(api, receipt_body())
    # given money received before anything was delivered
    rc = approved_doc(api, money_body("receipt", "C001", "113.00", "2026-03-02"))
    assert vouchers_of(rc["number"]) == ["借 1002 银行存款 113.00 / 贷 2203 预收账款 113.00"]
    assert advance_balance(api, "C001") == ("-113.00", "0.00", "113.00", "0.00")
    st = api.get("/partners/C001/statement?from=2026-03-01&to=2026-03-31").json()
    assert (st["closing"]["receivable"], st["closing_advance"]) == (
        "-113.00",
        {"received": "113.00", "paid": "0.00"},
    )
    reconciled(api)
    # when the goods are delivered
    d = approved_doc(api, sales_body("sales_delivery", "10", "10.00", "2026-03-05"))
    assert vouchers_of(d["number"])[0] == (
        "借 1122 应收账款 113.00 / 贷 5001 主营业务收入 100.00 / 贷 22210102 销项税额 13.00"
        " / 借 5401 主营业务成本 50.00 / 贷 1405 库存商品 50.00"
    )
    assert advance_balance(api, "C001") == ("0.00", "0.00", "113.00", "0.00")
    reconciled(api)
    # and the receipt is allocated to the delivery
    a = post(
        api, "/allocations", {"from": rc["number"], "to": d["number"], "amount": "113.00"}, 201
    )
    today = str(timezone.localdate())
    assert vouchers_of(rc["number"])[1] == "借 2203 预收账款 113.00 / 贷 1122 应收账款 113.00"
    assert voucher_dates(rc["number"]) == ["2026-03-02", today]  # dated at the allocation
    assert advance_balance(api, "C001") == ("0.00", "0.00", "0.00", "0.00")
    reconciled(api)
    # then undoing the allocation moves it back
    r = api.delete(f"/allocations/{a['id']}")
    assert r.status_code == 200, r.content
    assert vouchers_of(rc["number"])[2] == "借 1122 应收账款 113.00 / 贷 2203 预收账款 113.00"
    assert advance_balance(api, "C001") == ("0.00", "0.00", "113.00", "0.00")
    reconciled(api)
    # and cancelling the receipt nets every account it touched to zero
    post(api, f"/documents/{rc['number']}/cancel", {"reason": "退款另行处理"})
    assert set(net_of(rc["number"]).values()) == {0}
    assert advance_balance(api, "C001") == ("113.00", "0.00", "0.00", "0.00")
    reconciled(api)


def test_payment_ahead_then_allocation_and_reversal(api):
    # given a payment made before the goods came
    pm = approved_doc(api, money_body("payment", "S001", "50.00", "2026-03-01"))
    assert vouchers_of(pm["number"]) == ["借 1123 预付账款 50.00 / 贷 1002 银行存款 50.00"]
    assert advance_balance(api, "S001") == ("0.00", "-50.00", "0.00", "50.00")
    reconciled(api)
    # when the goods come (56.50 payable) and the payment is allocated to them
    r = approved_doc(api, receipt_body(date="2026-03-03"))
    a = post(api, "/allocations", {"from": pm["number"], "to": r["number"], "amount": "50.00"}, 201)
    assert vouchers_of(pm["number"])[1] == "借 2202 应付账款 50.00 / 贷 1123 预付账款 50.00"
    assert advance_balance(api, "S001") == ("0.00", "6.50", "0.00", "0.00")
    reconciled(api)
    # then, the allocation undone, a red-letter reversal of the payment nets everything to zero
    assert api.delete(f"/allocations/{a['id']}").status_code == 200
    assert vouchers_of(pm["number"])[2] == "借 1123 预付账款 50.00 / 贷 2202 应付账款 50.00"
    rev = post(api, f"/documents/{pm['number']}/reverse", {"reason": "付错了"})
    assert set(net_of(pm["number"]).values()) == {0}
    assert rev["number"] != pm["number"]
    assert advance_balance(api, "S001") == ("0.00", "56.50", "0.00", "0.00")
    reconciled(api)


def test_partly_allocated_at_approval_is_one_voucher_of_three_lines(api):
    approved_doc(api, receipt_body())
    d = approved_doc(api, sales_body("sales_delivery", "10", "10.00", "2026-03-05"))
    rc = approved_doc(
        api,
        money_body(
            "receipt",
            "C001",
            "150.00",
            "2026-03-06",
            allocations=[{"document": d["number"], "amount": "113.00"}],
        ),
    )
    assert vouchers_of(rc["number"]) == [
        "借 1002 银行存款 150.00 / 贷 1122 应收账款 113.00 / 贷 2203 预收账款 37.00"
    ]
    assert advance_balance(api, "C001") == ("-37.00", "0.00", "37.00", "0.00")
    reconciled(api)


def test_a_refund_against_a_receipt_moves_nothing_between_accounts(api):
    rc = approved_doc(api, money_body("receipt", "C001", "100.00", "2026-03-02"))
    # given a refund of part of the advance
    rf = approved_doc(api, money_body("refund", "C001", "30.00", "2026-03-03"))
    assert vouchers_of(rf["number"]) == ["借 2203 预收账款 30.00 / 贷 1002 银行存款 30.00"]
    # when it is allocated to the receipt, both stay in 2203: no allocation voucher
    post(api, "/allocations", {"from": rf["number"], "to": rc["number"], "amount": "30.00"}, 201)
    assert len(vouchers_of(rf["number"])) == 1 and len(vouchers_of(rc["number"])) == 1
    assert advance_balance(api, "C001") == ("-70.00", "0.00", "70.00", "0.00")
    reconciled(api)


def test_books_from_before_advances_are_brought_in_step_by_a_transfer(api, user):
    approved_doc(api, receipt_body())
    rc = approved_doc(api, money_body("receipt", "C001", "80.00", "2026-03-02"))
    doc = Document.objects.get(number=rc["number"])
    # given the receipt booked as before advances (its unallocated money on 1122)
    post_voucher(
        doc.date, doc.id, Voucher.POSTING, pair(A.ADVANCE_RECEIVED, A.RECEIVABLE, 8000), "old"
    )
    problems = reconcile()["problems"]
    assert {p["account"] for p in problems} == {"1122", "2203"}
    # when reconcile --fix runs (the migration posting/0001 does the same on upgrade)
    changes = fix_books(user)["changes"]
    assert changes == [f"advance {rc['number']}: 80.00 1122 → 2203"]
    # then a transfer voucher dated in the open period moves it, and nothing else changes
    assert vouchers_of(rc["number"])[-1] == "借 1122 应收账款 80.00 / 贷 2203 预收账款 80.00"
    assert reconcile()["ok"] and fix_books(user)["changes"] == []
    # and cancelling the receipt still nets to zero
    post(api, f"/documents/{rc['number']}/cancel", {"reason": "x"})
    assert set(net_of(rc["number"]).values()) == {0}
    reconciled(api)


def test_the_statement_page_shows_the_advance(api, admin_client):
    approved_doc(api, money_body("receipt", "C001", "25.00", "2026-03-02"))
    page = admin_client.get(
        "/reports/statements/?kind=customer&partner=C001&from=2026-03-01&to=2026-03-31"
    ).content.decode()
    assert "其中：预收余额" in page and "25.00" in page


def test_the_impact_preview_shows_the_allocation_vouchers_it_negates(api):
    approved_doc(api, receipt_body())
    d = approved_doc(api, sales_body("sales_delivery", "1", "10.00", "2026-03-05"))
    rc = approved_doc(api, money_body("receipt", "C001", "20.00", "2026-03-06"))
    a = post(api, "/allocations", {"from": rc["number"], "to": d["number"], "amount": "11.30"}, 201)
    assert api.delete(f"/allocations/{a['id']}").status_code == 200
    impact = api.get(f"/documents/{rc['number']}/impact?action=cancel").json()
    assert [v["kind"] for v in impact["vouchers"]] == ["cancellation"] * 3
    reconciled(api)
