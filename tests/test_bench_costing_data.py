"""The FIFO benchmark's bulk-written ledger (generate_ledger(method="fifo")) holds what approving
the same documents through the engine writes for FIFO items: every move's value and the final
balances (the engine derives its layers from the ledger, the generator keeps them in memory)."""

from decimal import Decimal

import pytest

from bench.data import add_vouchers_for_ledger, generate_ledger
from openjxc.catalog.models import Item
from openjxc.closing.checks import reconcile
from tests.factories import doc, master_data, setup_books
from tests.test_bench_package import START, balances, documents_as_written, in_rolled_back_books


@pytest.mark.django_db
def test_a_generated_fifo_ledger_equals_the_engines_postings():
    def generate(user):
        generate_ledger(user, n_items=4, n_moves=120, days=10, lines=2, method="fifo")
        add_vouchers_for_ledger()
        return reconcile(), documents_as_written(), balances()

    rec, generated, generated_balances = in_rolled_back_books(generate)
    assert rec["ok"], rec["problems"][:3]
    # when the same documents are approved through the services for FIFO items
    user = setup_books(START)
    codes = sorted({ln[0] for d in generated for ln in d["lines"]})
    master_data(user, items=codes, warehouses=("WH1", "WH2"))
    Item.objects.filter(code__in=codes).update(costing_method="fifo")
    for d in generated:
        lines = [
            {"item": code, "qty": str(Decimal(qty) / 10_000), "price": str(price)}
            for code, qty, price, *_ in d["lines"]
        ]
        doc(user, d["type"], d["date"].isoformat(), lines, warehouse=d["warehouse"])
    # then every move's value and every balance is the generator's
    assert documents_as_written() == generated
    assert balances() == generated_balances
