"""Property test of 调拨在途: random purchases at the source (often back-dated, so the cost of
what was shipped changes afterwards), in-transit transfers WH1 → WH2, partial receipts on random
later dates, cancels of receipts, transfers and purchases — against a plain model of what
succeeded. After every step:

* `reconcile()` is ok — among its checks caches = ledger, no negative stock, and
  `transit_adds_up` (what a transfer sent = what arrived + what is still in transit, quantity
  and value);
* quantities equal the model: WH1 = bought − shipped; WH2 = received; each transfer's lines say
  shipped = received + in transit as the model counts them; the stock rows' `in_transit` is the
  model's total on its way;
* value is conserved: nothing but purchases brings value, so the value of all warehouses
  (hidden transit ones included) = the live purchases' amounts;
* a receipt of more than is in transit is refused with exceeds_in_transit, cancelling a
  transfer with a live receipt with has_dependents, and every refusal changes nothing.

Each example runs in a savepoint that is rolled back."""

import datetime as dt

import pytest
from django.db import transaction
from hypothesis import event, given, note
from hypothesis import strategies as st

from openjxc.closing.checks import reconcile
from openjxc.core.errors import DomainError
from openjxc.inventory.selectors import stock_rows
from openjxc.posting.drafts import save_draft
from openjxc.posting.engine import cancel
from openjxc.posting.transit import receive
from tests.factories import doc, fetch, master_data, setup_books, state
from tests.property_settings import property_settings

DAYS = st.integers(1, 28)
QTY = st.integers(1, 8)


@pytest.fixture
def books(db):
    user = setup_books()
    master_data(user, items=("A001",))
    return user


SHIP = st.tuples(st.just("ship"), DAYS, QTY)
RECEIVE = st.tuples(st.just("receive"), st.integers(0, 9), st.integers(0, 10), QTY)
operations = st.one_of(
    st.tuples(st.just("buy"), DAYS, QTY, st.integers(100, 900)),  # price in fen
    SHIP,
    SHIP,
    RECEIVE,
    RECEIVE,
    st.tuples(st.just("receive_all"), st.integers(0, 9), st.integers(0, 10)),
    st.tuples(st.just("cancel_receipt"), st.integers(0, 9)),
    st.tuples(st.just("cancel_transfer"), st.integers(0, 9)),
    st.tuples(st.just("cancel_buy"), st.integers(0, 9)),
)
# the opening purchases: early in the month and larger, so that most shipments can leave
FIRST = st.tuples(st.just("buy"), st.integers(1, 8), st.integers(5, 20), st.integers(100, 900))


def day(n: int) -> str:
    return str(dt.date(2026, 3, 1) + dt.timedelta(days=n - 1))


class Model:
    def __init__(self, user):
        self.user = user
        self.buys = []  # [number, qty, amount in fen, live]
        self.transfers = []  # [number, day, qty, live]
        self.receipts = []  # [number, transfer index, qty, live]

    def received(self, t: int) -> int:
        return sum(r[2] for r in self.receipts if r[1] == t and r[3])

    def in_transit(self, t: int) -> int:
        number, _d, qty, live = self.transfers[t]
        return qty - self.received(t) if live else 0

    def _pick(self, rows, i):
        live = [n for n, r in enumerate(rows) if r[-1]]
        return live[i % len(live)] if live else None

    def apply(self, op) -> str:
        kind = op[0]
        if kind == "buy":
            _k, d, qty, price = op
            number = doc(
                self.user, "purchase_receipt", day(d), [("A001", qty, f"{price / 100:.2f}")]
            )
            self.buys.append([number, qty, qty * price, True])
            return "bought"
        if kind == "ship":
            _k, d, qty = op
            body = {
                "type": "transfer",
                "date": day(d),
                "warehouse": "WH1",
                "to_warehouse": "WH2",
                "in_transit": True,
                "lines": [{"item": "A001", "qty": str(qty)}],
            }
            try:  # made and approved in one transaction, as the entry form does
                number, _approved = save_draft(self.user, body, approve_it=True)
            except DomainError as e:
                assert e.code == "insufficient_stock", e.code
                return "refused insufficient_stock"
            self.transfers.append([number, d, qty, True])
            return "shipped"
        if kind in ("receive", "receive_all"):
            t = self._pick(self.transfers, op[1])
            if t is None:
                return "nothing shipped"
            number, d, _q, _live = self.transfers[t]
            left = self.in_transit(t)
            qty = op[3] if kind == "receive" else left
            body = {"date": day(min(d + op[2], 28))}
            if kind == "receive":
                body["lines"] = [{"item": "A001", "qty": str(qty)}]
            try:
                r = receive(self.user, number, body)
            except DomainError as e:
                assert e.code == "exceeds_in_transit" and (qty > left or left == 0), e.code
                return "refused exceeds_in_transit"
            assert 0 < qty <= left, (qty, left)
            self.receipts.append([r.number, t, qty, True])
            return "received all" if qty == left else "received part"
        rows = {
            "cancel_receipt": self.receipts,
            "cancel_transfer": self.transfers,
            "cancel_buy": self.buys,
        }[kind]
        i = self._pick(rows, op[1])
        if i is None:
            return "nothing to cancel"
        has_receipts = kind == "cancel_transfer" and self.received(i) > 0
        try:
            cancel(self.user, rows[i][0], "测试")
        except DomainError as e:
            if kind == "cancel_transfer":
                assert has_receipts and e.code == "has_dependents", e.code
            else:  # a purchase a later shipment needs
                assert kind == "cancel_buy" and e.code == "insufficient_stock", e.code
            return f"refused {e.code}"
        assert not has_receipts
        rows[i][-1] = False
        return "cancelled"

    def check(self):
        assert reconcile() == {"ok": True, "problems": []}
        bought = sum(b[1] for b in self.buys if b[3])
        shipped = sum(t[2] for t in self.transfers if t[3])
        received = sum(r[2] for r in self.receipts if r[3])
        on_way = sum(self.in_transit(t) for t in range(len(self.transfers)))
        assert on_way == shipped - received
        rows = {r["warehouse"]: r for r in stock_rows(include_zero=True)}
        assert rows["WH1"]["on_hand"] == str(bought - shipped)
        assert rows.get("WH2", {}).get("on_hand", "0") == str(received)
        assert rows.get("WH2", {}).get("in_transit", "0") == str(on_way)
        total = fetch(
            "SELECT COALESCE(SUM(value), 0), COALESCE(SUM(qty), 0) FROM inventory_stockbalance"
        )
        assert (int(total[0][0]), int(total[0][1])) == (
            sum(b[2] for b in self.buys if b[3]),
            bought * 10000,
        )
        for t, (number, _d, qty, live) in enumerate(self.transfers):
            lines = fetch(
                "SELECT l.id FROM documents_documentline l JOIN documents_document d "
                "ON d.id = l.document_id WHERE d.number = %s",
                [number],
            )
            assert len(lines) == 1
            if live:
                from openjxc.documents.selectors import get_document, transit_quantities

                q = transit_quantities(get_document(number))[lines[0][0]]
                assert q == (qty * 10000, self.received(t) * 10000, self.in_transit(t) * 10000)


@property_settings(25)
@given(
    first=st.lists(FIRST, min_size=1, max_size=3),
    then=st.lists(operations, min_size=4, max_size=12),
)
def test_transit_matches_the_model(books, first, then):
    with transaction.atomic():
        try:
            model = Model(books)
            for n, op in enumerate(first + then):
                before = state()
                outcome = model.apply(op)
                note(f"step {n}: {op} -> {outcome}")
                event(f"{op[0]} -> {outcome}")
                if outcome.startswith("refused") or outcome.startswith("nothing"):
                    assert state() == before, f"step {n}: a refusal changed something"
                model.check()
        finally:
            transaction.set_rollback(True)
