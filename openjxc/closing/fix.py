"""`jxc reconcile --fix`: repair everything derivable from the ledgers, by appending.

In one transaction, in this order: the missing cost and count re-statements of the open periods
(restate.py), the missing vouchers of approved documents in open periods and the snapshots of
closed periods whose ledger rows are intact (repair.py) — these append ledger rows — then the
caches are re-settled from the ledgers, and unallocated money of books from before advances
moves to 2203 / 1123 (an appended voucher, posting/advances.py). No ledger row is updated or
deleted. A problem inside a closed period is only proposed as a correcting entry dated on the
first open day, appended when the caller confirms. Every change is returned and audited."""

from django.db import connection, transaction

from openjxc.audit.services import record
from openjxc.closing.checks import OPEN_ITEM_CACHE_DIFF
from openjxc.closing.tracking_checks import fix_tracking_caches
from openjxc.core.numbers import fen_str, qty_str
from openjxc.ledger.services import REBUILD_OPEN_ITEMS
from openjxc.posting.advances import transfer_advances
from openjxc.users.services import MANAGE_BACKUP, require

from . import repair
from .restate import append_restatements, first_open_day


def _changed_stock(cur) -> list:
    cur.execute(
        "SELECT b.id, i.code, w.code, b.qty, b.value, COALESCE(m.q, 0), COALESCE(m.v, 0) "
        "FROM inventory_stockbalance b JOIN catalog_item i ON i.id = b.item_id "
        "JOIN inventory_warehouse w ON w.id = b.warehouse_id "
        "LEFT JOIN (SELECT item_id, warehouse_id, SUM(qty) AS q, SUM(value) AS v FROM inventory_stockmove "
        "GROUP BY item_id, warehouse_id) m ON m.item_id = b.item_id AND m.warehouse_id = b.warehouse_id "
        "WHERE b.qty <> COALESCE(m.q, 0) OR b.value <> COALESCE(m.v, 0)"
    )
    return cur.fetchall()


def _changed_accounts(cur) -> list:
    cur.execute(
        "SELECT b.id, a.code, b.debit, b.credit, COALESCE(j.d, 0), COALESCE(j.c, 0) "
        "FROM ledger_accountbalance b JOIN ledger_account a ON a.id = b.account_id "
        "LEFT JOIN (SELECT account_id, SUM(debit) AS d, SUM(credit) AS c FROM ledger_journalline "
        "GROUP BY account_id) j ON j.account_id = a.id WHERE b.debit <> COALESCE(j.d, 0) OR b.credit <> COALESCE(j.c, 0)"
    )
    return cur.fetchall()


def _resettle_caches(cur) -> list[str]:
    """Rewrite every balance cache row that differs from its ledger; returns what changed."""
    changes = []
    for bid, item, wh, bq, bv, q, v in _changed_stock(cur):
        cur.execute(
            "UPDATE inventory_stockbalance SET qty = %s, value = %s WHERE id = %s",
            [int(q), int(v), bid],
        )
        changes.append(
            f"stock {item} @ {wh}: {qty_str(int(bq))} / {fen_str(int(bv))} → "
            f"{qty_str(int(q))} / {fen_str(int(v))}"
        )
    for bid, code, bd, bc, d, c in _changed_accounts(cur):
        cur.execute(
            "UPDATE ledger_accountbalance SET debit = %s, credit = %s WHERE id = %s",
            [int(d), int(c), bid],
        )
        changes.append(
            f"account {code}: {fen_str(int(bd))}/{fen_str(int(bc))} → {fen_str(int(d))}/{fen_str(int(c))}"
        )
    cur.execute(OPEN_ITEM_CACHE_DIFF)
    for doc_id, number, cached, total in cur.fetchall():
        cur.execute("DELETE FROM ledger_openitem WHERE document_id = %s", [doc_id])
        cur.execute(
            REBUILD_OPEN_ITEMS.replace("GROUP BY", "WHERE e.document_id = %s GROUP BY"),
            [doc_id],
        )
        changes.append(f"open item {number}: {fen_str(int(cached))} → {fen_str(int(total))}")
    return changes + fix_tracking_caches(cur)  # 批次 / 序列号


def fix_books(user=None, confirm_closed: bool = False) -> dict:
    """{"changes": what was appended or re-settled, "proposals": correcting entries for problems
    inside closed periods, "confirmed": whether they were made (and listed in changes)}.
    user None is the command line (the server's operator); else the administrator, who also
    restores backups."""
    if user is not None:
        require(user, MANAGE_BACKUP)
    with transaction.atomic():
        changes = append_restatements()
        open_, closed = repair.missing_vouchers()
        changes += repair.append_vouchers(open_)
        proposals = repair.proposals(closed)
        if confirm_closed and closed:
            changes += repair.append_vouchers(closed, first_open_day())
        changes += repair.resettle_snapshots()
        with connection.cursor() as cur:
            changes += _resettle_caches(cur)
        changes += transfer_advances()  # books restored from before advances (预收 / 预付)
        confirmed = bool(confirm_closed and closed)
        # audited even when nothing changed: who ran a repair, and what it proposed or made
        record(
            user,
            "reconcile_fix",
            "books",
            "caches",
            after={
                "changes": changes,
                "proposals": [f"{p['document']} {p['date']}: {p['entry']}" for p in proposals],
                "confirmed": confirmed,
            },
        )
    return {"changes": changes, "proposals": proposals, "confirmed": confirmed}
