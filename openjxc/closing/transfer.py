"""结转损益 at close: the vouchers of no document that a close appends and a reopen cancels.

Closing a period brings every profit-and-loss account (sub-accounts included) to zero against
3103 本年利润, dated the period's last day; closing the year's last period also moves 3103's
balance to 310401 利润分配—未分配利润. The ledger is append-only, so reopening appends the red
copies of these vouchers (kind closing_cancellation, dated like them): the balances are exactly
those before the close, and the 利润表 leaves all three kinds out."""

import datetime as dt

from django.db import connection

from openjxc.ledger import chart as A
from openjxc.ledger.models import Account, Voucher
from openjxc.ledger.rows import VoucherLine
from openjxc.ledger.services import account_ids, post_voucher

from . import snapshots

TRANSFER_MEMO = "结转损益"
YEAR_END_MEMO = "结转本年利润"
CANCEL_MEMO = "反结账 撤销"


def is_year_end(period) -> bool:
    """The period holding 31 December of its year: the monthly December, or the week of a
    weekly cycle (or the day of a daily one) that reaches the year's end."""
    return period.start <= dt.date(period.start.year, 12, 31) <= period.end


def _balances_at_end(period, prev, wanted) -> list[tuple[str, int]]:
    """(account code, debit − credit) at the period's end of the accounts `wanted(account)`
    selects, in code order."""
    accounts = {a.id: a for a in Account.objects.all()}
    sql, args = snapshots.accounts_at_end_sql(period, prev)
    with connection.cursor() as cur:
        cur.execute(sql, args)
        nets = [(accounts[a], int(d) - int(c)) for a, d, c in cur.fetchall()]
    return sorted((a.code, net) for a, net in nets if net and wanted(a))


def _against(target: str, balances: list[tuple[str, int]]) -> list[VoucherLine]:
    """Lines that bring each balance to zero against `target`, as the two classic entries:
    借 income accounts / 贷 target, then 借 target / 贷 expense accounts."""
    income = [(code, -net) for code, net in balances if net < 0]
    expense = [(code, net) for code, net in balances if net > 0]
    lines = [VoucherLine(code, debit=amount) for code, amount in income]
    if income:
        lines.append(VoucherLine(target, credit=sum(a for _c, a in income)))
    if expense:
        lines.append(VoucherLine(target, debit=sum(a for _c, a in expense)))
    return lines + [VoucherLine(code, credit=amount) for code, amount in expense]


def transfer(period, prev) -> list[int]:
    """Append the 结转损益 voucher (and at year end the 3103 → 310401 one); their ids."""
    ids = account_ids()  # fresh: sub-accounts may have been added since the cache was read
    made = []
    pl = _balances_at_end(period, prev, lambda a: a.category == "profit_loss")
    if pl:
        made.append(
            post_voucher(
                period.end,
                None,
                Voucher.CLOSING_TRANSFER,
                _against(A.PROFIT_THIS_YEAR, pl),
                TRANSFER_MEMO,
                ids,
            )
        )
    if is_year_end(period):
        profit = _balances_at_end(period, prev, lambda a: a.code.startswith(A.PROFIT_THIS_YEAR))
        if profit:
            made.append(
                post_voucher(
                    period.end,
                    None,
                    Voucher.YEAR_END_TRANSFER,
                    _against(A.UNDISTRIBUTED_PROFIT, profit),
                    YEAR_END_MEMO,
                    ids,
                )
            )
    return made


def live_transfers(period) -> list[int]:
    """The closing vouchers of the period's current close: those after its last cancellation."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT id FROM ledger_voucher WHERE date >= %s AND date <= %s AND kind IN (%s, %s) "
            "AND id > (SELECT COALESCE(MAX(id), 0) FROM ledger_voucher WHERE date >= %s "
            "AND date <= %s AND kind = %s) ORDER BY id",
            [
                period.start,
                period.end,
                Voucher.CLOSING_TRANSFER,
                Voucher.YEAR_END_TRANSFER,
                period.start,
                period.end,
                Voucher.CLOSING_CANCELLATION,
            ],
        )
        return [vid for (vid,) in cur.fetchall()]


def cancel(period) -> int:
    """Append the red copy of each live closing voucher, dated like it; how many."""
    vouchers = live_transfers(period)
    if not vouchers:
        return 0
    with connection.cursor() as cur:
        cur.execute(
            "SELECT v.id, v.date, v.memo, a.code, l.debit, l.credit FROM ledger_voucher v "
            "JOIN ledger_journalline l ON l.voucher_id = v.id JOIN ledger_account a "
            f"ON a.id = l.account_id WHERE v.id IN ({', '.join(['%s'] * len(vouchers))}) "
            "ORDER BY v.id, l.id",
            vouchers,
        )
        rows = cur.fetchall()
    by_voucher: dict[int, tuple] = {}
    for vid, day, memo, code, d, c in rows:
        by_voucher.setdefault(vid, (day, memo, []))[2].append(VoucherLine(code, -int(d), -int(c)))
    ids = account_ids()  # fresh: sub-accounts may have been added since the cache was read
    for day, memo, lines in by_voucher.values():
        day = dt.date.fromisoformat(day) if isinstance(day, str) else day
        post_voucher(day, None, Voucher.CLOSING_CANCELLATION, lines, f"{CANCEL_MEMO} {memo}", ids)
    return len(by_voucher)
