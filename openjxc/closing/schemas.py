"""Typed response bodies of periods, checks, backups and settings."""

from openjxc.core.api import ErrorBody, Output


class PeriodOut(Output):
    name: str
    start: str
    end: str
    status: str
    closed_at: str | None


class CycleOut(Output):
    cycle: str
    items: list[PeriodOut]


class ProblemOut(Output):
    """One finding of a check; each check adds the figures it found."""

    check: str
    message: str | None = None
    severity: str | None = None
    period: str | None = None


class ReconcileOut(Output):
    ok: bool
    problems: list[ProblemOut]


class ProposalOut(Output):
    """A correcting entry proposed for a problem inside a closed period."""

    check: str
    document: str
    date: str
    entry: str  # 借/贷 lines
    message: str


class FixedOut(ReconcileOut):
    """The reconcile after a repair, with what the repair appended or re-settled."""

    changes: list[str]
    proposals: list[ProposalOut]
    confirmed: bool


class RequeuedOut(Output):
    requeued: list[str]  # ids of the backups whose verification was queued again


class CloseCheckOut(ReconcileOut):
    period: str


class ClosedOut(PeriodOut):
    digest: str
    vouchers: int
    closing_vouchers: int | None = None  # 结转损益 (and at year end 3103 → 310401) appended
    backup_id: str
    warnings: list[ProblemOut]


class ReopenedOut(PeriodOut):
    backup_id: str


class ReopenRemovesOut(Output):
    stock_snapshots: int
    account_snapshots: int
    partner_snapshots: int
    voucher_numbers: int
    closing_vouchers_cancelled: int | None = None  # 结转损益 vouchers given red copies
    monthly_average_restored: int | None = None  # issues given back their provisional cost
    digest: str | None


class ReopenImpactOut(Output):
    period: str
    action: str
    allowed: bool
    blocked_by: ErrorBody | None
    backup: str | None = None
    removes: ReopenRemovesOut | None = None
    documents_editable_again: int | None = None


class BackupOut(Output):
    id: str
    created_at: str
    reason: str
    user: str | None
    format: str | None = None
    file: str
    size: int
    sha256: str
    company: str | None = None
    counts: dict[str, int] | None = None
    label: str | None = None  # the reason in the caller's language (结账前备份…, 红冲前…)
    verified: bool | None = None  # restored to a scratch place and reconciled; None: pending
    verification_error: str | None = None  # what failed, in the caller's language
    verification_detail: str | None = None  # the failure's own sentence (file, table, check)


class SettingOut(Output):
    key: str
    value: str


class SettingsOut(Output):
    items: list[SettingOut]
    count: int
