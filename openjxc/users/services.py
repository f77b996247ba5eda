"""Authentication tokens and permission checks used by every service."""

import hashlib
import secrets

from django.contrib.auth import authenticate
from django.utils import timezone

from openjxc.core.errors import DomainError

from .models import ApiToken

APPROVE = "users.approve_document"
CANCEL = "users.cancel_document"
REVERSE = "users.reverse_document"
EDIT = "users.edit_document"
MASTER_DATA = "users.edit_master_data"
CLOSE = "users.close_period"
REOPEN = "users.reopen_period"
VIEW_COST = "users.view_cost"


def require(user, perm: str) -> None:
    if user is None or not user.is_active or not user.has_perm(perm):
        raise DomainError("forbidden", f"permission {perm.split('.')[-1]} required", {"permission": perm})


def issue_token(username: str, password: str) -> str:
    user = authenticate(username=username, password=password)
    if user is None or not user.is_active:
        raise DomainError("unauthorized", "用户名或密码错误 (wrong username or password)")
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
