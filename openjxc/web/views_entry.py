"""Document entry: the form (barcode scanning, every error at once, credit warning), save and
approve in one transaction, derive from a source, and the grid's small JSON/HTMX endpoints.

Thin views: every write goes through documents.services / posting (which check permissions and
business rules); a DomainError re-renders the form with the user's input and the message."""

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.db import transaction
from django.db.models import F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from openjxc.catalog.models import Item
from openjxc.catalog.selectors import item_by_barcode, search_items
from openjxc.core.errors import DomainError
from openjxc.core.numbers import fen_str
from openjxc.documents.access import may_use_type, visible
from openjxc.documents.models import Document
from openjxc.documents.selectors import document_dict
from openjxc.documents.services import create_draft, update_draft
from openjxc.documents.types import MONEY_ACCOUNTS, STATUS_LABELS, TYPES
from openjxc.inventory.models import Warehouse
from openjxc.inventory.selectors import stock_rows
from openjxc.ledger.models import Account
from openjxc.ledger.periods import default_date
from openjxc.ledger.selectors import open_items
from openjxc.partners.models import Partner
from openjxc.posting.engine import approve
from openjxc.posting.money import MONEY
from openjxc.posting.orders import derive, receivables
from openjxc.reports.money import suggest_price
from openjxc.users.masking import mask_cost, sees_cost
from openjxc.users.services import APPROVE, EDIT, allowed_warehouse_ids, can

from .decorators import forbidden, page
from .doc_common import MARGIN_TYPES, _doc_type, _entry_price, _incl, _percent, _warehouses
from .errors import error_message


def _form_data(doc, incl: bool) -> dict:
    """A draft as the entry form shows it (prices as the user types them, tax rates in %)."""
    data = document_dict(doc)
    data["lines"] = [{**ln, "price_entry": (ln.get("price_incl_tax") if incl else ln.get("price")) or "",
                      "tax_percent": _percent(ln.get("tax_rate"))} for ln in data["lines"]]
    plan = doc.allocation_plan or {}
    data["allocations"] = {a["document"]: fen_str(a["amount"]) for a in plan.get("allocations", [])}
    data["auto_allocate"] = bool(plan.get("auto"))
    return data


def _body_from_post(post, t, incl: bool) -> dict:
    """The request body the services take, from the entry form's fields."""
    body = {"type": t.code, "date": post.get("date") or "", "partner": post.get("partner") or None,
            "warehouse": post.get("warehouse") or None, "to_warehouse": post.get("to_warehouse") or None,
            "source": post.get("source") or None, "salesperson": post.get("salesperson") or "",
            "memo": post.get("memo") or ""}
    if post.get("version"):
        body["version"] = post.get("version")
    if t.kind == "money":
        body["amount"] = post.get("amount") or None
        body["account"] = post.get("account") or None
        body["auto_allocate"] = bool(post.get("auto_allocate"))
        body["allocations"] = [
            {"document": number, "amount": amount.strip()}
            for number, amount in zip(post.getlist("alloc_document"), post.getlist("alloc_amount"), strict=False)
            if amount.strip() and amount.strip() not in ("0", "0.00")]
        return body
    if t.kind == "invoice":
        body["invoice_no"] = post.get("invoice_no") or ""
        body["invoice_type"] = post.get("invoice_type") or "special"
    lines = []
    fields = ("line_item", "line_qty", "line_price", "line_tax", "line_source")
    columns = [post.getlist(f) for f in fields]
    n = len(columns[0])
    columns = [c + [""] * (n - len(c)) for c in columns]
    for item, qty, price, tax, source_line in zip(*columns, strict=True):
        if not item.strip():
            continue
        line = {"item": item.strip(), "qty": qty.strip() or None}
        if price.strip():
            line["price_incl_tax" if incl else "price"] = price.strip()
        if tax.strip():
            try:
                line["tax_rate"] = str(Decimal(tax.strip().rstrip("%")) / 100)
            except InvalidOperation:
                line["tax_rate"] = tax.strip()  # the service says what is wrong with it
        if source_line.strip():
            line["source_line"] = source_line.strip()
        lines.append(line)
    body["lines"] = lines
    return body


def _posted_form_data(body: dict, post) -> dict:
    """The user's input, kept as typed, to show the form again after an error."""
    data = {k: v for k, v in body.items() if k != "lines"}
    items = {i.code: i for i in Item.objects.filter(code__in=[ln["item"] for ln in body.get("lines", [])])}
    lines = []
    for ln, price, tax in zip(body.get("lines", []), [p for i, p in zip(post.getlist("line_item"),
                                                                          post.getlist("line_price"), strict=False)
                                                        if i.strip()],
                              [p for i, p in zip(post.getlist("line_item"), post.getlist("line_tax"), strict=False)
                               if i.strip()], strict=False):
        item = items.get(ln["item"])
        lines.append({"item": ln["item"], "item_name": item.name if item else "", "unit": item.unit if item else "",
                      "qty": ln.get("qty") or "", "price_entry": price, "tax_percent": tax,
                      "source_line": ln.get("source_line") or ""})
    data["lines"] = lines
    data["allocations"] = {a["document"]: a["amount"] for a in body.get("allocations") or []}
    return data


def _error_line(exc: DomainError):
    """(line index, field) that an 'invalid' error points at, e.g. lines[2].qty → (2, "qty")."""
    field = str((exc.details or {}).get("field") or "")
    if field.startswith("lines[") and "]" in field:
        index = field[6:field.index("]")]
        name = field[field.index("]") + 2:] if "." in field else ""
        if index.isdigit():
            return int(index), name
    if (exc.details or {}).get("line"):
        return int(exc.details["line"]) - 1, ""
    return None, field


def _all_errors(error) -> list[DomainError]:
    """The error and, when the service found several mistakes, each of them."""
    if error is None:
        return []
    more = (error.details or {}).get("errors") or []
    return [DomainError(e["code"], e["message"], e.get("details")) for e in more] or [error]


def _head_field(error) -> str:
    """The head field the error is about ("" when it is about a line)."""
    index, field = _error_line(error) if error else (None, "")
    return field if index is None else ""


FIELD_LABELS = {
    "date": gettext_lazy("Date"), "warehouse": gettext_lazy("Warehouse"),
    "to_warehouse": gettext_lazy("To warehouse"), "source": gettext_lazy("Source document"),
    "invoice_no": gettext_lazy("Invoice number"), "invoice_type": gettext_lazy("Invoice type"),
    "amount": gettext_lazy("Amount"), "account": gettext_lazy("Cash/bank account"),
    "item": gettext_lazy("Goods"), "lines": gettext_lazy("Goods"), "qty": gettext_lazy("Quantity"), "price": gettext_lazy("Price"),
    "price_incl_tax": gettext_lazy("Price"), "tax_rate": gettext_lazy("Tax rate %"),
}


def _line_message(t, exc: DomainError) -> str:
    """The user's sentence, prefixed with the line it is about; a field the service refused is
    named in the user's language (the service's own sentence is English)."""
    index, field = _error_line(exc)
    label = FIELD_LABELS.get(field) if field != "partner" else (
        _("Customer") if t.partner == "customer" else _("Supplier"))
    text = _("%(field)s is missing or not valid.") % {"field": label} if (
        exc.code == "invalid" and label) else error_message(exc)
    return _("Line %(line)s: %(message)s") % {"line": index + 1, "message": text} if index is not None else text


def _entry(request, t, data: dict, doc=None, error=None, status=200):
    user = request.user
    incl = _incl()
    partners = Partner.objects.filter(kind=t.partner, active=True).order_by("code") if t.partner else []
    errors = _all_errors(error)
    head_fields = set()
    for ln in data.get("lines", []):
        ln["error"] = ""
    for exc in errors:
        error_index, error_field = _error_line(exc)
        if error_index is None:
            head_fields.add(error_field)
        details = exc.details or {}
        for n, ln in enumerate(data.get("lines", [])):
            if n == error_index:
                ln["error"] = error_field or "qty"
            if (exc.code == "insufficient_stock" and ln.get("item") == details.get("item")) or (
                    exc.code == "exceeds_source" and str(ln.get("source_line")) == str(details.get("source_line"))):
                ln["error"] = "qty"
    if t.code == "sales_order":
        partners = _with_credit(partners)
    ctx = {
        "t": t, "data": data, "doc": doc, "incl": incl, "partners": partners,
        "status_name": STATUS_LABELS.get(doc.status, doc.status) if doc else "",
        "warehouses": _warehouses(user), "error": _line_message(t, errors[0]) if errors else None,
        "to_warehouses": Warehouse.objects.filter(active=True).order_by("code") if t.to_warehouse else [],
        "errors": [_line_message(t, exc) for exc in errors],
        "error_fields": head_fields, "error_field": _head_field(error),
        "can_approve": can(user, APPROVE), "is_sales": t.price_field == "sale_price",
        "sources": _open_sources(user, t, data.get("partner")) if doc is None and t.source_types else [],
    }
    if t.kind == "money":
        ctx["accounts"] = Account.objects.filter(
            Q(code__in=MONEY_ACCOUNTS) | Q(code__startswith="1001") | Q(code__startswith="1002")
            | Q(code__startswith="1012")).order_by("code")
        ctx["open_items"] = _money_open_items(t, data.get("partner"), data.get("allocations") or {},
                                              exclude=doc.number if doc else None)
    return render(request, "web/documents/entry.html", ctx, status=status)


def _with_credit(partners) -> list:
    """Customers with their credit limit and what they owe, so the entry page warns before approval."""
    partners = list(partners)
    owed = receivables([p.id for p in partners if p.credit_limit is not None])
    for p in partners:
        if p.credit_limit is not None:
            p.credit = {"limit": fen_str(p.credit_limit), "owed": fen_str(owed.get(p.id, 0))}
    return partners


def _open_sources(user, t, partner: str | None = None) -> list:
    """Approved or partly fulfilled source documents a new document of type t may derive from (of
    the chosen partner); for an invoice, only what its approved invoices do not cover yet."""
    qs = visible(user, Document.objects.filter(type__in=t.source_types, status__in=(Document.APPROVED,
                                                                                    Document.PARTIAL)))
    if partner:
        qs = qs.filter(partner__code=partner)
    if t.kind == "invoice":
        invoiced = (Document.objects.filter(source=OuterRef("pk"), type=t.code, status=Document.APPROVED)
                    .order_by().values("source").annotate(s=Sum("amount_incl_tax")).values("s"))
        qs = qs.annotate(invoiced=Coalesce(Subquery(invoiced), 0)).filter(invoiced__lt=F("amount_incl_tax"))
    return list(qs.select_related("partner").order_by("-date", "-id")[:50])


def _save(request, t, doc=None):
    """Save the draft (and approve it with action=approve) in one transaction: a failure
    changes nothing and shows the form again with the input kept."""
    user = request.user
    incl = _incl()
    body = _body_from_post(request.POST, t, incl)
    action = request.POST.get("action")
    try:
        with transaction.atomic():
            if doc is None:
                result, _created = create_draft(user, body)
            else:
                result = update_draft(user, doc.number, body)
            approved = approve(user, result["number"]) if action == "approve" else None
    except DomainError as exc:
        data = _posted_form_data(body, request.POST)
        if doc is not None:
            data.update(number=doc.number, status=doc.status)
        return _entry(request, t, data, doc, exc, status=exc.status)
    _approved_messages(request, approved, result["number"])
    if approved is None:
        messages.success(request, _("Saved %(number)s.") % {"number": result["number"]})
    return redirect("doc_detail", number=result["number"])


def _approved_messages(request, approved, number):
    if approved is None:
        return
    if approved.status == Document.PENDING:
        messages.warning(request, _("%(number)s waits for a second person to approve it.") % {"number": number})
    else:
        messages.success(request, _("Approved %(number)s.") % {"number": number})
    for w in getattr(approved, "warnings", None) or []:
        messages.warning(request, error_message(DomainError(w.get("code", ""), w.get("message", ""),
                                                            w.get("details"))))


@page(EDIT)
def doc_new(request, doc_type):
    t = _doc_type(doc_type)
    if not may_use_type(request.user, doc_type):
        return forbidden(request)
    if request.method == "POST":
        if request.POST.get("action") == "derive":
            return _derive(request, request.POST.get("source") or "", t.code, back=reverse("doc_new", args=[doc_type]))
        return _save(request, t)
    warehouses = _warehouses(request.user)
    first = warehouses.first()
    data = {"date": default_date().isoformat(), "warehouse": first.code if first else None,
            "to_warehouse": None, "lines": [], "partner": request.GET.get("partner") or None}
    if t.kind == "money":
        data["account"] = "1002"
    return _entry(request, t, data)


def _derive(request, number: str, target: str, back: str):
    try:
        result = derive(request.user, number, {"type": target})
    except DomainError as exc:
        messages.error(request, error_message(exc))
        return redirect(back)
    messages.success(request, _("Created %(number)s from %(source)s; check it and approve it.")
                     % {"number": result["number"], "source": number})
    return redirect("doc_detail", number=result["number"])


# ---------------------------------------------------------------- small endpoints for the entry grid

def _typed(request):
    """The document type named by ?type=, if the user may use it (else None)."""
    t = TYPES.get(request.GET.get("type") or "")
    return t if t is not None and may_use_type(request.user, t.code) else None


@page()
def item_lookup(request):
    """Items for the entry grid: an exact barcode / code (what a scanner sends), else a search
    by code, name, spec or pinyin initials. JSON: {"exact": bool, "items": [...]}"""
    q = (request.GET.get("q") or "").strip()
    t = _typed(request)
    if request.GET.get("type") and t is None:
        return JsonResponse({"error": {"code": "forbidden"}}, status=403)
    exact = item_by_barcode(q) if q else None
    found = [exact] if exact else list(search_items(q).filter(active=True)[:20]) if q else []
    incl = _incl()
    show_purchase = sees_cost(request.user)
    items = []
    for item in found:
        price = getattr(item, t.price_field) if t is not None and t.priced else None
        if t is not None and t.price_field == "purchase_price" and not show_purchase:
            price = None
        items.append({"code": item.code, "name": item.name, "spec": item.spec, "unit": item.unit,
                      "barcode": item.barcode, "tax_percent": _percent(item.tax_rate if t is None or t.partner
                                                                         else 0),
                      "price": _entry_price(price, item.tax_rate if t is None or t.partner else 0, incl)})
    return JsonResponse({"exact": exact is not None, "items": items})


@page()
def line_info(request):
    """What the clerk needs beside a line: stock on hand / available in the warehouse, last price
    to this partner, list and partner price, and (cost users only) the unit cost for the margin."""
    t = _typed(request)
    if t is None:
        return JsonResponse({"error": {"code": "forbidden"}}, status=403)
    item = Item.objects.filter(code=request.GET.get("item") or "").first()
    if item is None:
        return JsonResponse({"error": {"code": "not_found"}}, status=404)
    wh = Warehouse.objects.filter(code=request.GET.get("warehouse") or "").first()
    allowed = allowed_warehouse_ids(request.user)
    if wh is not None and allowed is not None and wh.id not in allowed:
        return JsonResponse({"error": {"code": "forbidden"}}, status=403)
    partner = Partner.objects.filter(kind=t.partner, code=request.GET.get("partner") or "").first() \
        if t.partner else None
    row = next(iter(stock_rows(item_id=item.id, warehouse_id=wh.id, include_zero=True)), None) if wh else None
    kind = "sales" if t.price_field == "sale_price" else "purchase"
    prices = suggest_price(item, partner, kind)
    rate = item.tax_rate if t.partner else Decimal(0)
    incl = _incl()
    conv = {k: _entry_price(Decimal(prices[k]) if prices[k] else None, rate, incl)
            for k in ("last_price", "list_price", "partner_price")}
    if kind == "purchase" and not sees_cost(request.user):
        conv = dict.fromkeys(conv)
    suggested = conv["partner_price"] or conv["last_price"] or conv["list_price"]
    data = {"item": item.code, "name": item.name, "unit": item.unit, "warehouse": wh.code if wh else None,
            "on_hand": row["on_hand"] if row else "0", "reserved": row["reserved"] if row else "0",
            "available": row["available"] if row else "0", **conv, "suggested_price": suggested,
            "tax_percent": _percent(rate),
            "unit_cost": row["unit_cost"] if row and t.code in MARGIN_TYPES else None,
            "margin": None}
    return JsonResponse(mask_cost(request.user, data))


@page()
def money_open_items(request):
    """HTMX: the partner's open items a money document can be allocated to."""
    t = _typed(request)
    if t is None or t.kind != "money":
        return forbidden(request)
    rows = _money_open_items(t, request.GET.get("partner"), {})
    return render(request, "web/documents/_open_items.html", {"open_items": rows})


def _money_open_items(t, partner_code, typed: dict, exclude=None) -> list[dict]:
    partner = Partner.objects.filter(kind=t.partner, code=partner_code or "").first()
    if partner is None:
        return []
    kind, sign, _d, _c = MONEY[t.code]
    out = []
    for r in open_items([partner.id]):
        amount = Decimal(r["open_amount"])
        if r["kind"] != kind or r["document"] == exclude or amount * sign >= 0:
            continue
        out.append({**r, "type_name": TYPES[r["type"]].label if r["type"] in TYPES else r["type"],
                    "open": str(abs(amount)), "typed": typed.get(r["document"], "")})
    return out
