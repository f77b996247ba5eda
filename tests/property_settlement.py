"""The settlement property test's world: its books (periods January–April 2026, two items, two
warehouses, two customers), the refusals it allows, a snapshot of what a refused action must
leave unchanged, the plain model of orders and documents, and the operations Hypothesis draws.
Used by tests/test_property_settlement.py and its kept examples."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from hypothesis import strategies as st

from openjxc.catalog.services import create_item
from openjxc.inventory.services import create_warehouse
from openjxc.ledger.periods import ensure_periods
from openjxc.partners.services import create_partner
from tests.factories import fetch, setup_books

GO_LIVE = dt.date(2026, 1, 1)
LAST_DAY = dt.date(2026, 4, 30)
PERIODS = [
    ("2026-01", dt.date(2026, 1, 1), dt.date(2026, 1, 31)),
    ("2026-02", dt.date(2026, 2, 1), dt.date(2026, 2, 28)),
    ("2026-03", dt.date(2026, 3, 1), dt.date(2026, 3, 31)),
    ("2026-04", dt.date(2026, 4, 1), dt.date(2026, 4, 30)),
]
ITEMS = ("A1", "A2")
WAREHOUSES = ("WH1", "WH2")
CUSTOMERS = ("C1", "C2")
QTY = 10000  # quantities are stored in 1/10,000 units

# every refusal the services may answer with in this test
ALLOWED = {
    "insufficient_stock",
    "has_dependents",
    "exceeds_source",
    "period_closed",
    "wrong_status",
    "not_latest_closed",
    "previous_period_open",
    "close_check_failed",
    "exceeds_open_amount",
    "invalid",
    "reason_required",
    "reserved_for_orders",
}


def snapshot() -> tuple:
    """What a refused action must leave exactly as it was."""
    counts = tuple(
        int(fetch(f"SELECT COUNT(*) FROM {t}")[0][0])
        for t in (
            "inventory_stockmove",
            "ledger_journalline",
            "ledger_voucher",
            "ledger_openitementry",
            "inventory_reservationentry",
            "ledger_allocation",
            "audit_auditentry",
            "documents_document",
            "documents_documentline",
        )
    )
    undone = int(fetch("SELECT COUNT(*) FROM ledger_allocation WHERE undone_at IS NOT NULL")[0][0])
    balances = [
        tuple(int(x) for x in r)
        for r in fetch(
            "SELECT item_id, warehouse_id, qty, value, reserved, on_order FROM inventory_stockbalance "
            "ORDER BY item_id, warehouse_id"
        )
    ]
    statuses = fetch("SELECT number, status FROM documents_document ORDER BY number")
    periods = fetch("SELECT name, status FROM ledger_period ORDER BY start")
    return counts, undone, balances, statuses, periods


def day_of(n: int) -> dt.date:
    return GO_LIVE + dt.timedelta(days=n)


# --- the model ------------------------------------------------------------------------------


@dataclass
class Order:
    number: str
    date: dt.date
    warehouse: str
    customer: str
    lines: dict  # line id -> (item, qty in units)
    status: str = "approved"  # approved | partial | completed | closed | cancelled


@dataclass
class Doc:
    number: str
    type: str
    date: dt.date
    partner: str | None = None
    source: str | None = None  # the order it was derived from
    delivered: dict = field(default_factory=dict)  # order line id -> qty in units
    status: str = "approved"  # approved | cancelled | reversed


# --- operations -----------------------------------------------------------------------------

days = st.integers(0, (LAST_DAY - GO_LIVE).days)
items = st.sampled_from(ITEMS)
whs = st.sampled_from(WAREHOUSES)
customers = st.sampled_from(CUSTOMERS)
qtys = st.one_of(st.integers(1, 12).map(str), st.sampled_from(["0.5", "2.25", "3.3333"]))
prices = st.integers(1, 5000).map(lambda c: str(Decimal(c) / 100))
amounts = st.integers(1, 30000).map(lambda c: str(Decimal(c) / 100))
picks = st.integers(0, 10_000)
order_line = st.tuples(items, qtys, prices)

aims = st.sampled_from([False, True, True, True])  # mostly steer to stock that exists
receipt_lines = st.lists(
    st.tuples(items, st.integers(5, 30).map(str), prices), min_size=1, max_size=2
)
first_receipts = st.tuples(st.just("receive"), st.integers(0, 45), whs, receipt_lines)
receipts = st.tuples(st.just("receive"), days, whs, receipt_lines)
deliveries = st.tuples(
    st.just("deliver"), days, whs, customers, st.lists(order_line, min_size=1, max_size=2), aims
)
# an order is now and then followed at once by a partial or full delivery, and its payment
follow_ups = st.sampled_from([None, None, "partial", "all", "all_paid", "all_paid"])
orders = st.tuples(
    st.just("order"),
    days,
    whs,
    customers,
    st.lists(order_line, min_size=1, max_size=2),
    aims,
    follow_ups,
    st.integers(0, 10),
)
derives = st.tuples(
    st.just("derive"),
    picks,
    st.integers(0, 20),
    st.one_of(st.none(), st.lists(st.tuples(picks, qtys), min_size=1, max_size=2)),
    aims,
)
# a receipt's amount: a share of what the customer owes (when it owes anything), else a plain amount
shares = st.one_of(st.none(), st.sampled_from(["0.3", "0.5", "1", "1", "1.25"]).map(Decimal))
money_docs = st.tuples(
    st.just("money"),
    days,
    customers,
    amounts,
    shares,
    st.sampled_from(["auto", "auto", "explicit", "none"]),
    picks,
    aims,
)
allocations = st.tuples(st.just("allocate"), picks, picks, amounts, st.booleans())
unallocations = st.tuples(st.just("unallocate"), picks)
cancels = st.tuples(st.just("cancel"), picks)
reversals = st.tuples(st.just("reverse"), picks, st.integers(-10, 40))
chains = st.tuples(st.just("chain"), picks, st.booleans(), st.one_of(st.none(), st.integers(0, 30)))
closes = st.tuples(st.just("close"), st.sampled_from([0, 0, 0, 1]))
reopens = st.tuples(st.just("reopen"), st.sampled_from([0, 0, 0, 1, 2]))
operations = st.one_of(  # some listed twice to be drawn twice as often
    receipts,
    deliveries,
    deliveries,
    orders,
    orders,
    derives,
    derives,
    derives,
    st.tuples(st.just("close_order"), picks),
    money_docs,
    money_docs,
    allocations,
    unallocations,
    cancels,
    reversals,
    reversals,
    chains,
    chains,
    closes,
    closes,
    reopens,
)


def settlement_books(settings, tmp_path):
    """The master data every settlement example starts from; returns the user."""
    settings.DATA_DIR = tmp_path  # close / reopen take backups
    user = setup_books()
    for code in WAREHOUSES:
        create_warehouse(user, {"code": code, "name": f"仓库{code}"})
    for code in ITEMS:
        create_item(user, {"code": code, "name": f"商品{code}", "unit": "个", "tax_rate": "0.13"})
    create_partner(user, "supplier", {"code": "S1", "name": "供应商一"})
    for code in CUSTOMERS:
        create_partner(user, "customer", {"code": code, "name": f"客户{code}"})
    ensure_periods()  # the period rows through today (else the first close creates them)
    return user
