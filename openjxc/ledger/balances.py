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


def balances_through(day: dt.date) -> dict[int, tuple[int, int]]:
    """account id -> (debit, credit) of every journal line dated on or before `day`."""
    snap = _rows(
        'SELECT p.id, p."end" FROM ledger_period p JOIN closing_periodclose c ON c.period_id = p.id '
        'WHERE p.status = %s AND p."end" <= %s ORDER BY p."end" DESC LIMIT 1',
        ["closed", day],
    )
    lines = "SELECT account_id, SUM(debit), SUM(credit) FROM ledger_journalline WHERE "
    if snap:
        ((period_id, end),) = snap
        parts = [
            (
                "SELECT account_id, debit, credit FROM closing_accountsnapshot WHERE period_id = %s",
                [period_id],
            ),
            (lines + "date > %s AND date <= %s GROUP BY account_id", [end, day]),
        ]
    else:
        parts = [(lines + "date <= %s GROUP BY account_id", [day])]
    out: dict[int, tuple[int, int]] = {}
    for sql, args in parts:
        for account, d, c in _rows(sql, args):
            od, oc = out.get(account, (0, 0))
            out[account] = (od + int(d), oc + int(c))
    return out


def movement(date_from: dt.date, date_to: dt.date) -> dict[int, tuple[int, int]]:
    """account id -> (debit, credit) of the lines dated in the range."""
    return {
        a: (int(d), int(c))
        for a, d, c in _rows(
            "SELECT account_id, SUM(debit), SUM(credit) FROM ledger_journalline "
            "WHERE date >= %s AND date <= %s GROUP BY account_id",
            [date_from, date_to],
        )
    }
