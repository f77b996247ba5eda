"""Document entry: the form (barcode scanning, every error at once, credit warning), save and
approve in one transaction, derive from a source (the grid's endpoints: views_lookup.py).

Thin views: every write goes through documents.services / posting (which check permissions and
business rules); a DomainError re-renders the form with the user's input and the message."""

from decimal import Decimal

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from openjxc.catalog.selectors import items_by_code, unit_choices
from openjxc.core.errors import DomainError
from openjxc.core.numbers import PLAIN_NUMBER
from openjxc.documents.access import (
    awaiting_approval_text,
    hides_prices,
    keep_hidden_prices,
    may_use_type,
)
from openjxc.documents.models import Document
from openjxc.documents.opening import go_live
from openjxc.documents.selectors import open_sources, price_form_lines, prices_include_tax
from openjxc.documents.types import STATUS_LABELS, TYPES
from openjxc.inventory.selectors import active_warehouses, user_warehouses
from openjxc.ledger.periods import default_date
from openjxc.ledger.selectors import money_accounts
from openjxc.partners.selectors import find_partner, search_partners
from openjxc.posting.drafts import save_draft
from openjxc.posting.orders import derive
from openjxc.posting.recipes import recipe_of
from openjxc.reports.entry import allocatable_items, credit_positions
from openjxc.users.services import APPROVE, EDIT, can

from . import expense_entry, price_entry, revalue_entry
from .decorators import forbidden, page
from .doc_common import _doc_type
from .entry_errors import all_errors, error_line, head_field, line_message
from .errors import error_message
from .tracking_entry import add_tracking, mark_lines


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
    if t.payment_terms and post.get("due_date"):
        body["due_date"] = post.get("due_date")
    if post.get("version"):
        body["version"] = post.get("version")
    if t.kind == "expense_lines":
        return {**body, **expense_entry.body(post)}
    if t.transfer:
        for key in ("from_account", "to_account", "amount", "fee"):
            body[key] = post.get(key) or None
        return body
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
    if t.kind == "price":
        body["lines"] = price_entry.body_lines(post)
        return body
    if t.assembled == "outputs" and post.get("extra_cost"):  # 组装单: the processing fee
        body["extra_cost"] = post.get("extra_cost")
    if t.revalues:
        body["lines"] = revalue_entry.body_lines(post)
        return body
    if t.to_warehouse:
        body["in_transit"] = bool(post.get("in_transit"))
    if t.kind == "invoice":
        body["invoice_no"] = post.get("invoice_no") or ""
        body["invoice_type"] = post.get("invoice_type") or "special"
    lines = []
    fields = ("line_item", "line_qty", "line_price", "line_tax", "line_source", "line_unit")
    columns = [post.getlist(f) for f in fields]
    n = len(columns[0])
    columns = [c + [""] * (n - len(c)) for c in columns]
    for item, qty, price, tax, source_line, unit in zip(*columns, strict=True):
        if not item.strip():
            continue
        line = {"item": item.strip(), "qty": qty.strip() or None}
        if unit.strip():  # 多单位: one of the item's alternate units (empty: the base unit)
            line["unit"] = unit.strip()
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
    add_tracking(post, lines)  # 批次 / 序列号
    body["lines"] = lines
    return body


def _posted_form_data(body: dict, post) -> dict:
    """The user's input, kept as typed, to show the form again after an error."""
    data = {k: v for k, v in body.items() if k != "lines"}
    if TYPES[body["type"]].kind == "price":
        data["lines"] = price_form_lines(body.get("lines", []))
        return data
    if TYPES[body["type"]].kind == "expense_lines":
        pairs = zip(post.getlist("line_type"), post.getlist("line_tax"), strict=False)
        typed = [tax for code, tax in pairs if code.strip()]
        data["lines"] = [
            {**ln, "tax_percent": tax} for ln, tax in zip(body["lines"], typed, strict=False)
        ]
        return data
    items = items_by_code(ln["item"] for ln in body.get("lines", []))
    if TYPES[body["type"]].revalues:  # 成本调整单: item, warehouse, value as typed
        data["lines"] = [
            {**ln, "item_name": items[ln["item"]].name if ln["item"] in items else ""}
            for ln in body["lines"]
        ]
        return data
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
                "unit": ln.get("unit") or (item.unit if item else ""),
                "base_unit": item.unit if item else "",
                "qty": ln.get("qty") or "",
                "price_entry": price,
                "tax_percent": tax,
                "source_line": ln.get("source_line") or "",
                **{
                    k: ln[k]
                    for k in ("batch", "production_date", "expiry_date", "serials")
                    if k in ln
                },
            }
        )
    data["lines"] = lines
    data["allocations"] = {a["document"]: a["amount"] for a in body.get("allocations") or []}
    return data


def _entry(request, t, data: dict, doc=None, error=None, status=200, extra=None):
    """The entry form; `extra` adds to its context (the correction form's reason and preview)."""
    user = request.user
    incl = prices_include_tax()
    partners = list(search_partners(t.partner, active_only=True)) if t.partner else []
    warehouses = user_warehouses(user, active_only=True)
    # a draft naming a deactivated (停用) partner or warehouse keeps it in its select, so that
    # saving says inactive_* rather than silently taking another one
    if t.partner and data.get("partner") and data["partner"] not in {p.code for p in partners}:
        partners += [p for p in [find_partner(t.partner, data["partner"])] if p]
    if data.get("warehouse") and data["warehouse"] not in {w.code for w in warehouses}:
        warehouses += [w for w in user_warehouses(user) if w.code == data["warehouse"]]
    errors = all_errors(error)
    head_fields = set()
    choices = unit_choices(ln.get("item") for ln in data.get("lines", []) if ln.get("item"))
    for ln in data.get("lines", []):
        ln["error"] = ""
        ln["units"] = choices.get(ln.get("item"), [])  # the unit picker's alternate units
    mark_lines(data.get("lines", []))  # the batch / serial inputs of tracked items
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
    if recipe_of(t.code).checks_credit:  # the page warns before approval
        credit = credit_positions(partners)
        for p in partners:
            p.credit = credit.get(p.id)
    ctx = {
        "t": t,
        "data": data,
        "doc": doc,
        "incl": incl,
        "partners": partners,
        "status_name": STATUS_LABELS.get(doc.status, doc.status) if doc else "",
        "warehouses": warehouses,
        "error": line_message(t, errors[0]) if errors else None,
        "to_warehouses": active_warehouses() if t.to_warehouse else [],
        "errors": [line_message(t, exc) for exc in errors],
        "error_fields": head_fields,
        "error_field": head_field(error),
        "can_approve": can(user, APPROVE),
        "waiting_for": awaiting_approval_text(user, t.code),  # 待老板审核 when he cannot
        # purchase prices are cost: a user who may not see them gets the form without them
        "show_prices": t.priced and not hides_prices(user, t.code),
        "is_sales": t.price_field == "sale_price",
        "sources": open_sources(user, t, data.get("partner"))
        if doc is None and t.source_types
        else [],
    }
    ctx.update(extra or {})
    if t.kind == "money" or t.transfer:
        ctx["accounts"] = money_accounts()  # the active 结算账户, with their names
    if t.kind == "money":
        ctx["open_items"] = _open_item_rows(
            t,
            data.get("partner"),
            data.get("allocations") or {},
            exclude=doc.number if doc else None,
        )
    if t.kind == "expense_lines":
        ctx.update(expense_entry.context(t, data))
        return render(request, "web/documents/entry_expenses.html", ctx, status=status)
    if t.kind == "price":
        ctx.update(price_entry.context(data))
        return render(request, "web/documents/entry_prices.html", ctx, status=status)
    if t.revalues:
        ctx.update(revalue_entry.context(data))
        return render(request, "web/documents/entry_revalue.html", ctx, status=status)
    return render(request, "web/documents/entry.html", ctx, status=status)


def _open_item_rows(t, partner_code, typed: dict, exclude=None) -> list[dict]:
    """The open items a money document may be allocated to, with the amounts the user typed."""
    return [
        {**r, "typed": typed.get(r["document"], "")}
        for r in allocatable_items(t, partner_code, exclude)
    ]


def _save(request, t, doc=None):
    """Save the draft (and approve it with action=approve) in one transaction: a failure
    changes nothing and shows the form again with the input kept."""
    user = request.user
    body = _body_from_post(request.POST, t, prices_include_tax())
    if doc is not None and hides_prices(user, t.code):
        keep_hidden_prices(doc, body)
    try:
        number, approved = save_draft(
            user,
            body,
            doc.number if doc is not None else None,
            approve_it=request.POST.get("action") == "approve",
        )
    except DomainError as exc:
        data = _posted_form_data(body, request.POST)
        if doc is not None:
            data.update(number=doc.number, status=doc.status)
        return _entry(request, t, data, doc, exc, status=exc.status)
    _approved_messages(request, approved, number)
    if approved is None:
        messages.success(request, _("Saved %(number)s.") % {"number": number})
    return redirect("doc_detail", number=number)


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
    if t.manual_lines:  # 记账凭证: its own form of account rows
        return redirect("voucher_new")
    if t.kind == "ledger" and t.opening:  # opening receivables, payables, accounts: 期初 page
        return redirect(f"{reverse('opening')}?tab={t.opening}")
    warehouses = user_warehouses(request.user, active_only=True)
    first = warehouses[0] if warehouses else None
    data = {
        "date": (go_live() if t.opening else default_date()).isoformat(),
        "warehouse": first.code if first else None,
        "to_warehouse": None,
        "lines": [],
        "partner": request.GET.get("partner") or None,
    }
    if t.kind in ("money", "expense_lines"):
        data["account"] = "1002"
    if t.transfer:
        data["account"] = data["from_account"] = "1002"
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
