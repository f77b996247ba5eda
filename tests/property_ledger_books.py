"""The ledger model's driver: posts each drawn operation through the real services, predicts
from the reference model what must be refused, and checks every invariant after each step."""

import datetime as dt
from decimal import Decimal

from hypothesis import note

from openjxc.closing.checks import reconcile
from openjxc.core.errors import DomainError
from openjxc.documents.services import create_draft, delete_draft
from openjxc.inventory.selectors import balances_at
from openjxc.posting.engine import approve, cancel
from tests.factories import fetch
from tests.property_ledger import (
    CHECK_DAYS,
    ITEMS,
    ZERO,
    Negative,
    RefDoc,
    RefLine,
    by_code,
    engine_moves,
    nonzero,
    r2,
    ref_balances,
    replay,
    share,
    snapshot,
)


class Books:
    """Drives the real services and keeps the reference model in step."""

    def __init__(self, user):
        self.user = user
        self.docs: dict[str, RefDoc] = {}
        self.seq = 0
        self.ids = {
            "item": dict(fetch("SELECT id, code FROM catalog_item")),
            "wh": dict(fetch("SELECT id, code FROM inventory_warehouse")),
        }

    # model helpers
    def live(self, types=None) -> list[RefDoc]:
        return [
            d
            for d in sorted(self.docs.values(), key=lambda d: d.seq)
            if d.live and (types is None or d.type in types)
        ]

    def used(self, number: str, line_no: int, extra=()) -> Decimal:
        total = sum(
            (ln.qty for d in self.live() for ln in d.lines if ln.source == (number, line_no)), ZERO
        )
        return total + sum((q for (n, ln_no), q in extra if (n, ln_no) == (number, line_no)), ZERO)

    def predict(self, candidate: RefDoc | None = None, without: str | None = None) -> str | None:
        docs = [d for d in self.docs.values() if d.number != without]
        if candidate:
            docs.append(candidate)
        try:
            replay(docs)
        except Negative as exc:
            note(f"model: {exc}")
            return "insufficient_stock"
        return None

    # operations
    def apply(self, op):
        kind = op[0]
        if kind == "cancel":
            return self.cancel(op[1])
        if kind.endswith("_linked"):
            return self.linked_return(*op)
        return self.plain(*op)

    def plain(self, kind, day, wh, lines, aim=False):
        _, rows = replay(list(self.docs.values()))
        if aim:
            lines, wh, day = self.aim(rows, day, wh, lines)
        body = {"type": kind, "date": day.isoformat(), "warehouse": wh, "lines": []}
        if kind.startswith("purchase"):
            body["partner"] = "S001"
        elif kind.startswith("sales"):
            body["partner"] = "C001"
        if kind == "transfer":
            body["to_warehouse"] = "WH2" if wh == "WH1" else "WH1"
        ref = RefDoc("?", kind, day, self.seq + 1, wh, body.get("to_warehouse"))
        for n, ln in enumerate(lines, start=1):
            item, qty = ln[0], ln[1]
            rate, purchase_price = ITEMS[item]
            fallback = purchase_price or ZERO
            line = {"item": item, "qty": str(qty)}
            amount = tax = None
            if kind in ("purchase_receipt", "other_in"):
                price, incl, line_rate = ln[2], ln[3], ln[4]
                if kind == "other_in":
                    line_rate = None
                    eff_rate = ZERO
                else:
                    eff_rate = Decimal(line_rate) if line_rate is not None else rate
                if line_rate is not None:
                    line["tax_rate"] = line_rate
                if incl:
                    line["price_incl_tax"] = str(price)
                    amount = share(qty, price, 1 + eff_rate)
                    tax = r2(qty * price) - amount
                else:
                    line["price"] = str(price)
                    amount = r2(qty * price)
                    tax = r2(amount * eff_rate)
            elif kind in ("sales_delivery", "sales_return", "purchase_return"):
                line["price"] = str(ln[2])
            elif kind == "stock_count":
                counted, price = ln[1], ln[2]
                if price is not None:
                    line["price"] = str(price)
                    fallback = price
                qty = counted
            body["lines"].append(line)
            ref.lines.append(RefLine(n, item, qty, amount=amount, fallback=fallback, tax=tax))
        return self.post(body, ref)

    @staticmethod
    def aim(rows, day, wh, lines):
        """Steer an outgoing document to stock that exists on its day (else it is mostly refused);
        with none on that day, to the last day anything moved."""
        on_hand = {k: q for k, (q, _) in ref_balances(rows, day).items() if q > 0}
        if not on_hand and rows:
            day = max(day, max(r[0] for r in rows))
            on_hand = {k: q for k, (q, _) in ref_balances(rows, day).items() if q > 0}
        if not on_hand:
            return lines, wh, day
        if not any(w == wh for _, w in on_hand):
            wh = sorted(on_hand)[0][1]
        stocked = sorted(i for i, w in on_hand if w == wh)
        aimed = []
        for n, (item, qty, *rest) in enumerate(lines):
            if (item, wh) not in on_hand:
                item = stocked[n % len(stocked)]
            aimed.append((item, min(qty, on_hand[(item, wh)]), *rest))
        return aimed, wh, day

    def linked_return(self, kind, day, wh, pick, lines, price, aim):
        src_type = "sales_delivery" if kind == "sales_return_linked" else "purchase_receipt"
        candidates = self.live([src_type])
        if not candidates:
            return "skipped"
        src = candidates[pick % len(candidates)]
        if aim and day < src.date:  # mostly on or after the source's date, as returns are
            day = src.date + dt.timedelta(days=(src.date - day).days % 8)
        doc_type = kind.removesuffix("_linked")
        body = {
            "type": doc_type,
            "date": day.isoformat(),
            "warehouse": wh,
            "source": src.number,
            "partner": "C001" if doc_type == "sales_return" else "S001",
            "lines": [],
        }
        ref = RefDoc("?", doc_type, day, self.seq + 1, wh, source=src.number)
        asked = []
        expect_draft = None
        for n, (line_pick, qty, exceed) in enumerate(lines, start=1):
            sl = src.lines[line_pick % len(src.lines)]
            remaining = sl.qty - self.used(src.number, sl.line_no, asked)
            if not exceed and remaining > 0:
                qty = min(qty, remaining)
            if qty > remaining:
                expect_draft = "exceeds_source"
            asked.append(((src.number, sl.line_no), qty))
            body["lines"].append(
                {"item": sl.item, "qty": str(qty), "price": str(price), "source_line": sl.line_id}
            )
            ref.lines.append(
                RefLine(
                    n,
                    sl.item,
                    qty,
                    source=(src.number, sl.line_no),
                    fallback=ITEMS[sl.item][1] or ZERO,
                )
            )
        if day < src.date:  # refused when the draft is written or, at the latest, on approval
            return self.post(body, ref, refuse="invalid", at_draft=None)
        return self.post(body, ref, refuse=expect_draft, at_draft=True)

    def post(self, body, ref: RefDoc, refuse=None, at_draft=True):
        """Create the draft and approve it. `refuse`: the error code expected when the draft is
        written (at_draft) or, at the latest, on approval (not at_draft); without it the model
        predicts whether the approval is refused."""
        note(f"post {body}")
        before = snapshot()
        try:
            draft, created = create_draft(self.user, body)
        except DomainError as exc:
            assert exc.code == refuse, (
                f"draft refused with {exc.code} ({exc.message}); expected {refuse}"
            )
            assert snapshot() == before, "a refused draft changed something"
            return exc.code
        assert not (refuse and at_draft), f"draft written although {refuse} was expected"
        assert created
        self.check_amounts(draft, ref)
        ref.number = draft["number"]
        expected = refuse or self.predict(ref)
        before = snapshot()
        try:
            approve(self.user, draft["number"])
        except DomainError as exc:
            assert exc.code == expected, (
                f"refused with {exc.code} ({exc.message}); model expected {expected}"
            )
            assert snapshot() == before, "a refused approval changed something"
            delete_draft(self.user, draft["number"])
            return exc.code
        assert expected is None, f"approved although the model expected {expected}"
        self.seq += 1
        ref.seq = self.seq
        for ln, line in zip(ref.lines, draft["lines"], strict=True):
            ln.line_id = line["id"]
        self.docs[ref.number] = ref
        return "approved"

    def check_amounts(self, draft, ref: RefDoc):
        """A tax-exclusive line amount is round_half_up(qty × price) or, from a tax-inclusive
        price, round_half_up(qty × price_incl_tax / (1 + rate)); tax = gross − amount then."""
        for ln, line in zip(ref.lines, draft["lines"], strict=True):
            if ln.amount is not None:
                assert (Decimal(line["amount"]), Decimal(line["tax"])) == (ln.amount, ln.tax), (
                    line,
                    ln,
                )
                assert Decimal(line["amount_incl_tax"]) == ln.amount + ln.tax

    def check_counts(self):
        """Every live count states the quantity at its place in the timeline: the stock just
        after its move — whatever was approved or cancelled before it since — is what was
        counted (the book of its date up to it, plus its own difference and re-statements)."""
        for d in self.live(["stock_count"]):
            for ln in d.lines:
                (held,) = fetch(
                    "SELECT COALESCE(SUM(x.qty), 0) FROM inventory_stockmove m JOIN inventory_stockmove x "
                    "ON x.item_id = m.item_id AND x.warehouse_id = m.warehouse_id AND (x.date < m.date OR "
                    "(x.date = m.date AND COALESCE(x.anchor_id, x.id) <= m.id)) "
                    "WHERE m.line_id = %s AND m.kind = 0",
                    [ln.line_id],
                )[0]
                assert Decimal(int(held)) / 10000 == ln.qty, (d.number, ln, held)

    def cancel(self, pick):
        docs = self.live()
        if not docs:
            return "skipped"
        d = docs[pick % len(docs)]
        note(f"cancel {d.number} ({d.type} of {d.date})")
        if any(x.source == d.number for x in self.live()):
            expected = "has_dependents"
        else:
            expected = self.predict(without=d.number)
        before = snapshot()
        try:
            cancel(self.user, d.number, "property test")
        except DomainError as exc:
            assert exc.code == expected, (
                f"refused with {exc.code} ({exc.message}); model expected {expected}"
            )
            assert snapshot() == before, "a refused cancel changed something"
            return exc.code
        assert expected is None, f"cancelled although the model expected {expected}"
        d.live = False
        return "cancelled"

    # invariants
    def check(self):
        result = reconcile()
        assert result["ok"], result["problems"]
        self.check_counts()
        values, rows = replay(list(self.docs.values()))
        # every live move's effective value
        assert engine_moves() == values
        # the stock account holds the model's total stock value
        inventory = fetch(
            "SELECT COALESCE(SUM(l.debit - l.credit), 0) FROM ledger_journalline l "
            "JOIN ledger_account a ON a.id = l.account_id WHERE a.code = '1405'"
        )[0][0]
        assert Decimal(int(inventory)) / 100 == sum((v for _, _, _, _, v in rows), ZERO)
        # the balance cache
        cache = {
            (self.ids["item"][i], self.ids["wh"][w]): (
                Decimal(int(q)) / 10000,
                Decimal(int(v)) / 100,
            )
            for i, w, q, v in fetch(
                "SELECT item_id, warehouse_id, qty, value FROM inventory_stockbalance"
            )
        }
        assert nonzero(cache) == nonzero(ref_balances(rows))
        # balances at past dates
        for day in CHECK_DAYS + sorted({d.date for d in self.docs.values()})[-2:]:
            assert by_code(balances_at(day), self.ids) == nonzero(ref_balances(rows, day)), day
