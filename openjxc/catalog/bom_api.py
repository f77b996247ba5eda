"""Bills of materials (物料清单): POST/GET /boms, GET/PUT /boms/{code}."""

from ninja import Router, Status

from openjxc.core.api import Input, Num, Output, page_of, page_qs, typed

from . import bom

router = Router(tags=["master data"])


class BomComponentIn(Input):
    item: str
    qty: Num  # per `qty` of the BOM's item, in base units


class BomIn(Input):
    code: str | None = None  # none: the next BOM0001…
    item: str
    qty: Num
    components: list[BomComponentIn]
    memo: str | None = None
    active: bool | None = None  # PUT only


class BomComponentOut(Output):
    item: str
    item_name: str
    qty: str


class BomOut(Output):
    id: int
    code: str
    item: str
    item_name: str
    qty: str
    active: bool
    memo: str
    components: list[BomComponentOut]


@router.post("/boms", response=typed(BomOut, 201))
def create_bom(request, payload: BomIn):
    return Status(201, bom.create_bom(request.user, payload.model_dump(exclude_unset=True)))


@router.get("/boms", response=typed(page_of(BomOut)))
def list_boms(
    request, item: str | None = None, q: str | None = None, limit: int = 100, offset: int = 0
):
    """BOMs by code; ?item= the BOMs of one item; ?q= code or item name contains."""
    return page_qs(bom.list_boms(item, q), bom.bom_dict, limit, offset)


@router.get("/boms/{code}", response=typed(BomOut))
def get_bom(request, code: str):
    return bom.get_bom(code)


@router.put("/boms/{code}", response=typed(BomOut))
def update_bom(request, code: str, payload: BomIn):
    return bom.update_bom(request.user, code, payload.model_dump(exclude_unset=True))
