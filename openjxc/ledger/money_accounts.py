"""结算账户 (money accounts): cash, bank and other accounts, each posting to its own GL account.

A new money account gets a sub-account of 1001 / 1002 / 1012 by its kind (100201 "银行存款—工商
银行", the next free two-digit suffix), so vouchers, the trial balance and the close need nothing
new; the three seeded money accounts 1001, 1002, 1012 are those GL accounts themselves, so
`"account": "1002"` means what it always did. A money account's code may not be a GL account's
code (unless it is its own): the 日记账 then takes either without doubt.

`resolve(code)` is the one way a document body's money account becomes the GL account its
voucher posts to (receipts, payments, fund transfers, expenses, other income)."""

from django.db import IntegrityError, transaction

from openjxc.audit.services import record
from openjxc.core.errors import DomainError, not_found
from openjxc.core.numbers import parse_decimal, to_fen
from openjxc.core.validation import text_field
from openjxc.users.services import MONEY, require

from .chart import MONEY_PARENTS
from .models import Account, AccountBalance, MoneyAccount
from .services import _ACCOUNTS

KINDS = tuple(MONEY_PARENTS)
FIELDS = ("name", "bank_name", "account_no", "active")  # what a PUT may change


def resolve(code, field: str = "account") -> Account:
    """The GL account of the money account `code`: 422 unknown_money_account when there is
    none, 422 inactive_money_account when it is deactivated (停用)."""
    found = (
        MoneyAccount.objects.select_related("account").filter(code=str(code)).first()
        if isinstance(code, str | int) and str(code)
        else None
    )
    if found is None:
        raise DomainError(
            "unknown_money_account",
            f"{code} is not a cash or bank account",
            {"field": field, "account": str(code if code is not None else "")},
        )
    if not found.active:
        raise DomainError(
            "inactive_money_account",
            f"money account {found.code} is deactivated",
            {"field": field, "account": found.code},
        )
    return found.account


def transfer(data: dict) -> dict:
    """A fund transfer's body: `from_account` pays `amount` + `fee`, `to_account` receives
    `amount`, the fee goes to 5603 财务费用. Raises DomainError, writes nothing."""
    out = {
        "account": resolve(data.get("from_account"), "from_account"),
        "to_account": resolve(data.get("to_account"), "to_account"),
        "amount": to_fen(parse_decimal(data.get("amount"), "amount", 2)),
        "fee": to_fen(parse_decimal(data.get("fee") or "0", "fee", 2)),
    }
    if out["account"].id == out["to_account"].id:
        raise DomainError(
            "invalid",
            "from_account and to_account must differ",
            {"field": "to_account"},
            kind="same_account",
        )
    if out["amount"] <= 0:
        raise DomainError(
            "invalid", "amount must be positive", {"field": "amount"}, kind="positive"
        )
    if out["fee"] < 0:
        raise DomainError("invalid", "fee must not be negative", {"field": "fee"}, kind="negative")
    return out


def code_of(account: Account | None) -> str | None:
    """The money account code of a GL account (a document's `account`); the GL code when no
    money account posts to it."""
    if account is None:
        return None
    try:
        return account.money_account.code
    except MoneyAccount.DoesNotExist:
        return account.code


def money_account_dict(m: MoneyAccount) -> dict:
    return {
        "code": m.code,
        "name": m.name,
        "kind": m.kind,
        "bank_name": m.bank_name or None,
        "account_no": m.account_no or None,
        "active": m.active,
        "gl_account": m.account.code,
        "gl_account_name": m.account.name,
    }


def list_money_accounts(active: bool | None = None) -> list[MoneyAccount]:
    """Money accounts in GL code order (cash, bank, other; each kind's own after its parent)."""
    qs = MoneyAccount.objects.select_related("account").order_by("account__code")
    if active is not None:
        qs = qs.filter(active=active)
    return list(qs)


def get_money_account(code: str) -> MoneyAccount:
    found = MoneyAccount.objects.select_related("account").filter(code=code).first()
    if found is None:
        raise not_found("money_account", code)
    return found


def money_gl_ids() -> set[int]:
    """The GL accounts money accounts post to (an opening balance may be typed into each, even
    into 1002 once it has sub-accounts)."""
    return set(MoneyAccount.objects.values_list("account_id", flat=True))


def _sub_code(parent: Account) -> str:
    taken = set(Account.objects.filter(parent=parent).values_list("code", flat=True))
    for n in range(1, 100):
        code = f"{parent.code}{n:02d}"
        if code not in taken and not Account.objects.filter(code=code).exists():
            return code
    raise DomainError(
        "invalid", f"account {parent.code} has no free sub-account code left", {"field": "kind"}
    )


def _duplicate(code: str) -> DomainError:
    return DomainError("duplicate_code", f"code {code} is already used", {"code": code})


def create_money_account(user, data: dict) -> dict:
    """POST /money-accounts: the money account and its GL sub-account, audited."""
    require(user, MONEY)
    code = text_field(data, "code", 20, True)
    name = text_field(data, "name", 60, True)
    kind = data.get("kind")
    if kind not in KINDS:
        raise DomainError(
            "invalid",
            "kind must be cash, bank or other",
            {"field": "kind"},
            kind="required" if kind in (None, "") else "",
        )
    bank_name = text_field(data, "bank_name", 100)
    account_no = text_field(data, "account_no", 64)
    try:
        with transaction.atomic():
            if (
                MoneyAccount.objects.filter(code=code).exists()
                or Account.objects.filter(code=code).exists()
            ):
                raise _duplicate(code)
            parent = Account.objects.select_for_update().get(code=MONEY_PARENTS[kind])
            gl = Account.objects.create(
                code=_sub_code(parent),
                name=f"{parent.name}—{name}",
                category=parent.category,
                direction=parent.direction,
                parent=parent,
            )
            AccountBalance.objects.create(account=gl)
            m = MoneyAccount.objects.create(
                code=code,
                name=name,
                kind=kind,
                bank_name=bank_name,
                account_no=account_no,
                account=gl,
            )
            result = money_account_dict(m)
            record(user, "create", "money_account", code, after=result)
    except IntegrityError:
        raise _duplicate(code) from None
    _ACCOUNTS.clear()
    return result


def update_money_account(user, code: str, data: dict) -> dict:
    """PUT /money-accounts/{code}: name, bank, account number, 停用; the code and kind stay. A
    sub-account made for the money account is renamed with it."""
    require(user, MONEY)
    unknown = set(data) - set(FIELDS)
    if unknown:
        field = sorted(unknown)[0]
        raise DomainError("invalid", f"{field} cannot be changed", {"field": field})
    with transaction.atomic():
        m = MoneyAccount.objects.select_for_update().filter(code=code).first()
        if m is None:
            raise not_found("money_account", code)
        before = money_account_dict(m)
        if "name" in data:
            m.name = text_field(data, "name", 60, True)
        if "bank_name" in data:
            m.bank_name = text_field(data, "bank_name", 100)
        if "account_no" in data:
            m.account_no = text_field(data, "account_no", 64)
        if "active" in data:
            m.active = bool(data["active"])
        m.save()
        gl = m.account
        if gl.parent_id is not None and "name" in data:
            gl.name = f"{Account.objects.get(id=gl.parent_id).name}—{m.name}"
            gl.save(update_fields=["name"])
        after = money_account_dict(m)
        if after != before:
            record(user, "edit", "money_account", code, before=before, after=after)
    return after
