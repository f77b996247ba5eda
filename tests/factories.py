"""Test helpers shared by the capability files: master data, documents and users through the real
services, and the HTTP API as a client sees it (refusals that change nothing)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection

from openjxc.catalog.services import create_item
from openjxc.core.services import set_setting
from openjxc.documents.models import Document
from openjxc.documents.services import create_draft
from openjxc.inventory.services import create_warehouse
from openjxc.ledger import selectors as ledger
from openjxc.ledger.services import seed_chart
from openjxc.partners.services import create_partner
from openjxc.posting.engine import approve, cancel
from openjxc.users.models import WarehouseAccess
from openjxc.users.services import issue_token


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


def delivered_in_a_closed_march(user) -> str:
    """4 × A001 delivered at 9.00 on 3 March from 10 received at 5.00, January to March closed:
    a settled document to correct (红冲蓝补). Its number."""
    from openjxc.closing.services import close

    doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    number = doc(user, "sales_delivery", "2026-03-03", [("A001", 4, "9.00")])
    for period in ("2026-01", "2026-02", "2026-03"):
        close(user, period)
    return number


def fetch(sql: str, args=()) -> list:
    """Rows of a plain SQL query (tests compare ledger tables directly)."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(sql, list(args))
        return cur.fetchall()


def vouchers_of(number: str) -> list[str]:
    """The vouchers of one document as readable text, in posting order."""
    doc_id = Document.objects.get(number=number).id
    return [ledger.voucher_text(v) for v in ledger.journal(document_id=doc_id)]


def person(role: str, warehouses=(), username=None):
    """A user in one seeded role (password pw-123456), limited to the given warehouses if any."""
    u = get_user_model().objects.create_user(username or f"u-{role}", password="pw-123456")
    u.groups.add(Group.objects.get(name=role))
    for wh in warehouses:
        WarehouseAccess.objects.create(
            user=u,
            warehouse_id=fetch("SELECT id FROM inventory_warehouse WHERE code = %s", [wh])[0][0],
        )
    return u


def state() -> tuple:
    """Everything an action could change (documents, ledgers, items, closes, audit, settings)."""
    return tuple(
        fetch(sql)[0]
        for sql in (
            "SELECT COUNT(*), COALESCE(SUM(LENGTH(status)), 0) FROM documents_document",
            "SELECT COUNT(*) FROM inventory_stockmove",
            "SELECT COUNT(*) FROM ledger_journalline",
            "SELECT COUNT(*) FROM catalog_item",
            "SELECT COUNT(*) FROM ledger_period WHERE status = 'closed'",
            "SELECT COUNT(*), MAX(id) FROM audit_auditentry",
            "SELECT COUNT(*) FROM core_setting",
        )
    )


# --- the HTTP API as a client sees it ---------------------------------------------------------


class As:
    """A client of the API as another user: by username (password pw-123456), by bearer token,
    by a raw Authorization header, or with none at all."""

    def __init__(self, client, username=None, *, token=None, header=None):
        self.client = client
        self.headers = {}
        if username is not None:
            token = issue_token(username, "pw-123456")
        if token is not None:
            self.headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        if header is not None:
            self.headers["HTTP_AUTHORIZATION"] = header

    def get(self, path):
        return self.client.get("/api/v1" + path, **self.headers)

    def post(self, path, body=None, method="post"):
        return getattr(self.client, method)(
            "/api/v1" + path,
            data=body if body is not None else {},
            content_type="application/json",
            **self.headers,
        )

    def put(self, path, body):
        return self.post(path, body, method="put")

    def delete(self, path):
        return self.client.delete("/api/v1" + path, **self.headers)


def post(api, path, body=None, status=200):
    """POST through the API, expecting the status; the JSON answer."""
    r = api.post(path, body or {})
    assert r.status_code == status, r.content
    return r.json()


def approved_doc(api, body) -> dict:
    """Create a document through the API and approve it; the created document's JSON."""
    d = post(api, "/documents", body, 201)
    post(api, f"/documents/{d['number']}/approve")
    return d


def sales_body(type: str, qty: str, price: str, date: str, **over) -> dict:
    """A sales order or delivery of qty × A001 at price, to C001 from WH1."""
    line = {"item": "A001", "qty": qty, "price": price}
    return {
        "type": type,
        "date": date,
        "partner": "C001",
        "warehouse": "WH1",
        "lines": [line],
        **over,
    }


def receipt_body(**over):
    """A purchase receipt of 10 × A001 at 5.00 into WH1 on 2026-03-01."""
    body = {
        "type": "purchase_receipt",
        "date": "2026-03-01",
        "partner": "S001",
        "warehouse": "WH1",
        "lines": [{"item": "A001", "qty": "10", "price": "5.00"}],
    }
    body.update(over)
    return body


def _line(**over):
    line = {"item": "A001", "qty": "10", "price": "5.00"}
    line.update(over)
    return [line]


def created(r) -> dict:
    assert r.status_code == 201, r.content
    return r.json()


def approved(api, number) -> dict:
    r = api.post(f"/documents/{number}/approve")
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "approved"
    return r.json()


def stock_of(api, item="A001", wh="WH1", day=None):
    q = f"/stock?item={item}&warehouse={wh}" + (f"&date={day}" if day else "")
    rows = api.get(q).json()["items"]
    return (rows[0]["on_hand"], rows[0]["value"]) if rows else ("0", "0.00")


def delivery_body(qty, date="2026-03-05", **over):
    body = {
        "type": "sales_delivery",
        "date": date,
        "partner": "C001",
        "warehouse": "WH1",
        "lines": [{"item": "A001", "qty": str(qty), "price": "10.00"}],
    }
    body.update(over)
    return body


def _delivered(api, qty=5):
    approved(api, created(api.post("/documents", receipt_body()))["number"])
    d = created(api.post("/documents", delivery_body(qty)))
    approved(api, d["number"])
    return d


def _return_body(d, qty, date="2026-03-06"):
    return {
        "type": "sales_return",
        "date": date,
        "partner": "C001",
        "warehouse": "WH1",
        "source": d["number"],
        "lines": [
            {"item": "A001", "qty": str(qty), "price": "10.00", "source_line": d["lines"][0]["id"]}
        ],
    }


def on_hand(api, item="A001", wh="WH1", day="2026-12-31"):
    rows = api.get(f"/stock?item={item}&warehouse={wh}&date={day}").json()["items"]
    return (rows[0]["on_hand"], rows[0]["value"]) if rows else ("0", "0.00")


# --- refusals change nothing ------------------------------------------------------------------

TABLES = [
    "documents_document",
    "documents_documentline",
    "inventory_stockmove",
    "inventory_stockbalance",
    "ledger_voucher",
    "ledger_journalline",
    "ledger_accountbalance",
    "ledger_openitementry",
    "audit_auditentry",
    "catalog_item",
    "partners_partner",
    "inventory_warehouse",
    "core_numbercounter",
]


def snapshot() -> dict:
    """Row counts of every table a write touches, plus the mutable state in them."""
    out = {}
    with connection.cursor() as cur:
        for t in TABLES:
            cur.execute(f"SELECT COUNT(*) FROM {t}")
            out[t] = cur.fetchone()[0]
        cur.execute("SELECT number, status, version, date FROM documents_document ORDER BY number")
        out["documents"] = [tuple(map(str, r)) for r in cur.fetchall()]
        cur.execute(
            "SELECT item_id, warehouse_id, qty, value, reserved, on_order FROM inventory_stockbalance "
            "ORDER BY item_id, warehouse_id"
        )
        out["balances"] = [tuple(int(x) for x in r) for r in cur.fetchall()]
        cur.execute(
            "SELECT account_id, debit, credit FROM ledger_accountbalance ORDER BY account_id"
        )
        out["accounts"] = [tuple(int(x) for x in r) for r in cur.fetchall()]
        cur.execute("SELECT prefix, day, last FROM core_numbercounter ORDER BY prefix, day")
        out["counters"] = [tuple(map(str, r)) for r in cur.fetchall()]
        cur.execute("SELECT code, name, tax_rate FROM catalog_item ORDER BY code")
        out["items"] = [tuple(map(str, r)) for r in cur.fetchall()]
    return out


def assert_error(r, status: int, code: str) -> dict:
    """The error body of API.md: {"error": {"code", "message", "details"}} with this code."""
    assert r.status_code == status, (r.status_code, r.content[:500])
    assert r["Content-Type"].startswith("application/json")
    body = r.json()
    assert set(body) == {"error"}, body
    err = body["error"]
    assert set(err) == {"code", "message", "details"}, err
    assert err["code"] == code, err
    assert isinstance(err["message"], str) and err["message"], err
    assert isinstance(err["details"], dict), err
    return err


def refused(call, status: int, code: str) -> dict:
    """Run an API call that must be refused; prove it changed nothing."""
    before = snapshot()
    err = assert_error(call(), status, code)
    assert snapshot() == before
    return err


# --- the books read back through the API, as a user or integrator sees them ---------------


def stock(api, item="A001", wh="WH1", day=None):
    """(on_hand, unit_cost, value) of one item × warehouse, as of `day` (default today)."""
    path = f"/stock?item={item}&warehouse={wh}" + (f"&date={day}" if day else "")
    body = api.get(path).json()
    assert body["count"] == len(body["items"]) <= 1
    if not body["items"]:
        return ("0", None, "0.00")
    r = body["items"][0]
    assert r["available"] == r["on_hand"] and r["reserved"] == "0"
    return (r["on_hand"], r["unit_cost"], r["value"])


def moves(api, item="A001", wh="WH1", query=""):
    """Stock ledger rows: (date, document, kind, qty, value, balance_qty, balance_value, cause)."""
    body = api.get(f"/stock/moves?item={item}&warehouse={wh}{query}").json()
    return [
        (
            m["date"],
            m["document"],
            m["kind"],
            m["qty"],
            m["value"],
            m["balance_qty"],
            m["balance_value"],
            m["cause"],
        )
        for m in body["items"]
    ]


def balance(api, code):
    b = api.get(f"/partners/{code}/balance").json()
    return (b["receivable"], b["payable"])


def open_items(api, code):
    return [
        (o["document"], o["amount"], o["open_amount"])
        for o in api.get(f"/partners/{code}/open-items").json()["items"]
    ]


def audit(api, number):
    """(action, user, reason) of a document's audit entries, oldest first."""
    entries = api.get(f"/audit?object={number}").json()["items"]
    assert all(e["object"] == number and e["at"] for e in entries)
    return [(e["action"], e["user"], e["reason"]) for e in reversed(entries)]


def journal(api, query=""):
    return api.get("/journal" + query).json()["items"]


def trial_balance(api, period="2026-03"):
    tb = api.get(f"/reports/trial-balance?period={period}").json()
    t = tb["totals"]
    assert t["opening_debit"] == t["opening_credit"]
    assert t["debit"] == t["credit"]
    assert t["closing_debit"] == t["closing_credit"]
    assert tb["balanced"] is True
    return tb


def account(tb, code):
    row = next(r for r in tb["items"] if r["account"] == code)
    return (row["debit"], row["credit"], row["closing_debit"], row["closing_credit"])


def reconciled(api):
    assert api.get("/reconcile").json() == {"ok": True, "problems": []}


def line_id(number, n=0):
    return Document.objects.get(number=number).lines.order_by("line_no")[n].id


def status(api, number):
    return api.get(f"/documents/{number}").json()["status"]


__all__ = [
    "setup_books",
    "master_data",
    "doc",
    "fetch",
    "vouchers_of",
    "approve",
    "cancel",
    "person",
    "state",
    "As",
    "post",
    "receipt_body",
    "_line",
    "created",
    "approved",
    "stock_of",
    "delivery_body",
    "_delivered",
    "_return_body",
    "on_hand",
    "TABLES",
    "snapshot",
    "assert_error",
    "refused",
    "stock",
    "moves",
    "balance",
    "open_items",
    "audit",
    "journal",
    "trial_balance",
    "account",
    "reconciled",
    "line_id",
    "status",
]
