from urllib.parse import quote

from django.utils import timezone
from ninja import Query, Router

from openjxc.catalog.selectors import get_item
from openjxc.core.errors import DomainError
from openjxc.documents.rules import query_date
from openjxc.inventory.selectors import get_warehouse

from . import selectors
from .excel import xlsx_response

router = Router(tags=["reports"])

SUMMARY_COLUMNS = [
    ("item", "商品编码"), ("item_name", "商品名称"), ("unit", "单位"),
    ("opening_qty", "期初数量"), ("opening_value", "期初金额"), ("in_qty", "入库数量"), ("in_value", "入库金额"),
    ("out_qty", "出库数量"), ("out_value", "出库金额"), ("closing_qty", "结存数量"), ("closing_value", "结存金额"),
]


FROM = Query(None, alias="from", description="YYYY-MM-DD, default the first of this month")
TO = Query(None, alias="to", description="YYYY-MM-DD, default today")


def _range(date_from: str | None, date_to: str | None):
    today = timezone.localdate()
    date_from = query_date(date_from, "from") or today.replace(day=1)
    date_to = query_date(date_to, "to") or today
    if date_to < date_from:
        raise DomainError("invalid", "to must not be before from", {"field": "to"})
    return date_from, date_to


@router.get("/reports/inventory-summary", response=dict)
def inventory_summary(request, warehouse: str | None = None, by_warehouse: bool = False, format: str = "json",
                      date_from: str | None = FROM, date_to: str | None = TO):
    """进销存汇总表: ?from=&to=&warehouse=&by_warehouse=true&format=xlsx."""
    date_from, date_to = _range(date_from, date_to)
    wh = get_warehouse(warehouse).id if warehouse else None
    data = selectors.inventory_summary(date_from, date_to, wh, by_warehouse)
    if format == "xlsx":
        columns = SUMMARY_COLUMNS if not by_warehouse else SUMMARY_COLUMNS[:2] + [("warehouse_name", "仓库")] + SUMMARY_COLUMNS[2:]
        name = quote(f"进销存汇总表_{date_from}_{date_to}.xlsx")
        return xlsx_response(name, "进销存汇总表", columns, data["items"], data["totals"])
    return data


@router.get("/reports/stock-ledger", response=dict)
def stock_ledger(request, item: str, warehouse: str | None = None, format: str = "json",
                 date_from: str | None = FROM, date_to: str | None = TO):
    """库存台账 of one item: ?item=&warehouse=&from=&to=&format=xlsx."""
    date_from, date_to = _range(date_from, date_to)
    it = get_item(item)
    wh = get_warehouse(warehouse).id if warehouse else None
    data = selectors.stock_ledger(it.id, wh, date_from, date_to)
    if format == "xlsx":
        columns = [("date", "日期"), ("document", "单据编号"), ("type", "类型"), ("warehouse", "仓库"),
                   ("in_qty", "入库数量"), ("out_qty", "出库数量"), ("unit_cost", "单位成本"), ("value", "金额"),
                   ("balance_qty", "结存数量"), ("balance_value", "结存金额")]
        opening = {"date": str(date_from), "document": "期初", "balance_qty": data["opening"]["qty"],
                   "balance_value": data["opening"]["value"]}
        return xlsx_response(quote(f"库存台账_{item}.xlsx"), "库存台账", columns, [opening, *data["items"]])
    return data
