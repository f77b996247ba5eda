"""Document pages: lists per type, entry (barcode scanning), approval, print.

Thin views: every write goes through documents.services / posting (which check permissions and
business rules); a DomainError re-renders the form with the user's input and the message."""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from openjxc.catalog.models import Item
from openjxc.catalog.selectors import item_by_barcode, search_items
from openjxc.core.errors import DomainError
from openjxc.core.numbers import COST_PLACES, fen_str, price_str, round_half_up
from openjxc.core.services import get_setting
from openjxc.documents.access import (
    hides_prices,
    mask_document,
    may_read_type,
    may_use_type,
    readable_numbers,
    require_readable,
    visible,
)
from openjxc.documents.models import Document, DocumentLine
from openjxc.documents.selectors import document_dict, get_document, list_documents
from openjxc.documents.services import create_draft, delete_draft, update_draft
from openjxc.documents.types import MONEY_ACCOUNTS, STATUS_LABELS, TYPES
from openjxc.inventory.models import Warehouse
from openjxc.inventory.selectors import stock_rows
from openjxc.ledger.models import Account
from openjxc.ledger.periods import default_date
from openjxc.ledger.selectors import open_items
from openjxc.partners.models import Partner
from openjxc.posting.engine import approve
from openjxc.posting.money import MONEY
from openjxc.posting.orders import close_order, derive, receivables
from openjxc.reports.excel import xlsx_response
from openjxc.reports.money import margin, suggest_price
from openjxc.users.masking import mask_cost, sees_cost
from openjxc.users.services import (
    APPROVE,
    CANCEL,
    EDIT,
    EXPORT,
    REVERSE,
    allowed_warehouse_ids,
    can,
)

from .decorators import forbidden, page
from .errors import error_message

PAGE_SIZE = 50
MARGIN_TYPES = ("sales_order", "sales_delivery")  # a margin means something on what is sold only
ORDER_TABS = ["draft", "approved", "partial", "completed", "closed", "cancelled"]
OTHER_TABS = ["draft", "pending_approval", "approved", "cancelled", "reversed"]


@page()
def documents(request):
    """All documents the user may see, filtered by type and status (the header's 单据 link)."""
    doc_type = request.GET.get("type") or None
    status = request.GET.get("status") or None
    qs = visible(request.user, list_documents(type=doc_type if doc_type in TYPES else None, status=status))
    page_ = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {"doc": d, "type_name": TYPES[d.type].label, "status_name": STATUS_LABELS.get(d.status, d.status),
         "amount": "—" if hides_prices(request.user, d.type) else fen_str(d.amount_incl_tax)}
        for d in page_
    ]
    types = [(t.code, t.label) for t in TYPES.values() if t.posts and may_read_type(request.user, t.code)]
    return render(request, "web/documents.html",
                  {"rows": rows, "page": page_, "types": types, "type": doc_type, "status": status,
                   "statuses": STATUS_LABELS.items()})


# ---------------------------------------------------------------- helpers

def _doc_type(doc_type: str):
    t = TYPES.get(doc_type)
    if t is None or not t.posts:
        raise Http404(doc_type)
    return t


def _load(request, number: str):
    """(document, None) or (None, response): 404 for an unknown number, 403 when the user may
    not read it (acting on it is checked by the services)."""
    try:
        doc = get_document(number)
    except DomainError:
        raise Http404(number) from None
    try:
        require_readable(request.user, doc)
    except DomainError:
        return None, forbidden(request)
    return doc, None


def _date(value):
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _incl() -> bool:
    """Users type tax-inclusive prices (company setting price_includes_tax = "1")."""
    return get_setting("price_includes_tax", "0") == "1"


def _entry_price(price, rate, incl: bool):
    """A stored tax-exclusive price as the user types it (tax-inclusive when the setting says so)."""
    if price is None:
        return None
    if incl:
        price = round_half_up(Decimal(price) * (1 + Decimal(rate or 0)), COST_PLACES)
    return price_str(Decimal(price))


def _percent(rate) -> str:
    if rate in (None, ""):
        return ""
    d = (Decimal(str(rate)) * 100).normalize()
    return format(d, "f")


def _link(name: str, **kwargs) -> str | None:
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return None


def _warehouses(user):
    qs = Warehouse.objects.filter(active=True).order_by("code")
    allowed = allowed_warehouse_ids(user)
    return qs.filter(id__in=allowed) if allowed is not None else qs


# ---------------------------------------------------------------- lists

@page()
def doc_list(request, doc_type):
    t = _doc_type(doc_type)
    user = request.user
    if not may_read_type(user, doc_type):
        return forbidden(request)
    status = request.GET.get("status") or ""
    q = (request.GET.get("q") or "").strip()
    date_from, date_to = _date(request.GET.get("from")), _date(request.GET.get("to"))
    base = visible(user, list_documents(type=doc_type, date_from=date_from, date_to=date_to))
    if q:
        lines = DocumentLine.objects.filter(
            Q(item__code__icontains=q) | Q(item__name__icontains=q) | Q(item__barcode=q)
            | Q(item__pinyin__icontains=q.lower())).values("document_id")
        base = base.filter(Q(number__icontains=q) | Q(partner__code__icontains=q) | Q(partner__name__icontains=q)
                           | Q(memo__icontains=q) | Q(id__in=lines))
    counts = dict(base.order_by().values_list("status").annotate(n=Count("id")))
    qs = base.filter(status=status) if status else base
    total = qs.aggregate(amount=Sum("amount"), tax=Sum("tax"), gross=Sum("amount_incl_tax"))
    totals = {k: "—" if hides_prices(request.user, doc_type) else fen_str(v or 0) for k, v in total.items()}
    rows = [
        {"number": d.number, "date": d.date.isoformat(), "partner": d.partner.name if d.partner_id else "",
         "warehouse": d.warehouse.name if d.warehouse_id else "",
         "to_warehouse": d.to_warehouse.name if d.to_warehouse_id else "",
         **({k: "—" for k in ("amount", "tax", "amount_incl_tax")} if hides_prices(request.user, d.type) else
            {"amount": fen_str(d.amount), "tax": fen_str(d.tax), "amount_incl_tax": fen_str(d.amount_incl_tax)}),
         "status": d.status, "status_name": STATUS_LABELS.get(d.status, d.status), "memo": d.memo,
         "salesperson": d.salesperson}
        for d in (qs if request.GET.get("export") == "xlsx" else Paginator(qs, PAGE_SIZE).get_page(
            request.GET.get("page")))
    ]
    if request.GET.get("export") == "xlsx":
        if not can(user, EXPORT):
            return forbidden(request)
        columns = [("number", "单据编号"), ("date", "日期")]
        if t.partner:
            columns.append(("partner", "客户" if t.partner == "customer" else "供应商"))
        if t.warehouse:
            columns.append(("warehouse", "仓库"))
        if t.to_warehouse:
            columns.append(("to_warehouse", "调入仓库"))
        if t.priced or t.kind == "money":
            columns += [("amount", "金额"), ("tax", "税额"), ("amount_incl_tax", "价税合计")]
        columns += [("status_name", "状态"), ("memo", "备注")]
        return xlsx_response(f"{t.label}.xlsx", t.label, columns, rows, totals if t.priced or t.kind == "money"
                             else None)
    page_ = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    order = ORDER_TABS if t.kind == "order" else OTHER_TABS
    tabs = [{"code": "", "label": _("All"), "count": sum(counts.values())}] + [
        {"code": s, "label": STATUS_LABELS[s], "count": counts.get(s, 0)} for s in order
        if counts.get(s) or s in ("draft", "approved")]
    keep = {"q": q, "from": request.GET.get("from") or "", "to": request.GET.get("to") or ""}
    return render(request, "web/documents/list.html", {
        "t": t, "rows": rows, "page": page_, "tabs": tabs, "status": status, "keep": keep, "totals": totals,
        "show_amounts": t.priced or t.kind == "money", "can_edit": can(user, EDIT) and may_use_type(user, doc_type), "can_export": can(user, EXPORT),
    })


# ---------------------------------------------------------------- entry

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


def _line_message(exc: DomainError) -> str:
    """The user's sentence, prefixed with the line it is about."""
    index, _field = _error_line(exc)
    text = error_message(exc)
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
        "warehouses": _warehouses(user), "error": error_message(error) if error else None,
        "to_warehouses": Warehouse.objects.filter(active=True).order_by("code") if t.to_warehouse else [],
        "errors": [_line_message(exc) for exc in errors],
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


# ---------------------------------------------------------------- detail

@page()
def doc_detail(request, number):
    doc, denied = _load(request, number)
    if denied:
        return denied
    t = TYPES[doc.type]
    user = request.user
    if request.method == "POST":
        return _detail_post(request, doc, t)
    if doc.status == Document.DRAFT and _may_edit(user, doc):
        return _entry(request, t, _form_data(doc, _incl()), doc)
    return _detail(request, doc, t)


def _may_edit(user, doc) -> bool:
    """Edit, approve and cancel need the type's own area; a reading area only sees the document."""
    return can(user, EDIT) and may_use_type(user, doc.type)


def _doc_data(doc) -> dict:
    data = document_dict(doc)
    for ln in data["lines"]:
        ln["tax_percent"] = _percent(ln["tax_rate"])
    return data


def _detail(request, doc, t, error=None, status=200, notice=None):
    user = request.user
    data = mask_document(user, _doc_data(doc), "—")
    posted = doc.status in Document.POSTED
    writable = may_use_type(user, doc.type)
    actions = []
    if posted and doc.status not in (Document.REVERSED,) and writable:
        for action, perm, label in (("cancel", CANCEL, _("Cancel (void)")), ("reverse", REVERSE, _("Reverse")),
                                    ("cancel-chain", CANCEL, _("Cancel chain"))):
            if action == "cancel-chain" and t.kind not in ("order", "stock") or not can(user, perm):
                continue
            if action == "reverse" and t.kind == "order":
                continue
            url = _link("doc_impact", number=doc.number, action=action)
            if url:
                actions.append({"label": label, "url": url, "action": action})
    derive_to = []
    if doc.status in (Document.APPROVED, Document.PARTIAL) and can(user, EDIT):
        derive_to = [(code, tt.label) for code, tt in TYPES.items()
                     if tt.posts and doc.type in tt.source_types and may_use_type(user, code)]
    margin_info = None
    if doc.type in MARGIN_TYPES and sees_cost(user) and doc.lines.exists():
        margin_info = margin(doc)
    allocations = []
    if t.kind == "money" or t.partner:
        from openjxc.ledger.models import Allocation
        allocations = [{"number": a.target.number if a.source_id == doc.id else a.source.number,
                        "amount": fen_str(a.amount), "date": a.date.isoformat()}
                       for a in Allocation.objects.filter(Q(source=doc) | Q(target=doc))
                       .select_related("source", "target").order_by("date", "id")]
    derived = list(Document.objects.filter(source=doc).order_by("date", "id"))
    linked = readable_numbers(user, [data.get("source"), data.get("reversal_of"), data.get("reversal")]
                               + [a["number"] for a in allocations] + [d.number for d in derived])
    return render(request, "web/documents/detail.html", {
        "t": t, "doc": doc, "data": data, "actions": actions, "derive_to": derive_to, "margin": margin_info,
        "status_name": STATUS_LABELS.get(doc.status, doc.status),
        "error": notice or (error_message(error) if error else None),
        "can_approve": writable and can(user, APPROVE) and doc.status in (Document.DRAFT, Document.PENDING),
        "can_close": writable and can(user, APPROVE) and t.kind == "order" and doc.status in (
            Document.APPROVED, Document.PARTIAL),
        "allocations": allocations, "derived": derived, "linked": linked,
        "account_name": doc.account.name if doc.account_id else "",
        "maker": doc.created_by.username if doc.created_by_id else "",
        "approver": doc.approved_by.username if doc.approved_by_id else "",
    }, status=status)


def _detail_post(request, doc, t):
    user = request.user
    action = request.POST.get("action")
    if action in ("save", "approve") and "date" in request.POST:  # the entry form
        if not _may_edit(user, doc):
            return forbidden(request)
        if doc.status != Document.DRAFT:  # approved (or cancelled) in another tab meanwhile
            return _detail(request, doc, t, DomainError("wrong_status", f"{doc.number} is {doc.status}",
                                                        {"status": doc.status}), status=409,
                           notice=_("This document is already approved and cannot be changed.")
                           if doc.status != Document.CANCELLED else None)
        return _save(request, t, doc)
    try:
        if action == "approve":
            _approved_messages(request, approve(user, doc.number), doc.number)
        elif action == "delete":
            delete_draft(user, doc.number)
            messages.success(request, _("Deleted %(number)s.") % {"number": doc.number})
            return redirect("doc_list", doc_type=doc.type)
        elif action == "close":
            close_order(user, doc.number, request.POST.get("reason") or "")
            messages.success(request, _("Closed %(number)s.") % {"number": doc.number})
        elif action == "derive":
            return _derive(request, doc.number, request.POST.get("target") or "",
                           back=reverse("doc_detail", args=[doc.number]))
        else:
            raise Http404(action)
    except DomainError as exc:
        if doc.status == Document.DRAFT and _may_edit(user, doc):
            return _entry(request, t, _form_data(doc, _incl()), doc, exc, status=exc.status)
        return _detail(request, doc, t, exc, status=exc.status)
    return redirect("doc_detail", number=doc.number)


# ---------------------------------------------------------------- print

DIGITS = "零壹贰叁肆伍陆柒捌玖"


def amount_in_words(fen: int) -> str:
    """人民币大写, e.g. 6780 → 陆拾柒元捌角整, 1050000 → 壹万零伍佰元整."""
    sign = "负" if fen < 0 else ""
    fen = abs(fen)
    yuan, jiao, cent = fen // 100, fen // 10 % 10, fen % 10
    units, big = ("", "拾", "佰", "仟"), ("", "万", "亿", "万")
    digits = str(yuan) if yuan else ""
    words, zero = "", False
    for i, ch in enumerate(digits):
        pos = len(digits) - i - 1
        if ch == "0":
            zero = True
        else:
            words += ("零" if zero else "") + DIGITS[int(ch)] + units[pos % 4]
            zero = False
        if pos % 4 == 0 and pos and int(digits[max(0, i - 3):i + 1]):
            words += big[pos // 4]
    if words:
        words += "元"
    if jiao:
        words += DIGITS[jiao] + "角"
    elif cent and words:
        words += "零"
    if cent:
        words += DIGITS[cent] + "分"
    return sign + (words or "零元") + ("" if cent else "整")


@page()
def doc_print(request, number):
    doc, denied = _load(request, number)
    if denied:
        return denied
    t = TYPES[doc.type]
    fmt = "receipt" if request.GET.get("format") == "receipt" else "a4"
    data = mask_document(request.user, _doc_data(doc), "—")
    return render(request, "web/documents/print.html", {
        "t": t, "doc": doc, "data": data, "format": fmt,
        "status_name": STATUS_LABELS.get(doc.status, doc.status),
        "company": {"name": get_setting("company_name") or "", "address": get_setting("company_address") or "",
                    "phone": get_setting("company_phone") or ""},
        "words": "" if hides_prices(request.user, doc.type) else amount_in_words(doc.amount_incl_tax),
        "qty_total": sum(Decimal(ln["qty"]) for ln in data["lines"]),
        "printed_at": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
        "maker": doc.created_by.username if doc.created_by_id else "",
        "approver": doc.approved_by.username if doc.approved_by_id else "",
        "account_name": doc.account.name if doc.account_id else "",
    })


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
