"""The ledger-level repairs of `jxc reconcile --fix`: missing vouchers of approved documents and
the snapshots of closed periods whose ledger rows are intact.

A voucher is derivable: the document's recipe makes it from the document and the values of its
own stock moves, which is what the approval posted. Dated in an open period it is appended as
the approval would have; dated in a closed period it is never written there — the repair
proposes the same voucher dated on the first open day and appends it only on confirmation. A
closed period's snapshots are a cache of its ledger rows: while the period's digest still holds
they are re-derived from the ledger; a changed digest is a finding no repair may hide."""

from django.db import connection
from django.utils.translation import gettext as _

from openjxc.core.numbers import fen_str
from openjxc.documents.models import Document
from openjxc.ledger.models import Voucher
from openjxc.ledger.services import closed_through, post_voucher
from openjxc.posting import money, recipes

from . import snapshots
from .checks import documents_without_vouchers, snapshot_problems
from .models import AccountSnapshot, PartnerSnapshot, PeriodClose, StockSnapshot
from .restate import first_open_day


def _rows(sql, args=()):
    with connection.cursor() as cur:
        cur.execute(sql, list(args))
        return cur.fetchall()


def _recipe_lines(doc: Document) -> list:
    """The posting voucher the document's recipe makes from its own moves' values; [] when the
    voucher is not derivable from the document alone (a money document's split depends on the
    allocations at its approval, a red reversal copies its original's vouchers)."""
    if money.is_money(doc) or doc.reversal_of_id:
        return []
    values = [
        int(v)
        for (v,) in _rows(
            "SELECT value FROM inventory_stockmove WHERE document_id = %s AND kind = 0 ORDER BY id",
            [doc.id],
        )
    ]
    return [ln for ln in recipes.voucher_lines(doc, values) if ln.debit or ln.credit]


def _words(lines) -> str:
    """借/贷 text of voucher lines, as a proposal shows them."""
    return "; ".join(
        f"借 {ln.account} {fen_str(ln.debit)}"
        if ln.debit
        else f"贷 {ln.account} {fen_str(ln.credit)}"
        for ln in lines
    )


def missing_vouchers() -> tuple[list[tuple], list[tuple]]:
    """(open, closed): (document, its recipe's lines) of approved documents without a voucher,
    split by whether the document's date lies in a closed period."""
    numbers = documents_without_vouchers(("approved", "reversed", "cancelled"))
    if not numbers:
        return [], []
    last = closed_through()
    open_, closed = [], []
    for doc in Document.objects.filter(number__in=numbers).order_by("date", "number"):
        lines = _recipe_lines(doc)
        if lines:
            (closed if last and doc.date <= last else open_).append((doc, lines))
    return open_, closed


def append_vouchers(found: list[tuple], day=None) -> list[str]:
    """Post each document's recipe voucher, at its own date or (closed period) at `day`."""
    changes = []
    for doc, lines in found:
        on = day or doc.date
        memo = doc.number if day is None else f"补记 {doc.number} ({doc.date})"
        post_voucher(on, doc.id, Voucher.POSTING, lines, memo)
        changes.append(f"voucher {doc.number} {on}: {_words(lines)}")
    return changes


def proposals(closed: list[tuple]) -> list[dict]:
    """What the repair would append in the open period for problems inside closed periods."""
    day = first_open_day()
    return [
        {
            "check": "document_voucher",
            "document": doc.number,
            "date": str(day),
            "entry": _words(lines),
            "message": _(
                "%(document)s of %(original)s lies in a closed period and has no voucher: "
                "proposed correcting voucher dated %(date)s: %(entry)s"
            )
            % {
                "document": doc.number,
                "original": doc.date,
                "date": day,
                "entry": _words(lines),
            },
        }
        for doc, lines in closed
    ]


def resettle_snapshots() -> list[str]:
    """Re-derive the snapshots of each closed period whose ledger rows are unchanged (its digest
    holds) but whose snapshots differ from them."""
    changes = []
    for close in PeriodClose.objects.select_related("period").order_by("period__start"):
        period = close.period
        if not snapshot_problems(period) or snapshots.digest(period)[0] != close.digest:
            continue
        for model in (StockSnapshot, AccountSnapshot, PartnerSnapshot):
            model.objects.filter(period=period).delete()
        snapshots.write_snapshots(period, None)
        changes.append(f"snapshots {period.name}: re-derived from its unchanged ledger rows")
    return changes
