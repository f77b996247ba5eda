"""Account balances through a day, fast: the latest closed period's account snapshot ending by
then plus the journal lines since (index jl_date_account), so a read covers at most the lines
after the last close instead of the whole journal. The snapshot table and the close record
belong to the closing app (which writes them, above this one); they are read here by SQL as
closing reads the ledger's tables, and reconcile proves them equal to the journal."""

import datetime as dt

from django.db import connection


def _rows(sql: str, args: list) -> list:
    with connection.cursor() as cur:
        cur.execute(sql, args)
        return cur.fetchall()


def latest_snapshot(day: dt.date) -> tuple[dt.date | None, dict[int, tuple[int, int]]]:
    """(end, account id -> (debit, credit)) of the latest closed period ending on or before
    `day`; (None, {}) when there is none."""
    snap = _rows(
        'SELECT p.id, p."end" FROM ledger_period p JOIN closing_periodclose c ON c.period_id = p.id '
        'WHERE p.status = %s AND p."end" <= %s ORDER BY p."end" DESC LIMIT 1',
        ["closed", day],
    )
    if not snap:
        return None, {}
    ((period_id, end),) = snap
    rows = _rows(
        "SELECT account_id, debit, credit FROM closing_accountsnapshot WHERE period_id = %s",
        [period_id],
    )
    end = dt.date.fromisoformat(end) if isinstance(end, str) else end
    return end, {a: (int(d), int(c)) for a, d, c in rows}


def add(a: dict[int, tuple[int, int]], b: dict[int, tuple[int, int]]) -> dict:
    out = dict(a)
    for account, (d, c) in b.items():
        od, oc = out.get(account, (0, 0))
        out[account] = (od + d, oc + c)
    return out


def balances_through(day: dt.date) -> dict[int, tuple[int, int]]:
    """account id -> (debit, credit) of every journal line dated on or before `day`."""
    end, base = latest_snapshot(day)
    if end is None:
        return movement(None, day)
    return add(base, movement(end + dt.timedelta(days=1), day)) if end < day else base


def movement(date_from: dt.date | None, date_to: dt.date) -> dict[int, tuple[int, int]]:
    """account id -> (debit, credit) of the lines dated in the range (from the start without
    date_from)."""
    # always both bounds: with `date <= x` alone SQLite scans the whole table by the account
    # index (for its GROUP BY) instead of the range of jl_date_account
    args = [date_from or dt.date.min, date_to]
    return {
        a: (int(d), int(c))
        for a, d, c in _rows(
            "SELECT account_id, SUM(debit), SUM(credit) FROM ledger_journalline "
            "WHERE date >= %s AND date <= %s GROUP BY account_id",
            args,
        )
    }
