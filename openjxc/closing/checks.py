"""Reconciliation (数据核对): named checks, each returning its problems as data.

Like bean-check, every check is a function in CHECKS; `reconcile()` runs them all."""

from contextlib import contextmanager

from django.db import connection, transaction
from django.utils.translation import gettext as _

from openjxc.audit.services import verify_chain
from openjxc.core.error_codes import describe
from openjxc.core.numbers import fen_str, qty_str
from openjxc.core.services import start_date
from openjxc.documents.types import codes
from openjxc.ledger import chart as A
from openjxc.posting.money import ACCOUNTS
from openjxc.posting.opening_balances import opening_check

from . import monthly, snapshots
from .assembly_checks import assemblies_hold
from .models import AccountSnapshot, PartnerSnapshot, PeriodClose
from .restate import restatements_due
from .tracking_checks import CHECKS as TRACKING_CHECKS


def _rows(sql, args=()):
    with connection.cursor() as cur:
        cur.execute(sql, list(args))
        return cur.fetchall()


def stock_cache_equals_ledger() -> list[dict]:
    rows = _rows(
        "SELECT i.code, w.code, COALESCE(b.qty, 0), COALESCE(b.value, 0), COALESCE(m.q, 0), COALESCE(m.v, 0) "
        "FROM (SELECT item_id, warehouse_id, SUM(qty) AS q, SUM(value) AS v FROM inventory_stockmove "
        "      GROUP BY item_id, warehouse_id) m "
        "LEFT JOIN inventory_stockbalance b ON b.item_id = m.item_id AND b.warehouse_id = m.warehouse_id "
        "JOIN catalog_item i ON i.id = m.item_id JOIN inventory_warehouse w ON w.id = m.warehouse_id "
        "WHERE COALESCE(b.qty, 0) <> m.q OR COALESCE(b.value, 0) <> m.v "
        "UNION ALL "
        "SELECT i.code, w.code, b.qty, b.value, 0, 0 FROM inventory_stockbalance b "
        "JOIN catalog_item i ON i.id = b.item_id JOIN inventory_warehouse w ON w.id = b.warehouse_id "
        "WHERE (b.qty <> 0 OR b.value <> 0) AND NOT EXISTS (SELECT 1 FROM inventory_stockmove m "
        "  WHERE m.item_id = b.item_id AND m.warehouse_id = b.warehouse_id)"
    )
    return [
        {
            "check": "stock_cache",
            "message": _(
                "stock balance of %(item)s @ %(warehouse)s is %(qty)s / %(value)s but the "
                "ledger says %(ledger_qty)s / %(ledger_value)s"
            )
            % {
                "item": i,
                "warehouse": w,
                "qty": qty_str(int(bq)),
                "value": fen_str(int(bv)),
                "ledger_qty": qty_str(int(mq)),
                "ledger_value": fen_str(int(mv)),
            },
            "item": i,
            "warehouse": w,
        }
        for i, w, bq, bv, mq, mv in rows
    ]


def reservations_equal_ledger() -> list[dict]:
    """reserved / on_order caches = the reservation ledger of approved orders."""
    rows = _rows(
        "SELECT i.code, w.code, b.reserved, b.on_order, COALESCE(r.res, 0), COALESCE(r.oo, 0) "
        "FROM inventory_stockbalance b JOIN catalog_item i ON i.id = b.item_id "
        "JOIN inventory_warehouse w ON w.id = b.warehouse_id "
        "LEFT JOIN (SELECT item_id, warehouse_id, SUM(reserved) AS res, SUM(on_order) AS oo "
        "FROM inventory_reservationentry GROUP BY item_id, warehouse_id) r "
        "ON r.item_id = b.item_id AND r.warehouse_id = b.warehouse_id "
        "WHERE b.reserved <> COALESCE(r.res, 0) OR b.on_order <> COALESCE(r.oo, 0) "
        "OR COALESCE(r.res, 0) < 0 OR COALESCE(r.oo, 0) < 0"
    )
    return [
        {
            "check": "reservation_cache",
            "item": i,
            "warehouse": w,
            "message": _(
                "%(item)s @ %(warehouse)s: reserved/on order cache %(reserved)s/%(on_order)s "
                "but the reservation ledger says %(ledger_reserved)s/%(ledger_on_order)s"
            )
            % {
                "item": i,
                "warehouse": w,
                "reserved": qty_str(int(br)),
                "on_order": qty_str(int(bo)),
                "ledger_reserved": qty_str(int(r)),
                "ledger_on_order": qty_str(int(o)),
            },
        }
        for i, w, br, bo, r, o in rows
    ]


def no_negative_stock() -> list[dict]:
    rows = _rows(
        "SELECT i.code, w.code, b.qty, b.value FROM inventory_stockbalance b "
        "JOIN catalog_item i ON i.id = b.item_id JOIN inventory_warehouse w ON w.id = b.warehouse_id "
        "WHERE b.qty < 0 OR b.value < 0 OR (b.qty = 0 AND b.value <> 0)"
    )
    return [
        {
            "check": "negative_stock",
            "message": _("%(item)s @ %(warehouse)s holds %(qty)s valued %(value)s")
            % {"item": i, "warehouse": w, "qty": qty_str(int(q)), "value": fen_str(int(v))},
            "item": i,
            "warehouse": w,
        }
        for i, w, q, v in rows
    ]


def counts_hold() -> list[dict]:
    """Every approved stock count states the quantity at its place in the timeline: the stock
    just after its move (its own adjustments included) is what was counted."""
    counted = codes(counted=True)
    rows = _rows(
        "SELECT d.number, i.code, w.code, l.base_qty, m.date, (SELECT COALESCE(SUM(x.qty), 0) "
        "  FROM inventory_stockmove x WHERE x.item_id = m.item_id AND x.warehouse_id = m.warehouse_id "
        "  AND (x.date < m.date OR (x.date = m.date AND COALESCE(x.anchor_id, x.id) <= m.id))) "
        "FROM inventory_stockmove m JOIN documents_document d ON d.id = m.document_id "
        "JOIN documents_documentline l ON l.id = m.line_id "
        "JOIN catalog_item i ON i.id = m.item_id JOIN inventory_warehouse w ON w.id = m.warehouse_id "
        f"WHERE m.kind = 0 AND d.type IN ({_marks(counted)}) AND d.status = 'approved' "
        "AND d.reversal_of_id IS NULL ORDER BY m.date, m.id",
        counted,
    )
    return [
        {
            "check": "stock_count",
            "document": n,
            "item": i,
            "warehouse": w,
            "message": _(
                "%(document)s: %(item)s @ %(warehouse)s was counted at %(counted)s on %(date)s "
                "but the ledger holds %(held)s there"
            )
            % {
                "document": n,
                "item": i,
                "warehouse": w,
                "counted": qty_str(int(counted)),
                "date": day,
                "held": qty_str(int(held)),
            },
        }
        for n, i, w, counted, day, held in rows
        if int(counted) != int(held)
    ]


def vouchers_balance() -> list[dict]:
    rows = _rows(
        "SELECT v.id, v.date, SUM(l.debit), SUM(l.credit) FROM ledger_voucher v "
        "JOIN ledger_journalline l ON l.voucher_id = v.id GROUP BY v.id, v.date HAVING SUM(l.debit) <> SUM(l.credit)"
    )
    return [
        {
            "check": "voucher_balance",
            "message": _("voucher %(voucher)s of %(date)s debits %(debit)s but credits %(credit)s")
            % {"voucher": vid, "date": d, "debit": fen_str(int(dr)), "credit": fen_str(int(cr))},
            "voucher": vid,
        }
        for vid, d, dr, cr in rows
    ]


def account_cache_equals_journal() -> list[dict]:
    rows = _rows(
        "SELECT a.code, b.debit, b.credit, COALESCE(j.d, 0), COALESCE(j.c, 0) FROM ledger_account a "
        "JOIN ledger_accountbalance b ON b.account_id = a.id "
        "LEFT JOIN (SELECT account_id, SUM(debit) AS d, SUM(credit) AS c FROM ledger_journalline "
        "GROUP BY account_id) j ON j.account_id = a.id "
        "WHERE b.debit <> COALESCE(j.d, 0) OR b.credit <> COALESCE(j.c, 0)"
    )
    return [
        {
            "check": "account_cache",
            "message": _(
                "account %(account)s balance cache %(debit)s/%(credit)s differs from the "
                "journal %(journal_debit)s/%(journal_credit)s"
            )
            % {
                "account": code,
                "debit": fen_str(int(bd)),
                "credit": fen_str(int(bc)),
                "journal_debit": fen_str(int(jd)),
                "journal_credit": fen_str(int(jc)),
            },
            "account": code,
        }
        for code, bd, bc, jd, jc in rows
    ]


def _account_net(code: str) -> int:
    row = _rows(
        "SELECT COALESCE(SUM(l.debit - l.credit), 0) FROM ledger_journalline l "
        "JOIN ledger_account a ON a.id = l.account_id WHERE a.code = %s",
        [code],
    )
    return int(row[0][0])


OPEN_ITEM_CACHE_DIFF = (
    "SELECT d.id, d.number, COALESCE(o.open_amount, 0), e.total FROM (SELECT document_id, SUM(amount) AS total "
    "FROM ledger_openitementry GROUP BY document_id) e JOIN documents_document d ON d.id = e.document_id "
    "LEFT JOIN ledger_openitem o ON o.document_id = e.document_id WHERE o.document_id IS NULL OR o.open_amount <> e.total "
    "UNION ALL SELECT d.id, d.number, o.open_amount, 0 FROM ledger_openitem o "
    "JOIN documents_document d ON d.id = o.document_id WHERE o.open_amount <> 0 AND NOT EXISTS "
    "(SELECT 1 FROM ledger_openitementry e WHERE e.document_id = o.document_id)"
)


def open_item_cache_equals_entries() -> list[dict]:
    return [
        {
            "check": "open_item_cache",
            "message": _(
                "open amount cache of %(document)s is %(cached)s but its entries sum to %(total)s"
            )
            % {"document": number, "cached": fen_str(int(cached)), "total": fen_str(int(total))},
            "document": number,
        }
        for _id, number, cached, total in _rows(OPEN_ITEM_CACHE_DIFF)
    ]


def subledgers_equal_control_accounts() -> list[dict]:
    """1122 / 2202 hold the open items of every document but money documents, whose own open
    amounts (unallocated money) are held by 2203 / 1123 (posting/money.py ACCOUNTS)."""
    problems = []
    money_types = codes(kind="money")
    oi = {
        (k, int(m)): int(v)
        for k, m, v in _rows(
            "SELECT kind, is_money, COALESCE(SUM(amount), 0) FROM (SELECT e.kind, CASE WHEN "
            f"d.type IN ({_marks(money_types)}) THEN 1 ELSE 0 END AS is_money, e.amount "
            "FROM ledger_openitementry e JOIN documents_document d ON d.id = e.document_id) x "
            "GROUP BY kind, is_money",
            money_types,
        )
    }
    sentences = {
        ("receivable", 0): _(
            "open receivables total %(total)s but account %(account)s holds %(gl)s"
        ),
        ("payable", 0): _("open payables total %(total)s but account %(account)s holds %(gl)s"),
        ("receivable", 1): _(
            "unallocated receipts total %(total)s but account %(account)s holds %(gl)s"
        ),
        ("payable", 1): _(
            "unallocated payments total %(total)s but account %(account)s holds %(gl)s"
        ),
    }
    for kind, (control, advance, direction) in ACCOUNTS.items():
        for is_money, code in ((0, control), (1, advance)):
            gl = direction * _account_net(code)
            total = oi.get((kind, is_money), 0)
            if total != gl:
                problems.append(
                    {
                        "check": "open_items_control",
                        "message": sentences[kind, is_money]
                        % {"total": fen_str(total), "account": code, "gl": fen_str(gl)},
                        "account": code,
                    }
                )
    stock = int(_rows("SELECT COALESCE(SUM(value), 0) FROM inventory_stockmove")[0][0])
    gl = _account_net(A.INVENTORY)
    if stock != gl:
        problems.append(
            {
                "check": "stock_control",
                "message": _("stock ledger value %(value)s but account %(account)s holds %(gl)s")
                % {"value": fen_str(stock), "account": A.INVENTORY, "gl": fen_str(gl)},
                "account": A.INVENTORY,
            }
        )
    return problems


def documents_without_vouchers(statuses: tuple, start=None, end=None) -> list[str]:
    """Numbers of documents in `statuses` (dated start..end when given) whose type's recipe makes
    vouchers (the registry's `makes_vouchers`) and that have something to book — an amount or a
    stock move with a value — but no posting or reversal voucher."""
    types = codes(makes_vouchers=True)
    priced = codes(
        makes_vouchers=True, priced=True
    )  # their amounts are booked; a count's price is not
    dated = " AND d.date >= %s AND d.date <= %s" if start is not None else ""
    rows = _rows(
        f"SELECT d.number FROM documents_document d WHERE d.status IN ({_marks(statuses)}) "
        f"AND d.type IN ({_marks(types)}) "
        f"AND ((d.type IN ({_marks(priced)}) AND d.amount_incl_tax <> 0) OR EXISTS (SELECT 1 FROM "
        f"  inventory_stockmove m WHERE m.document_id = d.id AND m.kind = 0 AND m.value <> 0)){dated} "
        "AND NOT EXISTS (SELECT 1 FROM ledger_voucher v WHERE v.document_id = d.id "
        "  AND v.kind IN ('posting', 'reversal')) ORDER BY d.date, d.number",
        [*statuses, *types, *priced, *([start, end] if start is not None else [])],
    )
    return [n for (n,) in rows]


def _marks(values) -> str:
    return ", ".join(["%s"] * len(values))


def approved_documents_have_vouchers() -> list[dict]:
    rows = [(n,) for n in documents_without_vouchers(("approved", "reversed", "cancelled"))]
    return [
        {
            "check": "document_voucher",
            "message": _("approved document %(document)s has no voucher") % {"document": n},
            "document": n,
        }
        for (n,) in rows
    ]


def closed_periods_unchanged() -> list[dict]:
    """Each closed period's digest and snapshots still match a recomputation from the ledger."""
    problems = []
    for close in PeriodClose.objects.select_related("period").order_by("period__start"):
        period = close.period
        digest, _rows_count = snapshots.digest(period)
        if digest != close.digest:
            problems.append(
                {
                    "check": "closed_period_digest",
                    "period": period.name,
                    "message": _("ledger rows dated in closed period %(period)s have changed")
                    % {"period": period.name},
                }
            )
        problems += snapshot_problems(period)
    return problems


def snapshot_problems(period) -> list[dict]:
    """A closed period's stored snapshots against the ledger through its end."""
    problems = []
    stored, fresh = snapshots.stored_stock(period), snapshots.recomputed_stock(period)
    for key in sorted(set(stored) | set(fresh)):
        if stored.get(key) != fresh.get(key):
            problems.append(
                {
                    "check": "closed_stock_snapshot",
                    "period": period.name,
                    "item_id": key[0],
                    "warehouse_id": key[1],
                    "message": _(
                        "%(period)s closing stock of item %(item)s @ warehouse %(warehouse)s "
                        "is %(stored)s in the snapshot but %(fresh)s in the ledger"
                    )
                    % {
                        "period": period.name,
                        "item": key[0],
                        "warehouse": key[1],
                        "stored": stored.get(key),
                        "fresh": fresh.get(key),
                    },
                }
            )
    sql, args = snapshots.accounts_at_end_sql(period, None)
    fresh_acc = {a: (int(d), int(c)) for a, d, c in _rows(sql, args)}
    for snap in AccountSnapshot.objects.filter(period=period):
        if fresh_acc.get(snap.account_id, (0, 0)) != (snap.debit, snap.credit):
            problems.append(
                {
                    "check": "closed_account_snapshot",
                    "period": period.name,
                    "account_id": snap.account_id,
                    "message": _("%(period)s account %(account)s snapshot differs from the journal")
                    % {"period": period.name, "account": snap.account_id},
                }
            )
    sql, args = snapshots.partners_at_end_sql(period, None)
    fresh_p = {(p, k): int(a) for p, k, a in _rows(sql, args)}
    stored_p = {
        (s.partner_id, s.kind): s.amount for s in PartnerSnapshot.objects.filter(period=period)
    }
    if fresh_p != stored_p:
        problems.append(
            {
                "check": "closed_partner_snapshot",
                "period": period.name,
                "message": _("%(period)s partner open-item snapshot differs from the open items")
                % {"period": period.name},
            }
        )
    return problems


def transit_adds_up() -> list[dict]:
    """调拨在途: what each in-transit transfer sent from its source = what its receipts brought
    to the target + what is still in its transit warehouse (quantity and value; reversals and
    cancellations included, as they are rows of the same documents)."""
    sums = (
        "SELECT COALESCE(SUM(qty), 0), COALESCE(SUM(value), 0) FROM inventory_stockmove "
        "WHERE warehouse_id = %s AND document_id IN (SELECT id FROM documents_document WHERE {})"
    )
    own = "id = %s OR reversal_of_id = %s"
    receipts = "source_id = %s OR reversal_of_id IN (SELECT id FROM documents_document WHERE source_id = %s)"
    problems = []
    for wh, number, doc_id, src, dst in _rows(
        "SELECT w.id, d.number, d.id, d.warehouse_id, d.to_warehouse_id FROM inventory_warehouse w "
        "JOIN documents_document d ON d.id = w.transit_for_id ORDER BY d.number"
    ):
        sq, sv = _rows(sums.format(own), [src, doc_id, doc_id])[0]
        rq, rv = _rows(sums.format(receipts), [dst, doc_id, doc_id])[0]
        tq, tv = _rows(
            "SELECT COALESCE(SUM(qty), 0), COALESCE(SUM(value), 0) FROM inventory_stockmove "
            "WHERE warehouse_id = %s",
            [wh],
        )[0]
        sent, arrived = (-int(sq), -int(sv)), (int(rq) + int(tq), int(rv) + int(tv))
        if sent != arrived:
            problems.append(
                {
                    "check": "transit",
                    "message": _(
                        "%(document)s sent %(sent_qty)s (%(sent_value)s) but received plus in "
                        "transit is %(qty)s (%(value)s)"
                    )
                    % {
                        "document": number,
                        "sent_qty": qty_str(sent[0]),
                        "sent_value": fen_str(sent[1]),
                        "qty": qty_str(arrived[0]),
                        "value": fen_str(arrived[1]),
                    },
                    "document": number,
                }
            )
    return problems


CHECKS = [
    stock_cache_equals_ledger,
    reservations_equal_ledger,
    no_negative_stock,
    counts_hold,
    assemblies_hold,
    transit_adds_up,
    vouchers_balance,
    account_cache_equals_journal,
    open_item_cache_equals_entries,
    subledgers_equal_control_accounts,
    approved_documents_have_vouchers,
    verify_chain,
    closed_periods_unchanged,
    restatements_due,  # cost and count re-statements of the open periods
    *TRACKING_CHECKS,  # batches and serial numbers
]


def opening_balanced(period) -> list[dict]:
    """The period holding the go-live date closes only when the opening balances balance: the
    difference of their trial balance (3999 期初余额差额) is zero."""
    go_live = start_date()
    if go_live is None or not period.start <= go_live <= period.end:
        return []
    check = opening_check()
    if check["balanced"]:
        return []
    return [
        {
            "check": "opening_unbalanced",
            "severity": "error",
            "message": describe("opening_unbalanced", check),
            "action": _("Complete the opening balances until the difference is zero."),
            "difference": check["difference"],
        }
    ]


# Checks of one period that only the close-check runs (an unbalanced opening is a state the
# books pass through while they are set up, not an inconsistency reconcile should report):
# each takes the period and returns its problems with a severity.
def monthly_average(period) -> list[dict]:
    """全月一次加权平均: a note that the close will state the period's average for the
    monthly-average items with issues in it (closing/monthly.py appends the adjustments)."""
    n = monthly.keys_to_state(period)
    if not n:
        return []
    return [
        {
            "check": "monthly_average",
            "severity": "warning",
            "message": _(
                "Closing states the monthly weighted average cost of the issues of %(n)s "
                "items × warehouses"
            )
            % {"n": n},
            "action": _("Nothing to do: the close appends the cost adjustments and vouchers."),
        }
    ]


CLOSE_CHECKS = [opening_balanced, monthly_average]


@contextmanager
def consistent_read():
    """Run the checks on one snapshot of the books, so that postings committing meanwhile cannot
    make two sums disagree. Inside a caller's transaction, that transaction is the snapshot."""
    if connection.in_atomic_block:
        yield
        return
    if connection.vendor == "postgresql":
        with transaction.atomic():
            with connection.cursor() as cur:
                cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield
        return
    # SQLite: a deferred (read) transaction sees one WAL snapshot and takes no write lock;
    # Django's atomic() would BEGIN IMMEDIATE and queue behind writers.
    with connection.cursor() as cur:
        cur.execute("BEGIN DEFERRED")
        try:
            yield
        finally:
            cur.execute("COMMIT")


# replays every timeline of the open periods (~16 µs a move): run by `jxc reconcile`, the 数据核对
# page, the API, --fix and backup verification; skipped where reconcile is one step of something
# a user waits for (the close-check, the dashboard card, an import's or restore's own check) —
# a missing re-statement comes only from damage to the books, never from a posting
DEEP_CHECKS = (restatements_due,)


def reconcile(deep: bool = True) -> dict:
    with consistent_read():
        problems = [p for check in CHECKS if deep or check not in DEEP_CHECKS for p in check()]
    return {"ok": not problems, "problems": problems}
