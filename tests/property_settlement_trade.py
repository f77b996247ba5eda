"""The settlement model's driver, part one: receipts, deliveries, orders and their derived
deliveries, customer money and allocations, each run through the real services while the
plain model of orders and documents keeps in step (tests/property_settlement_books.py adds
cancels, reversals, cancel-chains, close / reopen and the invariants)."""

import datetime as dt
from decimal import ROUND_DOWN, Decimal

from hypothesis import note

from openjxc.core.errors import DomainError
from openjxc.documents.services import create_draft, delete_draft
from openjxc.inventory.costing import as_date
from openjxc.ledger.selectors import partner_balance
from openjxc.ledger.services import closed_through
from openjxc.posting import money as money_services
from openjxc.posting.engine import approve
from openjxc.posting.orders import close_order, derive
from tests.factories import fetch
from tests.property_settlement import (
    ALLOWED,
    CUSTOMERS,
    GO_LIVE,
    QTY,
    Doc,
    Order,
    day_of,
    snapshot,
)


class Trade:
    """Drives the real services for trade and money, keeps a plain model of orders and deliveries."""

    def __init__(self, user):
        self.user = user
        self.orders: dict[str, Order] = {}
        self.docs: dict[str, Doc] = {}
        self.closed: dict[
            str, tuple
        ] = {}  # period name -> (inventory summary, trial balance) at close
        self.ids = {
            "item": dict(fetch("SELECT code, id FROM catalog_item")),
            "wh": dict(fetch("SELECT code, id FROM inventory_warehouse")),
            "partner": dict(fetch("SELECT code, id FROM partners_partner")),
        }

    # helpers
    def last_closed(self) -> dt.date | None:
        return closed_through()

    def is_closed(self, day: dt.date) -> bool:
        last = self.last_closed()
        return last is not None and day <= last

    def first_open_day(self) -> dt.date:
        last = self.last_closed()
        return last + dt.timedelta(days=1) if last else GO_LIVE

    def attempt(self, action, expected=None, allowed=ALLOWED):
        """Run an action; a DomainError must be an allowed refusal (the expected one when given)
        that changed nothing. Returns (result, None) or (None, code)."""
        before = snapshot()
        try:
            return action(), None
        except DomainError as exc:
            note(f"  refused: {exc.code} {exc.message}")
            assert exc.code in allowed, f"unexpected refusal {exc.code}: {exc.message}"
            if expected is not None:
                assert exc.code == expected, (
                    f"refused with {exc.code} ({exc.message}); expected {expected}"
                )
            assert snapshot() == before, f"a refused action ({exc.code}) changed something"
            return None, exc.code

    def create_and_approve(self, body, closed_code=True):
        """Draft + approval; a refused approval deletes the draft again (drafts block closing)."""
        expected = (
            "period_closed"
            if closed_code and self.is_closed(dt.date.fromisoformat(body["date"]))
            else None
        )
        draft, code = self.attempt(lambda: create_draft(self.user, body)[0], expected)
        if code:
            return None, code
        doc, code = self.attempt(lambda: approve(self.user, draft["number"]))
        if code:
            delete_draft(self.user, draft["number"])
            return None, code
        assert doc.status == "approved"
        return draft, None

    def live_orders(self) -> list[Order]:
        return [o for o in self.orders.values() if o.status in ("approved", "partial", "completed")]

    def approved_docs(self, types=None) -> list[Doc]:
        return [
            d
            for d in self.docs.values()
            if d.status == "approved" and (types is None or d.type in types)
        ]

    def delivered(self, order: Order) -> dict:
        out: dict = {}
        for d in self.docs.values():
            if d.source == order.number and d.status == "approved":
                for line, q in d.delivered.items():
                    out[line] = out.get(line, 0) + q
        return out

    def refresh(self, order: Order) -> None:
        if order.status not in ("approved", "partial", "completed"):
            return
        done = self.delivered(order)
        total = sum(q for _, q in order.lines.values())
        got = sum(min(done.get(line, 0), q) for line, (_, q) in order.lines.items())
        order.status = "completed" if got >= total else "partial" if got else "approved"

    # operations
    def apply(self, op):
        return getattr(self, f"op_{op[0]}")(*op[1:])

    def op_receive(self, n, wh, lines):
        body = {
            "type": "purchase_receipt",
            "date": str(day_of(n)),
            "partner": "S1",
            "warehouse": wh,
            "lines": [{"item": i, "qty": q, "price": p} for i, q, p in lines],
        }
        draft, code = self.create_and_approve(body)
        if code:
            return code
        self.docs[draft["number"]] = Doc(draft["number"], "purchase_receipt", day_of(n), "S1")
        return "approved"

    def stock(self) -> dict:
        """(item code, warehouse code) -> (quantity on hand in units, date of its last move)."""
        rows = fetch(
            "SELECT i.code, w.code, SUM(m.qty), MAX(m.date) FROM inventory_stockmove m "
            "JOIN catalog_item i ON i.id = m.item_id JOIN inventory_warehouse w ON w.id = m.warehouse_id "
            "GROUP BY i.code, w.code"
        )
        return {(i, w): (int(q), as_date(d)) for i, w, q, d in rows}

    def aim(self, day, wh, lines):
        """Steer outgoing lines to stock on hand, no earlier than its last move and the open period."""
        stock = {k: v for k, v in self.stock().items() if v[0] > 0}
        if not stock:
            return day, wh, lines
        if not any(w == wh for _, w in stock):
            wh = sorted(stock)[0][1]
        stocked = sorted(i for i, w in stock if w == wh)
        aimed = []
        for n, (item, qty, *rest) in enumerate(lines):
            if (item, wh) not in stock:
                item = stocked[n % len(stocked)]
            on_hand = Decimal(stock[(item, wh)][0]) / QTY
            if n == 0 and len(lines) > 1:  # leave some for the second line
                on_hand = max(
                    (on_hand / 2).quantize(Decimal("0.0001"), ROUND_DOWN), Decimal("0.0001")
                )
            aimed.append((item, str(min(Decimal(qty), on_hand)), *rest))
            day = max(day, stock[(item, wh)][1])
        return max(day, self.first_open_day()), wh, aimed

    def op_deliver(self, n, wh, customer, lines, aim):
        day = day_of(n)
        if aim:
            day, wh, lines = self.aim(day, wh, lines)
            n = (day - GO_LIVE).days
        body = {
            "type": "sales_delivery",
            "date": str(day_of(n)),
            "partner": customer,
            "warehouse": wh,
            "lines": [{"item": i, "qty": q, "price": p} for i, q, p in lines],
        }
        draft, code = self.create_and_approve(body)
        if code:
            return code
        self.docs[draft["number"]] = Doc(draft["number"], "sales_delivery", day_of(n), customer)
        return "approved"

    def op_order(self, n, wh, customer, lines, aim, follow_up=None, offset=0):
        if aim:
            day, wh, lines = self.aim(day_of(n), wh, lines)
            n = (day - GO_LIVE).days
        body = {
            "type": "sales_order",
            "date": str(day_of(n)),
            "partner": customer,
            "warehouse": wh,
            "lines": [{"item": i, "qty": q, "price": p} for i, q, p in lines],
        }
        draft, code = self.create_and_approve(body)
        if code:
            return code
        order = self.orders[draft["number"]] = Order(
            draft["number"],
            day_of(n),
            wh,
            customer,
            {ln["id"]: (ln["item"], int(Decimal(ln["qty"]) * QTY)) for ln in draft["lines"]},
        )
        if follow_up is None:
            return "approved"
        number = order.number
        half = (Decimal(order.lines[min(order.lines)][1]) / QTY / 2).quantize(
            Decimal("0.0001"), ROUND_DOWN
        )
        outcome = self.derive_from(
            order,
            offset,
            [(0, str(max(half, Decimal("0.0001"))))] if follow_up == "partial" else None,
            True,
        )
        if follow_up == "all_paid" and outcome == "approved":
            delivery = max(d.number for d in self.docs.values() if d.source == number)
            owed = money_services.open_amount(self._id(delivery))
            day = max(self.docs[delivery].date, self.first_open_day())
            body = {
                "type": "receipt",
                "date": str(day),
                "partner": customer,
                "amount": str(Decimal(owed) / 100),
                "allocations": [{"document": delivery, "amount": str(Decimal(owed) / 100)}],
            }
            paid, code = self.create_and_approve(body)
            if code:
                return f"approved, delivered, payment {code}"
            self.docs[paid["number"]] = Doc(paid["number"], "receipt", day, customer)
            return "approved, delivered and paid"
        return f"approved, {follow_up} delivery {outcome}"

    def op_derive(self, pick, offset, asked, aim):
        candidates = sorted(self.orders.values(), key=lambda o: o.number)
        if aim:  # mostly from orders that still have something to deliver
            candidates = [
                o for o in candidates if o.status in ("approved", "partial")
            ] or candidates
        if not candidates:
            return "skipped"
        return self.derive_from(candidates[pick % len(candidates)], offset, asked, aim)

    def derive_from(self, order, offset, asked, aim):
        day = max(order.date, self.first_open_day()) + dt.timedelta(days=offset)
        if aim:
            stock = self.stock()
            day = max(
                [day]
                + [
                    stock[(i, order.warehouse)][1]
                    for i, _ in order.lines.values()
                    if (i, order.warehouse) in stock
                ]
            )
        if offset % 7 == 6:  # now and then into a closed period
            day = order.date
        data = {"type": "sales_delivery", "date": str(day)}
        line_ids = sorted(order.lines)
        done = self.delivered(order)
        exceeds = False
        if asked:
            data["lines"] = []
            want: dict = {}
            for lp, q in asked:
                line = line_ids[lp % len(line_ids)]
                data["lines"].append({"source_line": line, "qty": q})
                want[line] = want.get(line, 0) + int(Decimal(q) * QTY)
            exceeds = any(want[ln] + done.get(ln, 0) > order.lines[ln][1] for ln in want)
        elif all(done.get(ln, 0) >= order.lines[ln][1] for ln in line_ids):
            exceeds = True  # nothing remains
        expected = None
        if order.status not in ("approved", "partial"):
            expected = "wrong_status"
        elif exceeds:
            expected = "exceeds_source"
        elif self.is_closed(day):
            expected = "period_closed"
        note(f"  derive from {order.number} ({order.status}) on {day}: {data.get('lines')}")
        draft, code = self.attempt(lambda: derive(self.user, order.number, data), expected)
        if code:
            return code
        assert expected is None, f"derived although {expected} was expected"
        doc, code = self.attempt(lambda: approve(self.user, draft["number"]))
        if code:
            delete_draft(self.user, draft["number"])
            return code
        d = Doc(draft["number"], "sales_delivery", day, order.customer, source=order.number)
        for ln in draft["lines"]:
            d.delivered[ln["source_line"]] = d.delivered.get(ln["source_line"], 0) + int(
                Decimal(ln["qty"]) * QTY
            )
        self.docs[d.number] = d
        self.refresh(order)
        return "approved"

    def op_close_order(self, pick):
        candidates = sorted(self.orders.values(), key=lambda o: o.number)
        if not candidates:
            return "skipped"
        order = candidates[pick % len(candidates)]
        expected = None if order.status in ("approved", "partial") else "wrong_status"
        _, code = self.attempt(lambda: close_order(self.user, order.number, "客户不要了"), expected)
        if code:
            return code
        order.status = "closed"
        return "closed"

    def op_money(self, n, customer, amount, share, mode, pick, aim):
        if aim:  # mostly the customer who owes the most
            customer = max(
                CUSTOMERS,
                key=lambda c: (Decimal(partner_balance([self.ids["partner"][c]])["receivable"]), c),
            )
        owed = Decimal(partner_balance([self.ids["partner"][customer]])["receivable"])
        if share is not None and owed > 0:
            amount = str(max((owed * share).quantize(Decimal("0.01")), Decimal("0.01")))
        if aim:
            n = max(n, (self.first_open_day() - GO_LIVE).days)
        body = {
            "type": "receipt",
            "date": str(day_of(n)),
            "partner": customer,
            "amount": amount,
            "account": "1002",
        }
        if mode == "auto":
            body["auto_allocate"] = True
        elif mode == "explicit":
            targets = [d for d in self.approved_docs(("sales_delivery",)) if d.partner == customer]
            if targets:
                t = targets[pick % len(targets)]
                open_fen = money_services.open_amount(self._id(t.number))
                if aim and open_fen > 0:
                    amount = str(min(Decimal(amount), Decimal(open_fen) / 100))
                body["allocations"] = [{"document": t.number, "amount": amount}]
        draft, code = self.create_and_approve(body)
        if code:
            return code
        self.docs[draft["number"]] = Doc(draft["number"], "receipt", day_of(n), customer)
        return f"approved ({mode})"

    def op_allocate(self, pick_money, pick_target, amount, all_open):
        monies = self.approved_docs(("receipt",))
        if not monies:
            return "skipped"
        m = monies[pick_money % len(monies)]
        targets = [
            d for d in self.docs.values() if d.partner == m.partner and d.type == "sales_delivery"
        ]
        if not targets:
            return "skipped"
        t = targets[pick_target % len(targets)]
        if all_open:  # what is open on both sides
            left = min(
                abs(money_services.open_amount(self._id(m.number))),
                abs(money_services.open_amount(self._id(t.number))),
            )
            amount = str(Decimal(max(left, 1)) / 100)
        _, code = self.attempt(
            lambda: money_services.allocate(self.user, m.number, t.number, amount)
        )
        return code or "allocated"

    def op_unallocate(self, pick):
        active = [
            a
            for (a,) in fetch(
                "SELECT id FROM ledger_allocation WHERE undone_at IS NULL ORDER BY id"
            )
        ]
        if not active:
            return "skipped"
        _, code = self.attempt(
            lambda: money_services.unallocate(self.user, active[pick % len(active)])
        )
        return code or "unallocated"

    def _id(self, number: str) -> int:
        return int(fetch("SELECT id FROM documents_document WHERE number = %s", [number])[0][0])
