from django.db.models import Q

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


def find_partner(kind: str, code: str | None) -> Partner | None:
    return Partner.objects.filter(kind=kind, code=code or "").first()


def search_partners(kind: str, search: str | None = None, *, active_only: bool = False):
    """Customers or suppliers in code order; `search` finds the code, the name or the phone."""
    qs = Partner.objects.filter(kind=kind).order_by("code")
    if active_only:
        qs = qs.filter(active=True)
    if search:
        qs = qs.filter(
            Q(code__icontains=search) | Q(name__icontains=search) | Q(phone__icontains=search)
        )
    return qs
