"""Price levels (价格等级) and an item's prices per level: POST/GET /price-levels,
PUT /items/{code}/prices/{level}, GET /items/{code}/prices."""

from django.utils import timezone
from ninja import Query, Router, Status

from openjxc.core.api import Input, Num, Output, page, page_of, page_qs, typed
from openjxc.core.dates import parse_date

from . import services
from .models import PriceLevel
from .pricing import level_prices, price_level_dict
from .selectors import get_item

router = Router(tags=["master data"])


class PriceLevelIn(Input):
    code: str
    name: str


class PriceLevelOut(Output):
    id: int
    code: str
    name: str
    active: bool


class LevelPriceIn(Input):
    price: Num
    unit: str | None = None  # one of the item's units; default the base unit
    valid_from: str | None = None  # YYYY-MM-DD; default today


class LevelPriceOut(Output):
    item: str
    level: str
    unit: str
    price: str
    valid_from: str
    previous_price: str | None  # the level's price on valid_from before this one


class ItemLevelPriceOut(Output):
    level: str
    level_name: str
    unit: str
    price: str
    valid_from: str
    document: str | None  # the 调价单 that set it


@router.post("/price-levels", response=typed(PriceLevelOut, 201))
def create_price_level(request, payload: PriceLevelIn):
    return Status(201, services.create_price_level(request.user, payload.model_dump()))


@router.get("/price-levels", response=typed(page_of(PriceLevelOut)))
def list_price_levels(request, limit: int = 100, offset: int = 0):
    return page_qs(PriceLevel.objects.order_by("code"), price_level_dict, limit, offset)


@router.get("/price-levels/{code}", response=typed(PriceLevelOut))
def get_price_level(request, code: str):
    return price_level_dict(services.get_price_level(code))


@router.put("/items/{code}/prices/{level}", response=typed(LevelPriceOut))
def set_level_price(request, code: str, level: str, payload: LevelPriceIn):
    """Append the item's price at the level, in force from valid_from (default today)."""
    return services.set_level_price(
        request.user, code, level, payload.model_dump(exclude_unset=True)
    )


@router.get("/items/{code}/prices", response=typed(page_of(ItemLevelPriceOut)))
def item_level_prices(
    request,
    code: str,
    date: str | None = Query(None, description="YYYY-MM-DD, default today"),
    limit: int = 100,
    offset: int = 0,
):
    """The item's price at every level (and unit) in force on the date."""
    day = parse_date(date, "date") if date else timezone.localdate()
    return page(level_prices(get_item(code), day), limit, offset)
