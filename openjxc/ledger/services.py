"""Writing to the general ledger and the open items, set-based (one statement per table)."""

import datetime as dt
from collections.abc import Iterable

from django.db import connection

from openjxc.core.db import add_to_columns, insert_rows, insert_tuples
from openjxc.core.errors import DomainError

from .chart import CHART, SEEDED_MONEY_ACCOUNTS
from .expense_types import seed_expense_types
from .models import Account, AccountBalance, MoneyAccount, Period
from .periods import bounds_of
from .rows import OpenItemLine, VoucherLine


def seed_chart() -> None:
    by_code = {}
    for code, name, category, direction, parent in CHART:
        acc, _ = Account.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "category": category,
                "direction": direction,
                "parent": by_code.get(parent),
            },
        )
        by_code[code] = acc
        AccountBalance.objects.get_or_create(account=acc)
    for code, name, kind in SEEDED_MONEY_ACCOUNTS:  # 结算账户 现金, 银行存款, 其他货币资金
        MoneyAccount.objects.get_or_create(
            code=code, defaults={"name": name, "kind": kind, "account": by_code[code]}
        )
    seed_expense_types()
    _ACCOUNTS.clear()


class _Ids(dict):
    """Account ids by code; a code added since they were read (a money account's sub-account,
    made in this or another process) reloads them."""

    def __missing__(self, code):
        self.update(account_ids())
        if code not in self:
            raise KeyError(code)
        return self[code]


class _AccountCache:
    """Account ids by code, per database: accounts are only ever added (sub-accounts), so the
    posting path need not read them again. A cache miss (a new database, a code added by
    another process) reloads; ledger/accounts.py clears it when it adds one."""

    def __init__(self):
        self.by_db: dict = {}

    def get(self) -> dict[str, int]:
        key = (connection.alias, connection.settings_dict["NAME"])
        ids = self.by_db.get(key)
        if ids is None or not ids:
            ids = self.by_db[key] = _Ids(account_ids())
        return ids

    def clear(self) -> None:
        self.by_db.clear()


_ACCOUNTS = _AccountCache()
cached_account_ids = _ACCOUNTS.get
forget_account_ids = _ACCOUNTS.clear


def account_ids() -> dict[str, int]:
    with connection.cursor() as cur:
        cur.execute("SELECT code, id FROM ledger_account")
        return dict(cur.fetchall())


def post_voucher(
    day: dt.date, document_id, kind: str, lines: Iterable[VoucherLine], memo: str = "", ids=None
) -> int | None:
    """Append one voucher of typed lines. Zero lines are dropped; a voucher that does not
    balance is refused (a programming error: recipes always balance)."""
    lines = [ln for ln in lines if ln.debit or ln.credit]
    if not lines:
        return None
    if sum(ln.debit for ln in lines) != sum(ln.credit for ln in lines):
        raise ValueError(f"unbalanced voucher for document {document_id}: {lines}")
    if ids is None:
        ids = _ACCOUNTS.get()
    if any(ln.account not in ids for ln in lines):  # a sub-account added by another process
        _ACCOUNTS.clear()
        ids = _ACCOUNTS.get()
    with connection.cursor() as cur:
        cur.execute(
            "INSERT INTO ledger_voucher (date, document_id, kind, memo, created_at) "
            "VALUES (%s, %s, %s, %s, CURRENT_TIMESTAMP) RETURNING id",
            [day, document_id, kind, memo],
        )
        voucher_id = cur.fetchone()[0]
        insert_rows(
            cur,
            "ledger_journalline",
            ("voucher_id", "date", "account_id", "debit", "credit", "partner_id"),
            [
                (voucher_id, day, ids[ln.account], ln.debit, ln.credit, ln.partner_id)
                for ln in lines
            ],
        )
        totals: dict[int, list[int]] = {}
        for ln in lines:
            t = totals.setdefault(ids[ln.account], [0, 0])
            t[0] += ln.debit
            t[1] += ln.credit
        add_to_columns(
            cur,
            "ledger_accountbalance",
            ("account_id",),
            ("debit", "credit"),
            [(a, d, c) for a, (d, c) in sorted(totals.items())],
            ("bigint", "bigint", "bigint"),
        )
    return voucher_id


def post_dated_vouchers(batch: list, document_id, kind: str, memo: str = "", ids=None) -> None:
    """Append one voucher per date ([(date, [VoucherLine])], dates distinct), as post_voucher
    does for each, in three statements on PostgreSQL (a re-statement may book 300 dates: a
    round trip per voucher, line set and balance each was most of its time)."""
    batch = [(as_date(day), [ln for ln in lines if ln.debit or ln.credit]) for day, lines in batch]
    batch = [(day, lines) for day, lines in batch if lines]
    if connection.vendor != "postgresql" or len(batch) < 2:
        for day, lines in batch:
            post_voucher(day, document_id, kind, lines, memo, ids)
        return
    days = [day for day, _lines in batch]
    if len(set(days)) != len(days):
        raise ValueError("post_dated_vouchers needs one voucher per date")
    for _day, lines in batch:
        if sum(ln.debit for ln in lines) != sum(ln.credit for ln in lines):
            raise ValueError(f"unbalanced voucher for document {document_id}: {lines}")
    if ids is None:
        ids = _ACCOUNTS.get()
    if any(ln.account not in ids for _day, lines in batch for ln in lines):
        _ACCOUNTS.clear()
        ids = _ACCOUNTS.get()
    with connection.cursor() as cur:
        cur.execute(
            "INSERT INTO ledger_voucher (date, document_id, kind, memo, created_at) "
            "SELECT d, %s, %s, %s, CURRENT_TIMESTAMP FROM unnest(%s::date[]) AS d ORDER BY d "
            "RETURNING id, date",
            [document_id, kind, memo, days],
        )
        voucher_of = {as_date(day): vid for vid, day in cur.fetchall()}  # text on SQLite
        rows, totals = [], {}
        for day, lines in batch:
            for ln in lines:
                account = ids[ln.account]
                rows.append((voucher_of[day], day, account, ln.debit, ln.credit, ln.partner_id))
                t = totals.setdefault(account, [0, 0])
                t[0] += ln.debit
                t[1] += ln.credit
        insert_tuples(
            cur,
            "ledger_journalline",
            ("voucher_id", "date", "account_id", "debit", "credit", "partner_id"),
            rows,
        )
        add_to_columns(
            cur,
            "ledger_accountbalance",
            ("account_id",),
            ("debit", "credit"),
            [(a, d, c) for a, (d, c) in sorted(totals.items())],
            ("bigint", "bigint", "bigint"),
        )


def as_date(day) -> dt.date:
    return dt.date.fromisoformat(day) if isinstance(day, str) else day


def negate_vouchers(
    document_id: int, kind: str, memo: str, kinds=("posting",), day=None, target_id=None
) -> None:
    """Append red-letter copies (negated amounts) of a document's vouchers: dated like them for a
    cancel, or dated `day` under the reversing document `target_id` for a red-letter reversal."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT v.id, v.date, a.code, l.debit, l.credit, l.partner_id "
            "FROM ledger_voucher v JOIN ledger_journalline l ON l.voucher_id = v.id "
            "JOIN ledger_account a ON a.id = l.account_id "
            f"WHERE v.document_id = %s AND v.kind IN ({','.join(['%s'] * len(kinds))}) ORDER BY v.id, l.id",
            [document_id, *kinds],
        )
        rows = cur.fetchall()
    by_voucher: dict[int, tuple] = {}
    for vid, voucher_day, code, d, c, p in rows:
        by_voucher.setdefault(vid, (voucher_day, []))[1].append(
            VoucherLine(code, -int(d), -int(c), p)
        )
    ids = cached_account_ids()
    for original_day, lines in by_voucher.values():
        post_voucher(day or original_day, target_id or document_id, kind, lines, memo, ids)


def add_open_items(entries: Iterable[OpenItemLine]) -> None:
    """Append the entries and add them to the OpenItem cache; a document's first entry (its
    'raise') creates its cache row with the document's date (an opening balance's: the date of
    the invoice it stands for, `origin_date`) and due date. Zero entries are dropped."""
    rows = [
        (e.date, e.partner_id, e.kind, e.document_id, e.cause_id, e.entry, e.amount)
        for e in entries
        if e.amount
    ]
    if not rows:
        return
    deltas: dict[int, list] = {}
    for _day, partner, kind, doc, _, _, amount in rows:
        deltas.setdefault(doc, [doc, partner, kind, 0])[3] += amount
    columns = ("date", "partner_id", "kind", "document_id", "cause_id", "entry", "amount")
    of_doc = "(SELECT {} FROM documents_document WHERE id = %s)"
    dates = f"{of_doc.format('COALESCE(origin_date, date)')}, {of_doc.format('due_date')}"
    upsert = (
        "INSERT INTO ledger_openitem (document_id, partner_id, kind, open_amount, date, due_date) "
        f"VALUES {', '.join([f'(%s, %s, %s, %s, {dates})'] * len(deltas))} "
        "ON CONFLICT (document_id) "
        "DO UPDATE SET open_amount = ledger_openitem.open_amount + excluded.open_amount"
    )
    upsert_args = [x for row in sorted(deltas.values()) for x in (*row, row[0], row[0])]
    with connection.cursor() as cur:
        if (
            connection.vendor == "postgresql" and len(rows) <= 100
        ):  # one round trip on the posting path
            values = ", ".join(["(" + ", ".join(["%s"] * len(columns)) + ")"] * len(rows))
            cur.execute(
                f"WITH e AS (INSERT INTO ledger_openitementry ({', '.join(columns)}) VALUES {values}) "
                + upsert,
                [x for row in rows for x in row] + upsert_args,
            )
            return
        insert_rows(cur, "ledger_openitementry", columns, rows)
        cur.execute(upsert, upsert_args)


REBUILD_OPEN_ITEMS = (
    "INSERT INTO ledger_openitem (document_id, partner_id, kind, date, due_date, open_amount) "
    "SELECT e.document_id, MIN(e.partner_id), MIN(e.kind), COALESCE(d.origin_date, d.date), "
    "d.due_date, SUM(e.amount) FROM ledger_openitementry e JOIN documents_document d "
    "ON d.id = e.document_id GROUP BY e.document_id, d.origin_date, d.date, d.due_date"
)


def open_amount(document_id: int) -> int:
    """What is still open on one document (signed: + is owed to us / by us per its kind)."""
    with connection.cursor() as cur:
        cur.execute("SELECT open_amount FROM ledger_openitem WHERE document_id = %s", [document_id])
        row = cur.fetchone()
    return int(row[0]) if row else 0


def reverse_open_items(document_id: int, day: dt.date, cause_id: int) -> None:
    with connection.cursor() as cur:
        cur.execute(
            "SELECT partner_id, kind, SUM(amount) FROM ledger_openitementry WHERE document_id = %s "
            "GROUP BY partner_id, kind",
            [document_id],
        )
        rows = cur.fetchall()
    add_open_items(
        OpenItemLine(day, p, k, document_id, -int(total), entry="cancel", cause_id=cause_id)
        for p, k, total in rows
    )


# --- periods -----------------------------------------------------------------------------


def _guard_dates() -> tuple[dt.date | None, dt.date | None]:
    """Go-live date and the last closed day, in one round trip (read on every posting)."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT (SELECT value FROM core_setting WHERE key = 'start_date'), "
            '(SELECT MAX("end") FROM ledger_period WHERE status = %s)',
            [Period.CLOSED],
        )
        start, closed = cur.fetchone()
    return (
        dt.date.fromisoformat(start) if start else None,
        dt.date.fromisoformat(closed) if isinstance(closed, str) else closed,
    )


def closed_through() -> dt.date | None:
    """The last day of the latest closed period (periods close in order)."""
    with connection.cursor() as cur:
        cur.execute('SELECT MAX("end") FROM ledger_period WHERE status = %s', [Period.CLOSED])
        value = cur.fetchone()[0]
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    return value


def ensure_open(*days: dt.date) -> None:
    """Refuse any write dated before the go-live date or inside a closed period."""
    go_live, last_closed = _guard_dates()
    if go_live and min(days) < go_live:
        raise DomainError(
            "period_closed",
            f"{min(days)} is before the go-live date {go_live}",
            {"date": str(min(days)), "start_date": str(go_live)},
        )
    if last_closed and min(days) <= last_closed:
        raise DomainError(
            "period_closed",
            f"period {bounds_of(min(days))[0]} is closed",
            {"date": str(min(days)), "period": bounds_of(min(days))[0]},
        )
