"""Pure checks of a customer's or supplier's fields (no database writes)."""

import re

from stdnum.cn import ric, uscc

from openjxc.core.errors import DomainError
from openjxc.core.numbers import parse_decimal

MAX_TERMS_DAYS = 3650  # 账期 beyond ten years is a typing slip
TAX_NO = re.compile(r"[0-9A-Z]{15}|[0-9A-Z]{17}|[0-9A-Z]{20}")


def parse_tax_no(value: str) -> str:
    """税号: an 18-character 统一社会信用代码 must pass its check character (python-stdnum
    `cn.uscc`; a person's 18-digit 身份证号 — their 纳税人识别号 — passes `cn.ric`); the older
    15-, 17- and 20-character 税号 must be letters and digits. Spaces are dropped and letters
    upper-cased, so the stored number is the one printed on an invoice."""
    compact = re.sub(r"[\s-]", "", value).upper()
    if not compact:
        return ""
    ok = (
        uscc.is_valid(compact) or ric.is_valid(compact)
        if len(compact) == 18
        else bool(TAX_NO.fullmatch(compact))
    )
    if not ok:
        raise DomainError(
            "invalid_tax_no",
            f"tax_no {value!r} is not a valid 统一社会信用代码 or 税号",
            {"field": "tax_no", "value": value[:40]},
        )
    return compact


def parse_terms(value) -> int | None:
    """账期 in whole days, 0 (due at once) up to MAX_TERMS_DAYS; empty: no terms."""
    if value is None or value == "":
        return None
    days = parse_decimal(value, "payment_terms_days", 0)
    if days > MAX_TERMS_DAYS:
        raise DomainError(
            "invalid",
            f"payment_terms_days must be at most {MAX_TERMS_DAYS}",
            {"field": "payment_terms_days"},
            kind="too_large",
        )
    return int(days)
