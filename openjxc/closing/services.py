"""Period close (结账) and reopen (反结账).

close = named pre-checks → automatic backup → 结转损益 vouchers (transfer.py) → snapshots, gapless
voucher numbers, digest → lock.
reopen = permission + reason → automatic backup → red copies of the 结转损益 vouchers, remove
exactly the rest that close created → unlock.
Both are audited; the engine refuses every write dated in a closed period (ensure_open)."""

import datetime as dt

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openjxc.audit.services import record
from openjxc.backup.services import take_backup
from openjxc.core.db import insert_tuples
from openjxc.core.errors import DomainError
from openjxc.core.numbers import fen_str, qty_str
from openjxc.ledger import chart as A
from openjxc.ledger.models import Period
from openjxc.ledger.periods import ensure_periods, get_period, period_dict
from openjxc.users.services import CLOSE, REOPEN, require

from . import monthly, snapshots, transfer
from .checks import CLOSE_CHECKS, documents_without_vouchers, reconcile
from .models import AccountSnapshot, PartnerSnapshot, PeriodClose, StockSnapshot, VoucherNumber


def _rows(sql, args):
    with connection.cursor() as cur:
        cur.execute(sql, args)
        return cur.fetchall()


def _previous(period: Period) -> Period | None:
    return Period.objects.filter(start__lt=period.start).order_by("-start").first()


def close_check(name: str) -> dict:
    """Every problem that blocks closing (severity error) or deserves a look (warning)."""
    period = get_period(name)
    problems = []
    drafts = [
        n
        for (n,) in _rows(
            "SELECT number FROM documents_document WHERE status = 'draft' AND date >= %s AND date <= %s ORDER BY number",
            [period.start, period.end],
        )
    ]
    if drafts:
        problems.append(
            {
                "check": "drafts_in_period",
                "severity": "error",
                "message": _("%(n)s drafts are dated in the period") % {"n": len(drafts)},
                "action": _("Approve or delete these drafts."),
                "documents": drafts,
            }
        )
    prev = _previous(period)
    prev = prev if prev and prev.status == Period.CLOSED else None
    sql, args = snapshots.stock_at_end_sql(period, prev)
    negative = [(i, w, q, v) for i, w, q, v in _rows(sql, args) if int(q) < 0 or int(v) < 0]
    for i, w, q, v in negative:
        problems.append(
            {
                "check": "negative_stock",
                "severity": "error",
                "message": _(
                    "Negative stock at the end of the period: item %(item)s, warehouse "
                    "%(warehouse)s: %(qty)s / %(value)s"
                )
                % {"item": i, "warehouse": w, "qty": qty_str(int(q)), "value": fen_str(int(v))},
                "action": _("Enter the missing receipt or cancel the surplus issue."),
                "item_id": i,
                "warehouse_id": w,
            }
        )
    missing = documents_without_vouchers(("approved", "reversed"), period.start, period.end)
    if missing:
        problems.append(
            {
                "check": "documents_without_vouchers",
                "severity": "error",
                "message": _("%(n)s approved documents have no voucher") % {"n": len(missing)},
                "action": _("Run jxc reconcile --fix or ask the administrator."),
                "documents": missing,
            }
        )
    pending = _rows(
        "SELECT COALESCE(SUM(l.debit - l.credit), 0) FROM ledger_journalline l JOIN ledger_account a "
        "ON a.id = l.account_id WHERE a.code = %s AND l.date <= %s",
        [A.PENDING_PL, period.end],
    )
    if int(pending[0][0]):
        problems.append(
            {
                "check": "pending_pl_not_cleared",
                "severity": "warning",
                "message": _(
                    "Account 1901 pending inventory gains and losses closes at %(amount)s, "
                    "not yet cleared"
                )
                % {"amount": fen_str(int(pending[0][0]))},
                "action": _(
                    "Once approved, transfer it to 5711 non-operating expenses, 5301 "
                    "non-operating income or 5602 administrative expenses."
                ),
            }
        )
    for check in CLOSE_CHECKS:
        problems += check(period)
    for p in reconcile(deep=False)["problems"]:
        problems.append(
            {
                "check": f"ledger_{p['check']}",
                "severity": "error",
                "message": p["message"],
                "action": _("Run jxc reconcile for the details."),
            }
        )
    return {
        "period": period.name,
        "ok": not any(p["severity"] == "error" for p in problems),
        "problems": problems,
    }


def close(user, name: str) -> dict:
    require(user, CLOSE)
    with transaction.atomic():  # a refusal keeps no period rows that naming a future period made
        period = get_period(name)
        if period.status == Period.CLOSED:
            raise DomainError(
                "already_closed", f"period {name} is already closed", {"period": name}
            )
        prev = _previous(period)
        if prev and prev.status != Period.CLOSED:
            raise DomainError(
                "previous_period_open",
                f"close {prev.name} first",
                {"period": name, "previous": prev.name},
            )
    check = close_check(name)  # outside: on SQLite an atomic block would hold the write lock
    if not check["ok"]:
        raise DomainError(
            "close_check_failed",
            f"period {name} cannot be closed yet",
            {"period": name, "problems": check["problems"]},
        )
    backup = take_backup(f"before closing {name}", user)
    with transaction.atomic():
        period = Period.objects.select_for_update().get(pk=period.pk)
        if period.status == Period.CLOSED:
            raise DomainError(
                "already_closed", f"period {name} is already closed", {"period": name}
            )
        if prev and Period.objects.get(pk=prev.pk).status != Period.CLOSED:
            raise DomainError("previous_period_open", f"close {prev.name} first", {"period": name})
        monthly.close(period, prev)  # 全月一次加权平均: before the 结转损益 that carries its cost
        transfers = transfer.transfer(period, prev)  # before the snapshots and the numbering
        snapshots.write_snapshots(period, prev)
        vouchers = _rows(
            "SELECT id FROM ledger_voucher WHERE date >= %s AND date <= %s ORDER BY date, id",
            [period.start, period.end],
        )
        with connection.cursor() as cur:  # one unnest INSERT: a month has 20,000 vouchers
            insert_tuples(
                cur,
                VoucherNumber._meta.db_table,
                ("period_id", "voucher_id", "number"),
                [(period.pk, vid, f"记-{n:04d}") for n, (vid,) in enumerate(vouchers, 1)],
            )
        digest, rows = snapshots.digest(period)
        PeriodClose.objects.create(
            period=period,
            digest=digest,
            closed_by=user,
            closed_at=timezone.now(),
            backup_id=backup["id"],
            rows=rows,
        )
        period.status, period.closed_at = Period.CLOSED, timezone.now()
        period.save(update_fields=["status", "closed_at"])
        ensure_periods(
            period.end + dt.timedelta(days=1)
        )  # there is always an open period to work in
        record(
            user,
            "close",
            "period",
            name,
            before={"status": "open"},
            after={
                "status": "closed",
                "digest": digest,
                "vouchers": len(vouchers),
                "closing_vouchers": len(transfers),
                "backup": backup["id"],
            },
        )
    return {
        **period_dict(period),
        "digest": digest,
        "vouchers": len(vouchers),
        "closing_vouchers": len(transfers),
        "backup_id": backup["id"],
        "warnings": [p for p in check["problems"] if p["severity"] == "warning"],
    }


def _check_reopen(user, name: str, reason: str | None) -> Period:
    require(user, REOPEN)
    if not isinstance(reason, str) or not reason.strip():
        raise DomainError(
            "reason_required", "a reason is required to reopen a period", {"field": "reason"}
        )
    with transaction.atomic():  # a refusal keeps no period rows that naming a future period made
        period = get_period(name)
        latest = Period.objects.filter(status=Period.CLOSED).order_by("-start").first()
        if latest is None or latest.pk != period.pk:
            raise DomainError(
                "not_latest_closed",
                f"only the latest closed period ({latest.name if latest else '-'}) can be reopened",
                {"period": name, "latest_closed": latest.name if latest else None},
            )
    return period


def reopen_impact(user, name: str) -> dict:
    """What reopening would do, changing nothing: what it removes and what becomes editable."""
    result = {"period": name, "action": "reopen", "allowed": True, "blocked_by": None}
    try:
        period = _check_reopen(user, name, "impact preview")
    except DomainError as exc:
        return {
            **result,
            "allowed": False,
            "blocked_by": {"code": exc.code, "message": exc.sentence(), "details": exc.details},
        }
    documents = _rows(
        "SELECT COUNT(*) FROM documents_document WHERE date >= %s AND date <= %s",
        [period.start, period.end],
    )[0][0]
    return {
        **result,
        "backup": "a backup is taken first",
        "removes": {
            "stock_snapshots": StockSnapshot.objects.filter(period=period).count(),
            "account_snapshots": AccountSnapshot.objects.filter(period=period).count(),
            "partner_snapshots": PartnerSnapshot.objects.filter(period=period).count(),
            "voucher_numbers": VoucherNumber.objects.filter(period=period).count(),
            "closing_vouchers_cancelled": len(transfer.live_transfers(period)),
            "monthly_average_restored": monthly.stated_count(period),
            "digest": PeriodClose.objects.filter(period=period)
            .values_list("digest", flat=True)
            .first(),
        },
        "documents_editable_again": int(documents),
    }


def reopen(user, name: str, reason: str | None) -> dict:
    period = _check_reopen(user, name, reason)
    backup = take_backup(f"before reopening {name}", user)
    with transaction.atomic():
        period = Period.objects.select_for_update().get(pk=period.pk)
        if period.status != Period.CLOSED:
            raise DomainError("not_latest_closed", f"period {name} is not closed", {"period": name})
        for model in (StockSnapshot, AccountSnapshot, PartnerSnapshot, VoucherNumber, PeriodClose):
            model.objects.filter(period=period).delete()
        monthly.reopen(period)  # appended negations: the provisional values come back
        cancelled = transfer.cancel(period)  # appended: the ledger is never rewritten
        period.status, period.closed_at = Period.OPEN, None
        period.save(update_fields=["status", "closed_at"])
        record(
            user,
            "reopen",
            "period",
            name,
            reason=reason.strip(),
            before={"status": "closed"},
            after={"status": "open", "closing_vouchers": cancelled, "backup": backup["id"]},
        )
    return {**period_dict(period), "backup_id": backup["id"]}
