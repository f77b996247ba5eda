"""Books from before advances: money received or paid and not allocated was booked on 1122 /
2202. Journal lines are never rewritten, so an `allocation` voucher per money document moves
what its own open amount says belongs on 2203 预收账款 / 1123 预付账款, dated in the open period.
Run once by the migration posting/0001_transfer_advances, and by `jxc reconcile --fix`; it is
idempotent (a document already in step gets nothing)."""

from django.db import connection

from openjxc.core.numbers import fen_str
from openjxc.documents.types import codes
from openjxc.ledger.models import Voucher
from openjxc.ledger.periods import default_date
from openjxc.ledger.services import post_voucher

from .money import ACCOUNTS
from .recipes import pair


def _marks(values) -> str:
    return ", ".join(["%s"] * len(values))


def advances_out_of_step() -> list[tuple]:
    """(document id, number, date, partner id, kind, difference) of each money document whose
    vouchers (its reversal's included) leave the advance account of its kind differing from its
    own open amount; difference is what the advance account's debit − credit lacks."""
    money = codes(kind="money")
    with connection.cursor() as cur:
        cur.execute(
            "SELECT d.id, d.number, d.date, MIN(e.partner_id), MIN(e.kind), SUM(e.amount) "
            "FROM ledger_openitementry e JOIN documents_document d ON d.id = e.document_id "
            f"WHERE d.type IN ({_marks(money)}) GROUP BY d.id, d.number, d.date",
            money,
        )
        own = cur.fetchall()
        advance_codes = [adv for _c, adv, _s in ACCOUNTS.values()]
        cur.execute(
            "SELECT COALESCE(d.reversal_of_id, d.id), a.code, SUM(l.debit - l.credit) "
            "FROM ledger_journalline l JOIN ledger_voucher v ON v.id = l.voucher_id "
            "JOIN documents_document d ON d.id = v.document_id "
            "JOIN ledger_account a ON a.id = l.account_id "
            f"WHERE a.code IN ({_marks(advance_codes)}) AND d.type IN ({_marks(money)}) "
            "GROUP BY COALESCE(d.reversal_of_id, d.id), a.code",
            [*advance_codes, *money],
        )
        booked = {(doc, code): int(net) for doc, code, net in cur.fetchall()}
    out = []
    for doc_id, number, day, partner_id, kind, amount in own:
        _control, advance, direction = ACCOUNTS[kind]
        difference = direction * int(amount) - booked.get((doc_id, advance), 0)
        if difference:
            out.append((doc_id, number, day, partner_id, kind, difference))
    return out


def transfer_advances() -> list[str]:
    """Append the transfer vouchers; returns one line per document moved."""
    moved = advances_out_of_step()
    if not moved:
        return []
    today = default_date()
    changes = []
    for doc_id, number, day, partner_id, kind, difference in moved:
        control, advance, direction = ACCOUNTS[kind]
        post_voucher(
            max(today, day),
            doc_id,
            Voucher.ALLOCATION,
            pair(advance, control, difference, partner_id),
            f"转入预收/预付 {number}",
        )
        path = f"{control} → {advance}" if difference * direction < 0 else f"{advance} → {control}"
        changes.append(f"advance {number}: {fen_str(abs(difference))} {path}")
    return changes
