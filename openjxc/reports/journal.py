"""凭证列表: vouchers with their lines as an accountant reads them — the number (记-0001 once the
period is closed, a provisional one in date order while it is open), 摘要 in words, the names of
制单 / 审核 / 记账 — filtered by period or dates, account (with its sub-accounts), document and
voucher number. Any voucher kind shows: one without a document (结转损益) shows its memo.

Here, above ledger and closing, because the number lives in closing (VoucherNumber)."""

import datetime as dt

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from openjxc.core.errors import DomainError
from openjxc.documents.types import type_label
from openjxc.inventory.costing import as_date
from openjxc.ledger.models import Account
from openjxc.ledger.periods import all_periods, bounds_of, ensure_periods, get_period

VOUCHER_WORD = "记"
# what a voucher of a kind other than the document's own posting does, said before its 摘要
KIND_LABELS = {
    "cancellation": gettext_lazy("Cancellation"),
    "reversal": gettext_lazy("Red-letter reversal"),
    "cost_adjustment": gettext_lazy("Cost restatement"),
}


def voucher_number(n: int) -> str:
    """记-0001: the word and four digits, as closing numbers them."""
    return f"{VOUCHER_WORD}-{n:04d}"


def account_ids(code: str) -> list[int]:
    """The account with this code and every account below it, at any depth; 422 invalid
    naming `account` for a code the chart does not have."""
    accounts = list(Account.objects.values_list("id", "code", "parent_id"))
    root = next((i for i, c, _p in accounts if c == code), None)
    if root is None:
        raise DomainError("invalid", f"unknown account {code!r}", {"field": "account"})
    ids, frontier = [root], [root]
    while frontier:
        frontier = [i for i, _c, p in accounts if p in frontier]
        ids += frontier
    return ids


def _where(date_from, date_to, account, document, number) -> tuple[str, list]:
    conds, args = [], []
    if date_from:
        conds.append("v.date >= %s")
        args.append(date_from)
    if date_to:
        conds.append("v.date <= %s")
        args.append(date_to)
    if account:
        ids = account_ids(account)
        conds.append(
            "EXISTS (SELECT 1 FROM ledger_journalline f WHERE f.voucher_id = v.id "
            f"AND f.account_id IN ({','.join(['%s'] * len(ids))}))"
        )
        args += ids
    if document:
        conds.append("d.number = %s")
        args.append(document)
    if number:
        digits = number.rsplit("-", 1)[-1].strip()
        conds.append("n.number = %s")
        args.append(voucher_number(int(digits)) if digits.isdigit() else number)
    return ("WHERE " + " AND ".join(conds)) if conds else "", args


FROM = (
    "FROM ledger_voucher v LEFT JOIN documents_document d ON d.id = v.document_id "
    "LEFT JOIN closing_vouchernumber n ON n.voucher_id = v.id "
)


def range_of(period: str | None, date_from=None, date_to=None) -> tuple:
    """(from, to) of ?period= when given (it wins), else the dates as given."""
    if period:
        p = get_period(period)
        return p.start, p.end
    return date_from, date_to


def vouchers(
    *,
    period: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    account: str | None = None,
    document: str | None = None,
    number: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> dict:
    """{"items": vouchers (lines with integer fen), "count", "debit", "credit"}: the totals are
    those of every voucher the filters match, the items one page of them in date order."""
    date_from, date_to = range_of(period, date_from, date_to)
    where, args = _where(date_from, date_to, account, (document or "").strip(), number)
    with connection.cursor() as cur:
        cur.execute(
            "SELECT COUNT(*), "
            "(SELECT COALESCE(SUM(l.debit), 0) FROM ledger_journalline l WHERE l.voucher_id IN "
            f"(SELECT v.id {FROM}{where})), "
            "(SELECT COALESCE(SUM(l.credit), 0) FROM ledger_journalline l WHERE l.voucher_id IN "
            f"(SELECT v.id {FROM}{where})) "
            f"{FROM}{where}",
            args * 3,
        )
        count, debit, credit = cur.fetchone()
        page = " LIMIT %s OFFSET %s" if limit is not None else ""
        cur.execute(
            f"SELECT v.id {FROM}{where} ORDER BY v.date, v.id{page}",
            args + ([limit, offset] if limit is not None else []),
        )
        ids = [r[0] for r in cur.fetchall()]
    return {
        "items": voucher_details(ids),
        "count": int(count),
        "debit": int(debit),
        "credit": int(credit),
    }


def _person(alias: str) -> str:
    return f"COALESCE(NULLIF({alias}.first_name, ''), {alias}.username)"


CHUNK = 2000  # vouchers read at a time (stays under SQLite's limit of bound parameters)


def voucher_details(ids: list[int]) -> list[dict]:
    """The vouchers with these ids, in date order, with lines, names and numbers."""
    ensure_periods()  # the period rows through today, which the provisional numbers count in
    heads, lines = [], {}
    for n in range(0, len(ids), CHUNK):
        chunk_heads, chunk_lines = _read(ids[n : n + CHUNK])
        heads += chunk_heads
        lines.update(chunk_lines)
    heads.sort(key=lambda h: (h[1], h[0]))
    ranks = _provisional_ranks({h[11] for h in heads if h[4] is None and h[11] is not None})
    out = []
    for vid, day, kind, memo, number, doc, dtype, partner, maker, checker, keeper, per in heads:
        ls = lines.get(vid, [])
        rn = ranks.get(vid) if number is None and per is not None else None
        out.append(
            {
                "id": vid,
                "date": str(as_date(day)),
                "number": number,
                "provisional_number": voucher_number(rn) if rn else None,
                "kind": kind,
                "memo": memo,
                "summary": summary(kind, memo, dtype, doc, partner),
                "document": doc,
                "document_type": dtype,
                # a voucher the close made (结转损益) is made and checked by who closed
                "maker": maker if doc else keeper,
                "checker": checker if doc else keeper,
                "bookkeeper": keeper,
                "attachments": 1 if doc else 0,
                "lines": ls,
                "debit": sum(ln["debit"] for ln in ls),
                "credit": sum(ln["credit"] for ln in ls),
            }
        )
    return out


def _read(ids: list[int]) -> tuple[list, dict]:
    """(heads, lines by voucher) of up to CHUNK vouchers."""
    marks = ",".join(["%s"] * len(ids))
    with connection.cursor() as cur:
        cur.execute(
            "SELECT v.id, v.date, v.kind, v.memo, n.number, d.number, d.type, dp.name, "
            f"{_person('cu')}, {_person('au')}, {_person('bu')}, per.id "
            f"{FROM}"
            "LEFT JOIN partners_partner dp ON dp.id = d.partner_id "
            "LEFT JOIN auth_user cu ON cu.id = d.created_by_id "
            "LEFT JOIN auth_user au ON au.id = d.approved_by_id "
            "LEFT JOIN closing_periodclose pc ON pc.period_id = n.period_id "
            "LEFT JOIN auth_user bu ON bu.id = pc.closed_by_id "
            "LEFT JOIN ledger_period per ON v.date >= per.start AND v.date <= per.end "
            "AND per.status = 'open' "
            f"WHERE v.id IN ({marks})",
            ids,
        )
        heads = cur.fetchall()
        cur.execute(
            "SELECT l.voucher_id, a.code, a.name, l.debit, l.credit, p.code, p.name, p.kind "
            "FROM ledger_journalline l JOIN ledger_account a ON a.id = l.account_id "
            "LEFT JOIN partners_partner p ON p.id = l.partner_id "
            f"WHERE l.voucher_id IN ({marks}) ORDER BY l.voucher_id, l.id",
            ids,
        )
        lines: dict[int, list] = {}
        for vid, code, name, debit, credit, pcode, pname, pkind in cur.fetchall():
            lines.setdefault(vid, []).append(
                {
                    "account": code,
                    "account_name": name,
                    "debit": int(debit),
                    "credit": int(credit),
                    "partner": pcode,
                    "partner_name": pname,
                    "partner_kind": pkind,
                }
            )
    return [(h[0], as_date(h[1]), *h[2:]) for h in heads], lines


def _provisional_ranks(period_ids: set[int]) -> dict[int, int]:
    """voucher id -> its place (1, 2, …) among the vouchers of its open period in date and id
    order: the number close will give it. One read of ids per period asked for."""
    ranks: dict[int, int] = {}
    with connection.cursor() as cur:
        for pid in sorted(period_ids):
            cur.execute(
                "SELECT v.id FROM ledger_voucher v JOIN ledger_period p ON p.id = %s "
                "WHERE v.date >= p.start AND v.date <= p.end ORDER BY v.date, v.id",
                [pid],
            )
            ranks.update((vid, n) for n, (vid,) in enumerate(cur.fetchall(), 1))
    return ranks


def summary(kind: str, memo: str, doc_type: str | None, number: str | None, partner) -> str:
    """摘要 in words: what the voucher is (作废 / 红字冲销 … when not the posting itself), the
    document's type name, number and partner; a voucher without a document says its memo."""
    if not number:
        return memo or str(KIND_LABELS.get(kind, ""))
    parts = [str(KIND_LABELS[kind])] if kind in KIND_LABELS else []
    parts += [type_label(doc_type), number]
    if partner:
        parts.append(partner)
    text = " ".join(parts)
    extra = memo and memo != number and kind not in KIND_LABELS
    return f"{text}（{memo}）" if extra else text


def number_text(v: dict) -> str:
    """The number as the page and the print show it: 记-0001, or 记-0003（暂）in an open period."""
    if v["number"]:
        return v["number"]
    if v["provisional_number"]:
        return _("%(number)s (provisional)") % {"number": v["provisional_number"]}
    return ""


def chart() -> list[dict]:
    """Every account in code order with its depth below its top-level account (0, 1, 2 …), for
    the pages' account pickers and the indentation of the 科目余额表."""
    accounts = list(Account.objects.order_by("code").values_list("id", "code", "name", "parent_id"))
    parent = {i: p for i, _c, _n, p in accounts}

    def depth(i):
        return 0 if parent[i] is None else 1 + depth(parent[i])

    return [{"code": c, "name": n, "depth": depth(i)} for i, c, n, _p in accounts]


def period_names() -> list[str]:
    """Every period's name, the latest first (the pages' period picker)."""
    ensure_periods()
    return [p.name for p in reversed(all_periods())]


def current_period() -> str:
    """The name of the period holding today."""
    return bounds_of(timezone.localdate())[0]
