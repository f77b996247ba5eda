"""Authentication tokens and permission checks used by every service."""

import datetime as dt
import hashlib
import secrets

from django.contrib.auth import authenticate
from django.db import connection
from django.utils import timezone

from openjxc.core.db import load
from openjxc.core.errors import DomainError
from openjxc.core.services import get_setting

from .models import ApiToken, LoginFailure, WarehouseAccess

APPROVE = "users.approve_document"
CANCEL = "users.cancel_document"
REVERSE = "users.reverse_document"
EDIT = "users.edit_document"
MASTER_DATA = "users.edit_master_data"
CLOSE = "users.close_period"
REOPEN = "users.reopen_period"
VIEW_COST = "users.view_cost"
EXPORT = "users.export_data"
VIEW_AUDIT = "users.view_audit"
MANAGE_USERS = "users.manage_users"
MANAGE_BACKUP = "users.manage_backup"
# adding (not editing) master data: the role defaults give 采购 items and suppliers, 销售 customers
ADD_ITEMS = "users.add_items"
ADD_SUPPLIERS = "users.add_suppliers"
ADD_CUSTOMERS = "users.add_customers"
ADD_PARTNER = {"customer": ADD_CUSTOMERS, "supplier": ADD_SUPPLIERS}
# document areas (which kinds of 单据 a user works with)
PURCHASE, SALES, STOCK, MONEY = (
    "users.purchase_documents",
    "users.sales_documents",
    "users.stock_documents",
    "users.money_documents",
)

LOCKOUT_FAILURES = 5  # wrong passwords for one username from one client
LOCKOUT_MINUTES = 15
CLIENT_FAILURES = 20  # wrong passwords from one client, whatever the usernames
TOKEN_DAYS = 30  # default of the setting api_token_days


def require(user, perm: str) -> None:
    if user is None or not user.is_active or not user.has_perm(perm):
        raise DomainError(
            "forbidden", f"permission {perm.split('.')[-1]} required", {"permission": perm}
        )


def require_any(user, *perms: str) -> None:
    """At least one of perms (a read shared by several roles)."""
    if not any(can(user, p) for p in perms):
        names = [p.split(".")[-1] for p in perms]
        raise DomainError(
            "forbidden", f"permission {' or '.join(names)} required", {"permission": names}
        )


def can(user, perm: str) -> bool:
    return user is not None and user.is_active and user.has_perm(perm)


def allowed_warehouse_ids(user) -> set[int] | None:
    """The warehouses this user may use, or None for all of them."""
    if user is None or user.is_superuser:
        return None
    ids = getattr(user, "_warehouse_ids", None)  # read with the permissions by a token request
    if ids is None:
        ids = set(WarehouseAccess.objects.filter(user=user).values_list("warehouse_id", flat=True))
    return ids or None


def require_warehouses(user, *warehouses) -> None:
    """Refuse a document or read touching a warehouse outside the user's warehouses."""
    allowed = allowed_warehouse_ids(user)
    if allowed is None:
        return
    for wh in warehouses:
        if wh is not None and wh.id not in allowed:
            raise DomainError(
                "forbidden", f"no access to warehouse {wh.code}", {"warehouse": wh.code}
            )


def client_of(request) -> str:
    """The client address of a request: REMOTE_ADDR (X-Forwarded-For can be forged)."""
    return (request.META.get("REMOTE_ADDR") or "")[:45] if request is not None else ""


def _recent_failures(**where) -> list:
    since = timezone.now() - dt.timedelta(minutes=LOCKOUT_MINUTES)
    return list(
        LoginFailure.objects.filter(at__gte=since, **where)
        .order_by("-at")
        .values_list("at", flat=True)
    )


def locked_until(username: str, client: str = ""):
    """When repeated failures from this client lock this username: the time the lock ends.

    The lock is per client so that nobody can lock a user out from another machine; the
    per-client throttle of check_login stops one client from trying many usernames."""
    recent = _recent_failures(username=username, client=client)[:LOCKOUT_FAILURES]
    if len(recent) < LOCKOUT_FAILURES:
        return None
    return recent[0] + dt.timedelta(minutes=LOCKOUT_MINUTES)


def check_login(username: str, password: str, request=None, client: str | None = None):
    """authenticate() with two brakes, both checked before the password: a client with
    CLIENT_FAILURES failures in LOCKOUT_MINUTES is refused (too_many_attempts), and a username
    with LOCKOUT_FAILURES failures from this client is locked there until the window has passed."""
    client = client_of(request) if client is None else client
    if len(_recent_failures(client=client)[:CLIENT_FAILURES]) >= CLIENT_FAILURES:
        raise DomainError(
            "too_many_attempts",
            f"too many failed logins from this client: try again in {LOCKOUT_MINUTES} minutes",
            {"minutes": LOCKOUT_MINUTES},
        )
    until = locked_until(username, client)
    if until is not None:
        raise DomainError(
            "locked",
            f"账户已锁定: {LOCKOUT_FAILURES} 次密码错误, 请于 "
            f"{timezone.localtime(until):%H:%M} 后重试 (account locked)",
            {"until": until.isoformat()},
        )
    user = authenticate(request, username=username, password=password)
    if user is None or not user.is_active:
        LoginFailure.objects.create(username=username, client=client)
        raise DomainError("unauthorized", "用户名或密码错误 (wrong username or password)")
    LoginFailure.objects.filter(username=username, client=client).delete()
    return user


def token_days() -> int:
    """How long a new API token lives (the setting api_token_days, default TOKEN_DAYS)."""
    return int(get_setting("api_token_days", "") or TOKEN_DAYS)


def issue_token(username: str, password: str, client: str = "") -> str:
    user = check_login(username, password, client=client)
    key = secrets.token_urlsafe(32)
    ApiToken.objects.create(
        user=user,
        key_hash=hashlib.sha256(key.encode()).hexdigest(),
        expires_at=timezone.now() + dt.timedelta(days=token_days()),
        auth_hash=user.get_session_auth_hash(),
    )
    return key


def user_for_token(key: str):
    """The user of a live token, else None: unknown, expired, issued under a password that has
    changed since (however it changed), or its user deactivated. One plain query (the token
    joined to its user) and, for a user who is not a superuser, one more for what the user may
    do (`_load_access`): every API request starts here."""
    digest = hashlib.sha256(key.encode()).hexdigest()
    found = load(ApiToken, "WHERE key_hash = %s", [digest], ("user",))
    token = found[0] if found else None
    now = timezone.now()
    if (
        token is None
        or not token.user.is_active
        or token.expires_at is None
        or token.expires_at <= now
    ):
        return None
    if not secrets.compare_digest(token.auth_hash, token.user.get_session_auth_hash()):
        return None
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 300:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    if not token.user.is_superuser:
        _load_access(token.user)
    return token.user


def _load_access(user) -> None:
    """The user's permissions (own and by role) and warehouses in one query, kept on the user
    object for this request: Django's ModelBackend reads its `_perm_cache` instead of running two
    queries, and `allowed_warehouse_ids` reads `_warehouse_ids` instead of one per call."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT ct.app_label, p.codename FROM auth_permission p "
            "JOIN django_content_type ct ON ct.id = p.content_type_id "
            "WHERE p.id IN (SELECT permission_id FROM auth_user_user_permissions WHERE user_id = %s "
            "UNION SELECT gp.permission_id FROM auth_group_permissions gp "
            "JOIN auth_user_groups ug ON ug.group_id = gp.group_id WHERE ug.user_id = %s) "
            "UNION ALL SELECT '', CAST(warehouse_id AS VARCHAR(20)) FROM users_warehouseaccess "
            "WHERE user_id = %s",
            [user.pk] * 3,
        )
        rows = cur.fetchall()
    user._perm_cache = {f"{app}.{name}" for app, name in rows if app}
    user._warehouse_ids = {int(wh) for app, wh in rows if not app}
