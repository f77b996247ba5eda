"""User and role administration: users, their roles (Django groups) and warehouses, role
permissions, and the company settings. Every write needs manage_users and is audited."""

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone

from openjxc.audit.services import record
from openjxc.core.codes import CODE_KINDS, digits_key, numbering, prefix_key, setting_value
from openjxc.core.errors import DomainError
from openjxc.core.numbers import parse_decimal
from openjxc.core.services import POLICIES, get_setting, policy, policy_value, set_setting
from openjxc.core.validation import text_field

from .models import ApiToken, WarehouseAccess
from .roles import ALL, ROLES
from .services import MANAGE_USERS, TOKEN_DAYS, require

MIN_PASSWORD = 6
MAX_TOKEN_DAYS = 3650


def role_names() -> list[str]:
    """The seeded roles first (in their order), then any role added by hand."""
    names = list(Group.objects.values_list("name", flat=True))
    return [n for n in ROLES if n in names] + sorted(n for n in names if n not in ROLES)


def _role_order(name: str):
    order = list(ROLES)
    return (order.index(name) if name in order else len(order), name)


def user_dict(u) -> dict:
    return {
        "id": u.id,
        "username": u.username,
        "name": u.first_name,
        "active": u.is_active,
        "superuser": u.is_superuser,
        "roles": sorted((g.name for g in u.groups.all()), key=_role_order),
        "warehouses": sorted(a.warehouse.code for a in u.warehouse_access.all()),
        "last_login": u.last_login,
    }


def list_users() -> list[dict]:
    users = (
        get_user_model()
        .objects.order_by("username")
        .prefetch_related("groups", "warehouse_access__warehouse")
    )
    return [user_dict(u) for u in users]


def get_user(username: str):
    u = get_user_model().objects.filter(username=username).first()
    if u is None:
        raise DomainError(
            "not_found", f"user {username} not found", {"object": "user", "ref": username}
        )
    return u


def _password(data: dict) -> str:
    pw = data.get("password")
    if not isinstance(pw, str) or len(pw) < MIN_PASSWORD:
        raise DomainError(
            "invalid_password",
            f"the password needs at least {MIN_PASSWORD} characters",
            {"field": "password", "min": MIN_PASSWORD},
        )
    return pw


def _roles(names) -> list:
    names = [n for n in (names or []) if n]
    groups = list(Group.objects.filter(name__in=names))
    unknown = set(names) - {g.name for g in groups}
    if unknown:
        raise DomainError(
            "invalid", f"unknown role {', '.join(sorted(unknown))}", {"field": "roles"}
        )
    return groups


def _warehouses(codes) -> list:
    from openjxc.inventory.models import Warehouse  # inventory sits above users; read only

    codes = [c for c in (codes or []) if c]
    found = list(Warehouse.objects.filter(code__in=codes))
    unknown = set(codes) - {w.code for w in found}
    if unknown:
        raise DomainError(
            "invalid", f"unknown warehouse {', '.join(sorted(unknown))}", {"field": "warehouses"}
        )
    return found


def _apply(u, roles, warehouses) -> None:
    if roles is not None:
        u.groups.set(roles)
    if warehouses is not None:
        WarehouseAccess.objects.filter(user=u).delete()
        WarehouseAccess.objects.bulk_create(
            [WarehouseAccess(user=u, warehouse=w) for w in warehouses]
        )


def create_user(actor, data: dict) -> dict:
    """data: username, password, name?, roles [names], warehouses [codes] (empty = all), active."""
    require(actor, MANAGE_USERS)
    username = text_field(data, "username", 150, True)
    if not username.replace("_", "").replace(".", "").replace("-", "").replace("@", "").isalnum():
        raise DomainError(
            "invalid", "the username may hold letters, digits and _ . - @", {"field": "username"}
        )
    password = _password(data)
    roles, warehouses = _roles(data.get("roles")), _warehouses(data.get("warehouses"))
    model = get_user_model()
    with transaction.atomic():
        if model.objects.filter(username=username).exists():
            raise DomainError(
                "duplicate_code", f"user {username} already exists", {"code": username}
            )
        u = model(
            username=username,
            first_name=text_field(data, "name", 150),
            is_active=bool(data.get("active", True)),
        )
        u.set_password(password)
        u.save()
        _apply(u, roles, warehouses)
        after = user_dict(u)
        record(actor, "create", "user", username, after=_audit(after))
    return after


def _audit(d: dict) -> dict:
    return {k: v for k, v in d.items() if k != "last_login"}


def update_user(actor, username: str, data: dict) -> dict:
    """Change name, roles, warehouses or active (not the password: see reset_password)."""
    require(actor, MANAGE_USERS)
    with transaction.atomic():
        u = get_user(username)
        before = user_dict(u)
        roles = _roles(data["roles"]) if "roles" in data else None
        warehouses = _warehouses(data["warehouses"]) if "warehouses" in data else None
        if "name" in data:
            u.first_name = text_field(data, "name", 150)
        if "active" in data:
            active = bool(data["active"])
            if not active and u.pk == actor.pk:
                raise DomainError("invalid", "you cannot deactivate yourself", {"field": "active"})
            u.is_active = active
        u.save()
        _apply(u, roles, warehouses)
        u = get_user(username)
        after = user_dict(u)
        if u.pk == actor.pk and not u.is_superuser and not u.has_perm(MANAGE_USERS):
            raise DomainError(
                "invalid", "you would lose the permission to manage users", {"field": "roles"}
            )
        record(actor, "edit", "user", username, before=_audit(before), after=_audit(after))
    return after


def reset_password(actor, username: str, password: str) -> None:
    """A new password ends every API token of the user (whoever knew the old one may hold one)."""
    require(actor, MANAGE_USERS)
    pw = _password({"password": password})
    with transaction.atomic():
        u = get_user(username)
        u.set_password(pw)
        u.save(update_fields=["password"])
        revoked, _ = ApiToken.objects.filter(user=u).delete()
        record(actor, "reset_password", "user", username, after={"tokens_revoked": revoked})


def list_tokens(actor, username: str) -> list[dict]:
    """The user's API tokens, newest first (the keys themselves are never stored)."""
    require(actor, MANAGE_USERS)
    now = timezone.now()
    return [
        {
            "id": t.id,
            "created_at": t.created_at,
            "last_used_at": t.last_used_at,
            "expires_at": t.expires_at,
            "expired": t.expires_at is None or t.expires_at <= now,
        }
        for t in ApiToken.objects.filter(user=get_user(username)).order_by("-created_at", "-id")
    ]


def revoke_token(actor, username: str, token_id) -> None:
    require(actor, MANAGE_USERS)
    with transaction.atomic():
        deleted, _ = ApiToken.objects.filter(
            user=get_user(username), pk=_int(token_id, "token")
        ).delete()
        if not deleted:
            raise DomainError(
                "not_found",
                f"token {token_id} not found",
                {"object": "token", "ref": str(token_id)},
            )
        record(actor, "revoke_token", "user", username, after={"token": int(token_id)})


def token_days_value(raw, field: str = "api_token_days") -> str:
    """The setting api_token_days as stored: whole days from 1 to MAX_TOKEN_DAYS (blank: default)."""
    if raw is None or str(raw).strip() == "":
        return str(TOKEN_DAYS)
    days = _int(raw, field)
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise DomainError(
            "invalid", f"api_token_days is between 1 and {MAX_TOKEN_DAYS}", {"field": field}
        )
    return str(days)


def _int(value, field: str) -> int:
    try:
        return int(str(value).strip())
    except ValueError:
        raise DomainError("invalid", f"{field} must be a whole number", {"field": field}) from None


def deactivate_user(actor, username: str) -> dict:
    """Users are never deleted (the audit log names them): they are deactivated."""
    return update_user(actor, username, {"active": False})


def role_matrix() -> dict:
    """{role name: set of permission codenames} for every role."""
    out = {name: set() for name in role_names()}
    for g in Group.objects.prefetch_related("permissions"):
        out[g.name] = {p.codename for p in g.permissions.all() if p.codename in ALL}
    return out


def set_role_permissions(actor, matrix: dict) -> dict:
    """matrix: {role name: iterable of codenames}; roles not named keep their permissions."""
    require(actor, MANAGE_USERS)
    perms = {
        p.codename: p
        for p in Permission.objects.filter(content_type__app_label="users", codename__in=ALL)
    }
    with transaction.atomic():
        before = role_matrix()
        for name, codenames in matrix.items():
            group = Group.objects.filter(name=name).first()
            if group is None:
                raise DomainError("invalid", f"unknown role {name}", {"field": "role"})
            unknown = set(codenames) - set(perms)
            if unknown:
                raise DomainError(
                    "invalid",
                    f"unknown permission {', '.join(sorted(unknown))}",
                    {"field": "permissions"},
                )
            keep = [
                p for p in group.permissions.all() if p.codename not in ALL
            ]  # permissions outside the matrix
            group.permissions.set(keep + [perms[c] for c in codenames])
        after = role_matrix()
        actor = get_user(actor.username)  # fresh permission cache
        if not actor.is_superuser and not actor.has_perm(MANAGE_USERS):
            raise DomainError(
                "invalid", "you would lose the permission to manage users", {"field": "permissions"}
            )
        changed = {n: sorted(after[n]) for n in after if after[n] != before.get(n)}
        if changed:
            record(
                actor,
                "edit",
                "roles",
                ",".join(sorted(changed)),
                before={n: sorted(before.get(n, ())) for n in changed},
                after=changed,
            )
    return after


# company settings shown on the settings page (print views read company_*)
TEXT_SETTINGS = {"company_name": 200, "company_address": 300, "company_phone": 50}
# types an approval threshold may be set for: filled in by the registry (documents/types.py)
THRESHOLD_TYPES: list[str] = []


def current_settings() -> dict:
    out = {k: get_setting(k, "") or "" for k in TEXT_SETTINGS}
    out["price_includes_tax"] = get_setting("price_includes_tax", "0") or "0"
    out.update({key: policy(key) for key in POLICIES})
    out["api_token_days"] = get_setting("api_token_days", "") or str(TOKEN_DAYS)
    for t in THRESHOLD_TYPES:
        out[f"approval_threshold.{t}"] = get_setting(f"approval_threshold.{t}", "") or ""
    for kind in CODE_KINDS:  # automatic codes (自动编码): prefix and digits per kind
        prefix, digits = numbering(kind)
        out[prefix_key(kind)], out[digits_key(kind)] = prefix, str(digits)
    return out


def update_settings(actor, data: dict) -> dict:
    """Save the settings given in data (keys of current_settings()); an empty threshold removes it."""
    from openjxc.core.models import Setting

    require(actor, MANAGE_USERS)
    before = current_settings()
    values = {}
    for key, n in TEXT_SETTINGS.items():
        if key in data:
            values[key] = text_field(data, key, n)
    if "price_includes_tax" in data:
        v = str(data["price_includes_tax"])
        if v not in ("0", "1"):
            raise DomainError(
                "invalid", "price_includes_tax is 0 or 1", {"field": "price_includes_tax"}
            )
        values["price_includes_tax"] = v
    for key in POLICIES:
        if data.get(key) not in (None, ""):
            values[key] = policy_value(key, data[key])
    if "api_token_days" in data:
        values["api_token_days"] = token_days_value(data["api_token_days"])
    for t in THRESHOLD_TYPES:
        key = f"approval_threshold.{t}"
        if key in data:
            raw = (data[key] or "").strip() if isinstance(data[key], str) else data[key]
            values[key] = (
                ""
                if raw in ("", None)
                else str(parse_decimal(raw, key, 2).quantize(Decimal("0.01")))
            )
    for kind in CODE_KINDS:
        for key in (prefix_key(kind), digits_key(kind)):
            if key in data:
                values[key] = setting_value(key, data[key])
    with transaction.atomic():
        for key, v in values.items():
            if key.startswith("approval_threshold.") and v == "":
                Setting.objects.filter(key=key).delete()
            else:
                set_setting(key, v)
        after = current_settings()
        changed = {k: after[k] for k in after if after[k] != before[k]}
        if changed:
            record(
                actor,
                "setting",
                "setting",
                "settings",
                before={k: before[k] for k in changed},
                after=changed,
            )
    return after
