from ninja import Router, Schema, Status

from openjxc.core.api import Num, page_qs

from .models import Partner
from .selectors import get_partner, partner_dict
from .services import create_partner

router = Router(tags=["master data"])


class PartnerIn(Schema):
    code: str
    name: str
    phone: str | None = None
    credit_limit: Num | None = None


def _list(kind, search, limit, offset):
    qs = Partner.objects.filter(kind=kind).order_by("code")
    if search:
        qs = qs.filter(name__icontains=search) | qs.filter(code__icontains=search)
    return page_qs(qs, partner_dict, limit, offset)


@router.post("/customers", response={201: dict})
def create_customer(request, payload: PartnerIn):
    return Status(201, create_partner(request.user, Partner.CUSTOMER, payload.model_dump(exclude_unset=True)))


@router.post("/suppliers", response={201: dict})
def create_supplier(request, payload: PartnerIn):
    return Status(201, create_partner(request.user, Partner.SUPPLIER, payload.model_dump(exclude_unset=True)))


@router.get("/customers", response=dict)
def list_customers(request, search: str | None = None, limit: int = 100, offset: int = 0):
    return _list(Partner.CUSTOMER, search, limit, offset)


@router.get("/suppliers", response=dict)
def list_suppliers(request, search: str | None = None, limit: int = 100, offset: int = 0):
    return _list(Partner.SUPPLIER, search, limit, offset)


@router.get("/customers/{code}", response=dict)
def get_customer(request, code: str):
    return partner_dict(get_partner(Partner.CUSTOMER, code))


@router.get("/suppliers/{code}", response=dict)
def get_supplier(request, code: str):
    return partner_dict(get_partner(Partner.SUPPLIER, code))
