"""Master data writes: customers and suppliers."""

from django.db import IntegrityError, transaction

from openjxc.audit.services import record
from openjxc.core.errors import DomainError
from openjxc.core.numbers import parse_decimal, to_fen
from openjxc.core.validation import text_field
from openjxc.users.services import MASTER_DATA, require

from .models import Partner
from .selectors import partner_dict


def create_partner(user, kind: str, data: dict) -> dict:
    require(user, MASTER_DATA)
    code = text_field(data, "code", 64, True)
    name = text_field(data, "name", 200, True)
    phone = text_field(data, "phone", 50)
    limit = data.get("credit_limit")
    credit = None if limit is None else to_fen(parse_decimal(limit, "credit_limit", 2))
    try:
        with transaction.atomic():
            if Partner.objects.filter(kind=kind, code=code).exists():
                raise DomainError(
                    "duplicate_code", f"{kind} code {code} already exists", {"code": code}
                )
            p = Partner.objects.create(
                kind=kind, code=code, name=name, phone=phone, credit_limit=credit
            )
            result = partner_dict(p)
            record(user, "create", kind, code, after=result)
    except IntegrityError:
        raise DomainError(
            "duplicate_code", f"{kind} code {code} already exists", {"code": code}
        ) from None
    return result


def update_partner(user, kind: str, code: str, data: dict) -> dict:
    """Edit a customer's or supplier's name, phone, credit limit or active flag (the code stays)."""
    require(user, MASTER_DATA)
    with transaction.atomic():
        p = Partner.objects.select_for_update().filter(kind=kind, code=code).first()
        if p is None:
            raise DomainError(
                "not_found", f"{kind} {code} not found", {"object": kind, "ref": code}
            )
        before = partner_dict(p)
        if "name" in data:
            p.name = text_field(data, "name", 200, True)
        if "phone" in data:
            p.phone = text_field(data, "phone", 50)
        if "credit_limit" in data:
            limit = data["credit_limit"]
            p.credit_limit = (
                None if limit in (None, "") else to_fen(parse_decimal(limit, "credit_limit", 2))
            )
        if "active" in data:
            p.active = bool(data["active"])
        p.save()
        after = partner_dict(p)
        record(user, "edit", kind, code, before=before, after=after)
    return after
