"""Document entry: the form (barcode scanning, every error at once, credit warning), save and
approve in one transaction, derive from a source (the grid's endpoints: views_lookup.py).

Thin views: every write goes through documents.services / posting (which check permissions and
business rules); a DomainError re-renders the form with the user's input and the message."""

from decimal import Decimal

from django.contrib import messages
from django.db import transaction
from django.db.models import F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from openjxc.catalog.models import Item
from openjxc.core.errors import DomainError
from openjxc.core.numbers import PLAIN_NUMBER, fen_str
from openjxc.documents.access import hides_prices, may_use_type, visible
from openjxc.documents.models import Document
from openjxc.documents.opening import go_live
from openjxc.documents.selectors import document_dict
from openjxc.documents.services import create_draft, update_draft
from openjxc.documents.types import MONEY_ACCOUNTS, STATUS_LABELS
from openjxc.inventory.models import Warehouse
from openjxc.ledger.models import Account
from openjxc.ledger.periods import default_date
from openjxc.partners.models import Partner
from openjxc.posting.engine import approve
from openjxc.posting.orders import derive, receivables
from openjxc.posting.recipes import recipe_of
from openjxc.users.services import APPROVE, EDIT, can

from .decorators import forbidden, page
from .doc_common import _doc_type, _incl, _percent, _warehouses
from .entry_errors import all_errors, error_line, head_field, line_message
from .errors import error_message
from .views_lookup import money_open_item_rows


def _form_data(doc, incl: bool) -> dict:
    """A draft as the entry form shows it (prices as the user types them, tax rates in %)."""
    data = document_dict(doc)
    data["lines"] = [
        {
            **ln,
            "price_entry": (ln.get("price_incl_tax") if incl else ln.get("price")) or "",
            "tax_percent": _percent(ln.get("tax_rate")),
        }
        for ln in data["lines"]
    ]
    plan = doc.allocation_plan or {}
    data["allocations"] = {a["document"]: fen_str(a["amount"]) for a in plan.get("allocations", [])}
    data["auto_allocate"] = bool(plan.get("auto"))
    return data


def _body_from_post(post, t, incl: bool) -> dict:
    """The request body the services take, from the entry form's fields."""
    body = {
        "type": t.code,
        "date": post.get("date") or "",
        "partner": post.get("partner") or None,
        "warehouse": post.get("warehouse") or None,
        "to_warehouse": post.get("to_warehouse") or None,
        "source": post.get("source") or None,
        "salesperson": post.get("salesperson") or "",
        "memo": post.get("memo") or "",
    }
    if post.get("version"):
        body["version"] = post.get("version")
    if t.kind == "money":
        body["amount"] = post.get("amount") or None
        body["account"] = post.get("account") or None
        body["auto_allocate"] = bool(post.get("auto_allocate"))
        body["allocations"] = [
            {"document": number, "amount": amount.strip()}
            for number, amount in zip(
                post.getlist("alloc_document"), post.getlist("alloc_amount"), strict=False
            )
            if amount.strip() and amount.strip() not in ("0", "0.00")
        ]
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
        if tax.strip():  # a percentage; anything else goes on as typed for the service to refuse
            percent = tax.strip().rstrip("%")
            line["tax_rate"] = (
                str(Decimal(percent) / 100) if PLAIN_NUMBER.match(percent) else tax.strip()
            )
        if source_line.strip():
            line["source_line"] = source_line.strip()
        lines.append(line)
    body["lines"] = lines
    return body


def _posted_form_data(body: dict, post) -> dict:
    """The user's input, kept as typed, to show the form again after an error."""
    data = {k: v for k, v in body.items() if k != "lines"}
    items = {
        i.code: i
        for i in Item.objects.filter(code__in=[ln["item"] for ln in body.get("lines", [])])
    }
    lines = []
    for ln, price, tax in zip(
        body.get("lines", []),
        [
            p
            for i, p in zip(post.getlist("line_item"), post.getlist("line_price"), strict=False)
            if i.strip()
        ],
        [
            p
            for i, p in zip(post.getlist("line_item"), post.getlist("line_tax"), strict=False)
            if i.strip()
        ],
        strict=False,
    ):
        item = items.get(ln["item"])
        lines.append(
            {
                "item": ln["item"],
                "item_name": item.name if item else "",
                "unit": item.unit if item else "",
                "qty": ln.get("qty") or "",
                "price_entry": price,
                "tax_percent": tax,
                "source_line": ln.get("source_line") or "",
            }
        )
    data["lines"] = lines
    data["allocations"] = {a["document"]: a["amount"] for a in body.get("allocations") or []}
    return data


def _entry(request, t, data: dict, doc=None, error=None, status=200):
    user = request.user
    incl = _incl()
    partners = (
        Partner.objects.filter(kind=t.partner, active=True).order_by("code") if t.partner else []
    )
    errors = all_errors(error)
    head_fields = set()
    for ln in data.get("lines", []):
        ln["error"] = ""
    for exc in errors:
        error_index, error_field = error_line(exc)
        if error_index is None:
            head_fields.add(error_field)
        details = exc.details or {}
        for n, ln in enumerate(data.get("lines", [])):
            if n == error_index:
                ln["error"] = error_field or "qty"
            if (exc.code == "insufficient_stock" and ln.get("item") == details.get("item")) or (
                exc.code == "exceeds_source"
                and str(ln.get("source_line")) == str(details.get("source_line"))
            ):
                ln["error"] = "qty"
    if recipe_of(t.code).checks_credit:
        partners = _with_credit(partners)
    ctx = {
        "t": t,
        "data": data,
        "doc": doc,
        "incl": incl,
        "partners": partners,
        "status_name": STATUS_LABELS.get(doc.status, doc.status) if doc else "",
        "warehouses": _warehouses(user),
        "error": line_message(t, errors[0]) if errors else None,
        "to_warehouses": Warehouse.objects.filter(active=True).order_by("code")
        if t.to_warehouse
        else [],
        "errors": [line_message(t, exc) for exc in errors],
        "error_fields": head_fields,
        "error_field": head_field(error),
        "can_approve": can(user, APPROVE),
        # purchase prices are cost: a user who may not see them gets the form without them
        "show_prices": t.priced and not hides_prices(user, t.code),
        "is_sales": t.price_field == "sale_price",
        "sources": _open_sources(user, t, data.get("partner"))
        if doc is None and t.source_types
        else [],
    }
    if t.kind == "money":
        ctx["accounts"] = Account.objects.filter(
            Q(code__in=MONEY_ACCOUNTS)
            | Q(code__startswith="1001")
            | Q(code__startswith="1002")
            | Q(code__startswith="1012")
        ).order_by("code")
        ctx["open_items"] = money_open_item_rows(
            t,
            data.get("partner"),
            data.get("allocations") or {},
            exclude=doc.number if doc else None,
        )
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


def _save(request, t, doc=None):
    """Save the draft (and approve it with action=approve) in one transaction: a failure
    changes nothing and shows the form again with the input kept."""
    user = request.user
    incl = _incl()
    body = _body_from_post(request.POST, t, incl)
    if doc is not None and hides_prices(user, t.code):
        _keep_prices(doc, body)
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


def _keep_prices(doc, body: dict) -> None:
    """The form without prices (a user who may not see purchase prices) keeps each line's price
    and tax rate: those of the draft's line for the same item, in order; a new item gets its
    default price from the service."""
    kept: dict = {}
    for ln in doc.lines.select_related("item").order_by("line_no"):
        kept.setdefault(ln.item.code, []).append((ln.price, ln.tax_rate))
    for line in body.get("lines", []):
        prices = kept.get(line["item"])
        if prices:
            price, rate = prices.pop(0) if len(prices) > 1 else prices[0]
            line["price"], line["tax_rate"] = str(price), str(rate)


def _approved_messages(request, approved, number):
    if approved is None:
        return
    if approved.status == Document.PENDING:
        messages.warning(
            request, _("%(number)s waits for a second person to approve it.") % {"number": number}
        )
    else:
        messages.success(request, _("Approved %(number)s.") % {"number": number})
    for w in getattr(approved, "warnings", None) or []:
        messages.warning(
            request,
            error_message(DomainError(w.get("code", ""), w.get("message", ""), w.get("details"))),
        )


@page(EDIT)
def doc_new(request, doc_type):
    t = _doc_type(doc_type)
    if not may_use_type(request.user, doc_type):
        return forbidden(request)
    if request.method == "POST":
        if request.POST.get("action") == "derive":
            return _derive(
                request,
                request.POST.get("source") or "",
                t.code,
                back=reverse("doc_new", args=[doc_type]),
            )
        return _save(request, t)
    if t.kind == "ledger":  # opening receivables, payables, accounts: entered on the 期初 page
        return redirect(f"{reverse('opening')}?tab={t.opening}")
    warehouses = _warehouses(request.user)
    first = warehouses.first()
    data = {
        "date": (go_live() if t.opening else default_date()).isoformat(),
        "warehouse": first.code if first else None,
        "to_warehouse": None,
        "lines": [],
        "partner": request.GET.get("partner") or None,
    }
    if t.kind == "money":
        data["account"] = "1002"
    return _entry(request, t, data)


def _derive(request, number: str, target: str, back: str):
    try:
        result = derive(request.user, number, {"type": target})
    except DomainError as exc:
        messages.error(request, error_message(exc))
        return redirect(back)
    messages.success(
        request,
        _("Created %(number)s from %(source)s; check it and approve it.")
        % {"number": result["number"], "source": number},
    )
    return redirect("doc_detail", number=result["number"])
