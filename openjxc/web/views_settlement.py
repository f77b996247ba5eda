"""Impact previews, periods (结账), data check, audit log and backups.

Every page calls the same services as the API: the impact preview runs the real action and rolls
it back (posting/impact.py), close/reopen are closing/services.py, the data check is reconcile().
A refusal (DomainError) is shown inline and nothing has changed, as the services are transactional."""

import datetime as dt
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from openjxc.audit.models import AuditEntry
from openjxc.audit.services import verify_chain
from openjxc.backup.files import BackupError, verify_file
from openjxc.backup.restore import find_backup, restore_to_folder
from openjxc.backup.services import backup_dir, list_backups, reason_label, take_backup
from openjxc.catalog.models import Item
from openjxc.closing import services as closing
from openjxc.closing.checks import reconcile
from openjxc.closing.fix import fix_caches
from openjxc.closing.models import (
    AccountSnapshot,
    PartnerSnapshot,
    PeriodClose,
    StockSnapshot,
    VoucherNumber,
)
from openjxc.core.errors import DomainError
from openjxc.documents.access import readable_numbers, require_document
from openjxc.documents.models import Document
from openjxc.documents.rules import parse_date
from openjxc.documents.selectors import get_document
from openjxc.documents.types import STATUS_LABELS, type_label
from openjxc.inventory.models import Warehouse
from openjxc.ledger.models import Period
from openjxc.ledger.periods import ensure_periods, get_period
from openjxc.posting import chain, engine, reversal
from openjxc.posting.impact import preview
from openjxc.users.masking import sees_cost
from openjxc.users.services import (
    CANCEL,
    CLOSE,
    MANAGE_BACKUP,
    REOPEN,
    REVERSE,
    VIEW_AUDIT,
    VIEW_COST,
    can,
)

from .audit_display import readable
from .decorators import forbidden, page
from .errors import error_message

# ---------------------------------------------------------------- helpers


def _url(name: str, fallback: str | None = None, **kwargs) -> str | None:
    """The URL of a page that may not exist yet (another area's), else the fallback."""
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return fallback


def doc_url(number: str) -> str:
    return _url("doc_detail", "/documents/", number=number)


def stock_ledger_url(item: str | None, warehouse: str | None, period: Period | None = None) -> str | None:
    """库存台账 of one item (and warehouse), over the period when one is given."""
    base = _url("stock_ledger")
    if base is None or not item:
        return None
    query = {"item": item, "warehouse": warehouse or ""}
    if period is not None:
        query.update({"from": period.start.isoformat(), "to": period.end.isoformat()})
    return f"{base}?{urlencode(query)}"


def _blocked_error(blocked: dict | None) -> DomainError | None:
    if not blocked:
        return None
    return DomainError(blocked["code"], blocked["message"], blocked.get("details") or {})


def _status(exc: DomainError, htmx: bool = False) -> int:
    # htmx 2 does not swap 4xx/5xx responses: a partial carrying an inline error is sent as 200
    return 200 if htmx else exc.status


VOUCHER_KINDS = {
    "posting": gettext_lazy("Posting"),
    "cancellation": gettext_lazy("Cancellation"),
    "cost_adjustment": gettext_lazy("Cost adjustment"),
    "reversal": gettext_lazy("Reversal"),
}
OPEN_ITEM_KINDS = {"receivable": gettext_lazy("Accounts receivable"), "payable": gettext_lazy("Accounts payable")}
OPEN_ITEM_ENTRIES = {"raise": gettext_lazy("Raised"), "cancel": gettext_lazy("Cancelled"),
                     "allocation": gettext_lazy("Allocation")}
STEP_ACTIONS = {"cancel": gettext_lazy("Cancel"), "reverse": gettext_lazy("Reverse"),
                "unallocate": gettext_lazy("Undo allocation"), "refund": gettext_lazy("Refund")}
ACTIONS = {
    "cancel": (gettext_lazy("Cancel (void)"), CANCEL),
    "reverse": (gettext_lazy("Red-letter reversal"), REVERSE),
    "cancel-chain": (gettext_lazy("Cancel chain"), CANCEL),
}

# ---------------------------------------------------------------- impact preview → cancel / reverse / cancel-chain


def _run(user, number: str, action: str, reason: str, date: str | None, refund: bool):
    """The one service call behind each action (the same as the API's)."""
    if action == "cancel":
        return engine.cancel(user, number, reason)
    if action == "reverse":
        return reversal.reverse(user, number, reason, date or None)
    return chain.cancel_chain(user, number, reason, refund, date or None)


def _names(codes, model) -> dict:
    return dict(model.objects.filter(code__in=set(codes)).values_list("code", "name"))


def _readable(user, result: dict, steps: list) -> dict:
    """The preview with names, Chinese labels, and cost masked for users without VIEW_COST."""
    show_cost = sees_cost(user)
    items = _names([r["item"] for r in result.get("stock", []) + result.get("cost_changes", [])], Item)
    warehouses = _names([r["warehouse"] for r in result.get("stock", []) + result.get("cost_changes", [])], Warehouse)
    stock = []
    for r in result.get("stock", []):
        row = {**r, "item_name": items.get(r["item"], ""), "warehouse_name": warehouses.get(r["warehouse"], ""),
               "ledger_url": stock_ledger_url(r["item"], r["warehouse"])}
        if not show_cost:
            row.update(value_before=None, value_after=None, value_change=None)
        stock.append(row)
    vouchers = []
    for v in result.get("vouchers", []):
        lines = [{**ln, "debit": ln["debit"] if ln["debit"] != "0.00" else "",
                  "credit": ln["credit"] if ln["credit"] != "0.00" else ""} for ln in v["lines"]]
        if not show_cost:
            lines = [{**ln, "debit": "***" if ln["debit"] else "", "credit": "***" if ln["credit"] else ""}
                     for ln in lines]
        vouchers.append({**v, "kind_label": VOUCHER_KINDS.get(v["kind"], v["kind"]), "lines": lines})
    open_items = [{**e, "kind_label": OPEN_ITEM_KINDS.get(e["kind"], e["kind"]),
                   "entry_label": OPEN_ITEM_ENTRIES.get(e["entry"], e["entry"]), "url": doc_url(e["document"])}
                  for e in result.get("open_items", [])]
    costs = [{**c, "type_label": type_label(c["type"]),
              "item_name": items.get(c["item"], ""), "url": doc_url(c["document"])}
             for c in result.get("cost_changes", [])] if show_cost else []
    readable_steps = [{**s, "label": STEP_ACTIONS.get(s["action"], s["action"]),
                       "url": doc_url(s["document"]) if s.get("document") else None} for s in steps]
    return {"stock": stock, "vouchers": vouchers, "open_items": open_items, "cost_changes": costs,
            "cost_hidden": not show_cost and bool(result.get("cost_changes")), "steps": readable_steps}


def _dependents(doc: Document) -> list[dict]:
    """Documents derived from this one (those still live block a plain cancel)."""
    return [{"number": d.number, "type": type_label(d.type), "date": d.date,
             "status": d.status, "status_label": STATUS_LABELS.get(d.status, d.status), "url": doc_url(d.number)}
            for d in Document.objects.filter(source=doc).order_by("date", "id")]


def _impact_context(request, doc: Document, action: str, form: dict) -> dict:
    steps: list = []

    def run():
        out = _run(request.user, doc.number, action, "impact preview", form["date"], form["refund"])
        if isinstance(out, dict):
            steps.extend(out.get("steps", []))

    result = preview(action, run)
    blocked = _blocked_error(result.get("blocked_by"))
    dependents = (result.get("blocked_by") or {}).get("details", {}).get("dependents", [])
    return {
        "doc": doc, "type_label": type_label(doc.type),
        "status_label": STATUS_LABELS.get(doc.status, doc.status), "doc_url": doc_url(doc.number),
        "action": action, "action_label": ACTIONS[action][0], "allowed": result["allowed"],
        "blocked_message": error_message(blocked) if blocked else None,
        "blocked_code": blocked.code if blocked else None,
        "blocking_docs": [{"number": n, "url": doc_url(n)} for n in dependents],
        "derived": _dependents(doc), "form": form, "preview": _readable(request.user, result, steps),
        "actions": [(code, label) for code, (label, perm) in ACTIONS.items() if can(request.user, perm)],
    }


@page(CANCEL, REVERSE)
def doc_impact(request, number: str, action: str):
    """GET: what the action would change (nothing changes); POST: do it, with the reason."""
    if action not in ACTIONS:
        raise Http404
    if not can(request.user, ACTIONS[action][1]):
        return forbidden(request)
    try:
        doc = get_document(number)
        require_document(request.user, doc)
    except DomainError as exc:
        if exc.code == "forbidden":
            return forbidden(request)
        raise Http404 from exc
    data = request.POST if request.method == "POST" else request.GET
    default_date = str(reversal.default_date()) if action == "reverse" else ""
    form = {"reason": data.get("reason", "").strip(), "date": data.get("date", "").strip() or default_date,
            "refund": data.get("refund") in ("1", "on", "true")}
    error = None
    if request.method == "POST":
        try:
            out = _run(request.user, number, action, form["reason"], form["date"], form["refund"])
        except DomainError as exc:
            error = exc
        else:
            if action == "cancel":
                messages.success(request, _("%(number)s was cancelled.") % {"number": number})
            elif action == "reverse":
                messages.success(request, _("%(number)s was reversed by %(reversal)s.")
                                 % {"number": number, "reversal": out.number})
            else:
                messages.success(request, _("%(number)s and the documents settled on it were cancelled "
                                            "(%(steps)s steps).") % {"number": number, "steps": len(out["steps"])})
            return redirect(doc_url(number))
        doc = get_document(number)
    context = _impact_context(request, doc, action, form)
    context["error"] = error_message(error) if error else None
    return render(request, "web/settlement/impact.html", context, status=error.status if error else 200)


# ---------------------------------------------------------------- periods: close wizard, reopen


def _close_info(period: Period) -> dict | None:
    rec = PeriodClose.objects.filter(period=period).select_related("closed_by").first()
    if rec is None:
        return None
    numbers = VoucherNumber.objects.filter(period=period).order_by("number").values_list("number", flat=True)
    return {
        "backup_id": rec.backup_id, "digest": rec.digest, "closed_at": rec.closed_at,
        "closed_by": rec.closed_by.username if rec.closed_by else "", "rows": rec.rows,
        "stock_snapshots": StockSnapshot.objects.filter(period=period).count(),
        "account_snapshots": AccountSnapshot.objects.filter(period=period).count(),
        "partner_snapshots": PartnerSnapshot.objects.filter(period=period).count(),
        "vouchers": numbers.count(), "first_voucher": numbers.first(), "last_voucher": numbers.last(),
    }


def _readable_problems(user, problems: list[dict], period: Period | None = None) -> list[dict]:
    """Close-check problems with a link to where each is fixed (a document the user may not open
    is named without a link)."""
    readable = readable_numbers(user, [n for p in problems for n in p.get("documents", [])])
    item_codes = dict(Item.objects.filter(id__in=[p["item_id"] for p in problems if p.get("item_id")])
                      .values_list("id", "code"))
    wh_codes = dict(Warehouse.objects.filter(id__in=[p["warehouse_id"] for p in problems if p.get("warehouse_id")])
                    .values_list("id", "code"))
    out = []
    for p in problems:
        row = {**p, "links": [], "label": CHECK_LABELS.get(p["check"], p["check"])}
        for number in p.get("documents", []):
            row["links"].append({"text": number, "url": doc_url(number) if number in readable else None})
        if p.get("item_id"):
            item, wh = item_codes.get(p["item_id"], ""), wh_codes.get(p.get("warehouse_id"), "")
            row["item"], row["warehouse"] = item, wh
            url = stock_ledger_url(item, wh, period)
            row["links"].append({"text": f"{item} @ {wh}", "url": url})
        if p["check"].startswith("ledger_"):
            row["links"].append({"text": _("Data check"), "url": reverse("data_check")})
        out.append(row)
    return out


CHECK_LABELS = {
    "drafts_in_period": gettext_lazy("Drafts dated in the period"),
    "negative_stock": gettext_lazy("Negative stock"),
    "documents_without_vouchers": gettext_lazy("Approved documents without vouchers"),
    "pending_pl_not_cleared": gettext_lazy("Pending inventory gains and losses (1901) not cleared"),
    "stock_cache": gettext_lazy("Stock balance differs from the stock ledger"),
    "stock_count": gettext_lazy("Stock on a count's date differs from what was counted"),
    "reservation_cache": gettext_lazy("Reserved / on-order quantity differs from the orders"),
    "voucher_balance": gettext_lazy("Voucher does not balance"),
    "account_cache": gettext_lazy("Account balance differs from the journal"),
    "open_item_cache": gettext_lazy("Open amount differs from its entries"),
    "open_items_control": gettext_lazy("Receivables / payables differ from the control account"),
    "stock_control": gettext_lazy("Stock value differs from account 1405"),
    "document_voucher": gettext_lazy("Approved document without voucher"),
    "audit_chain": gettext_lazy("Audit log hash chain broken"),
    "closed_period_digest": gettext_lazy("Ledger rows of a closed period changed"),
    "closed_stock_snapshot": gettext_lazy("Closed period stock snapshot differs"),
    "closed_account_snapshot": gettext_lazy("Closed period account snapshot differs"),
    "closed_partner_snapshot": gettext_lazy("Closed period partner snapshot differs"),
}
CHECK_LABELS.update({f"ledger_{k}": v for k, v in list(CHECK_LABELS.items())})


@page(CLOSE, REOPEN)
def periods(request):
    ensure_periods()
    rows = list(Period.objects.order_by("start"))
    closed = {c.period_id: c for c in PeriodClose.objects.select_related("closed_by")}
    first_open = next((p for p in rows if p.status == Period.OPEN), None)
    latest_closed = next((p for p in reversed(rows) if p.status == Period.CLOSED), None)
    pager = Paginator(rows, 24)
    # the page holding the first open period unless asked otherwise
    default_page = (rows.index(first_open) // 24 + 1) if first_open else pager.num_pages
    listed = pager.get_page(request.GET.get("page") or default_page)
    return render(request, "web/settlement/periods.html", {
        "rows": [{"p": p, "close": closed.get(p.id), "first_open": p == first_open,
                  "latest_closed": p == latest_closed} for p in listed],
        "pager": listed, "first_open": first_open, "latest_closed": latest_closed,
        "not_ended": first_open is not None and first_open.end >= timezone.localdate(),
        "may_close": can(request.user, CLOSE), "may_reopen": can(request.user, REOPEN),
    })


@page(CLOSE)
def period_check(request, name: str):
    """结账检查: every problem, each with a link to where it is fixed (HTMX partial or full page)."""
    try:
        period = get_period(name)
        check = closing.close_check(name)
    except DomainError as exc:
        raise Http404 from exc
    context = {"name": name, "check": check, "problems": _readable_problems(request.user, check["problems"], period)}
    if request.htmx:
        return render(request, "web/settlement/_close_check.html", context)
    return render(request, "web/settlement/period_check.html", context)


@require_POST
@page(CLOSE)
def period_close(request, name: str):
    """结账 (synchronous: the page shows a progress indicator while it runs)."""
    context = {"name": name}
    status = 200
    try:
        result = closing.close(request.user, name)
    except DomainError as exc:
        context.update(error=error_message(exc),
                       problems=_readable_problems(request.user, exc.details.get("problems", []),
                                                   Period.objects.filter(name=name).first()))
        status = _status(exc, bool(request.htmx))
    else:
        period = Period.objects.get(name=name)
        context.update(result=result, info=_close_info(period),
                       warnings=_readable_problems(request.user, result.get("warnings", [])))
    template = "web/settlement/_close_result.html" if request.htmx else "web/settlement/period_closed.html"
    return render(request, template, context, status=status)


@page(REOPEN)
def period_reopen(request, name: str):
    """反结账: the impact preview, then the reason; afterwards the backup it took."""
    try:
        period = get_period(name)
    except DomainError as exc:
        raise Http404 from exc
    reason = request.POST.get("reason", "").strip()
    error = result = None
    if request.method == "POST":
        try:
            result = closing.reopen(request.user, name, reason)
        except DomainError as exc:
            error = exc
    impact = closing.reopen_impact(request.user, name) if result is None else None
    blocked = _blocked_error(impact.get("blocked_by")) if impact else None
    return render(request, "web/settlement/reopen.html", {
        "period": period, "impact": impact, "blocked_message": error_message(blocked) if blocked else None,
        "info": _close_info(period) if result is None else None, "reason": reason, "result": result,
        "error": error_message(error) if error else None,
    }, status=error.status if error else 200)


# ---------------------------------------------------------------- data check (数据核对)


def _check_rows(user, problems):
    readable = readable_numbers(user, [p["document"] for p in problems if p.get("document")])
    return [{**p, "label": CHECK_LABELS.get(p["check"], p["check"]),
             "url": (doc_url(p["document"]) if p["document"] in readable else None) if p.get("document")
             else stock_ledger_url(p.get("item"), p.get("warehouse"))}
            for p in problems]


@page(CLOSE, VIEW_COST)  # the problems quote stock values and account balances
def data_check(request):
    result = reconcile()
    return render(request, "web/settlement/data_check.html", {
        "result": result, "problems": _check_rows(request.user, result["problems"]), "may_fix": can(request.user, CLOSE),
        "checked_at": timezone.localtime(),
    })


@require_POST
@page(CLOSE)
def data_check_fix(request):
    """修复: re-settle every cache from its ledger (never a ledger row or a closed period)."""
    changes = fix_caches(request.user)
    result = reconcile()
    return render(request, "web/settlement/data_check.html", {
        "result": result, "problems": _check_rows(request.user, result["problems"]), "may_fix": True, "fixed": True,
        "changes": changes, "checked_at": timezone.localtime(),
    })


# ---------------------------------------------------------------- audit log (操作日志)

AUDIT_ACTIONS = {
    "approve": gettext_lazy("Approve"), "submit": gettext_lazy("Submit for approval"),
    "cancel": gettext_lazy("Cancel"), "reverse": gettext_lazy("Reverse"), "cancel_chain": gettext_lazy("Cancel chain"),
    "close": gettext_lazy("Close period"), "reopen": gettext_lazy("Reopen period"),
    "allocate": gettext_lazy("Allocation"), "unallocate": gettext_lazy("Undo allocation"),
    "create": gettext_lazy("Create"), "edit": gettext_lazy("Edit"), "delete": gettext_lazy("Delete"),
    "import": gettext_lazy("Import"), "setting": gettext_lazy("Setting"),
    "reconcile_fix": gettext_lazy("Fix caches"), "restore": gettext_lazy("Restore backup"),
}


def _parse_day(text: str | None) -> dt.date | None:
    """A filter date, or None when absent or unusable (dates outside the sane window included)."""
    try:
        return parse_date(text, "date") if text else None
    except DomainError:
        return None


@page(VIEW_AUDIT)
def audit(request):
    f = {k: request.GET.get(k, "").strip() for k in ("user", "object", "action", "date_from", "date_to")}
    qs = AuditEntry.objects.order_by("-id")
    if f["user"]:
        qs = qs.filter(user=f["user"])
    if f["object"]:
        qs = qs.filter(object__icontains=f["object"])
    if f["action"]:
        qs = qs.filter(action=f["action"])
    tz = timezone.get_current_timezone()
    if day := _parse_day(f["date_from"]):
        qs = qs.filter(at__gte=dt.datetime.combine(day, dt.time.min, tzinfo=tz))
    if day := _parse_day(f["date_to"]):
        qs = qs.filter(at__lt=dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=tz))
    listed = Paginator(qs, 50).get_page(request.GET.get("page"))
    query = "&".join(f"{k}={v}" for k, v in f.items() if v)
    chain_problems = verify_chain()
    return render(request, "web/settlement/audit.html", {
        "entries": [{"e": e, "action_label": AUDIT_ACTIONS.get(e.action, e.action), "before": readable(e.before),
                     "after": readable(e.after)} for e in listed],
        "pager": listed, "f": f, "query": query, "chain_ok": not chain_problems, "chain_problems": chain_problems,
        "users": AuditEntry.objects.order_by("user").values_list("user", flat=True).distinct(),
        "actions": [(a, AUDIT_ACTIONS.get(a, a)) for a in
                    AuditEntry.objects.order_by("action").values_list("action", flat=True).distinct()],
    })


# ---------------------------------------------------------------- backups (备份)

_VERIFIED: dict = {}


def _verified(manifest: dict) -> bool:
    """Checksum of the file against its manifest (remembered per file size and time)."""
    path = backup_dir() / manifest["file"]
    try:
        stat = path.stat()
    except OSError:
        return False
    key = (str(path), stat.st_size, stat.st_mtime)
    if key not in _VERIFIED:
        try:
            verify_file(path)
            _VERIFIED[key] = True
        except BackupError:
            _VERIFIED[key] = False
    return _VERIFIED[key]


def _backup_row(m: dict) -> dict:
    """A manifest as shown: local time, the reason in the user's language."""
    created = m.get("created_at")
    try:
        created = timezone.localtime(dt.datetime.fromisoformat(created)) if created else None
    except ValueError:
        pass
    return {**m, "reason_label": reason_label(m.get("reason") or ""), "created": created}


def _backup_rows() -> list[dict]:
    return [{**_backup_row(m), "verified": _verified(m), "size_kb": (m.get("size") or 0) / 1024}
            for m in list_backups()]


@page(MANAGE_BACKUP)
def backups(request):
    return render(request, "web/settlement/backups.html", {"rows": _backup_rows()})


@require_POST
@page(MANAGE_BACKUP)
def backup_take(request):
    manifest = take_backup("manual (web)", request.user)
    messages.success(request, _("Backup %(id)s taken.") % {"id": manifest["id"]})
    return redirect("backups")


@page(MANAGE_BACKUP)
def backup_download(request, backup_id: str):
    try:
        manifest, path = find_backup(backup_id)
    except DomainError as exc:
        raise Http404 from exc
    if not path.exists():
        raise Http404
    return FileResponse(open(path, "rb"), as_attachment=True, filename=manifest["file"])


@page(MANAGE_BACKUP)
def backup_restore(request, backup_id: str):
    """Restore into a NEW data folder given by the administrator; the running books stay as they are."""
    try:
        manifest, _path = find_backup(backup_id)
    except DomainError as exc:
        raise Http404 from exc
    target = request.POST.get("target", "").strip()
    error = result = None
    if request.method == "POST":
        try:
            result = restore_to_folder(request.user, backup_id, target)
        except DomainError as exc:
            error = exc
    return render(request, "web/settlement/restore.html", {
        "m": _backup_row(manifest), "target": target, "result": result, "error": error_message(error) if error else None,
        "suggested": str(Path(settings.DATA_DIR).resolve().parent / f"restored-{backup_id}"),
    }, status=error.status if error else 200)

