"""Reads of the closing records: what a close wrote (snapshots, voucher numbers, the backup)."""

from openjxc.ledger.models import Period

from .models import AccountSnapshot, PartnerSnapshot, PeriodClose, StockSnapshot, VoucherNumber


def closes_by_period() -> dict[int, PeriodClose]:
    """period id -> its close record, for every closed period."""
    return {c.period_id: c for c in PeriodClose.objects.select_related("closed_by")}


def close_info(period: Period) -> dict | None:
    """What closing the period wrote (None when it is not closed): the backup taken, the digest,
    who and when, the rows it covers, the snapshots and the voucher numbers 记-0001…"""
    rec = PeriodClose.objects.filter(period=period).select_related("closed_by").first()
    if rec is None:
        return None
    numbers = (
        VoucherNumber.objects.filter(period=period)
        .order_by("number")
        .values_list("number", flat=True)
    )
    return {
        "backup_id": rec.backup_id,
        "digest": rec.digest,
        "closed_at": rec.closed_at,
        "closed_by": rec.closed_by.username if rec.closed_by else "",
        "rows": rec.rows,
        "stock_snapshots": StockSnapshot.objects.filter(period=period).count(),
        "account_snapshots": AccountSnapshot.objects.filter(period=period).count(),
        "partner_snapshots": PartnerSnapshot.objects.filter(period=period).count(),
        "vouchers": numbers.count(),
        "first_voucher": numbers.first(),
        "last_voucher": numbers.last(),
    }
