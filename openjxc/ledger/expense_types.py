"""Expense types (费用类型) and income types: each maps an expense or other-income line to a
profit-and-loss sub-account — of 5601 销售费用 / 5602 管理费用 / 5603 财务费用 for expenses, of
5051 其他业务收入 / 5301 营业外收入 for income.

Creating a type creates its own sub-account under the `parent` given (560201 房租 under 5602:
the parent's code and the next free two digits), unless an existing `account` of the right
group is named. The chart of 小企业会计准则 is kept by these sub-accounts, so the 利润表 rows
(which sum 5601, 5602 …) stay right whatever types a business adds. New books get the defaults
below from `seed_chart`; older books from the migration ledger/0006_expense_types."""

from django.db import IntegrityError, transaction

from openjxc.audit.services import record
from openjxc.core.errors import DomainError, not_found
from openjxc.core.validation import text_field
from openjxc.users.services import MASTER_DATA, MONEY, require_any

from .models import Account, AccountBalance, ExpenseType

# the accounts a type of each kind may be booked to (itself a sub-account of one of them)
GROUPS = {
    ExpenseType.EXPENSE: ("5601", "5602", "5603"),
    ExpenseType.INCOME: ("5051", "5301"),
}
DEFAULT_PARENT = {ExpenseType.EXPENSE: "5602", ExpenseType.INCOME: "5051"}
EXP, INC = ExpenseType.EXPENSE, ExpenseType.INCOME
# code, name, kind, parent — the sub-accounts are numbered in this order under each parent
DEFAULTS = [
    ("YF", "运费", EXP, "5601"),
    ("GGF", "广告费", EXP, "5601"),
    ("FZ", "房租", EXP, "5602"),
    ("SDF", "水电费", EXP, "5602"),
    ("BGF", "办公费", EXP, "5602"),
    ("GZ", "工资", EXP, "5602"),
    ("SXF", "手续费", EXP, "5603"),
    ("LX", "利息", EXP, "5603"),
    ("ZJSR", "租金收入", INC, "5051"),
    ("QTSR", "其他收入", INC, "5051"),
    ("FKSR", "罚款收入", INC, "5301"),
]


def seed_expense_types() -> None:
    """The default types with their sub-accounts (idempotent: a code that exists is left)."""
    for code, name, kind, parent in DEFAULTS:
        if not ExpenseType.objects.filter(code=code).exists():
            ExpenseType.objects.create(
                code=code, name=name, kind=kind, account=_new_sub_account(parent, name)
            )


def _new_sub_account(parent_code: str, name: str) -> Account:
    """A new sub-account of parent: its code and the next free two digits (560201, 560202 …)."""
    parent = Account.objects.get(code=parent_code)
    taken = {
        int(c[len(parent_code) :])
        for c in Account.objects.filter(parent=parent).values_list("code", flat=True)
        if c[len(parent_code) :].isdigit()
    }
    number = next((n for n in range(1, 100) if n not in taken), None)
    if number is None:
        raise DomainError(
            "invalid",
            f"account {parent_code} has no free sub-account code left",
            {"field": "parent"},
        )
    account = Account.objects.create(
        code=f"{parent_code}{number:02d}",
        name=name[:100],
        category=parent.category,
        direction=parent.direction,
        parent=parent,
    )
    AccountBalance.objects.create(account=account)
    return account


def _in_group(code: str, kind: str) -> bool:
    return any(code.startswith(g) and len(code) > len(g) for g in GROUPS[kind])


def _account(data: dict, kind: str, name: str) -> Account:
    """The type's account: the existing sub-account named by `account`, or a new one under
    `parent` (default 5602 for expenses, 5051 for income)."""
    code = data.get("account")
    if code not in (None, ""):
        account = Account.objects.filter(code=str(code)).first()
        if account is None or not _in_group(account.code, kind):
            raise DomainError(
                "invalid",
                f"account {code} is not a sub-account of {' / '.join(GROUPS[kind])}",
                {"field": "account", "account": str(code)},
            )
        return account
    parent = data.get("parent") or DEFAULT_PARENT[kind]
    if parent not in GROUPS[kind]:
        raise DomainError(
            "invalid",
            f"parent must be one of {', '.join(GROUPS[kind])} for a {kind} type",
            {"field": "parent"},
        )
    return _new_sub_account(parent, name)


def _kind(data: dict) -> str:
    kind = data.get("kind") or ExpenseType.EXPENSE
    if kind not in GROUPS:
        raise DomainError("invalid", "kind must be expense or income", {"field": "kind"})
    return kind


def expense_type_dict(t: ExpenseType) -> dict:
    return {
        "id": t.id,
        "code": t.code,
        "name": t.name,
        "kind": t.kind,
        "account": t.account.code,
        "account_name": t.account.name,
        "active": t.active,
    }


def expense_type_list(kind: str | None = None, active_only: bool = False) -> list[dict]:
    qs = ExpenseType.objects.select_related("account").order_by("kind", "account__code", "code")
    if kind:
        qs = qs.filter(kind=kind)
    if active_only:
        qs = qs.filter(active=True)
    return [expense_type_dict(t) for t in qs]


def get_expense_type(code: str) -> dict:
    t = ExpenseType.objects.select_related("account").filter(code=code).first()
    if t is None:
        raise not_found("expense_type", code)
    return expense_type_dict(t)


def _duplicate(code: str) -> DomainError:
    return DomainError("duplicate_code", f"expense type {code} already exists", {"code": code})


def create_expense_type(user, data: dict) -> dict:
    """POST /expense-types; a 财务 (money documents) or whoever edits master data may."""
    require_any(user, MASTER_DATA, MONEY)
    code = text_field(data, "code", 64, True)
    name = text_field(data, "name", 100, True)
    kind = _kind(data)
    active = data.get("active", True)
    if not isinstance(active, bool):
        raise DomainError("invalid", "active must be true or false", {"field": "active"})
    try:
        with transaction.atomic():
            if ExpenseType.objects.filter(code=code).exists():
                raise _duplicate(code)
            t = ExpenseType.objects.create(
                code=code, name=name, kind=kind, account=_account(data, kind, name), active=active
            )
            result = expense_type_dict(t)
            record(user, "create", "expense_type", code, after=result)
    except IntegrityError:
        raise _duplicate(code) from None
    return result


def update_expense_type(user, code: str, data: dict) -> dict:
    """PUT /expense-types/{code}: only the fields sent (name, account or parent, active); its
    kind never changes. A new account applies to drafts saved from now on."""
    require_any(user, MASTER_DATA, MONEY)
    if "kind" in data and data["kind"] is not None:
        raise DomainError("invalid", "the kind of an expense type cannot change", {"field": "kind"})
    with transaction.atomic():
        t = ExpenseType.objects.select_for_update().select_related("account").filter(code=code)
        t = t.first()
        if t is None:
            raise not_found("expense_type", code)
        before = expense_type_dict(t)
        if data.get("name") is not None:
            t.name = text_field(data, "name", 100, True)
        if data.get("account") or data.get("parent"):
            t.account = _account(data, t.kind, t.name)
        if data.get("active") is not None:
            if not isinstance(data["active"], bool):
                raise DomainError("invalid", "active must be true or false", {"field": "active"})
            t.active = data["active"]
        t.save()
        after = expense_type_dict(t)
        if before != after:
            record(user, "edit", "expense_type", code, before=before, after=after)
    return after


def account_choices(kind: str | None = None) -> dict:
    """For the pages: the group accounts a new type's sub-account may go under, and the existing
    sub-accounts of the groups a type may be moved to, per kind (code, name)."""
    kinds = [kind] if kind else list(GROUPS)
    groups = {k: list(Account.objects.filter(code__in=GROUPS[k]).order_by("code")) for k in kinds}
    subs = {
        k: [
            a
            for a in Account.objects.filter(parent__code__in=GROUPS[k]).order_by("code")
            if _in_group(a.code, k)
        ]
        for k in kinds
    }
    return {"parents": groups, "accounts": subs}


def active_expense_types(kind: str) -> list[dict]:
    """What an entry form offers: the active types of one kind."""
    return expense_type_list(kind, active_only=True)
