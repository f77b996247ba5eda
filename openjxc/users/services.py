"""Authentication tokens and permission checks used by every service."""

import datetime as dt
import hashlib
import secrets

from django.contrib.auth import authenticate
from django.utils import timezone

from openjxc.core.errors import DomainError

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
# document areas (which kinds of 单据 a user works with)
PURCHASE, SALES, STOCK, MONEY = ("users.purchase_documents", "users.sales_documents", "users.stock_documents",
                                 "users.money_documents")

LOCKOUT_FAILURES = 5
LOCKOUT_MINUTES = 15


def require(user, perm: str) -> None:
    if user is None or not user.is_active or not user.has_perm(perm):
        raise DomainError("forbidden", f"permission {perm.split('.')[-1]} required", {"permission": perm})


def require_any(user, *perms: str) -> None:
    """At least one of perms (a read shared by several roles)."""
    if not any(can(user, p) for p in perms):
        names = [p.split(".")[-1] for p in perms]
        raise DomainError("forbidden", f"permission {' or '.join(names)} required", {"permission": names})


def can(user, perm: str) -> bool:
    return user is not None and user.is_active and user.has_perm(perm)


def allowed_warehouse_ids(user) -> set[int] | None:
    """The warehouses this user may use, or None for all of them."""
    if user is None or user.is_superuser:
        return None
    ids = set(WarehouseAccess.objects.filter(user=user).values_list("warehouse_id", flat=True))
    return ids or None


def require_warehouses(user, *warehouses) -> None:
    """Refuse a document or read touching a warehouse outside the user's warehouses."""
    allowed = allowed_warehouse_ids(user)
    if allowed is None:
        return
    for wh in warehouses:
        if wh is not None and wh.id not in allowed:
            raise DomainError("forbidden", f"no access to warehouse {wh.code}", {"warehouse": wh.code})


def locked_until(username: str):
    """When repeated failures lock this username: the time the lock ends, else None."""
    since = timezone.now() - dt.timedelta(minutes=LOCKOUT_MINUTES)
    recent = list(LoginFailure.objects.filter(username=username, at__gte=since).order_by("-at")
                  .values_list("at", flat=True)[:LOCKOUT_FAILURES])
    if len(recent) < LOCKOUT_FAILURES:
        return None
    return recent[0] + dt.timedelta(minutes=LOCKOUT_MINUTES)


def check_login(username: str, password: str, request=None):
    """authenticate() with a lockout: after LOCKOUT_FAILURES failures in LOCKOUT_MINUTES the
    username is refused (even with the right password) until the window has passed."""
    until = locked_until(username)
    if until is not None:
        raise DomainError("locked", f"账户已锁定: {LOCKOUT_FAILURES} 次密码错误, 请于 "
                          f"{timezone.localtime(until):%H:%M} 后重试 (account locked)",
                          {"until": until.isoformat()})
    user = authenticate(request, username=username, password=password)
    if user is None or not user.is_active:
        LoginFailure.objects.create(username=username)
        raise DomainError("unauthorized", "用户名或密码错误 (wrong username or password)")
    LoginFailure.objects.filter(username=username).delete()
    return user


def issue_token(username: str, password: str) -> str:
    user = check_login(username, password)
    key = secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, key_hash=hashlib.sha256(key.encode()).hexdigest())
    return key


def user_for_token(key: str):
    digest = hashlib.sha256(key.encode()).hexdigest()
    token = ApiToken.objects.select_related("user").filter(key_hash=digest).first()
    if token is None or not token.user.is_active:
        return None
    if token.last_used_at is None or (timezone.now() - token.last_used_at).total_seconds() > 300:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user
