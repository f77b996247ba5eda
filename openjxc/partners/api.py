from ninja import Router, Status

from openjxc.core.api import Input, Num, Output, page_of, page_qs, typed

from .models import Partner
from .selectors import get_partner, partner_dict, search_partners
from .services import create_partner

router = Router(tags=["master data"])


class PartnerIn(Input):
    code: str
    name: str
    phone: str | None = None
    credit_limit: Num | None = None


class PartnerOut(Output):
    id: int
    code: str
    name: str
    kind: str
    phone: str | None
    credit_limit: str | None
    active: bool


PartnerPage = page_of(PartnerOut)


def _list(kind, search, limit, offset):
    return page_qs(search_partners(kind, search), partner_dict, limit, offset)


@router.post("/customers", response=typed(PartnerOut, 201))
def create_customer(request, payload: PartnerIn):
    return Status(
        201, create_partner(request.user, Partner.CUSTOMER, payload.model_dump(exclude_unset=True))
    )


@router.post("/suppliers", response=typed(PartnerOut, 201))
def create_supplier(request, payload: PartnerIn):
    return Status(
        201, create_partner(request.user, Partner.SUPPLIER, payload.model_dump(exclude_unset=True))
    )


@router.get("/customers", response=typed(PartnerPage))
def list_customers(request, search: str | None = None, limit: int = 100, offset: int = 0):
    return _list(Partner.CUSTOMER, search, limit, offset)


@router.get("/suppliers", response=typed(PartnerPage))
def list_suppliers(request, search: str | None = None, limit: int = 100, offset: int = 0):
    return _list(Partner.SUPPLIER, search, limit, offset)


@router.get("/customers/{code}", response=typed(PartnerOut))
def get_customer(request, code: str):
    return partner_dict(get_partner(Partner.CUSTOMER, code))


@router.get("/suppliers/{code}", response=typed(PartnerOut))
def get_supplier(request, code: str):
    return partner_dict(get_partner(Partner.SUPPLIER, code))
