"""Named reads of documents, serialised the way API.md describes them."""

from openjxc.core.errors import not_found
from openjxc.core.numbers import fen_str, price_str, qty_str

from .models import AccountLine, Document, DocumentLine
from .types import TYPES, type_label

INVOICE_TYPES = tuple(code for code, t in TYPES.items() if t.kind == "invoice")


def get_document(number: str, *, for_update: bool = False) -> Document:
    if for_update:
        # the posting paths read ids, not the related rows; a 7-table join costs PostgreSQL ~2.5 ms
        # of planning per call (most of a cancel-chain's time), a lazy load of one relation ~0.2 ms
        qs = Document.objects.select_for_update()
    else:
        qs = Document.objects.select_related(
            "partner", "warehouse", "to_warehouse", "source", "reversal_of", "account"
        )
    # .get(), not .first(): first() orders by id, and PostgreSQL may then walk the primary key
    # instead of the number's unique index (seen on fresh books whose statistics are stale)
    try:
        return qs.get(number=number)
    except Document.DoesNotExist:
        raise not_found("document", number) from None


def line_dict(line: DocumentLine, show_cost: bool = True) -> dict:
    return {
        "id": line.id,
        "line_no": line.line_no,
        "item": line.item.code,
        "item_name": line.item.name,
        "unit": line.item.unit,
        "qty": qty_str(line.qty),
        "price": price_str(line.price),
        "price_incl_tax": price_str(line.price_incl_tax),
        "tax_rate": str(line.tax_rate.normalize()) if line.tax_rate is not None else None,
        "amount": fen_str(line.amount),
        "tax": fen_str(line.tax),
        "amount_incl_tax": fen_str(line.amount_incl_tax),
        "source_line": line.source_line_id,
    }


def document_dict(doc: Document, lines=None) -> dict:
    if lines is None:
        lines = list(doc.lines.select_related("item").order_by("line_no"))
    line_dicts = [line_dict(ln) for ln in lines]
    if TYPES[doc.type].kind == "order":
        used = used_quantities(doc)
        for ln, d in zip(lines, line_dicts, strict=True):
            d["fulfilled_qty"] = qty_str(used.get(ln.id, 0))
            d["remaining_qty"] = (
                qty_str(max(ln.qty - used.get(ln.id, 0), 0))
                if doc.status
                in (Document.APPROVED, Document.PARTIAL, Document.PENDING, Document.DRAFT)
                else "0"
            )
    out = {
        "id": doc.id,
        "number": doc.number,
        "type": doc.type,
        "type_name": type_label(doc.type),
        "status": doc.status,
        "date": doc.date.isoformat(),
        "partner": doc.partner.code if doc.partner_id else None,
        "partner_name": doc.partner.name if doc.partner_id else None,
        "warehouse": doc.warehouse.code if doc.warehouse_id else None,
        "to_warehouse": doc.to_warehouse.code if doc.to_warehouse_id else None,
        "source": doc.source.number if doc.source_id else None,
        "external_ref": doc.external_ref,
        "reversal_of": doc.reversal_of.number if doc.reversal_of_id else None,
        "reversal": getattr(getattr(doc, "reversal", None), "number", None)
        if doc.status == "reversed"
        else None,
        "memo": doc.memo,
        "salesperson": doc.salesperson or None,
        "account": doc.account.code if doc.account_id else None,
        "invoice_no": doc.invoice_no or None,
        "invoice_type": doc.invoice_type or None,
        "version": doc.version,
        "lines": line_dicts,
        "amount": fen_str(doc.amount),
        "tax": fen_str(doc.tax),
        "amount_incl_tax": fen_str(doc.amount_incl_tax),
        "approved_at": doc.approved_at.isoformat() if doc.approved_at else None,
        "cancelled_at": doc.cancelled_at.isoformat() if doc.cancelled_at else None,
        "cancel_reason": doc.cancel_reason or None,
        "origin_date": doc.origin_date.isoformat() if doc.origin_date else None,
        "due_date": doc.due_date.isoformat() if doc.due_date else None,
    }
    if TYPES[doc.type].opening == "accounts":
        out["account_lines"] = account_lines(doc)
    return out


def account_lines(doc: Document) -> list[dict]:
    """The account lines of a document (opening account balances)."""
    return [
        {
            "account": ln.account.code,
            "account_name": ln.account.name,
            "debit": fen_str(ln.debit),
            "credit": fen_str(ln.credit),
        }
        for ln in AccountLine.objects.filter(document=doc).select_related("account")
    ]


def list_documents(*, type=None, status=None, partner=None, date_from=None, date_to=None):
    qs = Document.objects.select_related(
        "partner", "warehouse", "to_warehouse", "source", "reversal_of", "account"
    )
    if type:
        qs = qs.filter(type=type)
    if status:
        qs = qs.filter(status=status)
    if partner:
        qs = qs.filter(partner__code=partner)
    if date_from:
        qs = qs.filter(date__gte=date_from)
    if date_to:
        qs = qs.filter(date__lte=date_to)
    return qs.order_by("-date", "-id")


def used_quantities(source: Document, *, by_invoice: bool = False) -> dict:
    """Quantities of each source line already taken by approved derived documents.

    An invoice registers tax on goods that were delivered and kept; it never takes quantity a
    return (or a fulfilment) could still take. So invoices count only when the question is what
    is left to invoice (`by_invoice`): delivered − returned − invoiced."""
    used: dict[int, int] = {}
    # through document.source (indexed): filtering on the status first would scan every approved document
    qs = DocumentLine.objects.filter(
        document__source_id=source.id,
        source_line__document_id=source.id,
        document__status=Document.APPROVED,
    )
    if not by_invoice:
        qs = qs.exclude(document__type__in=INVOICE_TYPES)
    for sl, qty in qs.order_by().values_list("source_line_id", "qty"):
        used[sl] = used.get(sl, 0) + qty
    return used
