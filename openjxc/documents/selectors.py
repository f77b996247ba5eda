"""Named reads of documents, serialised the way API.md describes them, and the reads of the
document pages (lists with their search, counts and totals, the entry form's data)."""

from django.core.exceptions import ObjectDoesNotExist
from django.db import connection
from django.db.models import Count, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce

from openjxc.catalog.models import PriceLevel
from openjxc.catalog.selectors import item_names
from openjxc.catalog.units import in_unit
from openjxc.core.db import load
from openjxc.core.errors import not_found
from openjxc.core.numbers import fen_str, percent_str, price_str, qty_str
from openjxc.core.services import get_setting

from .access import visible
from .components import component_fields
from .due import due_date
from .extensions import LINE_VIEWS
from .models import AccountLine, Correction, Document, DocumentLine
from .rules import inactive
from .tracking_lines import tracking_dict
from .types import STATUS_LABELS, TYPES, type_label

INVOICE_TYPES = tuple(code for code, t in TYPES.items() if t.kind == "invoice")
# the relations of a document that document_dict shows, the ones most documents have first
RELATED = ("partner", "warehouse", "to_warehouse", "source", "reversal_of", "account", "to_account")


def get_document(number: str, *, for_update: bool = False) -> Document:
    if for_update:
        # the posting paths read ids, not the related rows; a 7-table join costs PostgreSQL ~2.5 ms
        # of planning per call (most of a cancel-chain's time), a lazy load of one relation ~0.2 ms.
        # .get(), not .first(): first() orders by id, and PostgreSQL may then walk the primary key
        # instead of the number's unique index (seen on fresh books whose statistics are stale)
        try:
            return Document.objects.select_for_update().get(number=number)
        except Document.DoesNotExist:
            raise not_found("document", number) from None
    # every read of a document, and the API's answer to every action on one, comes here: plain
    # queries (an ORM select_related costs more to build than to run). Only the relations most
    # documents have are joined: PostgreSQL plans a join of all seven tables in ~1-2 ms.
    found = load(Document, "WHERE documents_document.number = %s", [number], RELATED[:2])
    if not found:
        raise not_found("document", number)
    return with_relations(found[0])


def with_relations(doc: Document) -> Document:
    """doc, loaded with its partner and warehouse joined, with the rarer relations it has."""
    for name in RELATED[2:]:
        field = Document._meta.get_field(name)
        pk = getattr(doc, field.attname)
        field.set_cached_value(
            doc, load(field.related_model, "WHERE id = %s", [pk])[0] if pk else None
        )
    return doc


def line_dict(line: DocumentLine, show_cost: bool = True) -> dict:
    return {
        "id": line.id,
        "line_no": line.line_no,
        "item": line.item.code,
        "item_name": line.item.name,
        "unit": line.unit or line.item.unit,  # 多单位: qty and price are per this unit
        "qty": qty_str(line.qty),
        "base_qty": qty_str(line.base_qty),  # what moves stock, in the item's base unit
        "base_unit": line.item.unit,
        "price": price_str(line.price),
        "price_incl_tax": price_str(line.price_incl_tax),
        "tax_rate": str(line.tax_rate.normalize()) if line.tax_rate is not None else None,
        "amount": fen_str(line.amount),
        "tax": fen_str(line.tax),
        "amount_incl_tax": fen_str(line.amount_incl_tax),
        "source_line": line.source_line_id,
        **tracking_dict(line),  # 批次 / 序列号, when set
    }


def inactive_reference(doc: Document) -> tuple[str, str] | None:
    """The first deactivated (停用) item, partner, warehouse or money account the document
    names, as (kind, code), or None; one plain query (it runs on every approval)."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT 'item', i.code FROM documents_documentline l "
            "JOIN catalog_item i ON i.id = l.item_id WHERE l.document_id = %s AND NOT i.active "
            "UNION ALL SELECT 'partner', p.code FROM partners_partner p "
            "WHERE p.id = %s AND NOT p.active "
            "UNION ALL SELECT 'warehouse', w.code FROM inventory_warehouse w "
            "WHERE w.id IN (%s, %s) AND NOT w.active "
            "UNION ALL SELECT 'money_account', m.code FROM ledger_moneyaccount m "
            "WHERE m.account_id IN (%s, %s) AND NOT m.active LIMIT 1",
            [
                doc.id,
                doc.partner_id,
                doc.warehouse_id,
                doc.to_warehouse_id,
                doc.account_id,
                doc.to_account_id,
            ],
        )
        row = cur.fetchone()
    return (row[0], row[1]) if row else None


def require_active(doc: Document) -> None:
    """Approving a document that names a deactivated item, partner or warehouse is refused as
    creating one is (documents/rules.inactive)."""
    found = inactive_reference(doc)
    if found is not None:
        kind, code = found
        raise inactive(kind, code, {"item": "lines", "money_account": "account"}.get(kind, kind))


def transit_quantities(doc: Document) -> dict:
    """line id -> (shipped, received, in transit) in base units of an in-transit transfer:
    shipped once it is posted, received by its approved transfer receipts."""
    posted = doc.status in Document.POSTED and doc.status != Document.REVERSED
    used = used_quantities(doc) if posted else {}
    return {
        ln_id: (q, used.get(ln_id, 0), q - used.get(ln_id, 0)) if posted else (0, 0, 0)
        for ln_id, q in doc.lines.values_list("id", "base_qty")
    }


def document_dict(doc: Document, lines=None, *, just_approved: bool = False) -> dict:
    """`just_approved`: the ordinary approval has just posted it, so it is part of no correction
    (a correction's halves are approved only by the correction, its original was approved
    before) and the look-up is skipped."""
    if lines is None:
        lines = load(DocumentLine, "WHERE document_id = %s ORDER BY line_no", [doc.id], ("item",))
    line_dicts = [line_dict(ln) for ln in lines]
    if TYPES[doc.type].kind == "order":
        used = used_quantities(doc)
        for ln, d in zip(lines, line_dicts, strict=True):  # in the line's unit
            d["fulfilled_qty"] = qty_str(in_unit(used.get(ln.id, 0), ln.unit_factor))
            d["remaining_qty"] = (
                qty_str(in_unit(max(ln.base_qty - used.get(ln.id, 0), 0), ln.unit_factor))
                if doc.status
                in (Document.APPROVED, Document.PARTIAL, Document.PENDING, Document.DRAFT)
                else "0"
            )
    if TYPES[doc.type].kind == "price":
        _price_line_fields(lines, line_dicts)
    if TYPES[doc.type].counted:
        for view in LINE_VIEWS:  # a draft count's book quantity and difference
            view(doc, lines, line_dicts)
    if TYPES[doc.type].revalues:  # 成本调整单: the value change, and where (cost: masked)
        for ln, d in zip(lines, line_dicts, strict=True):
            d["value"] = fen_str(ln.amount)
            d["warehouse"] = ln.warehouse.code if ln.warehouse_id else None
    if doc.in_transit:  # read now: a draft's lines are replaced when it is saved
        quantities = transit_quantities(doc)
        for ln, d in zip(lines, line_dicts, strict=True):
            shipped, received, in_transit = (qty_str(q) for q in quantities[ln.id])
            d.update(shipped_qty=shipped, received_qty=received, in_transit_qty=in_transit)
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
        "account": money_account_code(doc.account) if doc.account_id else None,
        "invoice_no": doc.invoice_no or None,
        "invoice_type": doc.invoice_type or None,
        "due_date": doc.due_date.isoformat() if doc.due_date else None,
        "version": doc.version,
        "lines": line_dicts,
        "amount": fen_str(doc.amount),
        "tax": fen_str(doc.tax),
        "amount_incl_tax": fen_str(doc.amount_incl_tax),
        "approved_at": doc.approved_at.isoformat() if doc.approved_at else None,
        "cancelled_at": doc.cancelled_at.isoformat() if doc.cancelled_at else None,
        "cancel_reason": doc.cancel_reason or None,
        "origin_date": doc.origin_date.isoformat() if doc.origin_date else None,
        "in_transit": doc.in_transit if TYPES[doc.type].to_warehouse else None,
        **(_NO_CORRECTION if just_approved else correction_link(doc)),
    }
    if TYPES[doc.type].opening == "accounts" or TYPES[doc.type].manual_lines:
        out["account_lines"] = account_lines(doc)
    if TYPES[doc.type].kind == "expense_lines":
        out["lines"] = expense_lines(doc)
    if TYPES[doc.type].assembled:  # 组装单 / 拆卸单: components per line, the processing fee
        out.update(component_fields(doc, line_dicts))
    if TYPES[doc.type].transfer:
        out["from_account"] = out["account"]
        out["to_account"] = money_account_code(doc.to_account) if doc.to_account_id else None
        out["fee"] = fen_str(doc.fee)
    return out


_NO_CORRECTION = {"correction": None, "correction_role": None}
_ROLES = ("original", "red", "blue", "blue_reversal", "restored")


def correction_link(doc: Document) -> dict:
    """The latest correction (红冲蓝补) this document is part of, and its role in it: one plain
    statement (built by the ORM, its five alternatives cost more than a whole document read)."""
    if doc.status == Document.DRAFT:
        return _NO_CORRECTION
    columns = ", ".join(f"{r}_id" for r in _ROLES)
    either = " OR ".join(f"{r}_id = %s" for r in _ROLES)
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT id, {columns} FROM {Correction._meta.db_table} WHERE {either} "
            "ORDER BY id DESC LIMIT 1",
            [doc.id] * len(_ROLES),
        )
        found = cur.fetchone()
    if found is None:
        return _NO_CORRECTION
    role = next(r for r, ref in zip(_ROLES, found[1:], strict=True) if ref == doc.id)
    return {"correction": found[0], "correction_role": role}


def expense_lines(doc: Document) -> list[dict]:
    """The lines of an expense or other income: expense type, its account, amount, tax."""
    rows = AccountLine.objects.filter(document=doc).select_related("account", "expense_type")
    out = []
    for ln in rows.order_by("line_no"):
        amount = ln.debit + ln.credit  # one side only: debit for an expense, credit for income
        out.append(
            {
                "id": ln.id,
                "line_no": ln.line_no,
                "expense_type": ln.expense_type.code if ln.expense_type_id else None,
                "expense_type_name": ln.expense_type.name if ln.expense_type_id else None,
                "account": ln.account.code,
                "account_name": ln.account.name,
                "amount": fen_str(amount),
                "tax_rate": str(ln.tax_rate.normalize()) if ln.tax_rate is not None else "0",
                "tax": fen_str(ln.tax),
                "amount_incl_tax": fen_str(amount + ln.tax),
                "memo": ln.memo,
            }
        )
    return out


def money_account_code(account) -> str | None:
    """The code of the money account (结算账户) posting to a GL account: what a document body
    names (the seeded ones are their GL codes: 1002); the GL code if none posts to it."""
    try:
        return account.money_account.code
    except ObjectDoesNotExist:
        return account.code


def account_lines(doc: Document) -> list[dict]:
    """The account lines of a document (opening account balances, a manual voucher)."""
    return [
        {
            "account": ln.account.code,
            "account_name": ln.account.name,
            "debit": fen_str(ln.debit),
            "credit": fen_str(ln.credit),
            "partner": ln.partner.code if ln.partner_id else None,
            "memo": ln.memo,
        }
        for ln in AccountLine.objects.filter(document=doc).select_related("account", "partner")
    ]


def _price_line_fields(lines, line_dicts) -> None:
    """A 调价单 line names its level (none: the list sale price), its unit, and the price in
    force before it was approved; it has no quantity or amounts."""
    levels = PriceLevel.objects.in_bulk({ln.price_level_id for ln in lines if ln.price_level_id})
    for ln, d in zip(lines, line_dicts, strict=True):
        level = levels.get(ln.price_level_id)
        d["level"] = level.code if level else None
        d["level_name"] = level.name if level else None
        d["unit"] = ln.unit or ln.item.unit
        d["previous_price"] = price_str(ln.previous_price)


def list_documents(
    *, type=None, status=None, partner=None, date_from=None, date_to=None, search=None
):
    """Documents newest first; `search` finds the number, the partner, the memo or an item on a
    line (its code, name, barcode or pinyin initials)."""
    qs = Document.objects.select_related(*RELATED)
    if search:
        lines = DocumentLine.objects.filter(
            Q(item__code__icontains=search)
            | Q(item__name__icontains=search)
            | Q(item__barcode=search)
            | Q(item__pinyin__icontains=search.lower())
        ).values("document_id")
        qs = qs.filter(
            Q(number__icontains=search)
            | Q(partner__code__icontains=search)
            | Q(partner__name__icontains=search)
            | Q(memo__icontains=search)
            | Q(id__in=lines)
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
    """Quantities of each source line already taken by approved derived documents, in base
    units (a return in 箱 of a delivery in 个 takes 12 个 per 箱).

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
    for sl, qty in qs.order_by().values_list("source_line_id", "base_qty"):
        used[sl] = used.get(sl, 0) + qty
    return used


def status_counts(qs) -> dict[str, int]:
    """How many documents of qs are in each status."""
    return dict(qs.order_by().values_list("status").annotate(n=Count("id")))


def amount_totals(qs) -> dict[str, str]:
    """The sums of qs: amount, tax and gross (amount including tax)."""
    total = qs.aggregate(amount=Sum("amount"), tax=Sum("tax"), gross=Sum("amount_incl_tax"))
    return {k: fen_str(v or 0) for k, v in total.items()}


def list_row(d: Document) -> dict:
    """A document as a list shows it: names rather than codes, amounts as money strings."""
    return {
        "number": d.number,
        "type": d.type,
        "type_name": type_label(d.type),
        "date": d.date.isoformat(),
        "partner": d.partner.name if d.partner_id else "",
        "warehouse": d.warehouse.name if d.warehouse_id else "",
        "to_warehouse": d.to_warehouse.name if d.to_warehouse_id else "",
        "amount": fen_str(d.amount),
        "tax": fen_str(d.tax),
        "amount_incl_tax": fen_str(d.amount_incl_tax),
        "status": d.status,
        "status_name": STATUS_LABELS.get(d.status, d.status),
        "memo": d.memo,
        "salesperson": d.salesperson,
    }


def derived_documents(doc: Document) -> list[Document]:
    """The documents made from this one (deliveries from an order, a return from a delivery …)."""
    return list(Document.objects.filter(source=doc).order_by("date", "id"))


def open_sources(user, t, partner: str | None = None) -> list[Document]:
    """Approved or partly fulfilled documents a new document of type t may derive from (of the
    partner, when one is given), newest 50; for an invoice, only those its approved invoices do
    not cover yet."""
    qs = visible(
        user,
        Document.objects.filter(
            type__in=t.source_types, status__in=(Document.APPROVED, Document.PARTIAL)
        ),
    )
    if partner:
        qs = qs.filter(partner__code=partner)
    if t.kind == "invoice":
        invoiced = (
            Document.objects.filter(source=OuterRef("pk"), type=t.code, status=Document.APPROVED)
            .order_by()
            .values("source")
            .annotate(s=Sum("amount_incl_tax"))
            .values("s")
        )
        qs = qs.annotate(invoiced=Coalesce(Subquery(invoiced), 0)).filter(
            invoiced__lt=F("amount_incl_tax")
        )
    return list(qs.select_related("partner").order_by("-date", "-id")[:50])


def prices_include_tax() -> bool:
    """Users type tax-inclusive prices (company setting price_includes_tax = "1")."""
    return get_setting("price_includes_tax", "0") == "1"


def display_dict(doc: Document) -> dict:
    """document_dict for the detail page and the print: tax rates in percent, the total quantity."""
    lines = list(doc.lines.select_related("item").order_by("line_no"))
    data = document_dict(doc, lines)
    for ln in data["lines"]:
        ln["tax_percent"] = percent_str(ln["tax_rate"])
    data["qty_total"] = qty_str(sum(ln.base_qty for ln in lines))  # in base units
    return data


def entry_dict(doc: Document, incl: bool) -> dict:
    """A draft as the entry form shows it: prices as the user types them (with tax when `incl`),
    tax rates in percent, the due date only when it does not follow the partner's terms, the
    planned allocations of a money document; a 调价单's lines as its grid shows them."""
    data = document_dict(doc)
    t = TYPES[doc.type]
    if t.kind == "price":
        data["lines"] = price_form_lines(data["lines"])
        return data
    data["lines"] = [
        {
            **ln,
            "price_entry": (ln.get("price_incl_tax") if incl else ln.get("price")) or "",
            "tax_percent": percent_str(ln.get("tax_rate")),
        }
        for ln in data["lines"]
    ]
    if doc.due_date and doc.due_date == due_date(t, doc.partner, doc.date, None):
        data["due_date"] = None  # it follows the terms: left empty, it follows a changed date too
    plan = doc.allocation_plan or {}
    data["allocations"] = {a["document"]: fen_str(a["amount"]) for a in plan.get("allocations", [])}
    data["auto_allocate"] = bool(plan.get("auto"))
    return data


def price_form_lines(lines: list[dict]) -> list[dict]:
    """A 调价单's lines as its entry grid shows them (a saved draft's or the user's input), with
    the item's name."""
    names = item_names(ln.get("item") for ln in lines)
    return [
        {
            "item": ln.get("item") or "",
            "item_name": names.get(ln.get("item"), ""),
            "level": ln.get("level") or "",
            "unit": ln.get("unit") or "",
            "price_entry": ln.get("price") or "",
            "previous_price": ln.get("previous_price"),
        }
        for ln in lines
    ]
