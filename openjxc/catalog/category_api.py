"""Item categories (商品分类): POST/GET /categories, GET/PUT /categories/{code}."""

from ninja import Router, Status

from openjxc.core.api import Input, Output, page, page_of, typed

from . import categories, category_services

router = Router(tags=["master data"])


class CategoryIn(Input):
    code: str
    name: str
    parent: str | None = None  # the parent's code; none: a top-level category


class CategoryPatch(Input):
    name: str | None = None
    parent: str | None = None  # null or "": make it top-level
    active: bool | None = None


class CategoryOut(Output):
    id: int
    code: str
    name: str
    parent: str | None
    active: bool
    level: int  # 0 for a top-level category
    path: str  # the names from the top down, "饮料 / 碳酸饮料"


@router.post("/categories", response=typed(CategoryOut, 201))
def create_category(request, payload: CategoryIn):
    data = payload.model_dump(exclude_unset=True)
    return Status(201, category_services.create_category(request.user, data))


@router.get("/categories", response=typed(page_of(CategoryOut)))
def list_categories(
    request,
    parent: str | None = None,
    active: bool | None = None,
    limit: int = 1000,
    offset: int = 0,
):
    """Every category in tree order; ?parent= the ones below that category; ?active=true only
    the active ones."""
    return page(categories.category_list(parent, active_only=bool(active)), limit, offset)


@router.get("/categories/{code}", response=typed(CategoryOut))
def get_category(request, code: str):
    return categories.get_category(code)


@router.put("/categories/{code}", response=typed(CategoryOut))
def update_category(request, code: str, payload: CategoryPatch):
    data = payload.model_dump(exclude_unset=True)
    return category_services.update_category(request.user, code, data)
