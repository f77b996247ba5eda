from ninja import Router, Status
from pydantic import StrictInt, StrictStr

from openjxc.core.api import Input, Num, Output, page_of, page_qs, typed

from .models import Partner
from .selectors import get_partner, partner_dict, search_partners
from .services import create_partner, update_partner

router = Router(tags=["master data"])

Days = StrictInt | StrictStr  # 账期 in whole days; the service parses and range-checks it


class PartnerPatch(Input):
    """The fields of a customer or supplier; a PUT changes only the fields sent."""

    name: str | None = None
    contact: str | None = None
    phone: str | None = None
    mobile: str | None = None
    address: str | None = None
    tax_no: str | None = None
    bank_name: str | None = None
    bank_account: str | None = None
    payment_terms_days: Days | None = None
    price_level: str | None = None
    credit_limit: Num | None = None
    active: bool | None = None


class PartnerIn(PartnerPatch):
    code: str | None = None  # none: the next automatic code (numbering setting, e.g. KH0001)
    name: str


class PartnerOut(Output):
    id: int
    code: str
    name: str
    kind: str
    contact: str | None
    phone: str | None
    mobile: str | None
    address: str | None
    tax_no: str | None
    bank_name: str | None
    bank_account: str | None
    payment_terms_days: int | None
    price_level: str | None
    credit_limit: str | None
    active: bool


PartnerPage = page_of(PartnerOut)


def _list(kind, search, active, limit, offset):
    return page_qs(search_partners(kind, search, active=active), partner_dict, limit, offset)


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
def list_customers(
    request,
    search: str | None = None,
    active: bool | None = None,
    limit: int = 100,
    offset: int = 0,
):
    """?active=true lists only those in use, ?active=false only deactivated ones (default: all)."""
    return _list(Partner.CUSTOMER, search, active, limit, offset)


@router.get("/suppliers", response=typed(PartnerPage))
def list_suppliers(
    request,
    search: str | None = None,
    active: bool | None = None,
    limit: int = 100,
    offset: int = 0,
):
    """?active=true lists only those in use, ?active=false only deactivated ones (default: all)."""
    return _list(Partner.SUPPLIER, search, active, limit, offset)


@router.get("/customers/{code}", response=typed(PartnerOut))
def get_customer(request, code: str):
    return partner_dict(get_partner(Partner.CUSTOMER, code))


@router.get("/suppliers/{code}", response=typed(PartnerOut))
def get_supplier(request, code: str):
    return partner_dict(get_partner(Partner.SUPPLIER, code))


@router.put("/customers/{code}", response=typed(PartnerOut))
def update_customer(request, code: str, payload: PartnerPatch):
    """Change only the fields sent (the code stays)."""
    return update_partner(
        request.user, Partner.CUSTOMER, code, payload.model_dump(exclude_unset=True)
    )


@router.put("/suppliers/{code}", response=typed(PartnerOut))
def update_supplier(request, code: str, payload: PartnerPatch):
    """Change only the fields sent (the code stays)."""
    return update_partner(
        request.user, Partner.SUPPLIER, code, payload.model_dump(exclude_unset=True)
    )
