from django.db.models import Q

from openjxc.core.codes import preview_code
from openjxc.core.errors import not_found
from openjxc.core.numbers import fen_str

from .models import Partner


def partner_dict(p: Partner) -> dict:
    return {
        "id": p.id,
        "code": p.code,
        "name": p.name,
        "kind": p.kind,
        "contact": p.contact,
        "phone": p.phone,
        "mobile": p.mobile,
        "address": p.address,
        "tax_no": p.tax_no,
        "bank_name": p.bank_name,
        "bank_account": p.bank_account,
        "payment_terms_days": p.payment_terms_days,
        "price_level": p.price_level.code if p.price_level_id else None,
        "credit_limit": None if p.credit_limit is None else fen_str(p.credit_limit),
        "active": p.active,
    }


def partners_of(kind: str):
    """A kind's partners by code, with what partner_dict reads beside the row."""
    return Partner.objects.filter(kind=kind).select_related("price_level").order_by("code")


def get_partner(kind: str, code: str) -> Partner:
    p = partners_of(kind).filter(code=code).first()
    if p is None:
        raise not_found(kind, code)
    return p


def find_partner(kind: str, code: str | None) -> Partner | None:
    return Partner.objects.filter(kind=kind, code=code or "").first()


def search_partners(
    kind: str, search: str | None = None, *, active_only: bool = False, active: bool | None = None
):
    """Customers or suppliers in code order; `search` finds the code, the name, the contact or a
    phone number; `active` True / False keeps only those in use / deactivated (停用)."""
    qs = partners_of(kind)
    if active_only:
        active = True
    if active is not None:
        qs = qs.filter(active=active)
    if search:
        qs = qs.filter(
            Q(code__icontains=search)
            | Q(name__icontains=search)
            | Q(phone__icontains=search)
            | Q(mobile__icontains=search)
            | Q(contact__icontains=search)
        )
    return qs


def next_partner_code(kind: str) -> str:
    """The automatic code a new customer / supplier saved without one would probably get."""
    return preview_code(kind, lambda c: Partner.objects.filter(kind=kind, code=c).exists())
