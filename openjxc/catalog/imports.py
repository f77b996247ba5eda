"""Excel import of items (商品): every row through catalog.services.create_item, all or nothing."""

from decimal import Decimal

from openjxc.audit.services import record
from openjxc.core.numbers import PLAIN_NUMBER
from openjxc.core.sheets import read_rows, run_rows
from openjxc.users.services import MASTER_DATA, require

from .services import create_item

# (field, Chinese header, required)
COLUMNS = [
    ("code", "商品编码", True),
    ("name", "商品名称", True),
    ("unit", "单位", True),
    ("spec", "规格型号", False),
    ("barcode", "条码", False),
    ("tax_rate", "税率", False),
    ("purchase_price", "采购价", False),
    ("sale_price", "销售价", False),
    ("safety_stock", "安全库存", False),
]
EXAMPLE = ["A100", "可口可乐 330ml", "瓶", "330ml", "", "13%", "2.10", "3.50", "24"]


def tax_rate(text: str | None) -> str | None:
    """ "13%" → "0.13" (how people write it in Excel); other values go to the service as they are."""
    if text is None:
        return None
    text = text.strip()
    if text.endswith(("%", "％")) and PLAIN_NUMBER.match(text[:-1].strip()):
        return format((Decimal(text[:-1].strip()) / 100).normalize(), "f")
    return text


def item_data(row: dict) -> dict:
    data = {k: v for k, v in row.items() if v is not None}
    if "tax_rate" in data:
        data["tax_rate"] = tax_rate(data["tax_rate"])
    return data


def _create(user, row: dict) -> None:
    """One row; an empty 商品编码 gets the automatic code, shown in the preview and audited."""
    row["code"] = create_item(user, item_data(row))["code"]


def import_items(user, content: bytes, commit: bool) -> dict:
    """Preview (commit=False) or import the items of an .xlsx file. Nothing is written unless
    every row is valid; the result lists each row with its error."""
    require(user, MASTER_DATA)
    rows = read_rows(content, COLUMNS)
    result = run_rows(rows, lambda row: _create(user, row), commit)
    if result["imported"]:
        record(
            user,
            "import",
            "item",
            f"{result['imported']} rows",
            after={"codes": [r["data"]["code"] for r in result["rows"]]},
        )
    return result
