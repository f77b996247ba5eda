"""The ledger property test's world: five items (one without a purchase price, one costed
first in first out, one by monthly weighted average) in two warehouses, the plain reference
model that replays the surviving documents with moving weighted average (FIFO layers for the
FIFO item) in Decimal, what the engine holds read back the same way, and the operations
Hypothesis draws. Used by tests/test_property_ledger.py and its kept examples."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, localcontext

from hypothesis import strategies as st

from openjxc.catalog.services import create_item
from openjxc.inventory.services import create_warehouse
from openjxc.partners.services import create_partner
from tests.factories import fetch, setup_books

CENT = Decimal("0.01")
ZERO = Decimal(0)
BASE_DAY = dt.date(2026, 1, 5)
CHECK_DAYS = [dt.date(2026, 1, 4), dt.date(2026, 1, 19), dt.date(2026, 2, 1), dt.date(2026, 2, 14)]
ITEMS = {  # code -> (tax rate, purchase price: the fallback unit cost of an empty balance)
    "P1": (Decimal("0.13"), Decimal("3.335")),
    "P2": (Decimal("0.13"), None),
    "P3": (Decimal("0.09"), Decimal("12.5")),
    "F1": (Decimal("0.13"), Decimal("4.5")),
    "M1": (Decimal("0.13"), Decimal("2.25")),
}
# 计价方法 of the items that are not moving average. A monthly-average item is valued like a
# moving-average one while its period is open (test_property_costing_monthly.py closes periods)
METHODS = {"F1": "fifo", "M1": "monthly_average"}
WAREHOUSES = ("WH1", "WH2")
RULES = {
    1: "fixed_in",
    2: "average_out",
    3: "average_in",
    4: "linked_in",
    5: "capped_out",
    6: "counted",
}


def r2(x: Decimal) -> Decimal:
    """round_half_up to the cent, computed with ample precision."""
    with localcontext() as ctx:
        ctx.prec = 60
        return x.quantize(CENT, rounding=ROUND_HALF_UP)


def share(qty: Decimal, value: Decimal, of_qty: Decimal) -> Decimal:
    """round_half_up(qty × value / of_qty, 2)."""
    with localcontext() as ctx:
        ctx.prec = 60
        return r2(qty * value / of_qty)


# --- the reference model ---------------------------------------------------------------------


@dataclass
class RefLine:
    line_no: int
    item: str
    qty: Decimal  # the line's quantity; for a stock count the counted quantity
    amount: Decimal | None = None  # incoming at this fixed value (receipt, other in)
    source: tuple | None = None  # (document number, line_no) of the linked source line
    fallback: Decimal = ZERO  # unit cost of an average-in when the balance is empty
    tax: Decimal | None = None  # the line's expected tax (incoming lines)
    line_id: int | None = None


@dataclass
class RefDoc:
    number: str
    type: str
    date: dt.date
    seq: int  # approval order
    wh: str
    to_wh: str | None = None
    source: str | None = None
    lines: list = field(default_factory=list)
    live: bool = True


class Negative(Exception):
    pass


def fifo_take(layers: list, qty: Decimal, first=None) -> Decimal:
    """Take qty from the oldest layers [[qty, value, move], ...] (changed in place): whole layers
    at their value, part of one at its unit cost rounded half up; the value taken. `first`: the
    move whose layer is taken before the oldest (a linked purchase return's receipt)."""
    taken = ZERO
    order = sorted(range(len(layers)), key=lambda n: layers[n][2] != first)
    for n in order:
        if qty <= 0:
            break
        lq, lv, mk = layers[n]
        if qty >= lq:
            layers[n] = None
            taken, qty = taken + lv, qty - lq
        else:
            part = share(qty, lv, lq)
            layers[n] = [lq - qty, lv - part, mk]
            taken, qty = taken + part, ZERO
    layers[:] = [x for x in layers if x is not None]
    return taken


def ref_moves(doc: RefDoc) -> list:
    """(sort key, warehouse, line, signed qty, rule) of a document, in posting order."""
    out = []
    for ln in doc.lines:
        key = (doc.date, doc.seq, 0, ln.line_no)
        t = doc.type
        if t in ("purchase_receipt", "other_in"):
            out.append((key, doc.wh, ln, ln.qty, "fixed"))
        elif t in ("sales_delivery", "other_out"):
            out.append((key, doc.wh, ln, -ln.qty, "avg_out"))
        elif t == "purchase_return":
            out.append((key, doc.wh, ln, -ln.qty, "capped_out" if ln.source else "avg_out"))
        elif t == "sales_return":
            out.append((key, doc.wh, ln, ln.qty, "linked_in" if ln.source else "avg_in"))
        elif t == "transfer":
            out.append((key, doc.wh, ln, -ln.qty, "avg_out"))
            out.append(((doc.date, doc.seq, 1, ln.line_no), doc.to_wh, ln, ln.qty, "transfer_in"))
        elif t == "stock_count":  # the difference depends on the book just before it
            out.append((key, doc.wh, ln, None, "count"))
    return out


def replay(docs, override=None) -> tuple[dict, list]:
    """Replays live documents. Returns ({(number, line_no, wh): (qty, value)}, timeline rows
    (date, item, wh, qty, value)); raises Negative when a balance would go below zero.
    override: {(number, line_no, wh): value} of moves whose value is given (a closed month)."""
    by_number = {d.number: d for d in docs}
    moves = []
    for d in docs:
        if d.live:
            moves += [(m, d) for m in ref_moves(d)]
    moves.sort(key=lambda md: md[0][0])
    state: dict = {}
    values: dict = {}
    layers: dict = {}  # FIFO items: (item, wh) -> [[qty, value, move], ...] oldest first
    rows = []
    for (key, wh, ln, qty, rule), d in moves:
        bq, bv = state.get((ln.item, wh), (ZERO, ZERO))
        fifo = METHODS.get(ln.item) == "fifo"
        lay = layers.setdefault((ln.item, wh), [])
        if rule == "count":  # a count states the quantity at its place: it posts counted − book
            qty = ln.qty - bq
        if qty < 0:
            if bq + qty < 0:
                raise Negative(
                    f"{d.number} line {ln.line_no}: {ln.item}@{wh} {bq} on hand, {-qty} out"
                )
            if bq + qty == 0:
                value = -bv  # empties the balance: takes exactly what is left
                lay.clear()
            elif fifo and rule == "capped_out":  # the returned receipt's layer first
                src = by_number[ln.source[0]]
                value = -fifo_take(lay, -qty, (src.number, ln.source[1], src.wh))
            elif fifo:  # the oldest layers
                value = -fifo_take(lay, -qty)
            else:
                value = -share(-qty, bv, bq)
                if rule == "capped_out":
                    src = by_number[ln.source[0]].lines[ln.source[1] - 1]
                    value = max(value, -share(-qty, src.amount, src.qty))
        elif rule == "fixed":
            value = ln.amount
        elif rule == "transfer_in":
            value = -values[(d.number, ln.line_no, d.wh)][1]
        elif rule == "linked_in":
            src_doc = by_number[ln.source[0]]
            sq, sv = values[(src_doc.number, ln.source[1], src_doc.wh)]  # must come first
            value = share(qty, sv, sq)
        elif bq > 0:  # avg_in, a count's gain
            value = share(qty, bv, bq)
        else:
            value = r2(qty * ln.fallback)
        if override and (d.number, ln.line_no, wh) in override:
            value = override[(d.number, ln.line_no, wh)]
        if fifo and qty > 0:
            lay.append([qty, value, (d.number, ln.line_no, wh)])
        values[(d.number, ln.line_no, wh)] = (qty, value)
        state[(ln.item, wh)] = (bq + qty, bv + value)
        rows.append((key[0], ln.item, wh, qty, value))
    return values, rows


def ref_balances(rows, day: dt.date | None = None) -> dict:
    bal: dict = {}
    for d, item, wh, qty, value in rows:
        if day is None or d <= day:
            q, v = bal.get((item, wh), (ZERO, ZERO))
            bal[(item, wh)] = (q + qty, v + value)
    return bal


# --- engine side -----------------------------------------------------------------------------


def snapshot() -> tuple:
    """What a refused action must leave exactly as it was."""
    counts = tuple(
        int(fetch(f"SELECT COUNT(*) FROM {t}")[0][0])
        for t in (
            "inventory_stockmove",
            "ledger_journalline",
            "ledger_openitementry",
            "ledger_voucher",
        )
    )
    balances = fetch(
        "SELECT item_id, warehouse_id, qty, value, reserved, on_order FROM inventory_stockbalance "
        "ORDER BY item_id, warehouse_id"
    )
    statuses = fetch("SELECT number, status FROM documents_document ORDER BY number")
    return counts, [tuple(int(x) for x in r) for r in balances], statuses


def engine_moves() -> dict:
    """(number, line_no, wh code) -> (qty, effective value) of every live original move."""
    rows = fetch(
        "SELECT d.number, l.line_no, w.code, SUM(m.qty), SUM(m.value) "
        "FROM inventory_stockmove m JOIN documents_document d ON d.id = m.document_id "
        "JOIN documents_documentline l ON l.id = m.line_id JOIN inventory_warehouse w ON w.id = m.warehouse_id "
        "WHERE m.kind <> 1 AND d.status <> 'cancelled' "
        "GROUP BY COALESCE(m.anchor_id, m.id), d.number, l.line_no, w.code"
    )
    out = {}
    for number, line_no, wh, q, v in rows:
        key = (number, line_no, wh)
        assert key not in out, f"two live moves for {key}"
        out[key] = (Decimal(int(q)) / 10000, Decimal(int(v)) / 100)
    return out


def by_code(bal: dict, ids: dict) -> dict:
    out = {}
    for (i, w), row in bal.items():
        q, v = Decimal(int(row[0])) / 10000, Decimal(int(row[1])) / 100
        if q or v:
            out[(ids["item"][i], ids["wh"][w])] = (q, v)
    return out


def nonzero(bal: dict) -> dict:
    return {k: v for k, v in bal.items() if v[0] or v[1]}


# --- operations ------------------------------------------------------------------------------

days = st.integers(0, 40).map(lambda n: BASE_DAY + dt.timedelta(days=n))
items = st.sampled_from(sorted(ITEMS))
whs = st.sampled_from(WAREHOUSES)
qtys = st.one_of(
    st.integers(1, 20).map(Decimal),
    st.sampled_from(["0.5", "1.25", "2.5", "3.3333", "7.75"]).map(Decimal),
)
out_qtys = st.one_of(
    st.integers(1, 8).map(Decimal),
    st.sampled_from(["0.5", "1.25", "3.3333"]).map(Decimal),
)
prices = st.integers(1, 9999).map(lambda c: Decimal(c) / 100)
rates = st.sampled_from([None, None, "0.13", "0.09", "0.06", "0"])
picks = st.integers(0, 10_000)
# outgoing: mostly take an item and warehouse that have stock on the day
aims = st.sampled_from([False, True, True])

incoming_line = st.tuples(items, qtys, prices, st.booleans(), rates)
priced_line = st.tuples(items, out_qtys, prices)
plain_line = st.tuples(items, out_qtys)
count_line = st.tuples(items, st.integers(0, 25).map(Decimal), st.one_of(st.none(), prices))
linked_line = st.tuples(st.integers(0, 3), out_qtys, st.booleans())

receipts = st.tuples(
    st.just("purchase_receipt"), days, whs, st.lists(incoming_line, min_size=1, max_size=2)
)
deliveries = st.tuples(
    st.just("sales_delivery"), days, whs, st.lists(priced_line, min_size=1, max_size=2), aims
)
transfers = st.tuples(
    st.just("transfer"), days, whs, st.lists(plain_line, min_size=1, max_size=2), aims
)
linked_sales_returns = st.tuples(
    st.just("sales_return_linked"),
    days,
    whs,
    picks,
    st.lists(linked_line, min_size=1, max_size=2),
    prices,
    aims,
)
cancels = st.tuples(st.just("cancel"), picks)
operations = st.one_of(  # some listed twice to be drawn twice as often
    receipts,
    receipts,
    st.tuples(st.just("other_in"), days, whs, st.lists(incoming_line, min_size=1, max_size=2)),
    deliveries,
    deliveries,
    st.tuples(st.just("other_out"), days, whs, st.lists(plain_line, min_size=1, max_size=2), aims),
    transfers,
    transfers,
    st.tuples(
        st.just("stock_count"),
        days,
        whs,
        st.lists(count_line, min_size=1, max_size=3, unique_by=lambda ln: ln[0]),
    ),
    st.tuples(st.just("sales_return"), days, whs, st.lists(priced_line, min_size=1, max_size=1)),
    st.tuples(
        st.just("purchase_return"), days, whs, st.lists(priced_line, min_size=1, max_size=1), aims
    ),
    linked_sales_returns,
    linked_sales_returns,
    st.tuples(
        st.just("purchase_return_linked"),
        days,
        whs,
        picks,
        st.lists(linked_line, min_size=1, max_size=2),
        prices,
        aims,
    ),
    cancels,
    cancels,
)


def stock_books():
    """The master data every ledger example starts from; returns the user."""
    user = setup_books()
    for code in WAREHOUSES:
        create_warehouse(user, {"code": code, "name": f"仓库{code}"})
    for code, (rate, purchase_price) in ITEMS.items():
        data = {"code": code, "name": f"商品{code}", "unit": "个", "tax_rate": str(rate)}
        data["costing_method"] = METHODS.get(code, "moving_average")
        if purchase_price is not None:
            data["purchase_price"] = str(purchase_price)
        create_item(user, data)
    create_partner(user, "supplier", {"code": "S001", "name": "供应商一"})
    create_partner(user, "customer", {"code": "C001", "name": "客户一"})
    return user
