"""statements: 利润表, 资产负债表 and 科目余额表 over a year of journal lines (issue 12).

A year (START's, 365 days) of vouchers of 2–4 lines written in bulk over the chart: sales (借 1002
/ 贷 5001, 贷 22210102, with their cost 借 5401 / 贷 1403), purchases of 原材料 (借 1403, 借
22210101 / 贷 1002), expenses (借 5601 / 5602 / 5603 / 5711 / 贷 1001), other income (借 1001 / 贷
5051 / 5301) and loans (借 1002 / 贷 2001) — no subledger-owned account (1122, 2202, 1405), so
reconcile accepts the books and closing.close runs as in production (backup stubbed). The
reports are timed on every month open (no snapshot: the worst case), then after closing January
to November (each close with its 结转损益 timed) on the closed November and the open December,
then December's close with the year-end transfer."""

import datetime as dt
import random
import statistics
import time

from .books import Books, scalar
from .close import timed_backups
from .config import START, log

# (weight, lines): each line (account, side, share of the voucher's amount); the amounts of a
# side add up to the voucher's amount
PATTERNS = [
    (5, [("1002", "d", 1.13), ("5001", "c", 1.0), ("22210102", "c", 0.13)]),
    (5, [("5401", "d", 0.7), ("1403", "c", 0.7)]),
    (3, [("1403", "d", 1.0), ("22210101", "d", 0.13), ("1002", "c", 1.13)]),
    (1, [("5601", "d", 0.6), ("5602", "d", 0.3), ("5603", "d", 0.1), ("1001", "c", 1.0)]),
    (1, [("1001", "d", 1.0), ("5051", "c", 0.8), ("5301", "c", 0.2)]),
    (1, [("5711", "d", 0.2), ("1001", "c", 0.2)]),
    (1, [("1002", "d", 1.0), ("2001", "c", 1.0)]),
]


def generate_year(n_lines: int, seed: int = 12) -> dict:
    """Vouchers over the 365 days from START until about n_lines journal lines are written;
    then the account balance cache from the journal."""
    from django.db import connection, transaction
    from django.utils import timezone

    from openjxc.core.db import insert_rows
    from openjxc.ledger.models import JournalLine, Voucher

    from .data import reset_sequences

    rng = random.Random(seed)
    ids = dict(scalar_rows_codes())
    weights = [w for w, _l in PATTERNS]
    lines_per_day = max(n_lines // 365, 2)
    vid = scalar("SELECT COALESCE(MAX(id), 0) FROM ledger_voucher")
    now = timezone.now()
    written = 0
    with transaction.atomic(), connection.cursor() as cur:
        for day_no in range(365):
            day = START + dt.timedelta(days=day_no)
            vouchers, lines = [], []
            while len(lines) < lines_per_day:
                ((_w, pattern),) = rng.choices(PATTERNS, weights)
                vid += 1
                amount = rng.randint(1_000, 2_000_000)
                vouchers.append((vid, day, None, "posting", "bench", now))
                for code, side, share in pattern:
                    fen = round(amount * share)
                    lines.append(
                        (vid, day, ids[code], fen if side == "d" else 0, 0 if side == "d" else fen)
                    )
                _balance(lines, len(pattern))
            insert_rows(
                cur,
                "ledger_voucher",
                ("id", "date", "document_id", "kind", "memo", "created_at"),
                vouchers,
            )
            insert_rows(
                cur,
                "ledger_journalline",
                ("voucher_id", "date", "account_id", "debit", "credit"),
                lines,
            )
            written += len(lines)
        cur.execute(
            "UPDATE ledger_accountbalance SET "
            "debit = (SELECT COALESCE(SUM(l.debit), 0) FROM ledger_journalline l "
            "WHERE l.account_id = ledger_accountbalance.account_id), "
            "credit = (SELECT COALESCE(SUM(l.credit), 0) FROM ledger_journalline l "
            "WHERE l.account_id = ledger_accountbalance.account_id)"
        )
    reset_sequences([Voucher, JournalLine])
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    return {"journal_lines": written, "vouchers": scalar("SELECT COUNT(*) FROM ledger_voucher")}


def _balance(lines: list, n: int) -> None:
    """Make the last n lines balance: the rounding difference goes to the last line's side."""
    tail = lines[-n:]
    diff = sum(x[3] for x in tail) - sum(x[4] for x in tail)
    vid, day, acc, d, c = tail[-1]
    lines[-1] = (vid, day, acc, d - diff, c) if d else (vid, day, acc, d, c + diff)


def scalar_rows_codes():
    from .books import scalar_rows

    return scalar_rows("SELECT code, id FROM ledger_account")


def _time(runs: int, call) -> tuple[float, list]:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        call()
        times.append(time.perf_counter() - t0)
    return round(statistics.median(times), 4), [round(t, 4) for t in times]


def _reports(args, res: dict, label: str, period: str) -> None:
    from openjxc.ledger.selectors import trial_balance
    from openjxc.reports.statements import balance_sheet, income_statement

    for key, call in (
        ("income_statement", income_statement),
        ("balance_sheet", balance_sheet),
        ("trial_balance", trial_balance),
    ):
        median, runs = _time(args.runs, lambda call=call: call(period))
        res[f"{key}_{label}_s"] = median
        res[f"{key}_{label}_s_runs"] = runs
    res[f"balanced_{label}"] = balance_sheet(period)["balanced"]
    log(
        f"statements {label} {period}: 利润表 {res[f'income_statement_{label}_s']}s, 资产负债表 "
        f"{res[f'balance_sheet_{label}_s']}s, 科目余额表 {res[f'trial_balance_{label}_s']}s"
    )


def bench_statements(args, books: Books, size: dict, out: dict) -> None:
    from openjxc.closing import services as closing
    from openjxc.ledger.periods import bounds_of
    from openjxc.reports.statements import income_statement

    t0 = time.perf_counter()
    gen = generate_year(size["statement_lines"])
    res = {**gen, "generate_s": round(time.perf_counter() - t0, 1), "targets": {"report_s": 1.0}}
    log(f"{books.backend} statements: {gen['journal_lines']} lines in {res['generate_s']}s")
    months = []
    day = START
    while day.year == START.year:
        name, _first, last = bounds_of(day)
        months.append(name)
        day = last + dt.timedelta(days=1)
    _reports(args, res, "all_open", months[-1])
    closes, backups = [], []
    with timed_backups(backups, skip=True):
        for name in months[:-1]:
            t1 = time.perf_counter()
            closing.close(books.user, name)
            closes.append(time.perf_counter() - t1)
        res["close_11_months_s"] = [round(t, 2) for t in closes]
        _reports(args, res, "closed", months[-2])
        _reports(args, res, "open", months[-1])
        t1 = time.perf_counter()
        closed = closing.close(books.user, months[-1])
        res["close_december_s"] = round(time.perf_counter() - t1, 2)
    res["december_closing_vouchers"] = closed["closing_vouchers"]
    res["year_net_profit"] = income_statement(months[-1])["net_profit"]["year_to_date"]
    res["undistributed_profit"] = scalar(
        "SELECT SUM(l.credit) - SUM(l.debit) FROM ledger_journalline l JOIN ledger_account a "
        "ON a.id = l.account_id WHERE a.code = '310401'"
    )
    # the target is for books closed month by month: the closed month and the open one
    res["met"] = all(
        res[f"{report}_{label}_s"] <= 1.0
        for report in ("income_statement", "balance_sheet", "trial_balance")
        for label in ("closed", "open")
    )
    out["statements"] = res
