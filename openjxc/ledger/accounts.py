"""Sub-accounts under the 小企业会计准则 chart (POST /accounts, the 科目 page).

A sub-account's code is its parent's code and two more digits (560201 under 5602); it inherits
the parent's category and normal side. Control accounts (chart.is_control) keep their
subledgers' structure and take none. A parent that already has postings keeps them: they stay
on the parent (its balance rolls up with its children's in the trial balance), new postings go
to the leaves."""

from django.db import IntegrityError, transaction

from openjxc.audit.services import record
from openjxc.core.errors import DomainError
from openjxc.core.validation import text_field
from openjxc.users.services import MONEY, require

from . import chart as A
from .models import Account, AccountBalance
from .services import cached_account_ids, forget_account_ids


def _code(data: dict, parent: Account) -> str:
    code = text_field(data, "code", 20, required=True)
    if not code.isascii() or not code.isdigit():
        raise DomainError("invalid", "code must be digits", {"field": "code"})
    if not code.startswith(parent.code) or len(code) != len(parent.code) + 2:
        raise DomainError(
            "invalid",
            f"a sub-account of {parent.code} is {parent.code} and two more digits",
            {"field": "code"},
        )
    return code


def add_account(user, data: dict) -> dict:
    require(user, MONEY)
    parent_code = text_field(data, "parent", 20, required=True)
    name = text_field(data, "name", 100, required=True)
    try:
        with transaction.atomic():
            parent = Account.objects.select_for_update().filter(code=parent_code).first()
            if parent is None:
                raise DomainError(
                    "unknown_account",
                    f"no account {parent_code}",
                    {"field": "parent", "account": parent_code},
                )
            if A.is_control(parent.code):
                raise DomainError(
                    "control_account",
                    f"account {parent.code} is owned by its subledger: no sub-accounts",
                    {"field": "parent", "account": parent.code},
                )
            code = _code(data, parent)
            if Account.objects.filter(code=code).exists():
                raise DomainError("duplicate_code", f"account {code} exists", {"code": code})
            account = Account.objects.create(
                code=code,
                name=name,
                category=parent.category,
                direction=parent.direction,
                parent=parent,
            )
            AccountBalance.objects.create(account=account)
            record(
                user,
                "create",
                "account",
                code,
                after={"name": name, "parent_account": parent.code, "category": parent.category},
            )
    except IntegrityError:
        raise DomainError(
            "duplicate_code", f"account {data.get('code')} exists", {"code": data.get("code")}
        ) from None
    forget_account_ids()  # posting reads account ids through a cache
    cached_account_ids()
    return next(row for row in chart() if row["code"] == account.code)


def chart() -> list[dict]:
    """Every account in code order with its parent and level (1 = top), for GET /accounts and
    the 科目 page."""
    accounts = list(Account.objects.order_by("code"))
    by_id = {a.id: a for a in accounts}
    parents = {a.parent_id for a in accounts if a.parent_id}

    def level(a):
        return 1 if a.parent_id is None else level(by_id[a.parent_id]) + 1

    return [
        {
            "code": a.code,
            "name": a.name,
            "category": a.category,
            "direction": a.direction,
            "parent": by_id[a.parent_id].code if a.parent_id else None,
            "level": level(a),
            "leaf": a.id not in parents,
            "control": A.is_control(a.code),
        }
        for a in accounts
    ]
