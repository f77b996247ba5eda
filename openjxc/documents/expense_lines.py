"""Drafts of expenses (费用单) and other income (其他收入单): what differs from other bodies.

`{"partner"?, "account"?, "lines": [{"expense_type", "amount", "tax_rate"?, "memo"?}]}`: each
line's amount is tax-exclusive, its tax round_half_up(amount × tax_rate). With a money account
it is paid now (a partner beside it is only recorded, and there is no due date); without one
the partner owes or is owed it, due after its 账期. Lines become `AccountLine` rows carrying
their expense type, the type's account at the time of saving, the rate and the tax."""

from decimal import Decimal

from openjxc.core.errors import DomainError
from openjxc.core.numbers import parse_decimal, parse_tax_rate, round_half_up, to_fen
from openjxc.core.validation import text_field
from openjxc.ledger.models import ExpenseType

from .models import AccountLine
from .types import TYPES

# a line's amount (yuan) stays well inside a 64-bit count of fen, also summed over 1,000 lines
MAX_AMOUNT = Decimal(10) ** 13
MAX_LINES = 1000
# what a type's lines are, by whom it is owed to or by: a supplier (expense), a customer (income)
KIND = {"supplier": ExpenseType.EXPENSE, "customer": ExpenseType.INCOME}
_ITEM_FIELDS = ("item", "qty", "price", "price_incl_tax", "source_line", "level", "unit")


def resolve_expense(t, data: dict, out: dict, account, errors: list) -> dict:
    """The lines and amounts of an expense or other income; `account` is the money account
    already resolved (None: owed). Every line's mistake goes to errors."""
    if account is None and out["partner"] is None:
        errors.append(
            DomainError(
                "invalid",
                f"a {t.code} is paid from a money account (account) or owed by a partner",
                {"field": "account"},
                kind="required",
            )
        )
    if account is not None:
        if data.get("due_date"):
            errors.append(
                DomainError(
                    "invalid",
                    f"a {t.code} paid now raises no receivable or payable: it takes no due_date",
                    {"field": "due_date"},
                )
            )
        out["due_date"] = None
    raw = data.get("lines")
    if not isinstance(raw, list) or not raw:
        errors.append(
            DomainError(
                "invalid", "at least one line is required", {"field": "lines"}, kind="required"
            )
        )
        raw = []
    if len(raw) > MAX_LINES:
        raise DomainError("invalid", f"at most {MAX_LINES} lines per document", {"field": "lines"})
    types = {
        x.code: x
        for x in ExpenseType.objects.select_related("account").filter(
            code__in={r.get("expense_type") for r in raw if isinstance(r, dict)}
        )
    }
    lines = []
    for i, r in enumerate(raw):
        try:
            lines.append(_line(t, r, i, types))
        except DomainError as exc:
            errors.append(exc)
    out.update(
        account=account,
        lines=[],
        expense_lines=lines,
        amount=sum(ln["amount"] for ln in lines),
        tax=sum(ln["tax"] for ln in lines),
    )
    return out


def _line(t, raw, i: int, types: dict) -> dict:
    where = f"lines[{i}]"
    if not isinstance(raw, dict):
        raise DomainError("invalid", f"line {i + 1} must be an object", {"line": i + 1})
    for key in _ITEM_FIELDS:
        if raw.get(key) is not None:
            raise DomainError(
                "invalid",
                f"{where}.{key}: a {t.code} line has an expense type and an amount",
                {"field": f"{where}.{key}"},
            )
    code = raw.get("expense_type")
    if not code or not isinstance(code, str):
        raise DomainError(
            "invalid",
            f"{where}.expense_type is required",
            {"field": f"{where}.expense_type"},
            kind="required",
        )
    expense_type = types.get(code)
    if expense_type is None or expense_type.kind != KIND[t.partner]:
        raise DomainError(
            "unknown_expense_type",
            f"{where}: there is no {KIND[t.partner]} type {code}",
            {"field": f"{where}.expense_type", "expense_type": code},
        )
    if not expense_type.active:
        raise DomainError(
            "inactive_expense_type",
            f"{where}: the expense type {code} is deactivated",
            {"field": f"{where}.expense_type", "expense_type": code},
        )
    amount = parse_decimal(raw.get("amount"), f"{where}.amount", 2)
    if amount <= 0 or amount >= MAX_AMOUNT:
        raise DomainError(
            "invalid",
            f"{where}.amount must be positive and below {MAX_AMOUNT}",
            {"field": f"{where}.amount"},
            kind="positive" if amount <= 0 else "",
        )
    rate = raw.get("tax_rate")
    rate = Decimal(0) if rate in (None, "") else parse_tax_rate(rate, f"{where}.tax_rate")
    return {
        "expense_type": expense_type,
        "amount": to_fen(amount),
        "tax_rate": rate,
        "tax": to_fen(round_half_up(amount * rate)),
        "memo": text_field(raw, "memo", 200),
    }


def write_expense_lines(doc, lines: list[dict]) -> None:
    """The lines as account lines: an expense's amount on the debit side, an income's on the
    credit side (as the voucher books them)."""
    income = KIND[TYPES[doc.type].partner] == ExpenseType.INCOME
    AccountLine.objects.bulk_create(
        AccountLine(
            document=doc,
            line_no=n,
            account=ln["expense_type"].account,
            expense_type=ln["expense_type"],
            debit=0 if income else ln["amount"],
            credit=ln["amount"] if income else 0,
            tax_rate=ln["tax_rate"],
            tax=ln["tax"],
            memo=ln["memo"],
        )
        for n, ln in enumerate(lines, start=1)
    )
    doc.amount = sum(ln["amount"] for ln in lines)
    doc.tax = sum(ln["tax"] for ln in lines)
    doc.amount_incl_tax = doc.amount + doc.tax
