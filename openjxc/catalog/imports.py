"""Excel import of items (商品) with their category (分类) and alternate units (多单位), all or
nothing.

Built for a whole catalogue (tens of thousands of rows, issue 11's benchmark: 10,000 items with 3
units each): what the database already holds is loaded up front — the file's codes and barcodes
that exist, every category — so that checking a row runs no query. The rows are checked in file
order (a code or barcode repeated within the file is an error on its second row); when every row
is good and the caller commits, the items, their units and one audit entry per item are written
by bulk inserts in one transaction, and one "import" entry lists the codes. The preview
(commit=False) runs the same checks and writes nothing, so a row the preview accepts is a row the
import accepts. The checks per field are the item service's own (`_item_fields`), so the form,
the API and the import refuse the same input.

Barcodes: an alternate unit's barcode (条码2, 条码3) must be unique among all barcodes, items' and
units' — scanning it adds a line in that unit, so it may mean one thing only. An item's own
barcode may repeat another item's, as before (the same product kept under two codes), but not a
unit's."""

from decimal import Decimal

from django.db import IntegrityError, connection, transaction

from openjxc.audit.services import record, record_many
from openjxc.core.codes import code_source
from openjxc.core.db import insert_models
from openjxc.core.errors import DomainError
from openjxc.core.numbers import PLAIN_NUMBER, QTY_SCALE, parse_decimal, price_str, qty_str
from openjxc.core.sheets import MASTER_MAX_ROWS, check_rows, chunks, read_rows
from openjxc.core.validation import text_field
from openjxc.users.masking import sees_cost
from openjxc.users.services import MASTER_DATA, require

from .categories import unknown_category
from .models import Category, Item, ItemUnit
from .selectors import item_dict
from .services import _item_fields, _visible_fields, ean13
from .text import initials_many

UNIT_SLOTS = (2, 3)  # 单位2 / 单位3: with the base unit, three units per item


def unit_columns(n: int) -> list[tuple[str, str, bool]]:
    return [
        (f"unit{n}", f"单位{n}", False),
        (f"factor{n}", f"换算率{n}", False),  # base units in one of this unit (箱 of 24 个: 24)
        (f"barcode{n}", f"条码{n}", False),
        (f"purchase_price{n}", f"采购价{n}", False),
        (f"sale_price{n}", f"销售价{n}", False),
    ]


# (field, Chinese header, required)
COLUMNS = [
    ("code", "商品编码", True),
    ("name", "商品名称", True),
    ("unit", "单位", True),
    ("spec", "规格型号", False),
    ("barcode", "条码", False),
    ("category", "分类编码", False),
    ("tax_rate", "税率", False),
    ("purchase_price", "采购价", False),
    ("sale_price", "销售价", False),
    ("safety_stock", "安全库存", False),
    ("costing_method", "计价方法", False),
    *(column for n in UNIT_SLOTS for column in unit_columns(n)),
    ("batch_tracked", "批次管理", False),  # 是 / 否
    ("shelf_life_days", "保质期天数", False),
    ("serial_tracked", "序列号管理", False),
]
EXAMPLE = [
    "A100",
    "可口可乐 330ml",
    "瓶",
    "330ml",
    "6901234567892",
    "YL",
    "13%",
    "2.10",
    "3.50",
    "24",
    "移动加权平均",
    *("箱", "24", "16901234567899", "48.00", "80.00"),
    *("", "", "", "", ""),
    *("否", "", "否"),
]
UNIT_KEYS = ("unit", "factor", "barcode", "purchase_price", "sale_price")
UNIT_FIELDS = UNIT_KEYS  # the ItemUnit fields an import sets
BARCODE_KEYS = ("barcode", *(f"barcode{n}" for n in UNIT_SLOTS))


def tax_rate(text: str | None) -> str | None:
    """ "13%" → "0.13" (how people write it in Excel); other values go to the service as they are."""
    if text is None:
        return None
    text = text.strip()
    if text.endswith(("%", "％")) and PLAIN_NUMBER.match(text[:-1].strip()):
        return format((Decimal(text[:-1].strip()) / 100).normalize(), "f")
    return text


# 计价方法 as people write it in a sheet; the API's names are accepted as well
COSTING_NAMES = {
    "移动加权平均": Item.MOVING_AVERAGE,
    "先进先出": Item.FIFO,
    "全月一次加权平均": Item.MONTHLY_AVERAGE,
    "月末一次加权平均": Item.MONTHLY_AVERAGE,
}

COSTING_LABELS = {Item.MOVING_AVERAGE: "移动加权平均", Item.FIFO: "先进先出"}
COSTING_LABELS[Item.MONTHLY_AVERAGE] = "全月一次加权平均"  # what the export writes
YES, NO = {"是", "y", "yes", "true", "1", "√"}, {"否", "n", "no", "false", "0", ""}


def item_data(row: dict) -> dict:
    data = {k: v for k, v in row.items() if v is not None}
    if "tax_rate" in data:
        data["tax_rate"] = tax_rate(data["tax_rate"])
    if "costing_method" in data:
        text = str(data["costing_method"]).strip()
        data["costing_method"] = COSTING_NAMES.get(text, text)
    for key in ("batch_tracked", "serial_tracked"):  # 是 / 否; anything else is refused
        if key in data:
            text = str(data[key]).strip().lower()
            data[key] = True if text in YES else False if text in NO else data[key]
    if "shelf_life_days" in data:
        text = str(data["shelf_life_days"]).strip()
        data["shelf_life_days"] = int(text) if text.isdigit() else (text or None)
    return data


class Known:
    """What the database holds that the file's rows may collide with (their codes and barcodes
    that exist, every category), loaded once per import; what the rows checked so far hold is
    remembered by `_checker`."""

    def __init__(self, rows: list[tuple[int, dict]]):
        codes = {r["code"] for _n, r in rows if r.get("code")}
        barcodes = {r[k] for _n, r in rows for k in BARCODE_KEYS if r.get(k)}
        self.codes = set()
        self.item_barcodes, self.unit_barcodes = {}, {}  # barcode -> item code
        for part in chunks(codes):
            self.codes.update(Item.objects.filter(code__in=part).values_list("code", flat=True))
        for part in chunks(barcodes):
            self.item_barcodes.update(
                Item.objects.filter(barcode__in=part).values_list("barcode", "code")
            )
            self.unit_barcodes.update(
                ItemUnit.objects.filter(barcode__in=part).values_list("barcode", "item__code")
            )
        self.categories = dict(Category.objects.values_list("code", "id"))
        self.defaults = {  # what the item service leaves to the model when a cell is empty
            "tax_rate": Decimal(Item._meta.get_field("tax_rate").default),
            "purchase_price": None,
            "sale_price": None,
            "safety_stock": 0,
            "costing_method": Item.MOVING_AVERAGE,
            "batch_tracked": False,
            "shelf_life_days": None,
            "serial_tracked": False,
        }

    def barcode_owner(self, barcode: str) -> str | None:
        """The item already holding `barcode`, as its own or one of its units' (a barcode scans
        to one thing)."""
        return self.unit_barcodes.get(barcode) or self.item_barcodes.get(barcode)


def _duplicate_barcode(barcode: str, owner: str, field: str) -> DomainError:
    return DomainError(
        "duplicate_barcode",
        f"barcode {barcode} is already used by item {owner}",
        {"barcode": barcode, "item": owner, "field": field},
    )


def _unit(data: dict, n: int, names: set) -> dict | None:
    """The alternate unit of slot n (单位n, 换算率n, …), None when its cells are all empty."""
    keys = [f"{k}{n}" for k in UNIT_KEYS]
    if all(data.get(k) is None for k in keys):
        return None
    unit_key, factor_key, barcode_key, purchase_key, sale_key = keys
    unit = text_field(data, unit_key, 20, True)
    if unit in names:
        raise DomainError(
            "invalid",
            f"{unit_key} {unit} is the same as another unit of the item",
            {"field": unit_key, "unit": unit},
        )
    names.add(unit)
    factor = parse_decimal(data.get(factor_key), factor_key, 4)
    if factor <= 0:
        raise DomainError(
            "invalid", f"{factor_key} must be positive", {"field": factor_key}, kind="positive"
        )
    prices = {
        key: parse_decimal(data[field], field, 6) if data.get(field) is not None else None
        for key, field in (("purchase_price", purchase_key), ("sale_price", sale_key))
    }
    return {
        "unit": unit,
        "factor": int(factor * QTY_SCALE),
        "barcode": text_field(data, barcode_key, 64),
        **prices,
        "field": barcode_key,
    }


def _checker(user, known: Known, rows: list[tuple[int, dict]], commit: bool):
    """check(row) → the item's fields and units; raises DomainError for a bad row. A row without
    a code gets the automatic one (shown in the preview, reserved on import)."""
    file_items, file_units = {}, {}  # barcode -> item code, of the good rows so far
    cost = sees_cost(user)
    codes = set()
    typed = {str(r["code"]).strip() for _n, r in rows if r.get("code")}
    auto_code = code_source(
        "item",
        lambda c: c in typed or Item.objects.filter(code=c).exists(),
        reserve=commit,
    )

    def check(row: dict) -> dict:
        data = _visible_fields(user, item_data(row))  # no purchase prices unless cost is visible
        if not cost:
            data = {k: v for k, v in data.items() if not k.startswith("purchase_price")}
        code = text_field(data, "code", 64) or auto_code()
        row["code"] = code
        category = data.pop("category", None)  # checked against the categories loaded once
        fields = _item_fields(data)
        if code in known.codes or code in codes:
            raise DomainError("duplicate_code", f"item code {code} already exists", {"code": code})
        if category is not None and category not in known.categories:
            raise unknown_category(category)
        names = {fields["unit"]}
        units = [u for n in UNIT_SLOTS if (u := _unit(data, n, names)) is not None]
        mine = {}
        if fields["barcode"]:
            owner = (
                known.barcode_owner(fields["barcode"])
                or file_units.get(fields["barcode"])
                or file_items.get(fields["barcode"])
            )
            if owner:
                raise _duplicate_barcode(fields["barcode"], owner, "barcode")
            mine[fields["barcode"]] = "barcode"
        for u in units:
            barcode = u["barcode"]
            if not barcode:
                continue
            owner = (
                (code if barcode in mine else None)
                or known.barcode_owner(barcode)
                or file_units.get(barcode)
                or file_items.get(barcode)
            )
            if owner:
                raise _duplicate_barcode(barcode, owner, u["field"])
            mine[barcode] = u["field"]
        codes.add(code)
        for barcode, field in mine.items():
            (file_items if field == "barcode" else file_units)[barcode] = code
        return {
            "code": code,
            "fields": fields,
            "category_id": known.categories.get(category),
            "category": category,
            "units": units,
        }

    return check


def _write(user, good: list[dict], known: Known) -> None:
    """Insert the items, their units and their audit entries in bulk (inside the caller's
    transaction)."""
    rows = []
    pinyin = initials_many([g["fields"]["name"] for g in good])
    for g, letters in zip(good, pinyin, strict=True):
        fields = {**known.defaults, **g["fields"]}  # every row the same columns
        rows.append(
            {
                "code": g["code"],
                "pinyin": letters,
                "category_id": g["category_id"],
                "active": True,
                **fields,
            }
        )
    try:
        ids = dict((code, pk) for pk, code in insert_models(Item, rows, returning="code"))
    except IntegrityError:  # another user added one of the codes since the check
        raise DomainError(
            "duplicate_code", "an item code of the file was added meanwhile", {"code": ""}
        ) from None
    items = [Item(id=ids[row["code"]], **row) for row in rows]
    missing = [i for i in items if not i.barcode]
    for i in missing:  # 自动生成条码, as for an item created one by one
        i.barcode = ean13(i.pk)
    with connection.cursor() as cur:  # one statement run many times: no CASE over 500 ids
        cur.executemany(
            "UPDATE catalog_item SET barcode = %s WHERE id = %s",
            [(i.barcode, i.pk) for i in missing],
        )
    insert_models(
        ItemUnit,
        [
            {"item_id": item.pk, **{k: u[k] for k in UNIT_FIELDS}}
            for item, g in zip(items, good, strict=True)
            for u in g["units"]
        ],
    )
    record_many(
        user,
        "create",
        "item",
        [(item.code, _audit_after(item, g)) for item, g in zip(items, good, strict=True)],
    )


def _audit_after(item: Item, g: dict) -> dict:
    after = item_dict(item)
    if g["category"]:
        after["category"] = g["category"]
    if g["units"]:
        after["units"] = [
            {
                "unit": u["unit"],
                "factor": qty_str(u["factor"]),
                "barcode": u["barcode"],
                "purchase_price": price_str(u["purchase_price"]),
                "sale_price": price_str(u["sale_price"]),
            }
            for u in g["units"]
        ]
    return after


def import_items(user, content: bytes, commit: bool) -> dict:
    """Preview (commit=False) or import the items of an .xlsx file. Nothing is written unless
    every row is valid; the result lists each row with its error."""
    require(user, MASTER_DATA)
    rows = read_rows(content, COLUMNS, max_rows=MASTER_MAX_ROWS)
    if not commit:
        results, _good = check_rows(rows, _checker(user, Known(rows), rows, False))
        return {"rows": results, "ok": all(r["error"] is None for r in results), "imported": 0}
    with transaction.atomic():  # the check sees the data the write goes into
        known = Known(rows)
        results, good = check_rows(rows, _checker(user, known, rows, True))
        ok = all(r["error"] is None for r in results)
        if ok:
            _write(user, good, known)
            record(
                user,
                "import",
                "item",
                f"{len(good)} rows",
                after={"codes": [g["code"] for g in good]},
            )
    return {"rows": results, "ok": ok, "imported": len(results) if ok else 0}
