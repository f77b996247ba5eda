"""期初: the opening balances of the accounts no subledger owns, and the opening trial balance.

Every opening document (stock, receivable, payable, account balances: the registry's `opening`
types) books its side against 3999 期初余额差额 (posting/recipes/opening.py). So every voucher
balances at every moment, the control accounts stay equal to their subledgers, and the
difference of the opening trial balance (试算平衡) is exactly 3999's balance: zero once the
opening balances balance. The first period's close-check refuses while it is not
(closing/checks.py `opening_balanced`).

The typed account balances are the account lines of ONE approved opening document; setting them
again cancels it and posts a new one (ledgers are append-only), all in one transaction. Control
accounts (1405, 1122, 2202 and the others of `ledger.chart.is_control`) cannot be typed: they
are filled from opening stock, receivables and payables."""

from django.db import connection, transaction

from openjxc.audit.services import record
from openjxc.core.errors import DomainError, not_found
from openjxc.core.numbers import fen_str, parse_decimal, to_fen
from openjxc.core.services import next_number
from openjxc.documents.access import require_type
from openjxc.documents.models import AccountLine, Document
from openjxc.documents.opening import go_live
from openjxc.documents.selectors import account_lines
from openjxc.documents.types import TYPES, opening_type
from openjxc.ledger import chart as A
from openjxc.ledger.models import Account
from openjxc.ledger.money_accounts import money_gl_ids
from openjxc.ledger.services import ensure_open
from openjxc.users.services import APPROVE, CANCEL, EDIT, VIEW_COST, require

from .engine import approve, cancel

REPLACED = "期初科目余额重新设定"  # the reason recorded on the document a new setting replaces


def _opening_types() -> tuple:
    return tuple(c for c, t in TYPES.items() if t.opening)


def opening_balances() -> dict[str, int]:
    """Account code -> net opening balance (debit − credit, fen) of every approved opening
    document, 3999 left out: what the opening trial balance adds up."""
    types = _opening_types()
    marks = ", ".join(["%s"] * len(types))
    with connection.cursor() as cur:
        cur.execute(
            "SELECT a.code, SUM(l.debit) - SUM(l.credit) FROM ledger_journalline l "
            "JOIN ledger_voucher v ON v.id = l.voucher_id "
            "JOIN documents_document d ON d.id = v.document_id "
            "JOIN ledger_account a ON a.id = l.account_id "
            f"WHERE d.type IN ({marks}) AND v.kind IN ('posting', 'cancellation') "
            "AND a.code <> %s GROUP BY a.code",
            [*types, A.OPENING_DIFF],
        )
        return {code: int(net) for code, net in cur.fetchall() if int(net)}


def _figures(nets: dict[str, int]) -> dict:
    """The trial balance of net balances: total debit, total credit, their difference."""
    debit = sum(n for n in nets.values() if n > 0)
    credit = -sum(n for n in nets.values() if n < 0)
    return {
        "balanced": debit == credit,
        "debit": fen_str(debit),
        "credit": fen_str(credit),
        "difference": fen_str(debit - credit),
    }


def opening_check(user=None) -> dict:
    """GET /opening/check: the 试算平衡 of all opening balances (it shows the stock value)."""
    if user is not None:
        require(user, VIEW_COST)
    return _figures(opening_balances())


def preview_check(entries) -> dict:
    """The check as it would be with `entries` as the typed account balances; saves nothing."""
    lines = _resolve(entries)
    nets = opening_balances()
    doc = current_document()
    typed = AccountLine.objects.filter(document=doc) if doc else AccountLine.objects.none()
    for code, debit, credit in typed.values_list("account__code", "debit", "credit"):
        nets[code] = nets.get(code, 0) - debit + credit
    for account, debit, credit in lines:
        nets[account.code] = nets.get(account.code, 0) + debit - credit
    return _figures(nets)


def current_document() -> Document | None:
    """The approved document holding the typed opening account balances (at most one)."""
    return (
        Document.objects.filter(type=opening_type("accounts"), status=Document.APPROVED)
        .order_by("-id")
        .first()
    )


def account_balances(user) -> dict:
    """GET /opening/accounts: the typed opening balances and the check."""
    require(user, VIEW_COST)
    doc = current_document()
    items = account_lines(doc) if doc else []
    return {
        "document": doc.number if doc else None,
        "items": items,
        "count": len(items),
        "check": opening_check(),
    }


def _entry(i: int, raw, accounts: dict, money: set) -> tuple[Account, int, int] | None:
    """One typed balance: (account, debit, credit) in fen, None when it is zero. A money
    account's GL account (结算账户) takes one even when it has sub-accounts (1002 and the banks
    below it each hold their own money)."""
    where = f"[{i}]"
    if not isinstance(raw, dict) or not raw.get("account"):
        raise DomainError(
            "invalid",
            f"{where}.account is required",
            {"field": f"{where}.account"},
            kind="required",
        )
    code = str(raw["account"])
    account = accounts.get(code)
    if account is None:
        raise not_found("account", code)
    if A.is_control(code):
        raise DomainError(
            "control_account",
            f"account {code} is filled from its subledger (opening stock, receivables, payables) "
            "and cannot be typed",
            {"field": f"{where}.account", "account": code},
        )
    if code.startswith(A.PENDING_PL):
        raise DomainError(
            "invalid",
            f"account {code} 待处理财产损溢 holds no opening balance: nothing opens on 1901",
            {"field": f"{where}.account", "account": code},
        )
    if account.category == "profit_loss":
        raise DomainError(
            "invalid",
            f"account {code} is a profit and loss account: it has no opening balance (the year's "
            "result so far goes to 3103)",
            {"field": f"{where}.account", "account": code},
        )
    if account.id not in money and Account.objects.filter(parent=account).exists():
        raise DomainError(
            "invalid",
            f"account {code} has sub-accounts: give the opening balance of each sub-account",
            {"field": f"{where}.account", "account": code},
        )
    sides = [k for k in ("debit", "credit") if raw.get(k) not in (None, "")]
    if len(sides) != 1:
        raise DomainError(
            "invalid",
            f"{where} gives debit or credit (one of them)",
            {"field": f"{where}.debit"},
            kind="required" if not sides else "",
        )
    fen = to_fen(parse_decimal(raw[sides[0]], f"{where}.{sides[0]}", 2))
    if not fen:
        return None
    return (account, fen, 0) if sides[0] == "debit" else (account, 0, fen)


def _resolve(entries) -> list[tuple[Account, int, int]]:
    if not isinstance(entries, list):
        raise DomainError("invalid", "the body is a list of account balances")
    if len(entries) > 2000:
        raise DomainError("invalid", "at most 2000 account balances")
    codes_given = [str(e.get("account")) for e in entries if isinstance(e, dict)]
    accounts = {a.code: a for a in Account.objects.filter(code__in=codes_given)}
    out, seen, money = [], set(), money_gl_ids()
    for i, raw in enumerate(entries):
        entry = _entry(i, raw, accounts, money)
        if entry is None:
            continue
        if entry[0].code in seen:
            raise DomainError(
                "invalid",
                f"account {entry[0].code} appears twice",
                {"field": f"[{i}].account", "account": entry[0].code},
            )
        seen.add(entry[0].code)
        out.append(entry)
    return sorted(out, key=lambda e: e[0].code)


def set_account_balances(user, entries) -> dict:
    """PUT /opening/accounts: the typed opening balances become exactly `entries`. The document
    holding the previous ones is cancelled and a new one is posted (nothing when unchanged).
    Replacing cancels, and the answer shows the check (the stock value): every permission is
    checked before anything is written."""
    for permission in (EDIT, APPROVE, CANCEL, VIEW_COST):
        require(user, permission)
    doc_type = opening_type("accounts")
    require_type(user, doc_type)
    lines = _resolve(entries)
    day = go_live()
    with transaction.atomic():
        ensure_open(day)
        _serialise()
        previous = current_document()
        wanted = [(a.id, d, c) for a, d, c in lines]
        if previous is None and not wanted:
            return account_balances(user)
        if previous is not None:
            had = list(
                AccountLine.objects.filter(document=previous)
                .order_by("account__code")
                .values_list("account_id", "debit", "credit")
            )
            if had == wanted:
                return account_balances(user)
            cancel(user, previous.number, REPLACED)
        if wanted:
            _post(user, doc_type, day, lines)
    return account_balances(user)


def _serialise() -> None:
    """Two settings at once must not both cancel the same document and both post a new one: the
    go-live setting's row is locked for the transaction (SQLite serialises writers anyway)."""
    if connection.features.has_select_for_update:
        with connection.cursor() as cur:
            cur.execute("SELECT value FROM core_setting WHERE key = 'start_date' FOR UPDATE")


def _post(user, doc_type: str, day, lines) -> Document:
    t = TYPES[doc_type]
    total = max(sum(d for _a, d, _c in lines), sum(c for _a, _d, c in lines))
    doc = Document.objects.create(
        number=next_number(t.prefix, day),
        type=doc_type,
        date=day,
        created_by=user,
        amount=total,
        amount_incl_tax=total,
    )
    AccountLine.objects.bulk_create(
        [
            AccountLine(document=doc, line_no=n, account=a, debit=d, credit=c)
            for n, (a, d, c) in enumerate(lines, start=1)
        ]
    )
    record(
        user,
        "create",
        "document",
        doc.number,
        after={"type": doc_type, "date": str(day), "account_lines": account_lines(doc)},
    )
    return approve(user, doc.number)


def opening_documents(of: str) -> list[Document]:
    """The opening documents of stock, receivables or payables that are in force or drafts."""
    return list(
        Document.objects.filter(type=opening_type(of))
        .exclude(status=Document.CANCELLED)
        .select_related("partner", "warehouse")
        .order_by("id")
    )


def account_rows() -> list[dict]:
    """The chart as the 科目期初 form lists it: every account an opening balance may be typed
    into, and the control accounts with what their subledgers hold (read-only)."""
    doc = current_document()
    typed = {
        code: (d, c)
        for code, d, c in (
            AccountLine.objects.filter(document=doc).values_list("account__code", "debit", "credit")
            if doc
            else []
        )
    }
    nets = opening_balances()
    parents = set(Account.objects.exclude(parent=None).values_list("parent__code", flat=True))
    parents -= set(Account.objects.filter(id__in=money_gl_ids()).values_list("code", flat=True))
    rows = []
    for a in Account.objects.exclude(category="profit_loss").order_by("code"):
        if a.code in (A.OPENING_DIFF, A.PENDING_PL) or a.code in parents:
            continue
        control = A.is_control(a.code)
        debit, credit = typed.get(a.code, (0, 0))
        if control:
            net = nets.get(a.code, 0)
            debit, credit = max(net, 0), max(-net, 0)
        rows.append(
            {
                "code": a.code,
                "name": a.name,
                "direction": a.direction,
                "control": control,
                "debit": fen_str(debit) if debit else "",
                "credit": fen_str(credit) if credit else "",
            }
        )
    return rows


def first_period_closed() -> bool:
    """Opening balances can no longer change once the go-live period is closed."""
    try:
        ensure_open(go_live())
    except DomainError:
        return True
    return False
