"""The typed rows of the posting path (ledger/rows.py, inventory/costing.CostAdjustment): what a
voucher line, an open-item line and a cost adjustment accept, and what the ledger makes of them."""

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from openjxc.documents.models import Document
from openjxc.inventory.costing import CostAdjustment
from openjxc.ledger import chart as A
from openjxc.ledger.rows import OpenItemLine, VoucherLine
from openjxc.ledger.selectors import journal, voucher_text
from openjxc.ledger.services import add_open_items, open_amount, post_voucher
from openjxc.posting import engine
from openjxc.posting.recipes import pair
from tests.factories import cancel, doc, fetch, vouchers_of

DAY = dt.date(2026, 1, 5)


def test_a_voucher_line_carries_one_side_in_integer_fen():
    # given / when / then: both sides on one line, or a float or Decimal amount, are refused
    with pytest.raises(ValueError, match="both a debit and a credit"):
        VoucherLine(A.INVENTORY, debit=100, credit=100)
    for amount in (1.5, Decimal("1.50")):
        with pytest.raises(TypeError, match="integer fen"):
            VoucherLine(A.INVENTORY, debit=amount)
    # and a line is a value: frozen, and its red-letter copy keeps the side
    line = VoucherLine(A.PAYABLE, credit=5650, partner_id=7)
    with pytest.raises(dataclasses.FrozenInstanceError):
        line.credit = 0
    assert line.negated() == VoucherLine(A.PAYABLE, credit=-5650, partner_id=7)


def test_pair_writes_a_negative_amount_with_the_sides_swapped():
    assert pair(A.COGS, A.INVENTORY, 2000) == [
        VoucherLine(A.COGS, debit=2000),
        VoucherLine(A.INVENTORY, credit=2000),
    ]
    assert pair(A.COGS, A.INVENTORY, -2000, partner=3) == [
        VoucherLine(A.INVENTORY, debit=2000, partner_id=3),
        VoucherLine(A.COGS, credit=2000, partner_id=3),
    ]


def test_typed_lines_post_as_a_voucher_read_as_text(user):
    # given a receipt's lines, with a zero line
    lines = [
        VoucherLine(A.INVENTORY, debit=5000),
        VoucherLine(A.INPUT_VAT, debit=650),
        VoucherLine(A.OUTPUT_VAT, credit=0),
        VoucherLine(A.PAYABLE, credit=5650),
    ]
    # when they are posted
    voucher_id = post_voucher(DAY, None, "posting", lines, "typed")
    # then the journal holds integer fen and reads as 借/贷 text, the zero line dropped
    (voucher,) = [v for v in journal() if v["id"] == voucher_id]
    assert [(ln["account"], ln["debit"], ln["credit"]) for ln in voucher["lines"]] == [
        (A.INVENTORY, 5000, 0),
        (A.INPUT_VAT, 650, 0),
        (A.PAYABLE, 0, 5650),
    ]
    assert voucher_text(voucher) == (
        "借 1405 库存商品 50.00 / 借 22210101 进项税额 6.50 / 贷 2202 应付账款 56.50"
    )


def test_an_unbalanced_voucher_is_refused_and_nothing_is_written(user):
    # given lines whose debits exceed their credits by 0.01
    lines = [VoucherLine(A.INVENTORY, debit=5001), VoucherLine(A.PAYABLE, credit=5000)]
    # when posted, then refused before any row is written
    with pytest.raises(ValueError, match="unbalanced"):
        post_voucher(DAY, None, "posting", lines)
    assert fetch("SELECT COUNT(*) FROM ledger_voucher") == [(0,)]
    assert fetch("SELECT COUNT(*) FROM ledger_journalline") == [(0,)]


def test_an_open_item_line_and_its_taking_back(user):
    # given the receivable a delivery raises
    number = doc(user, "sales_delivery", "2026-01-05", [("A001", 1, "9.00")], approve_it=False)
    d = Document.objects.get(number=number)
    raised = OpenItemLine(DAY, d.partner_id, "receivable", d.id, 4068)
    # then an unknown kind or a non-integer amount is refused
    with pytest.raises(ValueError, match="neither receivable nor payable"):
        OpenItemLine(DAY, d.partner_id, "owed", d.id, 4068)
    with pytest.raises(TypeError, match="integer fen"):
        OpenItemLine(DAY, d.partner_id, "receivable", d.id, 40.68)
    # when it is appended, and then taken back by a reversal dated later
    add_open_items([raised])
    assert open_amount(d.id) == 4068
    back = raised.taken_back(dt.date(2026, 2, 3), "reverse", d.id)
    add_open_items([back])
    # then the open item is closed, and the entries say what happened, when and why
    assert open_amount(d.id) == 0
    entries = fetch(
        "SELECT date, entry, amount, cause_id FROM ledger_openitementry WHERE document_id = %s "
        "ORDER BY id",
        [d.id],
    )
    assert [(str(day), e, int(a), c) for day, e, a, c in entries] == [
        ("2026-01-05", "raise", 4068, None),
        ("2026-02-03", "reverse", -4068, d.id),
    ]


def test_a_cancel_books_the_later_moves_it_re_costs_as_typed_adjustments(user, monkeypatch):
    # given 10 @ 5.00 and 10 @ 7.00 received, then 5 delivered at the average 6.00 (30.00)
    first = doc(user, "purchase_receipt", "2026-01-05", [("A001", 10, "5.00")])
    doc(user, "purchase_receipt", "2026-01-06", [("A001", 10, "7.00")])
    delivery = doc(user, "sales_delivery", "2026-01-07", [("A001", 5, "9.00")])
    d = Document.objects.get(number=delivery)
    item_id, wh_id = fetch(
        "SELECT item_id, warehouse_id FROM inventory_stockmove WHERE document_id = %s", [d.id]
    )[0]
    seen = []
    book = engine.post_adjustment_vouchers
    monkeypatch.setattr(
        engine, "post_adjustment_vouchers", lambda adj, *a: seen.extend(adj) or book(adj, *a)
    )
    # when the first receipt is cancelled
    cancel(user, first, "录错")
    # then the delivery costs 5 × 7.00 = 35.00: one adjustment of -5.00 on its date, booked
    # against its counter account (5401)
    assert seen == [CostAdjustment(dt.date(2026, 1, 7), d.id, item_id, wh_id, -500)]
    assert vouchers_of(first)[-1] == "借 5401 主营业务成本 5.00 / 贷 1405 库存商品 5.00"


def test_the_journal_api_writes_the_fen_of_the_selector_as_decimal_strings(api, user):
    # given a receipt of 10 @ 5.00 + 13% VAT
    number = doc(user, "purchase_receipt", "2026-01-05", [("A001", 10, "5.00")])
    # when the journal is read through the API
    body = api.get("/journal").json()
    # then the schema formats the selector's integer fen as API.md's strings
    (voucher,) = [v for v in body["items"] if v["document"] == number]
    assert [(ln["account"], ln["debit"], ln["credit"]) for ln in voucher["lines"]] == [
        (A.INVENTORY, "50.00", "0.00"),
        (A.INPUT_VAT, "6.50", "0.00"),
        (A.PAYABLE, "0.00", "56.50"),
    ]
