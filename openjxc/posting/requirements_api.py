"""Material requirements (物料需求): GET /reports/material-requirements?orders=…, and
POST /reports/material-requirements/purchase-order drafting the purchase orders."""

from ninja import Router, Status

from openjxc.core.api import Input, Output, typed
from openjxc.documents.schemas import DocumentOut
from openjxc.inventory.selectors import get_warehouse

from . import requirements

router = Router(tags=["reports"])


class RequirementOut(Output):
    item: str
    item_name: str
    level: int  # 0: ordered; 1: a component of an ordered item; …
    assembled: bool  # it has a BOM: its shortage is made (assembly), not bought
    required: str
    available: str
    on_order: str
    shortage: str


class RequirementsOut(Output):
    orders: list[str]
    items: list[RequirementOut]


class PurchaseOrderIn(Input):
    orders: list[str] | None = None  # none: every open sales order
    warehouse: str | None = None  # stock counted there, and the orders' warehouse
    supplier: str | None = None  # for items without a last supplier
    date: str | None = None


class DraftedOut(Output):
    documents: list[DocumentOut]
    without_supplier: list[str]


def _numbers(orders: str | None) -> list[str] | None:
    return [n.strip() for n in orders.split(",") if n.strip()] if orders else None


@router.get("/reports/material-requirements", response=typed(RequirementsOut))
def material_requirements(request, orders: str | None = None, warehouse: str | None = None):
    """?orders=XSDD…,XSDD… (comma-separated; none: every open sales order); ?warehouse=."""
    wh = get_warehouse(warehouse) if warehouse else None
    return requirements.material_requirements(request.user, _numbers(orders), wh)


@router.post("/reports/material-requirements/purchase-order", response=typed(DraftedOut, 201))
def purchase_order(request, payload: PurchaseOrderIn):
    data = payload.model_dump(exclude_unset=True)
    return Status(201, requirements.draft_purchase_orders(request.user, data))
