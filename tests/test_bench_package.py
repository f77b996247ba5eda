"""The benchmark's bulk-written ledgers hold what approving the same documents would write: line
amounts and tax priced by the documents' rule, move values by the costing rules, and books that
reconcile. Each generated set is compared with the same documents created and approved through
the services in the same (rolled back) database."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction

from bench.data import add_vouchers_for_ledger, generate_ledger, generate_open_items
from openjxc.closing.checks import reconcile
from openjxc.documents.models import Document, DocumentLine
from openjxc.inventory.models import StockBalance, StockMove
from tests.factories import doc, master_data, setup_books

START = "2025-01-01"  # the benchmark's go-live date (bench/config.py)
LINE_FIELDS = ("qty", "price", "price_incl_tax", "tax_rate", "amount", "tax", "amount_incl_tax")


class Rollback(Exception):
    pass


def in_rolled_back_books(fn):
    """fn(user) in fresh books at the benchmark's go-live date, undone afterwards."""
    box = {}
    with pytest.raises(Rollback), transaction.atomic():
        box["result"] = fn(setup_books(START))
        raise Rollback
    return box["result"]


def documents_as_written() -> list[dict]:
    """Every stock document in posting order: its type, date, warehouse, totals, and per line
    the item, the priced fields and the value of its move."""
    moves = {m.line_id: (m.qty, m.value) for m in StockMove.objects.filter(kind=StockMove.ORIGINAL)}
    out = []
    for d in Document.objects.select_related("warehouse").order_by("date", "id"):
        lines = DocumentLine.objects.filter(document=d).select_related("item").order_by("line_no")
        out.append(
            {
                "type": d.type,
                "date": d.date,
                "warehouse": d.warehouse.code,
                "totals": (d.amount, d.tax, d.amount_incl_tax),
                "lines": [
                    (ln.item.code, *(getattr(ln, f) for f in LINE_FIELDS), moves[ln.id])
                    for ln in lines
                ],
            }
        )
    return out


def balances() -> dict:
    return {
        (b.item.code, b.warehouse.code): (b.qty, b.value)
        for b in StockBalance.objects.select_related("item", "warehouse")
    }


@pytest.mark.django_db
def test_a_generated_ledger_reconciles_and_equals_the_engines_postings():
    # given: a small ledger written in bulk, with its vouchers, in books that are then undone
    def generate(user):
        gen = generate_ledger(user, n_items=6, n_moves=150, days=10, lines=3)
        add_vouchers_for_ledger()
        return gen, reconcile(), documents_as_written(), balances()

    gen, rec, generated, generated_balances = in_rolled_back_books(generate)
    # then: the generated books reconcile (stock ledger = cache, vouchers = stock value, …)
    assert rec["ok"], rec["problems"][:3]
    assert gen["moves"] == sum(len(d["lines"]) for d in generated) >= 140
    assert {d["type"] for d in generated} == {"purchase_receipt", "sales_delivery"}

    # when: the same documents are created and approved through the services, in order
    user = setup_books(START)
    codes = sorted({ln[0] for d in generated for ln in d["lines"]})
    master_data(user, items=codes, warehouses=("WH1", "WH2"))
    for d in generated:
        lines = [
            {"item": code, "qty": str(Decimal(qty) / 10_000), "price": str(price)}
            for code, qty, price, *_ in d["lines"]
        ]
        doc(user, d["type"], d["date"].isoformat(), lines, warehouse=d["warehouse"])

    # then: every line's price with tax, amount, tax and gross, every document's totals, every
    # move's value (moving average, half-up) and the final balances are the engine's
    assert documents_as_written() == generated
    assert balances() == generated_balances
    deliveries = [ln for d in generated if d["type"] == "sales_delivery" for ln in d["lines"]]
    assert any(ln[-1][1] < 0 for ln in deliveries)  # deliveries were valued, not left at zero


@pytest.mark.django_db
def test_bulk_open_item_documents_are_taxed_as_a_one_unit_line():
    # given: bulk-written sales deliveries with their receivables (the aging benchmark's data)
    def generate(user):
        master_data(user, items=("A001",), warehouses=("WH1",))
        generate_open_items(user, n_customers=3, n_items=12)
        return list(
            Document.objects.filter(number__contains="AG")
            .order_by("id")
            .values_list("amount", "tax", "amount_incl_tax")
        )

    generated = in_rolled_back_books(generate)
    assert len(generated) == 12
    # when: a one-unit line at each net price is priced through the documents service
    user = setup_books(START)
    master_data(user, items=("A001",), warehouses=("WH1",))
    day = (dt.date.fromisoformat(START) + dt.timedelta(days=1)).isoformat()
    for amount, tax, gross in generated:
        number = doc(
            user,
            "sales_delivery",
            day,
            [{"item": "A001", "qty": "1", "price": str(Decimal(amount) / 100)}],
            approve_it=False,
        )
        # then: the same tax and gross, rounded half-up to the fen
        d = Document.objects.get(number=number)
        assert (d.amount, d.tax, d.amount_incl_tax) == (amount, tax, gross)
