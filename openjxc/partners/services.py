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
                raise DomainError("duplicate_code", f"{kind} code {code} already exists", {"code": code})
            p = Partner.objects.create(kind=kind, code=code, name=name, phone=phone, credit_limit=credit)
            result = partner_dict(p)
            record(user, "create", kind, code, after=result)
    except IntegrityError:
        raise DomainError("duplicate_code", f"{kind} code {code} already exists", {"code": code}) from None
    return result
