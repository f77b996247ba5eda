from openjxc.core.errors import not_found
from openjxc.core.numbers import fen_str

from .models import Partner


def partner_dict(p: Partner) -> dict:
    return {
        "id": p.id,
        "code": p.code,
        "name": p.name,
        "kind": p.kind,
        "phone": p.phone,
        "credit_limit": None if p.credit_limit is None else fen_str(p.credit_limit),
        "active": p.active,
    }


def get_partner(kind: str, code: str) -> Partner:
    p = Partner.objects.filter(kind=kind, code=code).first()
    if p is None:
        raise not_found(kind, code)
    return p
