from ninja import Router, Schema, Status

from openjxc.core.api import Num, page_qs

from . import selectors, services

router = Router(tags=["master data"])


class ItemIn(Schema):
    code: str
    name: str
    unit: str
    spec: str | None = None
    barcode: str | None = None
    tax_rate: Num | None = None
    purchase_price: Num | None = None
    sale_price: Num | None = None
    safety_stock: Num | None = None


class ItemPatch(Schema):
    name: str | None = None
    unit: str | None = None
    spec: str | None = None
    barcode: str | None = None
    tax_rate: Num | None = None
    purchase_price: Num | None = None
    sale_price: Num | None = None
    safety_stock: Num | None = None


@router.post("/items", response={201: dict})
def create_item(request, payload: ItemIn):
    return Status(201, services.create_item(request.user, payload.model_dump(exclude_unset=True)))


@router.get("/items", response=dict)
def list_items(request, search: str | None = None, limit: int = 100, offset: int = 0):
    return page_qs(selectors.search_items(search), selectors.item_dict, limit, offset)


@router.get("/items/{code}", response=dict)
def get_item(request, code: str):
    return selectors.item_dict(selectors.get_item(code))


@router.put("/items/{code}", response=dict)
def update_item(request, code: str, payload: ItemPatch):
    return services.update_item(request.user, code, payload.model_dump(exclude_unset=True))
