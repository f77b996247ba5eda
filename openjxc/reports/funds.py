"""日记账 (cash / bank journal) and 资金报表 (funds report), read from the journal lines of the
money accounts' GL accounts.

Cancelled documents are left out (their posting and cancellation vouchers are dated alike and
net to zero); a red-letter reversal shows as its own negative line. The opening balances (期初,
the registry's `opening` types, dated at go-live) always count as the opening, never as money
in or out, whatever the range. The 日记账 of a parent account (1002) includes its sub-accounts
(every bank); the 资金报表 lists each money account's own GL account, so its rows add up."""

import datetime as dt

from django.db import connection

from openjxc.core.errors import DomainError
from openjxc.core.numbers import fen_str
from openjxc.documents.models import Document
from openjxc.documents.types import TYPES, type_label
from openjxc.inventory.costing import as_date
from openjxc.ledger.chart import MONEY_PARENTS
from openjxc.ledger.models import Account, MoneyAccount
from openjxc.ledger.money_accounts import list_money_accounts

# a journal line counts unless its document is cancelled (lines without a document always do)
_LIVE = "(d.status IS NULL OR d.status <> %s)"


def _opening_types() -> tuple:
    return tuple(c for c, t in TYPES.items() if t.opening)


def _is_opening(marks: str) -> str:
    return f"COALESCE(d.type, '') IN ({marks})"


def journal_account(code: str) -> tuple[Account, str]:
    """The GL account of a 日记账 and its name: a money account's code (ICBC, 1002), or the GL
    code of a cash or bank account (100201); 422 unknown_money_account otherwise."""
    found = MoneyAccount.objects.select_related("account").filter(code=code).first()
    if found is not None:
        return found.account, found.name
    gl = Account.objects.filter(code=code).first() if code else None
    if gl is None or not gl.code.startswith(tuple(MONEY_PARENTS.values())):
        raise DomainError(
            "unknown_money_account",
            f"{code} is not a cash or bank account",
            {"field": "account", "account": code or ""},
        )
    return gl, gl.name


def _with_children(account: Account) -> list[int]:
    """The account and every account below it (the chart is small: read whole)."""
    children: dict = {}
    for pk, parent in Account.objects.values_list("id", "parent_id"):
        children.setdefault(parent, []).append(pk)
    ids, todo = [], [account.id]
    while todo:
        pk = todo.pop()
        ids.append(pk)
        todo += children.get(pk, [])
    return sorted(ids)


def cash_journal(code: str, date_from: dt.date, date_to: dt.date) -> dict:
    """日记账: the opening balance, every posting to the account in the range with the running
    balance, the period's debit and credit and the closing balance."""
    account, name = journal_account(code)
    ids = _with_children(account)
    opening_types = _opening_types()
    accounts = ", ".join(["%s"] * len(ids))
    types = ", ".join(["%s"] * len(opening_types))
    base = (
        "FROM ledger_journalline l JOIN ledger_voucher v ON v.id = l.voucher_id "
        "LEFT JOIN documents_document d ON d.id = v.document_id "
        "LEFT JOIN partners_partner p ON p.id = d.partner_id "
        f"WHERE l.account_id IN ({accounts}) AND {_LIVE} "
    )
    args = [*ids, Document.CANCELLED]
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT COALESCE(SUM(l.debit - l.credit), 0) {base}"
            f"AND (l.date < %s OR ({_is_opening(types)} AND l.date <= %s))",
            [*args, date_from, *opening_types, date_to],
        )
        opening = int(cur.fetchone()[0])
        cur.execute(
            "SELECT l.date, v.number, v.memo, d.number, d.type, d.memo, p.code, p.name, "
            f"l.debit, l.credit {base}"
            f"AND l.date >= %s AND l.date <= %s AND NOT {_is_opening(types)} "
            "ORDER BY l.date, v.id, l.id",
            [*args, date_from, date_to, *opening_types],
        )
        rows = cur.fetchall()
    balance, debit_total, credit_total, items = opening, 0, 0, []
    for day, voucher, v_memo, number, doc_type, d_memo, partner, partner_name, d, c in rows:
        d, c = int(d), int(c)
        balance += d - c
        debit_total, credit_total = debit_total + d, credit_total + c
        items.append(
            {
                "date": str(as_date(day)),
                "voucher": voucher,
                "document": number,
                "type": doc_type,
                "type_name": type_label(doc_type) if doc_type else None,
                "memo": d_memo or ("" if number else v_memo),  # a voucher memo names the document
                "partner": partner,
                "partner_name": partner_name,
                "debit": fen_str(d),
                "credit": fen_str(c),
                "balance": fen_str(balance),
            }
        )
    return {
        "account": code,
        "name": name,
        "gl_account": account.code,
        "from": str(date_from),
        "to": str(date_to),
        "opening": fen_str(opening),
        "items": items,
        "lines": items,  # API.md: "opening, lines with running balance, closing" (as statements)
        "count": len(items),
        "debit": fen_str(debit_total),
        "credit": fen_str(credit_total),
        "closing": fen_str(balance),
    }


def funds(date_from: dt.date, date_to: dt.date) -> dict:
    """资金报表: per money account its opening balance, money in (debit), money out (credit) and
    closing balance over the range, and their totals."""
    accounts = list_money_accounts()
    opening_types = _opening_types()
    types = ", ".join(["%s"] * len(opening_types))
    ids = [m.account_id for m in accounts]
    marks = ", ".join(["%s"] * len(ids))
    before = f"(l.date < %s OR {_is_opening(types)})"
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT l.account_id, "
            f"SUM(CASE WHEN {before} THEN l.debit - l.credit ELSE 0 END), "
            f"SUM(CASE WHEN {before} THEN 0 ELSE l.debit END), "
            f"SUM(CASE WHEN {before} THEN 0 ELSE l.credit END) "
            "FROM ledger_journalline l JOIN ledger_voucher v ON v.id = l.voucher_id "
            "LEFT JOIN documents_document d ON d.id = v.document_id "
            f"WHERE l.account_id IN ({marks}) AND l.date <= %s AND {_LIVE} GROUP BY l.account_id",
            [date_from, *opening_types] * 3 + [*ids, date_to, Document.CANCELLED],
        )
        sums = {pk: tuple(int(x) for x in rest) for pk, *rest in cur.fetchall()}
    items, totals = [], [0, 0, 0, 0]
    for m in accounts:
        opening, money_in, money_out = sums.get(m.account_id, (0, 0, 0))
        figures = (opening, money_in, money_out, opening + money_in - money_out)
        totals = [t + f for t, f in zip(totals, figures, strict=True)]
        items.append(
            {
                "account": m.code,
                "name": m.name,
                "kind": m.kind,
                "gl_account": m.account.code,
                "active": m.active,
                **dict(
                    zip(("opening", "in", "out", "closing"), map(fen_str, figures), strict=True)
                ),
            }
        )
    return {
        "from": str(date_from),
        "to": str(date_to),
        "items": items,
        "count": len(items),
        "totals": dict(zip(("opening", "in", "out", "closing"), map(fen_str, totals), strict=True)),
    }
