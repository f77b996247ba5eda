"""Test helpers: master data and documents through the real services."""

from django.contrib.auth import get_user_model

from openjxc.catalog.services import create_item
from openjxc.core.services import set_setting
from openjxc.documents.services import create_draft
from openjxc.inventory.services import create_warehouse
from openjxc.ledger.selectors import journal, voucher_text
from openjxc.ledger.services import seed_chart
from openjxc.partners.services import create_partner
from openjxc.posting.engine import approve, cancel


def setup_books(start="2026-01-01"):
    """Chart of accounts, go-live date and an admin user (superuser: every permission)."""
    seed_chart()
    set_setting("start_date", start)
    set_setting("initialized", "test")
    user, created = get_user_model().objects.get_or_create(
        username="admin", defaults={"is_superuser": True, "is_staff": True}
    )
    if created or not user.has_usable_password():
        user.set_password("admin123")
        user.save()
    return user


def master_data(user, items=("A001", "A002", "A003"), warehouses=("WH1", "WH2")):
    for code in warehouses:
        create_warehouse(user, {"code": code, "name": f"仓库{code}"})
    for code in items:
        create_item(user, {"code": code, "name": f"商品{code}", "unit": "个", "tax_rate": "0.13"})
    create_partner(user, "supplier", {"code": "S001", "name": "供应商一"})
    create_partner(user, "customer", {"code": "C001", "name": "客户一"})


def doc(user, type, date, lines, warehouse="WH1", partner=None, approve_it=True, **extra):
    """Create (and by default approve) a document; lines are (item, qty[, price]) tuples or dicts."""
    if partner is None and type.startswith("purchase"):
        partner = "S001"
    if partner is None and type.startswith("sales"):
        partner = "C001"
    body = {
        "type": type,
        "date": date,
        "warehouse": warehouse,
        "partner": partner,
        **extra,
        "lines": [],
    }
    for ln in lines:
        if isinstance(ln, dict):
            body["lines"].append(ln)
        else:
            line = {"item": ln[0], "qty": str(ln[1])}
            if len(ln) > 2:
                line["price"] = str(ln[2])
            body["lines"].append(line)
    d, _ = create_draft(user, body)
    if approve_it:
        approve(user, d["number"])
    return d["number"]


def fetch(sql: str, args=()) -> list:
    """Rows of a plain SQL query (tests compare ledger tables directly)."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(sql, list(args))
        return cur.fetchall()


def vouchers_of(number: str) -> list[str]:
    """The vouchers of one document as readable text, in posting order."""
    from openjxc.documents.models import Document

    doc_id = Document.objects.get(number=number).id
    return [voucher_text(v) for v in journal(document_id=doc_id)]


__all__ = ["setup_books", "master_data", "doc", "fetch", "vouchers_of", "approve", "cancel"]
