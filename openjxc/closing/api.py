from ninja import Router, Status

from openjxc.audit.services import record
from openjxc.backup.services import list_backups, reason_label, take_backup
from openjxc.backup.verify import requeue_lost, with_verification
from openjxc.core.api import Input, ReasonIn, page, page_of, typed
from openjxc.core.codes import CODE_KINDS, digits_key, numbering, prefix_key, setting_value
from openjxc.core.errors import DomainError
from openjxc.core.models import Setting
from openjxc.core.numbers import parse_decimal
from openjxc.core.services import POLICIES, policy_value, set_setting
from openjxc.documents.types import TYPES
from openjxc.ledger import periods as periods_module
from openjxc.ledger.periods import all_periods, ensure_periods, period_dict
from openjxc.users.admin import token_days_value
from openjxc.users.services import (
    CLOSE,
    MANAGE_BACKUP,
    MANAGE_USERS,
    REOPEN,
    VIEW_AUDIT,
    require,
    require_any,
)

from . import services
from .checks import reconcile
from .fix import fix_books
from .schemas import (
    BackupOut,
    CloseCheckOut,
    ClosedOut,
    CycleOut,
    FixedOut,
    PeriodOut,
    ReconcileOut,
    ReopenedOut,
    ReopenImpactOut,
    RequeuedOut,
    SettingOut,
    SettingsOut,
)

router = Router(tags=["periods"])


class CycleIn(Input):
    cycle: str


@router.get("/reconcile", response=typed(ReconcileOut), tags=["checks"])
def reconcile_view(request):
    """Prove every cache equals its ledger, every voucher balances, subledgers = control accounts,
    closed periods' snapshots and digests are unchanged. For who closes periods or audits the books
    (the problems quote stock values and balances)."""
    require_any(request.user, CLOSE, VIEW_AUDIT)
    return reconcile()


class FixIn(Input):
    confirm_closed: bool = False


@router.post("/reconcile/fix", response=typed(FixedOut), tags=["checks"])
def reconcile_fix(request, payload: FixIn):
    """修复: append what is derivable (missing cost and count re-statements and vouchers of
    approved documents in open periods), re-settle caches and snapshots; `proposals` are the
    correcting entries for problems inside closed periods, made when `confirm_closed` is true.
    Answers the reconcile afterwards with what was changed. For the administrator."""
    fixed = fix_books(request.user, confirm_closed=payload.confirm_closed)
    return {**reconcile(), **fixed}


@router.get("/periods", response=typed(page_of(PeriodOut)))
def periods(request, limit: int = 1000, offset: int = 0):
    ensure_periods()
    return page([period_dict(p) for p in all_periods()], limit, offset)


@router.put("/periods/cycle", response=typed(CycleOut))
def set_cycle(request, payload: CycleIn):
    """Settlement cycle: monthly (default), weekly or daily — only before the first close."""
    require(request.user, CLOSE)
    periods_module.set_cycle(payload.cycle)
    return {
        "cycle": periods_module.cycle(),
        "items": [period_dict(p) for p in all_periods()],
    }


@router.get("/periods/{name}/close-check", response=typed(CloseCheckOut))
def close_check(request, name: str):
    """Run the named pre-checks without closing (for who may close)."""
    require(request.user, CLOSE)
    return services.close_check(name)


@router.post("/periods/{name}/close", response=typed(ClosedOut))
def close(request, name: str):
    """结账: snapshots, gapless voucher numbers, digest, lock (a backup is taken first)."""
    return services.close(request.user, name)


@router.post("/periods/{name}/reopen", response=typed(ReopenedOut))
def reopen(request, name: str, payload: ReasonIn):
    """反结账 of the latest closed period; needs period.reopen and a reason; a backup is taken first."""
    return services.reopen(request.user, name, payload.reason)


@router.get("/periods/{name}/impact", response=typed(ReopenImpactOut))
def impact(request, name: str, action: str = "reopen"):
    """What reopening the period would change (nothing is changed)."""
    if action != "reopen":
        raise DomainError("invalid", "action must be reopen", {"field": "action"})
    require(request.user, REOPEN)
    return services.reopen_impact(request.user, name)


@router.get("/backups", response=typed(page_of(BackupOut)), tags=["backup"])
def backups(request, limit: int = 100, offset: int = 0):
    """The backups, newest first, each with its background verification: `verified` true (it
    restored into a scratch place and reconciled), false (`verification_error` says what
    failed) or null (pending)."""
    require(request.user, MANAGE_BACKUP)
    listed = page(list_backups(), limit, offset)
    listed["items"] = [
        {**with_verification(m), "label": reason_label(m.get("reason") or "")}
        for m in listed["items"]
    ]
    return listed


@router.post("/backups/requeue", response=typed(RequeuedOut), tags=["backup"])
def backups_requeue(request):
    """Queue again the verifications that are pending with nothing left to finish them (never
    run, or their worker died mid-way); `jxc worker` does the same when it starts."""
    require(request.user, MANAGE_BACKUP)
    lost = requeue_lost(request.user)
    return {"requeued": lost}


@router.post("/backups", response=typed(BackupOut, 201), tags=["backup"])
def backup_now(request):
    require(request.user, MANAGE_BACKUP)
    return Status(201, take_backup("manual", request.user))


SETTING_KEYS = (
    "company_name",
    "company_address",
    "company_phone",
    "price_includes_tax",
    *POLICIES,
    "backup_retention",
)


class SettingIn(Input):
    value: str


@router.get("/settings", response=typed(SettingsOut), tags=["settings"])
def settings_list(request):
    """Company settings: company_name, credit_limit_policy and oversell (warn|block),
    reserved_stock_policy (block|warn: a delivery without an order taking reserved stock),
    backup_retention, approval_threshold.<document type> (amount above which maker ≠ checker), settlement_cycle,
    api_token_days (how long a new API token lives, default 30), code_prefix.<kind> and
    code_digits.<kind> (automatic codes of item, customer, supplier, warehouse: SP 4, KH 4,
    GYS 4, CK 3 unless set)."""
    rows = {s.key: s.value for s in Setting.objects.exclude(key="initialized")}
    for kind in CODE_KINDS:
        prefix, digits = numbering(kind)
        rows.setdefault(prefix_key(kind), prefix)
        rows.setdefault(digits_key(kind), str(digits))
    return {"items": [{"key": k, "value": v} for k, v in sorted(rows.items())], "count": len(rows)}


@router.put("/settings/{key}", response=typed(SettingOut), tags=["settings"])
def settings_put(request, key: str, payload: SettingIn):
    require(request.user, MANAGE_USERS)
    value = payload.value.strip()
    if key in POLICIES:
        value = policy_value(key, value)
    elif key.startswith("approval_threshold."):
        if key.split(".", 1)[1] not in TYPES:
            raise DomainError("invalid", f"unknown document type in {key}", {"field": "key"})
        value = str(parse_decimal(value, "value", 2))
    elif key == "price_includes_tax" and value not in ("0", "1"):
        raise DomainError("invalid", "price_includes_tax is 0 or 1", {"field": "value"})
    elif key == "api_token_days":
        value = token_days_value(value, "value")
    elif key == "backup_retention":
        if not value.isdigit() or int(value) < 1:
            raise DomainError(
                "invalid", "backup_retention is a positive number of backups", {"field": "value"}
            )
    elif setting_value(key, value) is not None:  # code_prefix.<kind> / code_digits.<kind>
        value = setting_value(key, value)
    elif key not in SETTING_KEYS:
        raise DomainError("invalid", f"unknown setting {key}", {"field": "key"})
    set_setting(key, value)
    record(request.user, "setting", "setting", key, after={"value": value})
    return {"key": key, "value": value}
