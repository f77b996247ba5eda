"""What a document says, as a comparable tuple: an idempotent create (the same `external_ref`)
replays the earlier document only when the new body describes exactly that document."""

from .models import Document
from .types import TYPES


def body_fingerprint(v: dict) -> tuple:
    """What a resolved body says about a document (compared with `document_fingerprint`)."""
    lines = tuple(
        (
            p["item_obj"].id,
            p.get("unit", ""),
            p["qty_units"],
            p["amount"],
            p["tax"],
            p["gross"],
            p["source_line"],
            p.get("batch") or "",  # 批次 / 序列号
            p.get("production_date"),
            p.get("expiry_date"),
            tuple(p.get("serials") or ()),
        )
        for p in v["lines"]
    )
    expense_lines = tuple(
        (ln["expense_type"].id, ln["amount"], ln["tax_rate"], ln["tax"], ln["memo"])
        for ln in v.get("expense_lines", ())
    )
    plan = v.get("allocation_plan")
    opening = (v["origin_date"], v["due_date"]) if "origin_date" in v else None
    return (
        v["date"],
        _id(v["partner"]),
        _id(v["warehouse"]),
        _id(v["to_warehouse"]),
        _id(v["source"]),
        v["memo"],
        v.get("salesperson", ""),
        v.get("invoice_no", ""),
        v.get("invoice_type", ""),
        _id(v.get("account")),
        _id(v.get("to_account")),
        v.get("fee", 0),
        v.get("amount"),
        plan or None,
        opening,
        lines,
        expense_lines,
    )


def document_fingerprint(doc: Document) -> tuple:
    lines = tuple(
        (*row[:-1], tuple(row[-1] or ()))
        for row in doc.lines.order_by("line_no").values_list(
            "item_id",
            "unit",
            "qty",
            "amount",
            "tax",
            "amount_incl_tax",
            "source_line_id",
            "batch",
            "production_date",
            "expiry_date",
            "serials",
        )
    )
    kind = TYPES[doc.type].kind
    ledger = kind == "ledger"
    opening = ledger and TYPES[doc.type].opening
    money = doc.amount if doc.account_id or kind in ("ledger", "expense_lines") else None
    expense_lines = tuple(
        doc.account_lines.filter(expense_type__isnull=False)
        .order_by("line_no")
        .values_list("expense_type_id", "debit", "credit", "tax_rate", "tax", "memo")
    )
    return (
        doc.date,
        doc.partner_id,
        doc.warehouse_id,
        doc.to_warehouse_id,
        doc.source_id,
        doc.memo,
        doc.salesperson,
        doc.invoice_no,
        doc.invoice_type,
        doc.account_id,
        doc.to_account_id,
        doc.fee,
        money,
        doc.allocation_plan or None,
        (doc.origin_date, doc.due_date) if opening else None,
        lines,
        tuple((t, d + c, rate, tax, memo) for t, d, c, rate, tax, memo in expense_lines),
    )


def _id(obj):
    return obj.id if obj is not None else None
