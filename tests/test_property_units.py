"""Property test of 多单位: random receipts and sales (and unlinked sales returns) entered in random
units of an item, against a plain reference model kept in base units.

The item P1 is counted in 个 and has the alternate units 箱 (12 个), 托 (2.5 个) and 包 (0.25 个).
Hypothesis draws up to 20 lines with quantities of up to 4 decimals in a random unit and a price
per that unit. The model converts each line to base units exactly (Decimal qty × factor) and:

* refuses a line whose base quantity is not a whole 1/10,000 个 (inexact_base_qty), and a sale
  beyond the stock (insufficient_stock) — the engine must refuse exactly those and change nothing;
* otherwise values the line as API.md says: incoming at round_half_up(qty × price, 2) — per the
  line's unit, so the same money whatever the unit —, outgoing at round_half_up(base qty ×
  value / balance qty, 2), the whole value when it empties the stock, a return at the average.

After every step the stock (quantity, value), each line's base_qty and `reconcile()` are checked.
Each example runs in a savepoint that is rolled back."""

import os
from decimal import ROUND_HALF_UP, Decimal, localcontext

import pytest
from django.db import transaction
from hypothesis import HealthCheck, event, given, note, settings
from hypothesis import strategies as st

from openjxc.catalog.services import create_item
from openjxc.closing.checks import reconcile
from openjxc.core.errors import DomainError
from openjxc.documents.models import DocumentLine
from openjxc.documents.services import create_draft
from openjxc.inventory.services import create_warehouse
from openjxc.partners.services import create_partner
from openjxc.posting.engine import approve
from tests.factories import fetch, setup_books

UNITS = {"": Decimal(1), "箱": Decimal(12), "托": Decimal("2.5"), "包": Decimal("0.25")}
QUANTUM = Decimal("0.0001")
CENT = Decimal("0.01")


def r2(x: Decimal) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = 60
        return x.quantize(CENT, rounding=ROUND_HALF_UP)


@pytest.fixture
def books(db):
    user = setup_books()
    create_warehouse(user, {"code": "WH1", "name": "仓库"})
    create_item(
        user,
        {
            "code": "P1",
            "name": "商品",
            "unit": "个",
            "tax_rate": "0.13",
            "purchase_price": "3",
            "units": [{"unit": u, "factor": str(f)} for u, f in UNITS.items() if u],
        },
    )
    create_partner(user, "supplier", {"code": "S001", "name": "供应商"})
    create_partner(user, "customer", {"code": "C001", "name": "客户"})
    return user


quantities = st.decimals(min_value=Decimal("0.0001"), max_value=Decimal(40), places=4)
prices = st.decimals(min_value=Decimal("0.01"), max_value=Decimal(500), places=2)
steps = st.tuples(
    st.sampled_from(["purchase_receipt", "sales_delivery", "sales_return"]),
    st.sampled_from(sorted(UNITS)),
    quantities,
    prices,
)


class Model:
    """The stock of P1 in WH1 in base units: quantity and value, moving weighted average."""

    def __init__(self):
        self.qty, self.value = Decimal(0), Decimal(0)

    def expect(self, kind: str, unit: str, qty: Decimal, price: Decimal):
        """(error code or None, base qty, new qty, new value)."""
        base = qty * UNITS[unit]
        if base != base.quantize(QUANTUM):
            return "inexact_base_qty", base, self.qty, self.value
        if kind == "purchase_receipt":
            return None, base, self.qty + base, self.value + r2(qty * price)
        if kind == "sales_return":  # unlinked: at the current average (empty: purchase price)
            value = r2(base * self.value / self.qty) if self.qty else r2(base * 3)
            return None, base, self.qty + base, self.value + value
        if base > self.qty:
            return "insufficient_stock", base, self.qty, self.value
        out = self.value if base == self.qty else r2(base * self.value / self.qty)
        return None, base, self.qty - base, self.value - out


def _stock() -> tuple[Decimal, Decimal]:
    rows = fetch(
        "SELECT COALESCE(SUM(qty), 0), COALESCE(SUM(value), 0) FROM inventory_stockbalance"
    )
    return Decimal(int(rows[0][0])) / 10000, Decimal(int(rows[0][1])) / 100


def _count() -> int:
    return fetch("SELECT COUNT(*) FROM documents_document")[0][0]


@settings(
    max_examples=int(os.environ.get("OPENJXC_PROPERTY_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=st.lists(steps, min_size=1, max_size=20))
def test_stock_in_random_units_matches_a_base_unit_model(books, ops):
    with transaction.atomic():
        try:
            model = Model()
            for n, (kind, unit, qty, price) in enumerate(ops):
                code, base, want_qty, want_value = model.expect(kind, unit, qty, price)
                before = _count()
                partner = "S001" if kind == "purchase_receipt" else "C001"
                body = {
                    "type": kind,
                    "date": "2026-03-02",
                    "partner": partner,
                    "warehouse": "WH1",
                    "lines": [{"item": "P1", "unit": unit, "qty": str(qty), "price": str(price)}],
                }
                got = None
                try:
                    with transaction.atomic():
                        number = create_draft(books, body)[0]["number"]
                        approve(books, number)
                except DomainError as exc:
                    got = exc.code
                note(f"step {n}: {kind} {qty} {unit or '个'} @ {price} -> {got or 'ok'}")
                event(f"{kind} in {unit or '个'} -> {got or 'ok'}")
                assert got == code
                if code is None:
                    line = DocumentLine.objects.get(document__number=number)
                    assert Decimal(line.base_qty) / 10000 == base  # exact conversion
                    assert line.amount == int(r2(qty * price) * 100)  # money per the line's unit
                    model.qty, model.value = want_qty, want_value
                else:
                    assert _count() == before  # a refusal changes nothing
                assert _stock() == (model.qty, model.value)
                assert reconcile() == {"ok": True, "problems": []}
        finally:
            transaction.set_rollback(True)
