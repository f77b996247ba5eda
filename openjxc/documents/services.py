"""Drafts: create, edit, delete. Every action is one transaction and is audited."""

from decimal import Decimal

from django.db import IntegrityError, transaction

from openjxc.audit.services import record
from openjxc.catalog.models import Item
from openjxc.catalog.pricing import default_sale_price, unit_list_price
from openjxc.catalog.units import base_qty, unit_factor
from openjxc.core.errors import DomainError, not_found
from openjxc.core.numbers import QTY_SCALE, parse_decimal
from openjxc.core.services import next_number
from openjxc.core.validation import text_field
from openjxc.inventory.models import Warehouse
from openjxc.ledger import money_accounts
from openjxc.ledger.services import ensure_open
from openjxc.partners.models import Partner
from openjxc.users.services import EDIT, require

from . import workflow
from .access import (
    require_document,
    require_resolved_warehouses,
    require_type,
)
from .components import refuse_components, resolve_components, write_components
from .due import due_date
from .expense_lines import resolve_expense, write_expense_lines
from .fingerprint import body_fingerprint, document_fingerprint
from .models import Document, DocumentLine
from .money_fields import resolve_money
from .opening import opening_date, resolve_open_item
from .price_lines import resolve_price_lines
from .rules import (
    check_prices_agree,
    fen,
    inactive,
    line_amounts,
    parse_date,
    parse_line,
    remaining_in_unit,
)
from .selectors import document_dict, get_document, used_quantities
from .tracking_lines import line_fields, resolve_tracking
from .types import TYPES


def _resolve(data: dict, doc_type: str | None = None, check_remaining: bool = True) -> dict:
    """Validate a request body and resolve its references; raises DomainError, writes nothing.
    Independent mistakes (head fields, each line) are all reported: the first is the error, and
    details.errors lists every one when there are several."""
    if not isinstance(data, dict):
        raise DomainError("invalid", "body must be a JSON object")
    doc_type = doc_type or data.get("type")
    t = TYPES.get(doc_type) if isinstance(doc_type, str) else None
    if t is None:
        raise DomainError("invalid", f"unknown document type {doc_type!r}", {"field": "type"})
    if not t.posts:
        raise DomainError(
            "invalid", f"document type {doc_type} is not available yet", {"field": "type"}
        )
    errors: list[DomainError] = []
    if t.opening:
        day = _collect(errors, opening_date, t, data)
    else:
        day = _collect(errors, parse_date, data.get("date"))
    out = {
        "type": t,
        "date": day,
        "partner": _collect(errors, _partner, t, data.get("partner")),
        "warehouse": None,
        "to_warehouse": None,
        "source": None,
        "memo": _collect(errors, text_field, data, "memo", 500),
    }
    for key in ("warehouse", "to_warehouse"):
        if t.warehouse if key == "warehouse" else t.to_warehouse:
            out[key] = _collect(errors, _warehouse, t, key, data.get(key))
    if t.to_warehouse and out["to_warehouse"] and out["to_warehouse"] == out["warehouse"]:
        errors.append(
            DomainError(
                "invalid", "to_warehouse must differ from warehouse", {"field": "to_warehouse"}
            )
        )
    out["in_transit"] = bool(data.get("in_transit"))
    if out["in_transit"] and not t.to_warehouse:
        errors.append(
            DomainError("invalid", "only a transfer can be in transit", {"field": "in_transit"})
        )
    if data.get("source") and not errors:
        out["source"] = _source(t, data["source"], out["partner"], day, check_remaining)
    out["salesperson"] = _collect(errors, text_field, data, "salesperson", 64)
    if not t.opening:  # an opening balance takes its due date from its own date (opening.py)
        out["due_date"] = _collect(errors, due_date, t, out["partner"], day, data.get("due_date"))
    if t.kind == "money":
        _raise_all(errors)
        return resolve_money(t, data, out)
    if t.kind == "expense_lines":
        code = data.get("account")
        account = _collect(errors, money_accounts.resolve, code) if code else None
        resolve_expense(t, data, out, account, errors)
        _raise_all(errors)
        return out
    if t.kind == "price":
        out["lines"] = resolve_price_lines(data.get("lines"), errors)
        _raise_all(errors)
        return out
    if t.transfer:  # 转账单: two money accounts, an amount and a fee
        _raise_all(errors)
        return {**out, **money_accounts.transfer(data), "lines": []}
    if t.kind == "ledger":
        _raise_all(errors)
        return resolve_open_item(t, data, out)
    raw_lines = data.get("lines")
    if t.kind == "invoice":
        out["invoice_no"] = _collect(errors, text_field, data, "invoice_no", 64, required=True)
        out["invoice_type"] = data.get("invoice_type") or "special"
        if out["invoice_type"] not in ("special", "ordinary"):
            errors.append(
                DomainError(
                    "invalid", "invoice_type must be special or ordinary", {"field": "invoice_type"}
                )
            )
        if out["source"] is None:
            errors.append(
                DomainError(
                    "invalid",
                    f"a {t.code} needs the delivery or receipt it invoices as source",
                    {"field": "source"},
                )
            )
        elif not raw_lines:
            raw_lines = _source_line_bodies(out["source"])
            if not raw_lines:
                raise DomainError(
                    "exceeds_source",
                    f"nothing remains to invoice on {out['source'].number}",
                    {"source": out["source"].number},
                )
    if not isinstance(raw_lines, list) or not raw_lines:
        errors.append(
            DomainError(
                "invalid", "at least one line is required", {"field": "lines"}, kind="required"
            )
        )
        _raise_all(errors)
    if len(raw_lines) > 1000:
        raise DomainError("invalid", "at most 1000 lines per document", {"field": "lines"})
    if t.revalues:
        raw_lines = [revalue_line(t, raw, i, errors) for i, raw in enumerate(raw_lines)]
    out["lines"] = _resolve_lines(t, raw_lines, errors, out["partner"], day)
    if t.assembled:  # 组装单 / 拆卸单: each line's components, the processing fee
        resolve_components(t, data, out, errors)
    else:
        _collect(errors, refuse_components, raw_lines)
    if t.revalues:
        for p in out["lines"]:
            if p and "value" in p:
                p["amount"] = p["gross"] = p["value"]
    _raise_all(errors)
    _check_source_lines(
        out["source"], out["lines"], check_remaining, by_invoice=t.kind == "invoice"
    )
    return out


def _collect(errors: list, check, *args, **kwargs):
    """check(*args) or, when it refuses, None with its error kept for the combined report."""
    try:
        return check(*args, **kwargs)
    except DomainError as exc:
        errors.append(exc)
        return None


def _raise_all(errors: list) -> None:
    if not errors:
        return
    first = errors[0]
    if len(errors) > 1:
        first.details = {**first.details, "errors": [e.as_dict()["error"] for e in errors]}
    raise first


def _partner(t, code):
    if t.partner and code:
        partner = Partner.objects.filter(kind=t.partner, code=code).first()
        if partner is None:
            raise not_found(t.partner, code)
        if not partner.active:  # 停用: kept in history, refused on new documents
            raise inactive("partner", partner.code, "partner")
        return partner
    if t.partner_required:
        raise DomainError(
            "invalid", f"partner ({t.partner}) is required", {"field": "partner"}, kind="required"
        )
    return None


def _warehouse(t, key: str, code):
    if not code:
        raise DomainError(
            "invalid", f"{key} is required for {t.code}", {"field": key}, kind="required"
        )
    wh = Warehouse.objects.filter(code=code, transit_for__isnull=True).first()
    if wh is None:
        raise not_found("warehouse", code)
    if not wh.active:
        raise inactive("warehouse", wh.code, key)
    return wh


def _source(t, number, partner, day, check_remaining: bool = True) -> Document:
    src = Document.objects.filter(number=number).first()
    if src is None:
        raise not_found("document", number)
    if src.type not in t.source_types:
        raise DomainError(
            "invalid", f"a {t.code} cannot derive from a {src.type}", {"field": "source"}
        )
    if check_remaining:
        workflow.check(src, "derive", source=src.number)
    if src.partner_id != (partner.id if partner else None):
        raise DomainError("invalid", "source belongs to another partner", {"field": "source"})
    if day < src.date:
        raise DomainError(
            "invalid",
            f"date {day} is before the source {src.number} ({src.date})",
            {"field": "date", "source": src.number},
        )
    return src


def revalue_line(t, raw, i: int, errors: list):
    """A 成本调整单 line {"item", "warehouse"?, "value"} as an item line of quantity 0 carrying
    its value (signed fen) and warehouse; None (its mistake in errors) when it is wrong."""
    if not isinstance(raw, dict):
        return raw
    where = f"lines[{i}]"
    try:
        value = fen(parse_decimal(raw.get("value"), f"{where}.value", 2, allow_negative=True))
        if value == 0:
            raise DomainError(
                "invalid", f"{where}.value must not be zero", {"field": f"{where}.value"}
            )
        wh = _warehouse(t, f"{where}.warehouse", raw["warehouse"]) if raw.get("warehouse") else None
    except DomainError as e:
        errors.append(e)
        return None
    return {"item": raw.get("item"), "qty": "0", "value": value, "warehouse_obj": wh}


def _resolve_lines(t, raw_lines: list, errors: list, partner=None, day=None) -> list:
    """Each line parsed, its item resolved and priced; every line's mistake goes to errors."""
    parsed = [
        _collect(errors, parse_line, raw, i) if raw is not None else None
        for i, raw in enumerate(raw_lines)
    ]
    for raw, p in zip(raw_lines, parsed, strict=True):
        if p is not None and isinstance(raw, dict) and "value" in raw:  # 成本调整单
            p["value"], p["warehouse_obj"] = raw["value"], raw.get("warehouse_obj")
    items = {i.code: i for i in Item.objects.filter(code__in={p["item"] for p in parsed if p})}
    seen = set()
    for i, p in enumerate(parsed):
        if p is None:
            continue
        item = items.get(p["item"])
        if item is None:
            errors.append(not_found("item", p["item"]))
            continue
        if not item.active:
            errors.append(inactive("item", item.code, f"lines[{i}].item"))
            continue
        p["item_obj"] = item
        if _collect(errors, _line_unit, p, item, i) is None:
            continue
        if _collect(errors, resolve_tracking, t, raw_lines[i], p, item, i) is None:
            continue  # 批次 / 序列号
        if t.counted:
            if item.id in seen:
                errors.append(
                    DomainError("invalid", f"item {item.code} is counted twice", {"line": i + 1})
                )
            seen.add(item.id)
        elif p["qty_units"] <= 0 and not t.revalues:
            errors.append(
                DomainError(
                    "invalid",
                    f"lines[{i}].qty must be positive",
                    {"field": f"lines[{i}].qty"},
                    kind="positive",
                )
            )
            continue
        _collect(errors, _price_line, t, p, item, i, partner, day)
    return parsed


def _line_unit(p: dict, item: Item, i: int) -> bool:
    """多单位: a line in one of the item's units (none or the base unit's name: the base unit);
    qty and price are per that unit and the stock moves base_qty = qty × factor, which must be a
    whole 1/10,000 base unit. A unit the item lacks → 422 unknown_unit."""
    unit, factor = unit_factor(item, p.get("unit"), f"lines[{i}].unit")
    p["unit"], p["unit_factor"] = unit, factor
    p["base_qty"] = base_qty(p["qty_units"], factor, f"lines[{i}].qty", unit or item.unit)
    return True


def _source_line_bodies(source: Document) -> list[dict]:
    """An invoice without lines covers what is left to invoice: delivered − returned − invoiced
    (in base units; back in the source line's unit when whole)."""
    used = used_quantities(source, by_invoice=True)
    out = []
    for ln in source.lines.select_related("item").order_by("line_no"):
        left = ln.base_qty - used.get(ln.id, 0)
        if left <= 0:
            continue
        unit, qty, price = remaining_in_unit(ln, left)
        out.append(
            {
                "item": ln.item.code,
                "unit": unit,
                "qty": qty,
                "price": str(price),
                "tax_rate": str(ln.tax_rate),
                "source_line": ln.id,
            }
        )
    return out


# A line's amount (yuan) must stay well inside a 64-bit count of fen, also summed over
# 1,000 lines; beyond it the arithmetic and the database would fail instead of refusing.
MAX_LINE_AMOUNT = Decimal(10) ** 13


def _price_line(t, p: dict, item: Item, i: int, partner=None, day=None) -> None:
    qty = Decimal(p["qty_units"]) / QTY_SCALE
    if not t.priced and not t.counted:
        p.update(price=None, price_incl_tax=None, tax_rate=Decimal(0), amount=0, tax=0, gross=0)
        return
    rate = (
        p["tax_rate"] if p["tax_rate"] is not None else (item.tax_rate if t.partner else Decimal(0))
    )
    price, pit = p["price"], p["price_incl_tax"]
    if price is not None and pit is not None:
        check_prices_agree(price, pit, rate, f"lines[{i}]")
    if price is None and pit is None:
        if t.counted:
            p.update(tax_rate=Decimal(0), amount=0, tax=0, gross=0)
            return
        unit, factor = p.get("unit", ""), p.get("unit_factor", QTY_SCALE)
        default = (
            # price list > level price > list price, per the line's unit
            default_sale_price(item, partner, day, unit, factor)
            if t.price_field == "sale_price" and day is not None
            else unit_list_price(item, unit, factor, t.price_field)
        )
        if default is None:
            raise DomainError(
                "invalid",
                f"lines[{i}]: price or price_incl_tax is required (item {item.code} has no default price)",
                {"field": f"lines[{i}].price"},
            )
        price = default
    if qty * (pit if pit is not None else price) >= MAX_LINE_AMOUNT:
        raise DomainError(
            "invalid", f"lines[{i}]: the amount is too large", {"field": f"lines[{i}].qty"}
        )
    price, pit, amount, tax, gross = line_amounts(qty, price if pit is None else None, pit, rate)
    p.update(
        price=price,
        price_incl_tax=pit,
        tax_rate=rate,
        amount=fen(amount),
        tax=fen(tax),
        gross=fen(gross),
    )


def _check_source_lines(
    source: Document | None, parsed: list, check_remaining: bool = True, by_invoice: bool = False
) -> None:
    """A derived line names its source line; its quantity may not exceed what remains."""
    if source is None:
        for p in parsed:
            if p["source_line"] is not None:
                raise DomainError(
                    "invalid", "source_line needs a source document", {"field": "source"}
                )
        return
    src_lines = {ln.id: ln for ln in source.lines.all()}
    used = used_quantities(source, by_invoice=by_invoice) if check_remaining else {}
    asked: dict[int, int] = {}
    for i, p in enumerate(parsed):
        sl = p["source_line"]
        if sl is None:
            continue
        line = src_lines.get(sl)
        if line is None:
            raise DomainError(
                "invalid",
                f"lines[{i}].source_line {sl} is not a line of {source.number}",
                {"field": f"lines[{i}].source_line"},
            )
        if line.item_id != p["item_obj"].id:
            raise DomainError(
                "invalid",
                f"lines[{i}]: item differs from its source line",
                {"field": f"lines[{i}].item"},
            )
        asked[sl] = asked.get(sl, 0) + p["base_qty"]  # 多单位: compared in base units
        if asked[sl] + used.get(sl, 0) > line.base_qty:
            raise DomainError(
                "exceeds_source",
                f"lines[{i}]: quantity exceeds what remains on {source.number} line {line.line_no}",
                {"source": source.number, "source_line": sl},
            )


def _apply(doc: Document, v: dict) -> None:
    """Set a document's fields and lines from a resolved body (create and edit)."""
    doc.date, doc.partner, doc.warehouse = v["date"], v["partner"], v["warehouse"]
    doc.to_warehouse, doc.source, doc.memo = v["to_warehouse"], v["source"], v["memo"]
    doc.salesperson = v.get("salesperson", "")
    doc.in_transit = v.get("in_transit", False)
    doc.invoice_no, doc.invoice_type = v.get("invoice_no", ""), v.get("invoice_type", "")
    doc.account, doc.to_account, doc.fee = v.get("account"), v.get("to_account"), v.get("fee", 0)
    doc.due_date = v.get("due_date")
    doc.allocation_plan = v.get("allocation_plan")
    if doc.pk is None:
        doc.save()
    lines = _write_lines(doc, v["lines"])
    if v["type"].assembled:
        write_components(lines, v["lines"])
    if v["type"].kind == "expense_lines":
        write_expense_lines(doc, v["expense_lines"])
    if v["type"].kind in ("money", "ledger"):
        doc.amount = doc.amount_incl_tax = v["amount"]
        doc.tax = 0
    if "origin_date" in v:
        doc.origin_date, doc.due_date = v["origin_date"], v["due_date"]


def _write_lines(doc: Document, parsed: list) -> list:
    lines = [
        DocumentLine(
            document=doc,
            line_no=n,
            item=p["item_obj"],
            qty=p["qty_units"],
            price=p["price"],
            price_incl_tax=p["price_incl_tax"],
            tax_rate=p["tax_rate"] or Decimal(0),
            amount=p["amount"],
            tax=p["tax"],
            amount_incl_tax=p["gross"],
            source_line_id=p["source_line"],
            unit=p.get("unit", ""),
            unit_factor=p.get("unit_factor", QTY_SCALE),
            price_level=p.get("level_obj"),
            **line_fields(p),
            warehouse=p.get("warehouse_obj"),
        )
        for n, p in enumerate(parsed, start=1)
    ]
    DocumentLine.objects.bulk_create(lines)
    doc.amount = sum(p["amount"] for p in parsed)
    doc.tax = sum(p["tax"] for p in parsed)
    doc.amount_incl_tax = sum(p["gross"] for p in parsed)
    return lines


def create_draft(user, data: dict, *, check_remaining: bool = True) -> tuple[dict, bool]:
    """Create a draft; returns (document, created). The same type + external_ref replays the
    first: after every check a create makes (the body, area, warehouses), and only when the body
    describes that document (409 idempotency_conflict otherwise). A correction's blue half does
    not `check_remaining` on its source: the original still holds it until both post (the
    engine re-checks on approval)."""
    require(user, EDIT)
    ext = data.get("external_ref") if isinstance(data, dict) else None
    if ext is not None and (not isinstance(ext, str) or not ext or len(ext) > 100):
        raise DomainError(
            "invalid",
            "external_ref must be a non-empty string of at most 100 characters",
            {"field": "external_ref"},
        )
    existing = (
        Document.objects.filter(type=data.get("type"), external_ref=ext).first() if ext else None
    )
    # a replay is not refused for what its own first create changed since (remaining quantities)
    v = _resolve(data, check_remaining=check_remaining and existing is None)
    require_type(user, v["type"].code)
    require_resolved_warehouses(user, v)
    if existing:
        return _replay(user, existing, v), False
    try:
        with transaction.atomic():
            ensure_open(v["date"])
            doc = Document(
                number=next_number(v["type"].prefix, v["date"]),
                type=v["type"].code,
                external_ref=ext or None,
                created_by=user,
            )
            _apply(doc, v)
            doc.save()
            result = document_dict(doc)
            record(user, "create", "document", doc.number, after=result)
    except IntegrityError:
        existing = (
            Document.objects.filter(type=v["type"].code, external_ref=ext).first() if ext else None
        )
        if existing is None:
            raise
        return _replay(user, existing, v), False
    return result, True


def _replay(user, doc: Document, v: dict) -> dict:
    """The document an idempotent create already made, if the user may see it and the body
    describes it."""
    require_document(user, doc)
    if document_fingerprint(doc) != body_fingerprint(v):
        raise DomainError(
            "idempotency_conflict",
            f"external_ref {doc.external_ref} was used for {doc.number} with another body",
            {"document": doc.number, "external_ref": doc.external_ref},
        )
    return document_dict(doc)


def update_draft(user, number: str, data: dict) -> dict:
    require(user, EDIT)
    with transaction.atomic():
        doc = get_document(number, for_update=True)
        workflow.check(doc, "edit")
        if (
            isinstance(data, dict)
            and data.get("version") is not None
            and str(data["version"]) != str(doc.version)
        ):
            raise DomainError(
                "version_conflict",
                f"{number} was changed by someone else; reload it",
                {"version": doc.version},
            )
        if isinstance(data, dict) and data.get("type", doc.type) != doc.type:
            raise DomainError("invalid", "the type of a document cannot change", {"field": "type"})
        require_document(user, doc)
        v = _resolve(data, doc.type)
        require_resolved_warehouses(user, v)
        ensure_open(doc.date, v["date"])
        before = document_dict(doc)
        doc.lines.all().delete()
        doc.account_lines.all().delete()  # an expense's lines
        doc.version += 1
        _apply(doc, v)
        doc.save()
        after = document_dict(doc)
        record(user, "edit", "document", doc.number, before=before, after=after)
    return after


def delete_draft(user, number: str) -> None:
    require(user, EDIT)
    with transaction.atomic():
        doc = get_document(number, for_update=True)
        require_document(user, doc)
        workflow.check(doc, "delete")
        ensure_open(doc.date)
        before = document_dict(doc)
        doc.lines.all().delete()
        doc.delete()
        record(user, "delete", "document", number, before=before)
