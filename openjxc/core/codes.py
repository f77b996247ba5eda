"""Automatic codes of master data (自动编码): 商品 SP0001, 客户 KH0001, 供应商 GYS0001, 仓库 CK001.

Each kind has a numbering setting — a prefix (`code_prefix.<kind>`) and a number of digits
(`code_digits.<kind>`) — and a counter row per kind and prefix (`CodeCounter`). A create without
a code takes the next one inside its own transaction: the counter row is locked (SELECT … FOR
UPDATE on PostgreSQL; SQLite serialises writers anyway), codes already taken — typed by hand or
imported — are skipped, and the counter moves on. A second create waits for the first to commit
and then continues after it, so parallel creates never get the same code. A code typed by hand
always wins; only an empty code is numbered."""

from collections.abc import Callable

from django.db import connection, transaction

from .errors import DomainError
from .models import CodeCounter
from .services import get_setting

# kind: (default prefix, default digits)
CODE_KINDS = {
    "item": ("SP", 4),
    "customer": ("KH", 4),
    "supplier": ("GYS", 4),
    "warehouse": ("CK", 3),
}
MAX_PREFIX = 16
MAX_DIGITS = 12


def prefix_key(kind: str) -> str:
    return f"code_prefix.{kind}"


def digits_key(kind: str) -> str:
    return f"code_digits.{kind}"


def numbering(kind: str) -> tuple[str, int]:
    """The prefix and number of digits of a kind's automatic codes."""
    prefix, digits = CODE_KINDS[kind]
    stored_prefix = get_setting(prefix_key(kind))
    stored_digits = get_setting(digits_key(kind))
    if stored_prefix is not None:
        prefix = stored_prefix
    if stored_digits and stored_digits.isdigit():
        digits = int(stored_digits)
    return prefix, digits


def format_code(prefix: str, digits: int, n: int) -> str:
    return f"{prefix}{n:0{digits}d}"


def next_code(kind: str, taken: Callable[[str], bool]) -> str:
    """The next free code of this kind, inside the caller's transaction; `taken(code)` says
    whether a code is already used (by hand or imported), and such codes are skipped."""
    prefix, digits = numbering(kind)
    with transaction.atomic():
        with connection.cursor() as cur:  # the counter row exists before it is locked
            cur.execute(
                "INSERT INTO core_codecounter (kind, prefix, last) VALUES (%s, %s, 0) "
                "ON CONFLICT (kind, prefix) DO NOTHING",
                [kind, prefix],
            )
        counter = CodeCounter.objects.select_for_update().get(kind=kind, prefix=prefix)
        n = counter.last + 1
        while taken(format_code(prefix, digits, n)):
            n += 1
        CodeCounter.objects.filter(pk=counter.pk).update(last=n)
    return format_code(prefix, digits, n)


def preview_code(kind: str, taken: Callable[[str], bool]) -> str:
    """The code the next create would probably get (shown on a new-record form; not reserved)."""
    prefix, digits = numbering(kind)
    last = (
        CodeCounter.objects.filter(kind=kind, prefix=prefix).values_list("last", flat=True).first()
    )
    n = (last or 0) + 1
    while taken(format_code(prefix, digits, n)):
        n += 1
    return format_code(prefix, digits, n)


def prefix_value(raw, field: str) -> str:
    """A prefix as stored: up to 16 letters, digits, - or _ (may be empty)."""
    value = "" if raw is None else str(raw).strip()
    if len(value) > MAX_PREFIX or not all(
        c.isascii() and (c.isalnum() or c in "-_") for c in value
    ):
        raise DomainError(
            "invalid_code_prefix",
            f"a code prefix has at most {MAX_PREFIX} letters, digits, - or _",
            {"field": field, "value": value[:40], "max": MAX_PREFIX},
        )
    return value


def digits_value(raw, field: str) -> str:
    """A number of digits as stored: a whole number from 1 to 12."""
    value = "" if raw is None else str(raw).strip()
    if not (value.isascii() and value.isdigit() and 1 <= int(value) <= MAX_DIGITS):
        raise DomainError(
            "invalid_code_digits",
            f"the number of digits is a whole number from 1 to {MAX_DIGITS}",
            {"field": field, "value": value[:40], "max": MAX_DIGITS},
        )
    return str(int(value))


def setting_value(key: str, raw) -> str | None:
    """The checked value of a numbering setting key (code_prefix.<kind> / code_digits.<kind>),
    None when the key is not a numbering setting."""
    name, _, kind = key.partition(".")
    if kind not in CODE_KINDS:
        return None
    if name == "code_prefix":
        return prefix_value(raw, key)
    if name == "code_digits":
        return digits_value(raw, key)
    return None


def code_source(kind: str, taken: Callable[[str], bool], *, reserve: bool) -> Callable[[], str]:
    """Codes for the rows of an import that leave the code empty, in file order: reserved one by
    one inside the import's transaction (`reserve`), or, for a preview, the codes they would get
    (counted on from the counter, nothing reserved)."""
    if reserve:
        return lambda: next_code(kind, taken)
    first = preview_code(kind, taken)
    prefix, digits = numbering(kind)
    state = {"n": int(first[len(prefix) :]) - 1}

    def preview() -> str:
        n = state["n"] + 1
        while taken(format_code(prefix, digits, n)):
            n += 1
        state["n"] = n
        return format_code(prefix, digits, n)

    return preview
