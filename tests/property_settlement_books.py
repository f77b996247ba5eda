"""The settlement model's driver, part two: cancels, red-letter reversals, cancel-chains,
period close / reopen, and the invariants checked after every step."""

import datetime as dt
from decimal import Decimal

from hypothesis import note

from openjxc.closing.checks import reconcile
from openjxc.closing.services import close, reopen
from openjxc.documents.types import codes
from openjxc.inventory.costing import as_date
from openjxc.ledger.selectors import open_items, partner_balance, trial_balance
from openjxc.posting.chain import cancel_chain
from openjxc.posting.engine import cancel
from openjxc.posting.reversal import reverse
from openjxc.reports.selectors import inventory_summary
from tests.factories import fetch
from tests.property_settlement import PERIODS, Doc, Order
from tests.property_settlement_trade import Trade


class Books(Trade):
    """Drives the real services, keeps a plain model of orders and deliveries, checks invariants."""

    def _dependents(self, number: str) -> bool:
        return bool(
            fetch(
                "SELECT 1 FROM documents_document d JOIN documents_document s ON s.id = d.source_id WHERE s.number = %s "
                "AND d.status NOT IN ('draft', 'cancelled', 'reversed') UNION ALL "
                "SELECT 1 FROM ledger_allocation a JOIN documents_document s ON s.id IN (a.source_id, a.target_id) "
                "WHERE s.number = %s AND a.undone_at IS NULL",
                [number, number],
            )
        )

    def _pick_any(self, pick):
        docs = sorted(
            [(o.number, o) for o in self.orders.values()]
            + [(d.number, d) for d in self.docs.values()]
        )
        if not docs:
            return None
        return docs[pick % len(docs)][1]

    def op_cancel(self, pick):
        target = self._pick_any(pick)
        if target is None:
            return "skipped"
        note(f"  cancel {target.number} ({target.status}, {target.date})")
        live = ("approved", "partial", "completed") if isinstance(target, Order) else ("approved",)
        expected = None
        if target.status not in live:
            expected = "wrong_status"
        elif self.is_closed(target.date):
            expected = "period_closed"
        elif self._dependents(target.number):
            expected = "has_dependents"
        _, code = self.attempt(lambda: cancel(self.user, target.number, "录错了"), expected)
        if code:
            return code
        assert expected is None, f"cancelled although {expected} was expected"
        target.status = "cancelled"
        if isinstance(target, Doc) and target.source:
            self.refresh(self.orders[target.source])
        return "cancelled"

    def op_reverse(self, pick, offset):
        target = self._pick_any(pick)
        if target is None:
            return "skipped"
        day = max(target.date, self.first_open_day()) + dt.timedelta(days=offset)
        note(f"  reverse {target.number} ({target.status}, {target.date}) on {day}")
        expected = None
        if target.status != "approved":
            expected = "wrong_status"
        elif isinstance(target, Order):
            expected = "invalid"  # orders are cancelled or closed, not reversed
        elif self._dependents(target.number):
            expected = "has_dependents"
        elif day < target.date:
            expected = "invalid"
        elif self.is_closed(day):
            expected = "period_closed"
        rev, code = self.attempt(
            lambda: reverse(self.user, target.number, "红冲", str(day)), expected
        )
        if code:
            return code
        assert expected is None, f"reversed although {expected} was expected"
        target.status = "reversed"
        if isinstance(target, Doc) and target.source:
            self.refresh(self.orders[target.source])
        return f"reversed {target.type}" + (" derived from an order" if target.source else "")

    def op_chain(self, pick, refund, offset):
        candidates = sorted(self.orders.values(), key=lambda o: o.number)
        if not candidates:
            return "skipped"
        order = candidates[pick % len(candidates)]
        date = (
            None
            if offset is None
            else str(max(order.date, self.first_open_day()) + dt.timedelta(days=offset))
        )
        note(f"  cancel-chain {order.number} ({order.status}) refund={refund} date={date}")
        fulfilments = [
            d for d in self.docs.values() if d.source == order.number and d.status == "approved"
        ]
        # an order with nothing left to undo is refused; anything else is always possible (in the
        # open period, or by reversal into it) — a refund included
        live = order.status in ("approved", "partial", "completed")
        expected = None if fulfilments or live else "wrong_status"
        result, code = self.attempt(
            lambda: cancel_chain(self.user, order.number, "整单取消", refund, date),
            expected,
            allowed={"wrong_status"},
        )
        if code:
            return code
        assert expected is None, f"cancel-chain done although {expected} was expected"
        last = self.last_closed()
        for d in fulfilments:
            d.status = "reversed" if last and d.date <= last else "cancelled"
        if order.status in ("approved", "partial", "completed"):
            order.status = "cancelled"
        for step in result["steps"]:
            if step["action"] == "refund":
                day = as_date(
                    fetch(
                        "SELECT date FROM documents_document WHERE number = %s", [step["document"]]
                    )[0][0]
                )
                self.docs[step["document"]] = Doc(step["document"], "refund", day, order.customer)
        actions = sorted({step["action"] for step in result["steps"]})
        return "chain: " + ", ".join(actions)

    def op_close(self, skip):
        open_periods = [p for p in PERIODS if p[0] not in self.closed]
        if not open_periods:
            return "skipped"
        name, start, end = open_periods[min(skip, len(open_periods) - 1)]
        expected = "previous_period_open" if skip and len(open_periods) > 1 else None
        _, code = self.attempt(lambda: close(self.user, name), expected)
        if code:
            return code
        assert expected is None
        self.closed[name] = (inventory_summary(start, end), trial_balance(name))
        return f"closed {name}"

    def op_reopen(self, which):
        closed = [p for p in PERIODS if p[0] in self.closed]
        if not closed:
            return "skipped"
        name = closed[-1][0] if which != 1 else closed[0][0]
        reason = "" if which == 2 else "补录"
        expected = (
            "reason_required"
            if which == 2
            else ("not_latest_closed" if name != closed[-1][0] else None)
        )
        _, code = self.attempt(lambda: reopen(self.user, name, reason), expected)
        if code:
            return code
        del self.closed[name]
        return f"reopened {name}"

    # invariants
    def check(self):
        result = reconcile()
        assert result["ok"], result["problems"]
        # open items per partner = partner balance; the open items of money documents (money
        # not allocated) = that partner's 2203 / 1123 lines, the others' = its 1122 / 2202 lines
        gl = {
            (p, code): int(v)
            for p, code, v in fetch(
                "SELECT l.partner_id, a.code, SUM(l.debit - l.credit) FROM ledger_journalline l JOIN ledger_account a "
                "ON a.id = l.account_id WHERE a.code IN ('1122', '2202', '2203', '1123') "
                "AND l.partner_id IS NOT NULL GROUP BY l.partner_id, a.code"
            )
        }
        money_types = codes(kind="money")
        for code, pid in self.ids["partner"].items():
            totals = {(k, m): Decimal(0) for k in ("receivable", "payable") for m in (0, 1)}
            for row in open_items([pid]):
                totals[row["kind"], int(row["type"] in money_types)] += Decimal(row["open_amount"])
            model = {
                "receivable": totals["receivable", 0] + totals["receivable", 1],
                "payable": totals["payable", 0] + totals["payable", 1],
                "advance_received": -totals["receivable", 1],
                "advance_paid": -totals["payable", 1],
            }
            balance = partner_balance([pid])
            assert {k: str(v.quantize(Decimal("0.01"))) for k, v in model.items()} == balance, code
            assert totals["receivable", 0] * 100 == gl.get((pid, "1122"), 0), (code, gl)
            assert totals["receivable", 1] * 100 == gl.get((pid, "2203"), 0), (code, gl)
            assert totals["payable", 0] * 100 == -gl.get((pid, "2202"), 0), (code, gl)
            assert totals["payable", 1] * 100 == -gl.get((pid, "1123"), 0), (code, gl)
        # closed periods' reports are exactly what they were at close
        for name, start, end in PERIODS:
            if name in self.closed:
                summary, tb = self.closed[name]
                assert inventory_summary(start, end) == summary, f"{name} inventory summary changed"
                assert trial_balance(name) == tb, f"{name} trial balance changed"
        # periods: closed exactly those we closed
        statuses = dict(fetch("SELECT name, status FROM ledger_period"))
        for name, _, _ in PERIODS:
            assert (statuses.get(name, "open") == "closed") == (name in self.closed), name
        # reservations = Σ over approved / partial orders of (ordered − delivered)
        model: dict = {}
        for o in self.orders.values():
            if o.status in ("approved", "partial"):
                done = self.delivered(o)
                for line, (item, q) in o.lines.items():
                    key = (self.ids["item"][item], self.ids["wh"][o.warehouse])
                    model[key] = model.get(key, 0) + max(q - done.get(line, 0), 0)
        reserved = {
            (i, w): int(r)
            for i, w, r in fetch(
                "SELECT item_id, warehouse_id, reserved FROM inventory_stockbalance"
            )
        }
        assert {k: v for k, v in reserved.items() if v} == {k: v for k, v in model.items() if v}
        # order and document statuses follow the model
        db = dict(fetch("SELECT number, status FROM documents_document"))
        for o in self.orders.values():
            assert db[o.number] == o.status, (o.number, db[o.number], o.status)
        for d in self.docs.values():
            assert db[d.number] == d.status, (d.number, db[d.number], d.status)
