"""Property test: random go-live sessions (期初) against a plain reference model.

Hypothesis draws up to 20 steps: opening stock, opening receivables and payables (own dates
before go-live, due dates), typed account balances (set again and again, sometimes empty),
cancels of random opening documents, deliveries out of the opening stock, receipts allocated
to opening receivables, and attempts to close (and reopen) the first period. After every step:

* `reconcile()` is ok — every voucher balances, subledgers = control accounts, caches = ledgers;
* GET /opening/check's figures equal the model's (net per account of the live opening
  balances: 1405 the stock values, 1122 the receivables, 2202 the payables, the typed
  accounts), and the difference is exactly the balance of 3999 期初余额差额;
* 1901 holds nothing; every opening receivable / payable is open by what the model says;
* the close-check of the first period names `opening_unbalanced` exactly when the model does
  not balance; closing works when it balances, after which every opening write answers
  period_closed until the period is reopened;
* a refused action changes nothing.

Each example runs in a savepoint that is rolled back. OPENJXC_PROPERTY_EXAMPLES raises the
default of 60 examples."""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db import transaction
from hypothesis import event, given, note
from hypothesis import strategies as st

from openjxc.closing.checks import reconcile
from openjxc.closing.services import close, close_check, reopen
from openjxc.core.errors import DomainError
from openjxc.documents.services import create_draft
from openjxc.ledger.periods import ensure_periods
from openjxc.posting.engine import approve, cancel
from openjxc.posting.opening_balances import opening_check, set_account_balances
from tests.factories import fetch, master_data, setup_books
from tests.property_settings import property_settings

GO_LIVE = dt.date(2026, 1, 1)
CUSTOMERS, SUPPLIERS = ("C001", "C002"), ("S001",)
OPENING_WRITES = ("stock", "receivable", "payable", "accounts", "balance", "cancel")
TYPED = ("1001", "1002", "1601", "1602", "2001", "2241", "3001", "310401")


def fen(amount: Decimal) -> int:
    return int((amount * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def fen_text(n: int) -> str:
    return f"{Decimal(n) / 100:.2f}"


amounts = st.integers(1, 500_000).map(lambda c: Decimal(c) / 100)
qtys = st.integers(1, 40).map(Decimal)
prices = st.integers(1, 99_999).map(lambda c: Decimal(c) / 1000)  # 3 places: rounding at work
before = st.integers(0, 400)
picks = st.integers(0, 1000)
stock = st.tuples(st.just("stock"), st.sampled_from(["A001", "A002"]), qtys, prices)
receivable = st.tuples(st.just("receivable"), st.sampled_from(CUSTOMERS), amounts, before, before)
accounts = st.tuples(
    st.just("accounts"),
    st.lists(
        st.tuples(st.sampled_from(TYPED), st.sampled_from(["debit", "credit"]), amounts),
        max_size=4,
        unique_by=lambda e: e[0],
    ),
)
cancels = st.tuples(st.just("cancel"), picks)
deliveries = st.tuples(st.just("deliver"), st.sampled_from(["A001", "A002"]), st.integers(1, 10))
receipts = st.tuples(st.just("receipt"), picks, st.integers(1, 100))
first_steps = st.one_of(stock, receivable)
operations = st.one_of(  # some listed twice or more to be drawn as often
    stock,
    receivable,
    st.tuples(st.just("payable"), st.sampled_from(SUPPLIERS), amounts, before, before),
    accounts,
    accounts,
    st.tuples(st.just("balance")),  # types what makes the difference zero (into 3001)
    cancels,
    cancels,
    cancels,
    deliveries,
    deliveries,
    receipts,
    receipts,
    st.tuples(st.just("close")),
    st.tuples(st.just("reopen")),
)


class Books:
    """Drives the real services and keeps the model: the live opening documents and the typed
    balances."""

    def __init__(self, user):
        self.user = user
        self.docs: dict[str, dict] = {}  # number -> {kind, partner, fen, qty, item, open}
        self.typed: dict[str, int] = {}  # account -> net (debit − credit) in fen
        self.delivered: dict[str, Decimal] = {}
        self.closed = False

    # the model
    def nets(self) -> dict[str, int]:
        nets = dict(self.typed)
        sides = {"stock": ("1405", 1), "receivable": ("1122", 1), "payable": ("2202", -1)}
        for d in self.docs.values():
            code, sign = sides[d["kind"]]
            nets[code] = nets.get(code, 0) + sign * d["fen"]
        return {k: v for k, v in nets.items() if v}

    def figures(self) -> dict:
        nets = self.nets().values()
        debit, credit = sum(n for n in nets if n > 0), -sum(n for n in nets if n < 0)
        return {
            "balanced": debit == credit,
            "debit": fen_text(debit),
            "credit": fen_text(credit),
            "difference": fen_text(debit - credit),
        }

    def stock_left(self, item: str, without: str | None = None) -> Decimal:
        opened = sum(
            (
                d["qty"]
                for n, d in self.docs.items()
                if d["kind"] == "stock" and d["item"] == item and n != without
            ),
            Decimal(0),
        )
        return opened - self.delivered.get(item, Decimal(0))

    # the steps
    def apply(self, op) -> str:
        kind = op[0]
        state = self.snapshot()
        try:
            with transaction.atomic():
                outcome = getattr(self, f"do_{kind}")(*op[1:])
        except DomainError as exc:
            assert self.snapshot() == state, f"a refused {kind} changed something"
            outcome = exc.code
        if self.closed and kind in OPENING_WRITES:
            assert outcome in ("period_closed", "skipped"), (kind, outcome)
        return outcome

    def snapshot(self) -> tuple:
        return tuple(
            fetch(sql)[0]
            for sql in (
                "SELECT COUNT(*), COALESCE(SUM(LENGTH(status)), 0) FROM documents_document",
                "SELECT COUNT(*), COALESCE(SUM(debit - credit), 0) FROM ledger_journalline",
                "SELECT COUNT(*) FROM ledger_openitementry",
                "SELECT COUNT(*) FROM inventory_stockmove",
            )
        )

    def _post(self, body: dict) -> str:
        number = create_draft(self.user, body)[0]["number"]
        approve(self.user, number)
        return number

    def do_stock(self, item, qty, price):
        number = self._post(
            {
                "type": "opening_stock",
                "warehouse": "WH1",
                "lines": [{"item": item, "qty": str(qty), "price": str(price)}],
            }
        )
        self.docs[number] = {"kind": "stock", "item": item, "qty": qty, "fen": fen(qty * price)}
        return "ok"

    def _open_item(self, kind, partner, amount, days_before, due_after):
        origin = GO_LIVE - dt.timedelta(days=days_before)
        due = origin + dt.timedelta(days=due_after)
        number = self._post(
            {
                "type": f"opening_{kind}",
                "partner": partner,
                "amount": str(amount),
                "date": str(origin),
                "due_date": str(due),
            }
        )
        self.docs[number] = {
            "kind": kind,
            "partner": partner,
            "fen": fen(amount),
            "open": fen(amount),
        }
        got = fetch(
            "SELECT o.date, o.due_date FROM ledger_openitem o JOIN documents_document d "
            "ON d.id = o.document_id WHERE d.number = %s",
            [number],
        )[0]
        assert [str(x) for x in got] == [str(origin), str(due)]
        return "ok"

    def do_receivable(self, *args):
        return self._open_item("receivable", *args)

    def do_payable(self, *args):
        return self._open_item("payable", *args)

    def do_accounts(self, entries):
        result = set_account_balances(
            self.user, [{"account": a, side: str(amount)} for a, side, amount in entries]
        )
        self.typed = {
            a: fen(amount) * (1 if side == "debit" else -1) for a, side, amount in entries
        }
        assert result["check"] == self.figures()
        return "ok"

    def do_balance(self):
        difference = -sum(self.nets().values())  # what 3001 must hold for the sum to be zero
        difference += self.typed.get("3001", 0)
        entries = [
            {"account": a, "debit" if n > 0 else "credit": fen_text(abs(n))}
            for a, n in self.typed.items()
            if a != "3001"
        ]
        if difference:
            side = "debit" if difference > 0 else "credit"
            entries.append({"account": "3001", side: fen_text(abs(difference))})
        set_account_balances(self.user, entries)
        self.typed = {k: v for k, v in self.typed.items() if k != "3001"}
        if difference:
            self.typed["3001"] = difference
        assert self.figures()["balanced"]
        return "ok"

    def do_cancel(self, pick):
        if not self.docs:
            return "skipped"
        number = sorted(self.docs)[pick % len(self.docs)]
        d = self.docs[number]
        allocated = d["kind"] == "receivable" and d["open"] != d["fen"]
        short = d["kind"] == "stock" and self.stock_left(d["item"], without=number) < 0
        try:
            cancel(self.user, number, "期初更正")
        except DomainError as exc:
            expected = (
                "period_closed"
                if self.closed
                else ("has_dependents" if allocated else "insufficient_stock" if short else None)
            )
            assert exc.code == expected, (number, exc.code, expected)
            raise
        assert not (self.closed or allocated or short), number
        del self.docs[number]
        return "ok"

    def do_deliver(self, item, qty):
        qty = Decimal(qty)
        if self.stock_left(item) < qty:
            return "skipped"
        self._post(
            {
                "type": "sales_delivery",
                "date": "2026-02-10",
                "partner": "C001",
                "warehouse": "WH1",
                "lines": [{"item": item, "qty": str(qty), "price": "1.00"}],
            }
        )
        self.delivered[item] = self.delivered.get(item, Decimal(0)) + qty
        return "ok"

    def do_receipt(self, pick, percent):
        open_ones = sorted(
            n for n, d in self.docs.items() if d["kind"] == "receivable" and d["open"]
        )
        if not open_ones:
            return "skipped"
        number = open_ones[pick % len(open_ones)]
        d = self.docs[number]
        amount = max(1, d["open"] * percent // 100)
        self._post(
            {
                "type": "receipt",
                "date": "2026-02-11",
                "partner": d["partner"],
                "amount": fen_text(amount),
                "allocations": [{"document": number, "amount": fen_text(amount)}],
            }
        )
        d["open"] -= amount
        return "ok"

    def do_close(self):
        if self.closed:
            return "skipped"
        balanced = self.figures()["balanced"]
        problems = {p["check"] for p in close_check("2026-01")["problems"]}
        assert ("opening_unbalanced" in problems) == (not balanced)
        try:
            close(self.user, "2026-01")
        except DomainError as exc:
            assert exc.code == "close_check_failed" and not balanced, exc.code
            raise
        assert balanced
        self.closed = True
        return "ok"

    def do_reopen(self):
        if not self.closed:
            return "skipped"
        reopen(self.user, "2026-01", "期初补录")
        self.closed = False
        return "ok"

    # the invariants
    def check(self):
        assert reconcile() == {"ok": True, "problems": []}
        assert opening_check() == self.figures()
        net = dict(
            fetch(
                "SELECT a.code, COALESCE(SUM(l.debit - l.credit), 0) FROM ledger_account a "
                "LEFT JOIN ledger_journalline l ON l.account_id = a.id "
                "WHERE a.code IN ('1901', '3999') GROUP BY a.code"
            )
        )
        assert int(net["1901"]) == 0
        assert fen_text(-int(net["3999"])) == self.figures()["difference"]
        for number, d in self.docs.items():
            if d["kind"] in ("receivable", "payable"):
                (open_amount,) = fetch(
                    "SELECT o.open_amount FROM ledger_openitem o JOIN documents_document d "
                    "ON d.id = o.document_id WHERE d.number = %s",
                    [number],
                )[0]
                assert int(open_amount) == d["open"], number


@pytest.fixture
def books(db, settings, tmp_path):
    settings.DATA_DIR = tmp_path  # close / reopen take backups
    user = setup_books()
    master_data(user)
    from openjxc.partners.services import create_partner

    create_partner(user, "customer", {"code": "C002", "name": "客户二"})
    ensure_periods()
    return user


@property_settings(60, report_multiple_bugs=False)
@given(
    first=st.lists(first_steps, min_size=1, max_size=4),
    then=st.lists(operations, min_size=3, max_size=16),
)
def test_opening_balances_match_the_model(books, first, then):
    with transaction.atomic():
        try:
            model = Books(books)
            for n, op in enumerate(first + then):
                note(f"step {n}: {op}")
                outcome = model.apply(op)
                note(f"  -> {outcome}")
                event(f"{op[0]} -> {outcome}")
                model.check()
        finally:
            transaction.set_rollback(True)
