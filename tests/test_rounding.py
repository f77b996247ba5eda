"""Rounding traps: half cents that binary floats (or banker's rounding) get wrong, tax taken out
of tax-inclusive prices, outgoing moves that empty a balance, and margin %. Every amount is
ROUND_HALF_UP to the cent, as API.md says."""

from decimal import Decimal as D

from openjxc.catalog.services import create_item
from openjxc.closing.checks import reconcile
from openjxc.documents.models import Document
from openjxc.documents.selectors import document_dict
from openjxc.inventory.selectors import move_rows, stock_rows
from openjxc.reports.trade import summary

from .factories import cancel, doc, vouchers_of


def stock(item, wh="WH1"):
    rows = [
        r for r in stock_rows(None, include_zero=True) if r["item"] == item and r["warehouse"] == wh
    ]
    return (rows[0]["on_hand"], rows[0]["value"]) if rows else ("0", "0.00")


def lines(number):
    d = document_dict(Document.objects.get(number=number))
    return [(ln["amount"], ln["tax"], ln["amount_incl_tax"]) for ln in d["lines"]]


def out_values(item, wh="WH1"):
    """Effective value of each live move of the item (original + its cost adjustments), in order."""
    values: dict = {}
    for r in move_rows():
        if r["item"] == item and r["warehouse"] == wh and r["kind"] != "reversal":
            values[r["document"]] = values.get(r["document"], 0) + D(r["value"])
    return values


def test_half_cents_round_up_where_floats_round_down(user):
    # given prices whose exact amounts end in half a cent (float: round(2.675, 2) == 2.67)
    r = doc(
        user,
        "purchase_receipt",
        "2026-03-01",
        [("A001", 1, "1.005"), ("A002", 1, "2.675"), ("A003", 3, "0.335")],
    )
    # then every amount is rounded half up, and tax = round_half_up(amount × 13%)
    assert lines(r) == [
        ("1.01", "0.13", "1.14"),
        ("2.68", "0.35", "3.03"),
        ("1.01", "0.13", "1.14"),
    ]
    assert vouchers_of(r) == [
        "借 1405 库存商品 4.70 / 借 22210101 进项税额 0.61 / 贷 2202 应付账款 5.31"
    ]
    assert (stock("A001"), stock("A002"), stock("A003")) == (
        ("1", "1.01"),
        ("1", "2.68"),
        ("3", "1.01"),
    )


def test_tax_inclusive_prices(user):
    # given 3 × 11.30 including 13% VAT
    r = doc(
        user,
        "purchase_receipt",
        "2026-03-01",
        [{"item": "A001", "qty": "3", "price_incl_tax": "11.30"}],
    )
    # then the amount is 33.90 / 1.13 = 30.00 and the tax the rest, 3.90
    assert lines(r) == [("30.00", "3.90", "33.90")]
    d = document_dict(Document.objects.get(number=r))
    assert d["lines"][0]["price"] == "10.00"
    assert stock("A001") == ("3", "30.00")
    # given prices including tax whose amount is exactly x.xx5 (0.53675 / 1.13 = 0.475)
    r2 = doc(
        user,
        "purchase_receipt",
        "2026-03-02",
        [
            {"item": "A002", "qty": "1", "price_incl_tax": "0.53675"},
            {"item": "A003", "qty": "1", "price_incl_tax": "0.14125"},
            {"item": "A003", "qty": "4", "price_incl_tax": "2.18", "tax_rate": "0.09"},
        ],
    )
    # then amount = round_half_up(qty × price_incl_tax / 1.13): 0.48 and 0.13, tax = gross − amount;
    # 4 × 2.18 / 1.09 = 8.00 exactly at 9%
    assert lines(r2) == [
        ("0.48", "0.06", "0.54"),
        ("0.13", "0.01", "0.14"),
        ("8.00", "0.72", "8.72"),
    ]
    assert stock("A002") == ("1", "0.48")
    assert reconcile() == {"ok": True, "problems": []}


def test_an_outgoing_move_that_empties_the_balance_takes_exactly_the_rest(user):
    # given 3 received for 10.00 (3 × 3.333333 = 9.999999)
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 3, "3.333333")])
    assert stock("A001") == ("3", "10.00")
    # when they leave one by one
    d1 = doc(user, "sales_delivery", "2026-03-02", [("A001", 1, "5.00")])
    d2 = doc(user, "sales_delivery", "2026-03-03", [("A001", 1, "5.00")])
    d3 = doc(user, "sales_delivery", "2026-03-04", [("A001", 1, "5.00")])
    # then 10.00 / 3 = 3.33, 6.67 / 2 = 3.335 → 3.34, and the last takes the remaining 3.33
    values = out_values("A001")
    assert (values[d1], values[d2], values[d3]) == (D("-3.33"), D("-3.34"), D("-3.33"))
    assert stock("A001") == ("0", "0.00")
    assert vouchers_of(d2)[0].endswith("借 5401 主营业务成本 3.34 / 贷 1405 库存商品 3.34")
    assert reconcile() == {"ok": True, "problems": []}


def test_a_back_dated_cancel_still_leaves_no_residue(user):
    # given 3 for 10.00, 1 more for 1.00, and three single deliveries at 11.00 / 4 = 2.75 each
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 3, "3.333333")])
    r2 = doc(user, "purchase_receipt", "2026-03-02", [("A001", 1, "1.00")])
    d = [doc(user, "sales_delivery", f"2026-03-0{n}", [("A001", 1, "5.00")]) for n in (3, 4, 5)]
    assert [out_values("A001")[x] for x in d] == [D("-2.75")] * 3
    assert stock("A001") == ("1", "2.75")
    # when the second receipt is cancelled
    cancel(user, r2, "录错了")
    # then the deliveries are re-costed 3.33, 3.34, 3.33 and the balance is exactly empty
    assert [out_values("A001")[x] for x in d] == [D("-3.33"), D("-3.34"), D("-3.33")]
    assert stock("A001") == ("0", "0.00")
    assert reconcile() == {"ok": True, "problems": []}


def test_linked_return_at_the_delivery_unit_cost_rounds_half_up(user):
    # given 3 for 10.00, a delivery of 1 (3.33) and one of 2 that empties the stock (6.67)
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 3, "3.333333")])
    doc(user, "sales_delivery", "2026-03-02", [("A001", 1, "5.00")])
    d2 = doc(user, "sales_delivery", "2026-03-03", [("A001", 2, "5.00")])
    line = Document.objects.get(number=d2).lines.get()
    # when 1 of the second delivery comes back
    ret = doc(
        user,
        "sales_return",
        "2026-03-04",
        [{"item": "A001", "qty": "1", "price": "5.00", "source_line": line.id}],
        source=d2,
    )
    # then at that delivery's unit cost: 1 × 6.67 / 2 = 3.335 → 3.34
    assert out_values("A001")[ret] == D("3.34")
    assert stock("A001") == ("1", "3.34")
    assert reconcile() == {"ok": True, "problems": []}


def test_fallback_unit_cost_of_an_empty_balance_rounds_half_up(user):
    # given an item whose purchase price is 3.335 and no stock
    create_item(user, {"code": "F001", "name": "回退", "unit": "个", "purchase_price": "3.335"})
    # when 1 comes back unlinked, and 3 are found by a count
    ret = doc(user, "sales_return", "2026-03-01", [("F001", 1, "9.00")])
    count = doc(user, "stock_count", "2026-03-01", [("F001", 1)], warehouse="WH2")
    # then each is valued at the purchase price: 3.335 → 3.34
    assert out_values("F001")[ret] == D("3.34")
    assert out_values("F001", "WH2")[count] == D("3.34")
    assert reconcile() == {"ok": True, "problems": []}


def test_linked_purchase_return_is_capped_at_the_average(user):
    # given 10 received at 5.00 and 10 at 1.00 (average 3.00)
    r1 = doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    doc(user, "purchase_receipt", "2026-03-02", [("A001", 10, "1.00")])
    line = Document.objects.get(number=r1).lines.get()
    # when 5 of the first receipt go back to the supplier at 5.00
    ret = doc(
        user,
        "purchase_return",
        "2026-03-03",
        [{"item": "A001", "qty": "5", "price": "5.00", "source_line": line.id}],
        source=r1,
    )
    # then stock gives up only the average, 15.00; the supplier credits 25.00 + 3.25 tax and the
    # difference of 10.00 reduces cost of goods sold
    assert out_values("A001")[ret] == D("-15.00")
    assert stock("A001") == ("15", "45.00")
    assert vouchers_of(ret) == [
        "借 1405 库存商品 -15.00 / 借 22210101 进项税额 -3.25 / 借 5401 主营业务成本 -10.00 / "
        "贷 2202 应付账款 -28.25"
    ]
    assert reconcile() == {"ok": True, "problems": []}


def test_margin_percent_is_exact_and_the_same_in_rows_and_totals(user):
    import datetime as dt

    doc(user, "purchase_receipt", "2026-03-01", [("A003", 100, "1.9797")])
    doc(user, "sales_delivery", "2026-03-02", [("A003", 100, "2.00")])  # cost 197.97, margin 2.03
    data = summary("sales", "item", dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    assert data["items"][0]["margin"] == "2.03"
    assert data["items"][0]["margin_pct"] == data["totals"]["margin_pct"] == "1.02"  # 1.015 half up
