"""Count sheets (盘点表) of a draft stock count through the API (API.md "Inventory depth")."""

from ninja import Router, Status

from openjxc.core.api import Input, Num, Output, typed

from . import counts

router = Router(tags=["documents"])


class SheetLineIn(Input):
    item: str
    qty: Num


class SheetIn(Input):
    counter: str
    location: str | None = None
    lines: list[SheetLineIn]


class SheetLineOut(Output):
    item: str
    item_name: str
    qty: str


class SheetOut(Output):
    id: int
    counter: str
    location: str | None
    created_by: str | None
    created_at: str
    lines: list[SheetLineOut]


@router.post("/documents/{number}/count-sheets", response=typed(SheetOut, 201))
def add_sheet(request, number: str, payload: SheetIn):
    """One counter's sheet on a draft stock count; the sheets of different counters (or
    locations) add up per item, a second sheet of the same counter and location replaces it."""
    return Status(201, counts.add_sheet(request.user, number, payload.model_dump()))


class SheetsOut(Output):
    items: list[SheetOut]
    count: int


@router.get("/documents/{number}/count-sheets", response=typed(SheetsOut))
def list_sheets(request, number: str):
    """The sheets of a stock count, oldest first."""
    items = counts.sheets(request.user, number)
    return {"items": items, "count": len(items)}
