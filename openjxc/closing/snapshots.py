"""Set-based snapshots of balances at a period's end, and the digest of its ledger rows."""

import hashlib

from django.db import connection

from openjxc.ledger.models import Period

# ledger table -> (columns of a row that the digest covers, grouping columns of its snapshot)
LEDGERS = {
    "inventory_stockmove": "id, date, document_id, line_id, item_id, warehouse_id, qty, value, kind, anchor_id",
    "ledger_journalline": "id, date, voucher_id, account_id, debit, credit, partner_id",
    "ledger_openitementry": "id, date, partner_id, kind, document_id, entry, amount",
}


def digest(period) -> tuple[str, int]:
    """SHA-256 over every ledger row dated in the period, in id order; and the row count. A
    row's text is repr(tuple(str(value) …)); for the tables of numbers and dates that text is
    "('v1', 'v2', …)" (NULL: None), which PostgreSQL writes itself: the same bytes."""
    h = hashlib.sha256()
    rows = 0
    with connection.cursor() as cur:
        for table, cols in LEDGERS.items():
            plain = table in NUMERIC
            select = cols
            if plain and connection.vendor == "postgresql":
                parts = ", ".join(f"COALESCE({c}::text, 'None')" for c in cols.split(", "))
                select = "'(''' || concat_ws(''', ''', " + parts + ") || ''')'"
            cur.execute(
                f"SELECT {select} FROM {table} WHERE date >= %s AND date <= %s ORDER BY id",
                [period.start, period.end],
            )
            h.update(table.encode())
            while batch := cur.fetchmany(5000):
                rows += len(batch)
                if select != cols:  # a month has 100,000 rows: fed a batch at a time
                    h.update("".join([r[0] for r in batch]).encode())
                elif plain:
                    h.update(
                        "".join(["('" + "', '".join(map(str, r)) + "')" for r in batch]).encode()
                    )
                else:
                    for r in batch:
                        h.update(repr(tuple(str(x) for x in r)).encode())
    return h.hexdigest(), rows


# tables whose digested columns are all numbers, dates or NULL: str() of each needs no quoting
# in repr()
NUMERIC = {"inventory_stockmove", "ledger_journalline"}


def _union(
    table_cols: str, snapshot_table: str, ledger_table: str, prev, period
) -> tuple[str, list]:
    """SQL summing the previous snapshot and the ledger rows dated in the period."""
    if prev is None:
        return (f"SELECT {table_cols} FROM {ledger_table} WHERE date <= %s", [period.end])
    return (
        f"SELECT {table_cols} FROM {snapshot_table} WHERE period_id = %s UNION ALL "
        f"SELECT {table_cols} FROM {ledger_table} WHERE date >= %s AND date <= %s",
        [prev.id, period.start, period.end],
    )


def stock_at_end_sql(period, prev):
    inner, args = _union(
        "item_id, warehouse_id, qty, value",
        "closing_stocksnapshot",
        "inventory_stockmove",
        prev,
        period,
    )
    return (
        f"SELECT item_id, warehouse_id, SUM(qty), SUM(value) FROM ({inner}) s GROUP BY item_id, warehouse_id "
        f"HAVING SUM(qty) <> 0 OR SUM(value) <> 0",
        args,
    )


def accounts_at_end_sql(period, prev):
    inner, args = _union(
        "account_id, debit, credit", "closing_accountsnapshot", "ledger_journalline", prev, period
    )
    return f"SELECT account_id, SUM(debit), SUM(credit) FROM ({inner}) s GROUP BY account_id", args


def partners_at_end_sql(period, prev):
    inner, args = _union(
        "partner_id, kind, amount", "closing_partnersnapshot", "ledger_openitementry", prev, period
    )
    return (
        f"SELECT partner_id, kind, SUM(amount) FROM ({inner}) s GROUP BY partner_id, kind "
        f"HAVING SUM(amount) <> 0",
        args,
    )


def write_snapshots(period, prev) -> None:
    with connection.cursor() as cur:
        sql, args = stock_at_end_sql(period, prev)
        cur.execute(
            f"INSERT INTO closing_stocksnapshot (period_id, item_id, warehouse_id, qty, value) "
            f"SELECT %s, x.* FROM ({sql}) x",
            [period.id, *args],
        )
        sql, args = accounts_at_end_sql(period, prev)
        cur.execute(
            f"INSERT INTO closing_accountsnapshot (period_id, account_id, debit, credit) "
            f"SELECT %s, x.* FROM ({sql}) x",
            [period.id, *args],
        )
        sql, args = partners_at_end_sql(period, prev)
        cur.execute(
            f"INSERT INTO closing_partnersnapshot (period_id, partner_id, kind, amount) "
            f"SELECT %s, x.* FROM ({sql}) x",
            [period.id, *args],
        )


def stored_stock(period) -> dict:
    with connection.cursor() as cur:
        cur.execute(
            "SELECT item_id, warehouse_id, qty, value FROM closing_stocksnapshot WHERE period_id = %s",
            [period.id],
        )
        return {(r[0], r[1]): (int(r[2]), int(r[3])) for r in cur.fetchall()}


def recomputed_stock(period) -> dict:
    """Stock at period end straight from the ledger (for reconcile)."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT item_id, warehouse_id, SUM(qty), SUM(value) FROM inventory_stockmove WHERE date <= %s "
            "GROUP BY item_id, warehouse_id HAVING SUM(qty) <> 0 OR SUM(value) <> 0",
            [period.end],
        )
        return {(r[0], r[1]): (int(r[2]), int(r[3])) for r in cur.fetchall()}


def latest_snapshot_before(day):
    """The latest closed period ending before `day` (its snapshot is the opening at `day`)."""
    return Period.objects.filter(status=Period.CLOSED, end__lt=day).order_by("-end").first()
