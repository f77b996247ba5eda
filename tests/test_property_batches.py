"""Property test of batches (批次): random receipts into three batches, deliveries with or
without a batch (FEFO), transfers between two warehouses, cancels and red-letter reversals,
against a plain reference model of the quantity per warehouse × batch.

The model picks first-expiry-first-out exactly as the rule says (earliest expiry, then code),
refuses what would take more than a batch or the warehouse holds (insufficient_stock), and
refuses to cancel a document whose incoming quantities a later one took (at any point of the
timeline), or to reverse one whose incoming quantities have left since. After every
step the stock per batch (the cache) equals the model, and `reconcile()` — which proves the
batch cache equals the batch ledger and the batches add up to the stock ledger — is clean.
Each example runs in a savepoint that is rolled back."""

import pytest
from django.db import transaction
from hypothesis import event, example, given, note
from hypothesis import strategies as st

from openjxc.catalog.services import create_item
from openjxc.closing.checks import reconcile
from openjxc.core.errors import DomainError
from openjxc.documents.services import create_draft
from openjxc.inventory.services import create_warehouse
from openjxc.partners.services import create_partner
from openjxc.posting.engine import approve, cancel
from openjxc.posting.reversal import reverse
from tests.factories import fetch, setup_books
from tests.property_settings import property_settings

EXPIRY = {"B1": "2026-09-30", "B2": "2026-06-30", "B3": "2027-01-31"}  # FEFO: B2, B1, B3
FEFO = sorted(EXPIRY, key=lambda b: (EXPIRY[b], b))
WAREHOUSES = ("WH1", "WH2")


@pytest.fixture
def books(db):
    user = setup_books()
    for wh in WAREHOUSES:
        create_warehouse(user, {"code": wh, "name": wh})
    create_item(user, {"code": "P1", "name": "批次商品", "unit": "个", "batch_tracked": True})
    create_partner(user, "supplier", {"code": "S001", "name": "供应商"})
    create_partner(user, "customer", {"code": "C001", "name": "客户"})
    return user


_receive = st.tuples(
    st.just("receive"),
    st.sampled_from(WAREHOUSES),
    st.sampled_from(sorted(EXPIRY)),
    st.integers(1, 12),
)
_out = st.tuples(
    st.sampled_from(["deliver", "transfer"]),
    st.sampled_from(WAREHOUSES),
    st.sampled_from(["", "", *sorted(EXPIRY)]),  # no batch (FEFO) twice as often
    st.integers(1, 8),
)
_back = st.tuples(
    st.sampled_from(["cancel", "reverse"]), st.just(""), st.just(""), st.integers(0, 30)
)
# receipts as often as issues, so that issues mostly find stock
steps = st.one_of(_receive, _receive, _out, _out, _back)


class Model:
    """Quantity per (warehouse, batch); each approved document's effect, to take it back."""

    def __init__(self):
        self.qty: dict = {}
        self.live: list = []  # [(number, effect)] of approved documents, oldest first
        # every move group in the stock ledger, in approval order: a reversed document stays in it
        # with its red-letter reversal after it; a cancel takes the document out
        self.timeline: list = []

    def take(self, wh, batch, n) -> list | None:
        """The (wh, batch, −qty) a pick takes, or None when there is too little."""
        if batch:
            return [(wh, batch, -n)] if self.qty.get((wh, batch), 0) >= n else None
        effect, left = [], n
        for b in FEFO:
            k = min(left, self.qty.get((wh, b), 0))
            if k:
                effect.append((wh, b, -k))
                left -= k
        return effect if not left else None

    def fits(self, effect) -> bool:
        after = dict(self.qty)
        for wh, b, q in effect:
            after[(wh, b)] = after.get((wh, b), 0) + q
        return all(v >= 0 for v in after.values())

    def fits_without(self, number) -> bool:
        """A cancel takes the document out of the timeline (all these are dated alike, so in
        approval order): the stock ledger refuses it when a warehouse's running quantity would
        go below zero at any step; per batch only the balances after it must stay ≥ 0."""
        run: dict = {}
        final: dict = {}
        for n, effect in self.timeline:
            if n == number:
                continue
            for wh, b, q in effect:
                final[(wh, b)] = final.get((wh, b), 0) + q
            for wh, _b, q in effect:
                run[wh] = run.get(wh, 0) + q
            if any(v < 0 for v in run.values()):
                return False
        return all(v >= 0 for v in final.values())

    def apply(self, effect) -> None:
        for wh, b, q in effect:
            self.qty[(wh, b)] = self.qty.get((wh, b), 0) + q


def _batches() -> dict:
    rows = fetch(
        "SELECT w.code, t.code, b.qty FROM inventory_batchbalance b "
        "JOIN inventory_batch t ON t.id = b.batch_id JOIN inventory_warehouse w ON w.id = b.warehouse_id"
    )
    return {(w, b): int(q) // 10000 for w, b, q in rows if int(q)}


def _body(kind, wh, batch, n):
    line = {"item": "P1", "qty": str(n)}
    if batch:
        line["batch"] = batch
    if kind == "receive":
        line |= {"price": "2.00", "expiry_date": EXPIRY[batch]}
        return {"type": "purchase_receipt", "partner": "S001", "warehouse": wh, "lines": [line]}
    if kind == "deliver":
        line["price"] = "5.00"
        return {"type": "sales_delivery", "partner": "C001", "warehouse": wh, "lines": [line]}
    other = WAREHOUSES[1 - WAREHOUSES.index(wh)]
    return {"type": "transfer", "warehouse": wh, "to_warehouse": other, "lines": [line]}


def _expect(model, kind, wh, batch, n):
    """(error code or None, effect)."""
    if kind == "receive":
        return None, [(wh, batch, n)]
    taken = model.take(wh, batch, n)
    if taken is None:
        return "insufficient_stock", None
    if kind == "deliver":
        return None, taken
    other = WAREHOUSES[1 - WAREHOUSES.index(wh)]
    return None, taken + [(other, b, -q) for _, b, q in taken]


@property_settings(40)
@given(ops=st.lists(steps, min_size=1, max_size=18))
# found by the search: cancelling WH2's first receipt leaves the delivery after it short
@example(
    ops=[("receive", "WH1", "B1", 1)] * 4
    + [("receive", "WH2", "B1", 1), ("deliver", "WH2", "", 1), ("receive", "WH2", "B1", 1)]
    + [("cancel", "", "", 11)]
)
# and the other way round: the warehouse keeps enough (B3), only batch B1 dips before it ends ≥ 0
@example(
    ops=[("receive", "WH1", "B1", 1), ("receive", "WH1", "B1", 1), ("cancel", "", "", 0)]
    + [("receive", "WH2", "B1", 1), ("receive", "WH2", "B3", 1), ("deliver", "WH2", "", 1)]
    + [("receive", "WH2", "B1", 1), ("cancel", "", "", 1)]
)
# a reversed delivery stays in the timeline: cancelling the receipt before it leaves it short
# although the reversal gave the goods back later
@example(
    ops=[("receive", "WH2", "B1", 1), ("deliver", "WH2", "", 1), ("reverse", "", "", 1)]
    + [("cancel", "", "", 0)]
)
def test_stock_per_batch_matches_a_reference_model(books, ops):
    with transaction.atomic():
        try:
            model = Model()
            for step, (kind, wh, batch, n) in enumerate(ops):
                got = None
                if kind in ("cancel", "reverse"):
                    if not model.live:
                        continue
                    number, effect = model.live[n % len(model.live)]
                    back = [(w, b, -q) for w, b, q in effect]
                    # a red-letter reversal is appended at the end: only the result counts
                    fits = model.fits_without(number) if kind == "cancel" else model.fits(back)
                    code = None if fits else "insufficient_stock"
                    try:
                        with transaction.atomic():
                            if kind == "cancel":
                                cancel(books, number, "property")
                            else:
                                reverse(books, number, "property", "2026-03-02")
                    except DomainError as exc:
                        got = exc.code
                else:
                    code, effect = _expect(model, kind, wh, batch, n)
                    body = {"date": "2026-03-02", **_body(kind, wh, batch, n)}
                    try:
                        with transaction.atomic():
                            number = create_draft(books, body)[0]["number"]
                            approve(books, number)
                    except DomainError as exc:
                        got = exc.code
                note(f"step {step}: {kind} {wh} {batch or 'FEFO'} {n} -> {got or 'ok'}")
                event(f"{kind} -> {got or 'ok'}")
                assert got == code
                if code is None:
                    if kind in ("cancel", "reverse"):
                        model.apply(back)
                        model.live = [x for x in model.live if x[0] != number]
                        if kind == "cancel":
                            model.timeline = [x for x in model.timeline if x[0] != number]
                        else:
                            model.timeline.append((None, back))
                    else:
                        model.apply(effect)
                        model.live.append((number, effect))
                        model.timeline.append((number, effect))
                assert _batches() == {k: v for k, v in model.qty.items() if v}
                assert reconcile() == {"ok": True, "problems": []}
        finally:
            transaction.set_rollback(True)
