"""Manual vouchers (记账凭证): drafts of typed account lines, approved, cancelled and reversed
like every document (posting/engine.py, the recipe posting/recipes/ledger.py).

A draft is refused unless it can be posted as it stands: at least two lines, each one side and
positive, debits = credits (`unbalanced`), every account a leaf of the chart (`parent_account`)
that no subledger owns (`control_account`: 1405, 1122, 2202, 1123, 2203, 2221…, 3999), so the
voucher posts exactly its lines and reconcile stays ok."""

from django.db import transaction

from openjxc.audit.services import record
from openjxc.core.dates import parse_date
from openjxc.core.errors import DomainError, not_found
from openjxc.core.numbers import fen_str, parse_decimal, to_fen
from openjxc.core.services import next_number
from openjxc.core.validation import text_field
from openjxc.documents import workflow
from openjxc.documents.access import require_document, require_type
from openjxc.documents.models import AccountLine, Document
from openjxc.documents.selectors import document_dict, get_document
from openjxc.documents.types import TYPES, the_type
from openjxc.ledger import chart as A
from openjxc.ledger.models import Account
from openjxc.ledger.services import ensure_open
from openjxc.partners.models import Partner
from openjxc.users.services import EDIT, require

from . import engine

MAX_LINES = 500


def voucher_type() -> str:
    return the_type(manual_lines=True)


def leaf_accounts() -> list[Account]:
    """The accounts a manual voucher may post to: leaves that no subledger owns (the picker)."""
    parents = set(Account.objects.exclude(parent=None).values_list("parent_id", flat=True))
    return [
        a
        for a in Account.objects.order_by("code")
        if a.id not in parents and not A.is_control(a.code)
    ]


def check_account(code, where: str) -> Account:
    account = Account.objects.filter(code=str(code)).first() if code else None
    if account is None:
        raise DomainError(
            "unknown_account",
            f"{where}: no account {code!r}",
            {"field": f"{where}.account", "account": str(code or "")},
        )
    if A.is_control(account.code):
        raise DomainError(
            "control_account",
            f"account {account.code} is owned by its subledger and cannot be posted by hand",
            {"field": f"{where}.account", "account": account.code},
        )
    if Account.objects.filter(parent=account).exists():
        raise DomainError(
            "parent_account",
            f"account {account.code} has sub-accounts: post to one of them",
            {"field": f"{where}.account", "account": account.code},
        )
    return account


def _line(i: int, raw) -> dict:
    where = f"lines[{i}]"
    if not isinstance(raw, dict):
        raise DomainError("invalid", f"{where} must be an object", {"field": where})
    account = check_account(raw.get("account"), where)
    sides = [k for k in ("debit", "credit") if raw.get(k) not in (None, "")]
    if len(sides) != 1:
        raise DomainError(
            "invalid",
            f"{where} gives debit or credit (exactly one of them)",
            {"field": f"{where}.debit"},
            kind="required" if not sides else "",
        )
    fen = to_fen(parse_decimal(raw[sides[0]], f"{where}.{sides[0]}", 2))
    if fen <= 0:
        raise DomainError(
            "invalid",
            f"{where}.{sides[0]} must be positive",
            {"field": f"{where}.{sides[0]}"},
            kind="positive",
        )
    partner = None
    if raw.get("partner"):
        partner = Partner.objects.filter(code=str(raw["partner"])).first()
        if partner is None:
            raise DomainError(
                "invalid", f"{where}: no partner {raw['partner']!r}", {"field": f"{where}.partner"}
            )
    return {
        "account": account,
        "debit": fen if sides[0] == "debit" else 0,
        "credit": fen if sides[0] == "credit" else 0,
        "partner": partner,
        "memo": text_field(raw, "memo", 200),
    }


def resolve(data: dict) -> dict:
    """Check a voucher body; raises DomainError, writes nothing."""
    day = parse_date(data.get("date"), "date")
    memo = text_field(data, "memo", 500)
    raw = data.get("lines")
    if not isinstance(raw, list) or len(raw) < 2:
        raise DomainError(
            "invalid", "a voucher has at least two lines", {"field": "lines"}, kind="required"
        )
    if len(raw) > MAX_LINES:
        raise DomainError("invalid", f"at most {MAX_LINES} lines", {"field": "lines"})
    lines = [_line(i, ln) for i, ln in enumerate(raw)]
    debit, credit = sum(ln["debit"] for ln in lines), sum(ln["credit"] for ln in lines)
    if debit != credit:
        raise DomainError(
            "unbalanced",
            f"debit {fen_str(debit)} and credit {fen_str(credit)} differ",
            {
                "debit": fen_str(debit),
                "credit": fen_str(credit),
                "difference": fen_str(debit - credit),
            },
        )
    return {"date": day, "memo": memo, "lines": lines, "amount": debit}


def _write(doc: Document, v: dict) -> None:
    doc.date, doc.memo = v["date"], v["memo"]
    doc.amount = doc.amount_incl_tax = v["amount"]
    doc.tax = 0
    doc.save()
    AccountLine.objects.filter(document=doc).delete()
    AccountLine.objects.bulk_create(
        AccountLine(
            document=doc,
            line_no=n,
            account=ln["account"],
            debit=ln["debit"],
            credit=ln["credit"],
            partner=ln["partner"],
            memo=ln["memo"],
        )
        for n, ln in enumerate(v["lines"], start=1)
    )


def create_voucher(user, data: dict) -> dict:
    """POST /vouchers: a draft manual voucher."""
    require(user, EDIT)
    code = voucher_type()
    require_type(user, code)
    v = resolve(data)
    with transaction.atomic():
        ensure_open(v["date"])
        doc = Document(
            number=next_number(TYPES[code].prefix, v["date"]), type=code, created_by=user
        )
        _write(doc, v)
        result = document_dict(doc)
        record(user, "create", "document", doc.number, after=result)
    return result


def require_voucher(number: str, for_update: bool = False) -> Document:
    """The manual voucher with this number; any other document is not found here."""
    doc = get_document(number, for_update=for_update)
    if not TYPES[doc.type].manual_lines:
        raise not_found("voucher", number)
    return doc


def update_voucher(user, number: str, data: dict) -> dict:
    """PUT /vouchers/{number}: replace a draft's date, memo and lines."""
    require(user, EDIT)
    with transaction.atomic():
        doc = require_voucher(number, for_update=True)
        require_document(user, doc)
        workflow.check(doc, "edit")
        v = resolve(data)
        ensure_open(doc.date, v["date"])
        before = document_dict(doc)
        doc.version += 1
        _write(doc, v)
        after = document_dict(doc)
        record(user, "edit", "document", doc.number, before=before, after=after)
    return after


def save_voucher(user, number: str | None, data: dict, approve: bool = False) -> dict:
    """The voucher form's save (and 审核): create or edit the draft and, when asked, approve it
    in the same transaction (maker ≠ checker may leave it pending approval)."""
    with transaction.atomic():
        result = update_voucher(user, number, data) if number else create_voucher(user, data)
        if approve:
            result = document_dict(engine.approve(user, result["number"]))
    return result
