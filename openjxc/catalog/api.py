from ninja import Router, Status

from openjxc.core.api import Input, Num, Output, page_of, page_qs, typed

from . import selectors, services
from .categories import subtree_ids

router = Router(tags=["master data"])


class ItemUnitIn(Input):
    unit: str
    factor: Num  # base units per unit, up to 4 decimals
    barcode: str | None = None
    purchase_price: Num | None = None
    sale_price: Num | None = None


class ItemUnitOut(Output):
    unit: str
    factor: str
    barcode: str | None
    purchase_price: str | None  # cost: masked without view_cost
    sale_price: str | None


class ItemIn(Input):
    code: str | None = None  # none: the next automatic code (numbering setting, e.g. SP0001)
    name: str
    unit: str
    spec: str | None = None
    barcode: str | None = None
    tax_rate: Num | None = None
    purchase_price: Num | None = None
    sale_price: Num | None = None
    safety_stock: Num | None = None
    units: list[ItemUnitIn] | None = None  # 多单位: alternate units
    category: str | None = None  # a category code (商品分类)
    costing_method: str | None = None  # 计价方法, default moving_average
    batch_tracked: bool | None = None  # 批次管理 (changeable only while the item has no moves)
    shelf_life_days: int | None = None  # 保质期: expiry = production date + these days
    serial_tracked: bool | None = None  # 序列号管理 (changeable only while it has no moves)


class ItemPatch(Input):
    name: str | None = None
    unit: str | None = None
    spec: str | None = None
    barcode: str | None = None
    tax_rate: Num | None = None
    purchase_price: Num | None = None
    sale_price: Num | None = None
    safety_stock: Num | None = None
    units: list[ItemUnitIn] | None = None  # replaces the alternate units
    active: bool | None = None  # false: 停用 (kept in history, refused on new documents)
    category: str | None = None  # a category code; null or "" removes it
    costing_method: str | None = None  # only while the item has no stock moves
    batch_tracked: bool | None = None
    shelf_life_days: int | None = None
    serial_tracked: bool | None = None


class ItemOut(Output):
    id: int
    code: str
    name: str
    unit: str
    spec: str | None
    barcode: str | None
    tax_rate: str | None
    purchase_price: str | None  # cost: masked without view_cost
    sale_price: str | None
    safety_stock: str | None
    active: bool
    units: list[ItemUnitOut]
    category: str | None = None
    costing_method: str = "moving_average"
    batch_tracked: bool = False
    shelf_life_days: int | None = None
    serial_tracked: bool = False


@router.post("/items", response=typed(ItemOut, 201))
def create_item(request, payload: ItemIn):
    return Status(201, services.create_item(request.user, payload.model_dump(exclude_unset=True)))


@router.get("/items", response=typed(page_of(ItemOut)))
def list_items(
    request,
    search: str | None = None,
    active: bool | None = None,
    category: str | None = None,
    limit: int = 100,
    offset: int = 0,
):
    """?search= (code, name, barcode, pinyin initials); ?category= the items of that category
    and every category below it; ?active=true only items in use, ?active=false only deactivated
    ones (default: all)."""
    qs = selectors.search_items(search, active=active, categories=subtree_ids(category))
    return page_qs(qs, selectors.item_dict, limit, offset)


@router.get("/items/{code}", response=typed(ItemOut))
def get_item(request, code: str):
    return selectors.item_dict(selectors.get_item(code))


@router.put("/items/{code}", response=typed(ItemOut))
def update_item(request, code: str, payload: ItemPatch):
    return services.update_item(request.user, code, payload.model_dump(exclude_unset=True))
