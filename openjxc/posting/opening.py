"""Opening balances (期初) from Excel, with the row-by-row preview of every import.

Opening stock: one approved opening-stock document per warehouse, dated the go-live date,
created through documents.services.create_draft and approved by posting.engine.approve — so the
stock ledger, the balance cache and the voucher (借 1405 / 贷 3999 期初余额差额) are written
exactly as for any receipt. Opening receivables and payables: one approved document per row
(an open item with its own date and due date). All rows or none: one transaction."""

from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction

from openjxc.audit.services import record
from openjxc.catalog.models import Item
from openjxc.core.errors import DomainError
from openjxc.core.numbers import parse_decimal, round_half_up
from openjxc.core.services import start_date
from openjxc.core.sheets import read_rows, run_rows
from openjxc.documents.access import require_type
from openjxc.documents.models import Document, DocumentLine
from openjxc.documents.services import create_draft
from openjxc.documents.types import opening_type
from openjxc.inventory.models import Warehouse
from openjxc.users.services import APPROVE, require, require_warehouses

from .engine import approve

MEMO = "期初库存"
# opening receivables / payables: one row per open item (an invoice issued before go-live)
ITEM_COLUMNS = {
    "receivable": [
        ("partner", "客户编码", True),
        ("amount", "金额", True),
        ("date", "日期", False),
        ("due_date", "到期日", False),
    ],
    "payable": [
        ("partner", "供应商编码", True),
        ("amount", "金额", True),
        ("date", "日期", False),
        ("due_date", "到期日", False),
    ],
}
ITEM_EXAMPLES = {
    "receivable": ["C100", "1200.00", "2026-08-15", "2026-09-14"],
    "payable": ["S100", "860.50", "2026-08-20", ""],
}
COLUMNS = [
    ("warehouse", "仓库编码", True),
    ("item", "商品编码", True),
    ("qty", "数量", True),
    ("unit_cost", "单位成本", False),
    ("amount", "金额", False),
]
EXAMPLE = ["WH1", "A100", "48", "2.10", ""]


def _line(user, row: dict, warehouses: dict, items: dict, seen: set) -> tuple[str, dict]:
    """Check one row; (warehouse code, document line body). Raises DomainError."""
    wh = warehouses.get(row.get("warehouse"))
    if wh is None:
        raise DomainError(
            "not_found",
            f"warehouse {row.get('warehouse')} not found",
            {"object": "warehouse", "ref": row.get("warehouse") or ""},
        )
    require_warehouses(user, wh)
    item = items.get(row.get("item"))
    if item is None:
        raise DomainError(
            "not_found",
            f"item {row.get('item')} not found",
            {"object": "item", "ref": row.get("item") or ""},
        )
    qty = parse_decimal(row.get("qty"), "qty", 4)
    if qty <= 0:
        raise DomainError("invalid", "qty must be positive", {"field": "qty"}, kind="positive")
    if row.get("unit_cost") is not None:
        price = parse_decimal(row["unit_cost"], "unit_cost", 6)
    elif row.get("amount") is not None:
        amount = parse_decimal(row["amount"], "amount", 2)
        price = (amount / qty).quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)
        if (qty * price).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) != amount:
            raise DomainError(
                "invalid",
                f"amount {amount} is not quantity × a unit cost of 6 places; give the unit "
                "cost instead",
                {"field": "amount"},
            )
    else:
        raise DomainError("invalid", "unit_cost or amount is required", {"field": "unit_cost"})
    key = (wh.code, item.code)
    if key in seen:
        raise DomainError(
            "invalid", f"item {item.code} appears twice for warehouse {wh.code}", {"field": "item"}
        )
    seen.add(key)
    earlier = DocumentLine.objects.filter(
        document__type=opening_type("stock"), document__warehouse=wh, item=item
    ).exclude(document__status__in=(Document.CANCELLED, Document.REVERSED))
    if earlier.exists():
        raise DomainError(
            "duplicate_opening",
            f"opening stock of {item.code} in {wh.code} was already imported",
            {"item": item.code, "warehouse": wh.code},
        )
    return wh.code, {"item": item.code, "qty": str(qty), "price": str(price)}


def import_opening_stock(user, content: bytes, commit: bool) -> dict:
    """Preview (commit=False) or import opening stock. Returns the rows with their errors, as the
    other imports do, plus the documents created ({"documents": [numbers]} when imported)."""
    require_type(user, opening_type("stock"))
    require(user, APPROVE)
    rows = read_rows(content, COLUMNS)
    day = start_date()
    warehouses = {
        w.code: w for w in Warehouse.objects.filter(code__in={r.get("warehouse") for _, r in rows})
    }
    items = {i.code: i for i in Item.objects.filter(code__in={r.get("item") for _, r in rows})}
    results, by_wh, seen = [], {}, set()
    for number, row in rows:
        entry = {"row": number, "data": row, "error": None, "code": None}
        try:
            wh, line = _line(user, row, warehouses, items, seen)
            by_wh.setdefault(wh, []).append((entry, line))
        except DomainError as exc:
            entry.update(error=exc, code=exc.code)
        results.append(entry)
    documents = []
    if all(r["error"] is None for r in results):
        with transaction.atomic():
            for wh, lines in sorted(by_wh.items()):
                try:
                    with transaction.atomic():
                        draft, _ = create_draft(
                            user,
                            {
                                "type": opening_type("stock"),
                                "date": str(day),
                                "warehouse": wh,
                                "memo": MEMO,
                                "lines": [ln for _, ln in lines],
                            },
                        )
                        doc = approve(user, draft["number"])
                        if doc.status != Document.APPROVED:
                            raise DomainError(
                                "second_approver_required",
                                f"{doc.number} awaits a second approver",
                                {"number": doc.number},
                            )
                        documents.append(draft["number"])
                except DomainError as exc:
                    for entry, _ in lines:
                        entry.update(error=exc, code=exc.code)
            ok = all(r["error"] is None for r in results)
            if commit and ok:
                record(
                    user, "import", opening_type("stock"), str(day), after={"documents": documents}
                )
            else:
                transaction.set_rollback(True)
    ok = all(r["error"] is None for r in results)
    imported = len(results) if commit and ok else 0
    return {
        "rows": results,
        "ok": ok,
        "imported": imported,
        "documents": documents if imported else [],
        "date": str(day) if day else None,
    }


def preview_totals(rows: list[dict]) -> dict:
    """The totals of a checked file's rows (import_opening_stock's "rows", all valid): the
    quantity and the value (quantity × unit cost, or the amount given)."""
    qty = value = Decimal(0)
    for r in rows:
        q = Decimal(r["data"]["qty"])
        qty += q
        cost = r["data"].get("unit_cost")
        value += (
            round_half_up(q * Decimal(cost)) if cost is not None else Decimal(r["data"]["amount"])
        )
    return {"qty": format(qty.normalize(), "f"), "amount": f"{value:.2f}"}


def import_open_items(user, of: str, content: bytes, commit: bool) -> dict:
    """Preview (commit=False) or import the opening receivables (of="receivable") or payables
    (of="payable"): each row becomes an approved opening document of that partner. Returns the
    rows with their errors, as the other imports do, and the documents created."""
    doc_type = opening_type(of)
    require_type(user, doc_type)
    require(user, APPROVE)
    rows = read_rows(content, ITEM_COLUMNS[of])
    documents = []

    def post(row: dict) -> None:
        body = {k: v for k, v in row.items() if v is not None}
        draft, _ = create_draft(user, {**body, "type": doc_type})
        doc = approve(user, draft["number"])
        documents.append(doc.number)

    result = run_rows(rows, post, commit)
    if result["imported"]:
        record(user, "import", doc_type, str(start_date()), after={"documents": documents})
    return {**result, "documents": documents if result["imported"] else []}
