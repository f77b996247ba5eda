"""Property test of assembly and disassembly (组装单 / 拆卸单) under back-dated history.

Hypothesis draws component receipts, assemblies of a kit (K = 1 × C1 + 2 × C2) with a fee,
disassemblies, deliveries and cancels, all on random dates, so that a component's cost changes
before an assembly all the time. After every step:

* the per-item stock (cache) and the effective value of every live document's moves per item
  equal a plain reference model that replays the live documents in (date, approval order) with
  moving average in integers: a component leaves at the average, the kit comes in at what its
  components took plus the fee, a disassembled kit's components share its value by the weights
  fixed on approval;
* so an assembly's output is always worth consumed + fee, whatever was re-stated;
* `reconcile()` is ok (caches = ledgers, 1405 = stock value, the assembly check);
* the engine refuses (insufficient_stock) exactly what would drive the model negative, and a
  refused step changes nothing.
"""

import datetime as dt

import pytest
from django.db import connection, transaction
from hypothesis import Phase, event, given, note
from hypothesis import strategies as st

from openjxc.catalog.bom import create_bom
from openjxc.closing.checks import reconcile
from openjxc.core.errors import DomainError
from openjxc.core.numbers import div_half_up
from openjxc.documents.services import create_draft
from openjxc.inventory.links import split_share, weighted
from openjxc.inventory.models import StockMove as M
from openjxc.posting.engine import approve, cancel
from tests.factories import master_data, setup_books
from tests.property_settings import property_settings

U = 10000  # 1/10,000 units
DAY0 = dt.date(2026, 3, 1)
KIT = (("C1", 1), ("C2", 2))


@pytest.fixture
def world(db):
    user = setup_books()
    master_data(user, items=("C1", "C2", "K"), warehouses=("WH1",))
    create_bom(
        user, {"item": "K", "qty": "1", "components": [{"item": c, "qty": str(q)} for c, q in KIT]}
    )
    return user


days = st.integers(0, 20)
receipts = st.tuples(
    st.just("receipt"), st.sampled_from(["C1", "C2"]), st.integers(1, 9), st.integers(50, 900), days
)
early = st.tuples(  # the stock the first assemblies take
    st.just("receipt"),
    st.sampled_from(["C1", "C2"]),
    st.integers(5, 20),
    st.integers(50, 900),
    st.integers(0, 5),
)
assemblies = st.tuples(
    st.just("assembly"), st.integers(1, 3), st.integers(0, 500), st.integers(0, 12)
)
operations = st.one_of(
    receipts,
    assemblies,
    st.tuples(st.just("disassembly"), st.integers(1, 2), st.integers(8, 20)),
    st.tuples(st.just("delivery"), st.sampled_from(["K", "C1"]), st.integers(1, 3), days),
    st.tuples(st.just("cancel"), st.integers(0, 50)),
)


class Negative(Exception):
    pass


def replay(docs: list) -> tuple[dict, dict]:
    """(item -> [qty, value], (number, item) -> value) of the live documents."""
    bal: dict = {}
    values: dict = {}

    def move(number, item, qty, value=None):
        q, v = bal.setdefault(item, [0, 0])
        if qty < 0:
            if q + qty < 0:
                raise Negative(number)
            value = -v if q + qty == 0 else -div_half_up(-qty * v, q)
        bal[item] = [q + qty, v + value]
        values[(number, item)] = values.get((number, item), 0) + value
        return value

    for d in sorted((d for d in docs if d["live"]), key=lambda d: (d["date"], d["seq"])):
        n, kind = d["number"], d["kind"]
        if kind == "receipt":
            move(n, d["item"], d["qty"], d["qty"] * d["price"] // U)
        elif kind == "delivery":
            move(n, d["item"], -d["qty"])
        elif kind == "assembly":
            consumed = sum(move(n, c, -q * d["qty"]) for c, q in KIT)
            move(n, "K", d["qty"], -consumed + d["fee"])
        else:
            total = -move(n, "K", -d["qty"])
            shares = weighted(d["weights"])
            for c, q in KIT:
                move(n, c, q * d["qty"], split_share(total, shares[c]))
    return bal, values


def engine_state() -> tuple[dict, dict]:
    with connection.cursor() as cur:
        cur.execute(
            "SELECT i.code, b.qty, b.value FROM inventory_stockbalance b "
            "JOIN catalog_item i ON i.id = b.item_id"
        )
        bal = {c: [int(q), int(v)] for c, q, v in cur.fetchall()}
        cur.execute(
            "SELECT d.number, i.code, SUM(m.value) FROM inventory_stockmove m "
            "JOIN documents_document d ON d.id = m.document_id JOIN catalog_item i ON i.id = m.item_id "
            "WHERE m.kind <> 1 AND d.status <> 'cancelled' GROUP BY d.number, i.code"
        )
        values = {(n, c): int(v) for n, c, v in cur.fetchall()}
    return bal, values


def _restated_rules() -> list:
    """The rules of the moves that carry adjustments (an assembly output, a share)."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT DISTINCT o.rule FROM inventory_stockmove a JOIN inventory_stockmove o "
            "ON o.id = a.anchor_id WHERE a.kind = 2 AND o.rule IN (%s, %s)",
            [M.ASSEMBLED_IN, M.SPLIT_IN],
        )
        return cur.fetchall()


def _weights(number: str) -> list:
    with connection.cursor() as cur:
        cur.execute(
            "SELECT i.code, c.weight FROM documents_linecomponent c "
            "JOIN documents_documentline l ON l.id = c.line_id JOIN documents_document d "
            "ON d.id = l.document_id JOIN catalog_item i ON i.id = c.item_id "
            "WHERE d.number = %s ORDER BY c.id",
            [number],
        )
        return [(c, int(w)) for c, w in cur.fetchall()]


def _body(op) -> tuple[dict, dict]:
    kind = op[0]
    day = str(DAY0 + dt.timedelta(days=op[-1]))
    body = {
        "type": f"{'purchase_receipt' if kind == 'receipt' else kind}",
        "date": day,
        "warehouse": "WH1",
    }
    if kind == "receipt":
        item, qty, cents = op[1], op[2], op[3]
        body.update(
            partner="S001",
            lines=[{"item": item, "qty": str(qty), "price": str(cents / 100), "tax_rate": "0"}],
        )
        return body, {"item": item, "qty": qty * U, "price": cents}
    if kind == "delivery":
        body = {**body, "type": "sales_delivery", "partner": "C001"}
        body["lines"] = [{"item": op[1], "qty": str(op[2]), "price": "50"}]
        return body, {"item": op[1], "qty": op[2] * U}
    body["lines"] = [{"item": "K", "qty": str(op[1])}]
    if kind == "assembly":
        body["extra_cost"] = str(op[2] / 100)
        return body, {"qty": op[1] * U, "fee": op[2]}
    return body, {"qty": op[1] * U}


def step(user, docs: list, op) -> str:
    if op[0] == "cancel":
        live = [d for d in docs if d["live"]]
        if not live:
            return "nothing to cancel"
        d = live[op[1] % len(live)]
        d["live"] = False
        try:
            replay(docs)
            model_ok = True
        except Negative:
            model_ok = False
        try:
            cancel(user, d["number"], "property")
        except DomainError as exc:
            assert exc.code == "insufficient_stock" and not model_ok, exc
            d["live"] = True
            return "cancel refused"
        assert model_ok, f"the engine cancelled {d['number']}, the model goes negative"
        return "cancelled"
    body, fields = _body(op)
    draft, _ = create_draft(user, body)
    d = {
        "number": draft["number"],
        "kind": op[0],
        "date": dt.date.fromisoformat(body["date"]),
        "seq": len(docs),
        "live": True,
        **fields,
    }
    try:
        approve(user, d["number"])
    except DomainError as exc:
        assert exc.code == "insufficient_stock", exc
        d["weights"] = [(c, q) for c, q in KIT]
        try:
            replay([*docs, d])
        except Negative:
            return f"{op[0]} refused"
        raise AssertionError(f"the engine refused {op}, the model does not") from None
    if op[0] == "disassembly":
        d["weights"] = _weights(d["number"])
    docs.append(d)
    return op[0]


@property_settings(40, phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink])
@given(
    first=st.lists(early, min_size=2, max_size=4),
    then=st.lists(st.one_of(operations, assemblies, assemblies), min_size=4, max_size=14),
)
def test_assemblies_match_the_reference_model(world, first, then):
    with transaction.atomic():
        try:
            docs: list = []
            for n, op in enumerate(first + then):
                outcome = step(world, docs, op)
                note(f"step {n}: {op} -> {outcome}")
                event(outcome)
                bal, values = replay(docs)
                got_bal, got_values = engine_state()
                assert {k: v for k, v in got_bal.items() if v != [0, 0]} == {
                    k: v for k, v in bal.items() if v != [0, 0]
                }
                assert {k: v for k, v in got_values.items() if v} == {
                    k: v for k, v in values.items() if v
                }
                for (rule,) in _restated_rules():
                    event(f"re-stated a move of rule {rule}")
                result = reconcile()
                assert result["ok"], result["problems"]
        finally:
            transaction.set_rollback(True)
