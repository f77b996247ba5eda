"""科目对照: the accountant's own account codes for the voucher export, per format. Replacing a
format's table is one audited action; an account left out exports with our own code."""

from django.db import transaction

from openjxc.audit.services import record
from openjxc.core.errors import DomainError

from .models import Account, AccountMapping

FORMATS = ("kingdee", "yonyou")
FORMAT_NAMES = {"kingdee": "金蝶 KIS", "yonyou": "用友 T+"}  # brand names, in every language
CODE_MAX, NAME_MAX = 40, 100


def check_format(fmt: str | None) -> str:
    """The export format asked for; 422 invalid naming the field otherwise."""
    if fmt not in FORMATS:
        raise DomainError("invalid", f"format must be one of {FORMATS}", {"field": "format"})
    return fmt


def mappings(fmt: str) -> dict[str, tuple[str, str]]:
    """Our account code -> (their code, their name) of one format."""
    rows = AccountMapping.objects.filter(format=check_format(fmt)).select_related("account")
    return {m.account.code: (m.code, m.name) for m in rows}


def mapping_rows(fmt: str) -> list[dict]:
    """Every account of the chart with its mapping in this format (code and name empty when
    there is none), in code order: what the 科目对照 page and the API show."""
    mapped = mappings(fmt)
    return [
        {
            "account": a.code,
            "account_name": a.name,
            "code": mapped.get(a.code, ("", ""))[0],
            "name": mapped.get(a.code, ("", ""))[1],
        }
        for a in Account.objects.order_by("code")
    ]


def _clean(items: list[dict]) -> dict[str, tuple[str, str]]:
    accounts = set(Account.objects.values_list("code", flat=True))
    out: dict[str, tuple[str, str]] = {}
    for n, item in enumerate(items):
        ours = (item.get("account") or "").strip()
        code = (item.get("code") or "").strip()
        name = (item.get("name") or "").strip()
        if ours not in accounts:
            raise DomainError(
                "invalid", f"unknown account {ours!r}", {"field": f"items[{n}].account"}
            )
        if ours in out:
            raise DomainError(
                "invalid", f"account {ours} given twice", {"field": f"items[{n}].account"}
            )
        for field, value, limit in (("code", code, CODE_MAX), ("name", name, NAME_MAX)):
            if len(value) > limit:
                raise DomainError(
                    "too_long",
                    f"{field} longer than {limit}",
                    {"field": f"items[{n}].{field}", "max": limit},
                )
        if code:  # an empty code removes the row: the account exports with our code
            out[ours] = (code, name)
    return out


def set_mappings(user, fmt: str, items: list[dict]) -> list[dict]:
    """Replace the mapping table of one format with `items` ({"account", "code", "name"?});
    audited with the rows before and after."""
    fmt = check_format(fmt)
    wanted = _clean(items)
    with transaction.atomic():
        before = mappings(fmt)
        if before != wanted:
            ids = dict(Account.objects.filter(code__in=wanted).values_list("code", "id"))
            AccountMapping.objects.filter(format=fmt).delete()
            AccountMapping.objects.bulk_create(
                AccountMapping(format=fmt, account_id=ids[c], code=their, name=name)
                for c, (their, name) in sorted(wanted.items())
            )
            record(
                user,
                "edit",
                "account_mapping",
                FORMAT_NAMES[fmt],
                before={"accounts": _text(before)},
                after={"accounts": _text(wanted)},
            )
    return mapping_rows(fmt)


def _text(rows: dict[str, tuple[str, str]]) -> list[str]:
    return [f"{ours} → {code} {name}".strip() for ours, (code, name) in sorted(rows.items())]
