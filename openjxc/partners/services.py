"""Master data writes: customers and suppliers."""

from django.db import IntegrityError, transaction

from openjxc.audit.services import record
from openjxc.catalog.models import PriceLevel
from openjxc.core.codes import next_code
from openjxc.core.errors import DomainError, not_found
from openjxc.core.numbers import parse_decimal, to_fen
from openjxc.core.validation import text_field
from openjxc.users.services import ADD_PARTNER, MASTER_DATA, require, require_any

from .models import Partner
from .rules import parse_tax_no, parse_terms
from .selectors import partner_dict

# free-text fields and their lengths (the model's)
TEXT_FIELDS = (
    ("name", 200),
    ("contact", 100),
    ("phone", 50),
    ("mobile", 50),
    ("address", 300),
    ("tax_no", 32),
    ("bank_name", 100),
    ("bank_account", 64),
)


def _fields(data: dict, partial: bool = False) -> dict:
    """The model fields a body sets: every field on create, only those sent on an edit."""
    out = {}
    for key, n in TEXT_FIELDS:
        if not partial or key in data:
            out[key] = text_field(data, key, n, required=key == "name")
    if "tax_no" in out:
        out["tax_no"] = parse_tax_no(out["tax_no"])
    if "payment_terms_days" in data:
        out["payment_terms_days"] = parse_terms(data["payment_terms_days"])
    if "price_level" in data:
        out["price_level"] = _price_level(data["price_level"])
    if "credit_limit" in data:
        limit = data["credit_limit"]
        out["credit_limit"] = (
            None if limit in (None, "") else to_fen(parse_decimal(limit, "credit_limit", 2))
        )
    if "active" in data and data["active"] is not None:
        out["active"] = bool(data["active"])
    return out


def _price_level(code) -> PriceLevel | None:
    if code in (None, ""):
        return None
    level = PriceLevel.objects.filter(code=str(code)).first()
    if level is None:
        raise not_found("price_level", code)
    return level


def create_partner(user, kind: str, data: dict) -> dict:
    require_any(user, MASTER_DATA, ADD_PARTNER[kind])
    code = text_field(data, "code", 64)  # empty: the next automatic code (KH0001, GYS0001)
    fields = _fields(data)
    try:
        with transaction.atomic():
            if not code:
                code = next_code(kind, lambda c: Partner.objects.filter(kind=kind, code=c).exists())
            elif Partner.objects.filter(kind=kind, code=code).exists():
                raise DomainError(
                    "duplicate_code", f"{kind} code {code} already exists", {"code": code}
                )
            p = Partner.objects.create(kind=kind, code=code, **fields)
            result = partner_dict(p)
            record(user, "create", kind, code, after=result)
    except IntegrityError:
        raise DomainError(
            "duplicate_code", f"{kind} code {code} already exists", {"code": code}
        ) from None
    return result


def update_partner(user, kind: str, code: str, data: dict) -> dict:
    """Change the fields sent (PUT /customers/{code}); the code stays. Audited when it changed."""
    require(user, MASTER_DATA)
    fields = _fields(data, partial=True)
    with transaction.atomic():
        p = Partner.objects.select_for_update().filter(kind=kind, code=code).first()
        if p is None:
            raise not_found(kind, code)
        before = partner_dict(p)
        for k, v in fields.items():
            setattr(p, k, v)
        p.save()
        after = partner_dict(p)
        if after != before:
            record(user, "edit", kind, code, before=before, after=after)
    return after
