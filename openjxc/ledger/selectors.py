"""Ledger reads: journal, trial balance, partner balances and open items."""

import datetime as dt

from django.db import connection
from django.db.models import Q

from openjxc.core.numbers import fen_str
from openjxc.documents.types import codes
from openjxc.inventory.costing import as_date

from .balances import balances_through
from .chart import OPENING_DIFF
from .models import Account, Allocation
from .money_accounts import list_money_accounts
from .periods import get_period


def journal(date_from=None, date_to=None, document_id=None) -> list[dict]:
    """Vouchers with their lines; debit and credit are integer fen (formatted by the API schema
    and voucher_text)."""
    conds, args = [], []
    if date_from:
        conds.append("v.date >= %s")
        args.append(date_from)
    if date_to:
        conds.append("v.date <= %s")
        args.append(date_to)
    if document_id:
        conds.append("v.document_id = %s")
        args.append(document_id)
    where = ("WHERE " + " AND ".join(conds)) if conds else ""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT v.id, v.date, v.kind, v.memo, v.number, d.number, a.code, a.name, l.debit, l.credit, p.code "
            "FROM ledger_voucher v JOIN ledger_journalline l ON l.voucher_id = v.id "
            "JOIN ledger_account a ON a.id = l.account_id "
            "LEFT JOIN documents_document d ON d.id = v.document_id "
            "LEFT JOIN partners_partner p ON p.id = l.partner_id "
            f"{where} ORDER BY v.date, v.id, l.id",
            args,
        )
        rows = cur.fetchall()
    vouchers: dict[int, dict] = {}
    for vid, day, kind, memo, number, doc, code, name, debit, credit, partner in rows:
        v = vouchers.setdefault(
            vid,
            {
                "id": vid,
                "date": str(as_date(day)),
                "number": number,
                "kind": kind,
                "memo": memo,
                "document": doc,
                "lines": [],
            },
        )
        v["lines"].append(
            {
                "account": code,
                "account_name": name,
                "debit": int(debit),
                "credit": int(credit),
                "partner": partner,
            }
        )
    return list(vouchers.values())


def voucher_text(voucher: dict) -> str:
    """借 1405 库存商品 50.00 / 贷 2202 应付账款 56.50 — a voucher of journal() as people read
    it (tests compare vouchers this way)."""
    parts = []
    for ln in voucher["lines"]:
        if ln["debit"]:
            parts.append(f"借 {ln['account']} {ln['account_name']} {fen_str(ln['debit'])}")
        if ln["credit"]:
            parts.append(f"贷 {ln['account']} {ln['account_name']} {fen_str(ln['credit'])}")
    return " / ".join(parts)


def _sums(cond: str, args: list) -> dict:
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT account_id, SUM(debit), SUM(credit) FROM ledger_journalline WHERE {cond} GROUP BY account_id",
            args,
        )
        return {r[0]: (int(r[1]), int(r[2])) for r in cur.fetchall()}


def trial_balance(period: str | None = None, date_from=None, date_to=None) -> dict:
    """Opening, period debit/credit and closing per account; parents roll up their children."""
    if period:
        p = get_period(period)
        date_from, date_to = p.start, p.end
    # the latest closed period's snapshot plus the lines since: not the whole journal
    opening = balances_through(date_from - dt.timedelta(days=1)) if date_from else {}
    cond, args = [], []
    if date_from:
        cond.append("date >= %s")
        args.append(date_from)
    if date_to:
        cond.append("date <= %s")
        args.append(date_to)
    movement = _sums(" AND ".join(cond) or "1=1", args)
    accounts = list(Account.objects.order_by("code"))
    children: dict = {}
    for a in accounts:
        if a.parent_id:
            children.setdefault(a.parent_id, []).append(a.id)

    def total(src, acc_id):
        d, c = src.get(acc_id, (0, 0))
        for child in children.get(acc_id, []):
            cd, cc = total(src, child)
            d, c = d + cd, c + cc
        return d, c

    rows = []
    totals = [0] * 6
    for a in accounts:
        od, oc = total(opening, a.id)
        md, mc = total(movement, a.id)
        ob, cb = od - oc, od - oc + md - mc
        if a.code == OPENING_DIFF and not ob and not cb:
            continue  # the technical opening difference: shown only while it holds a balance
        row = {
            "account": a.code,
            "name": a.name,
            "parent": None,
            "opening_debit": fen_str(max(ob, 0)),
            "opening_credit": fen_str(max(-ob, 0)),
            "debit": fen_str(md),
            "credit": fen_str(mc),
            "closing_debit": fen_str(max(cb, 0)),
            "closing_credit": fen_str(max(-cb, 0)),
        }
        if a.parent_id:
            row["parent"] = next(x.code for x in accounts if x.id == a.parent_id)
        else:
            for n, v in enumerate((max(ob, 0), max(-ob, 0), md, mc, max(cb, 0), max(-cb, 0))):
                totals[n] += v
        rows.append(row)
    keys = ("opening_debit", "opening_credit", "debit", "credit", "closing_debit", "closing_credit")
    return {
        "period": period,
        "from": str(date_from) if date_from else None,
        "to": str(date_to) if date_to else None,
        "items": rows,
        "count": len(rows),
        "totals": {k: fen_str(v) for k, v in zip(keys, totals, strict=True)},
        "balanced": totals[0] == totals[1] and totals[2] == totals[3] and totals[4] == totals[5],
    }


def partner_balance(partner_ids: list[int]) -> dict:
    """Net receivable and payable (every open item), and the advances within them: money
    received / paid and not yet allocated (the money documents' own open amounts, positive)."""
    marks = ",".join(["%s"] * len(partner_ids))
    money = codes(kind="money")
    with connection.cursor() as cur:
        cur.execute(
            "SELECT o.kind, CASE WHEN d.type IN ({}) THEN 1 ELSE 0 END AS is_money, "
            "COALESCE(SUM(o.open_amount), 0) FROM ledger_openitem o "
            "JOIN documents_document d ON d.id = o.document_id "
            f"WHERE o.partner_id IN ({marks}) AND o.open_amount <> 0 GROUP BY o.kind, is_money".format(
                ",".join(["%s"] * len(money))
            ),
            [*money, *partner_ids],
        )
        sums = {(k, int(m)): int(v) for k, m, v in cur.fetchall()}

    def net(kind):
        return sums.get((kind, 0), 0) + sums.get((kind, 1), 0)

    return {
        "receivable": fen_str(net("receivable")),
        "payable": fen_str(net("payable")),
        "advance_received": fen_str(-sums.get(("receivable", 1), 0)),
        "advance_paid": fen_str(-sums.get(("payable", 1), 0)),
    }


def open_items(partner_ids: list[int], include_settled: bool = False) -> list[dict]:
    marks = ",".join(["%s"] * len(partner_ids))
    with connection.cursor() as cur:
        cur.execute(
            "SELECT d.number, COALESCE(d.origin_date, d.date) AS item_day, d.type, e.kind, "
            "SUM(CASE WHEN e.entry = 'raise' THEN e.amount ELSE 0 END), SUM(e.amount), d.due_date "
            "FROM ledger_openitementry e JOIN documents_document d ON d.id = e.document_id "
            f"WHERE e.partner_id IN ({marks}) "
            "GROUP BY d.number, d.origin_date, d.date, d.type, e.kind, d.due_date "
            "ORDER BY item_day, d.number",
            partner_ids,
        )
        rows = cur.fetchall()
    return [
        {
            "document": n,
            "date": str(as_date(day)),
            "due_date": str(as_date(due)) if due else None,
            "type": t,
            "kind": k,
            "amount": fen_str(int(a)),
            "open_amount": fen_str(int(o)),
        }
        for n, day, t, k, a, o, due in rows
        if include_settled or int(o) != 0
    ]


def money_accounts() -> list:
    """The money accounts (结算账户) a money document may choose: the active ones, in the order
    of their GL accounts (1001, 1002 and the banks below it, 1012 …)."""
    return list_money_accounts(active=True)


def document_allocations(doc_id: int) -> list[dict]:
    """Every allocation (核销) made from or to this document, undone ones included, oldest first:
    the other document, the amount and the date."""
    rows = (
        Allocation.objects.filter(Q(source_id=doc_id) | Q(target_id=doc_id))
        .select_related("source", "target")
        .order_by("date", "id")
    )
    return [
        {
            "number": a.target.number if a.source_id == doc_id else a.source.number,
            "amount": fen_str(a.amount),
            "date": a.date.isoformat(),
        }
        for a in rows
    ]
