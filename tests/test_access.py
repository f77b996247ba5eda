"""Access beyond the role matrix (test_permission_matrix.py): single permissions, idempotent
replays that apply every check of a create, cost by field class, warehouse-limited reads and
writes, receivables and payables by area, links a user may follow, and maker ≠ checker after an
edit."""

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from openjxc.catalog.models import Item
from openjxc.core.services import set_setting
from openjxc.documents.models import Document, DocumentLine
from openjxc.inventory.models import Warehouse
from openjxc.reports.trade import details
from openjxc.users.masking import is_cost_field
from openjxc.users.services import issue_token

from .factories import (
    As,
    approve,
    approved,
    created,
    doc,
    fetch,
    person,
    receipt_body,
    refused,
    state,
    stock_of,
)

pytestmark = pytest.mark.usefixtures("backups_in_tmp")


RECEIPT = {
    "type": "purchase_receipt",
    "date": "2026-03-05",
    "partner": "S001",
    "warehouse": "WH1",
    "external_ref": "P-1",
    "lines": [{"item": "A001", "qty": "10", "price": "3.17"}],
}


def staff(client, role: str, warehouses=()) -> As:
    person(role, warehouses)
    return As(client, f"u-{role}")


# --- who may create, edit, approve and cancel -----------------------------------------------------


@pytest.fixture
def clerk(client, user):
    """A user who may only create and edit drafts of purchase documents."""
    u = get_user_model().objects.create_user("clerk", password="pw123456")
    u.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="users", codename__in=("edit_document", "purchase_documents")
        )
    )
    return As(client, token=issue_token("clerk", "pw123456"))


def test_403_without_the_approve_or_cancel_permission(api, clerk, user):
    number = created(clerk.post("/documents", receipt_body()))["number"]  # edit_document suffices
    err = refused(lambda: clerk.post(f"/documents/{number}/approve"), 403, "forbidden")
    assert err["details"] == {"permission": "users.approve_document"}
    assert api.get(f"/documents/{number}").json()["status"] == "draft"

    approved(api, number)
    err = refused(
        lambda: clerk.post(f"/documents/{number}/cancel", {"reason": "不要了"}), 403, "forbidden"
    )
    assert err["details"] == {"permission": "users.cancel_document"}
    assert api.get(f"/documents/{number}").json()["status"] == "approved"
    assert stock_of(api) == ("10", "50.00")

    # master data needs its own permission
    refused(
        lambda: clerk.post("/items", {"code": "X1", "name": "x", "unit": "个"}), 403, "forbidden"
    )
    refused(lambda: clerk.post("/warehouses", {"code": "WH9", "name": "x"}), 403, "forbidden")
    refused(lambda: clerk.post("/customers", {"code": "C9", "name": "x"}), 403, "forbidden")
    refused(lambda: clerk.put("/items/A001", {"name": "改名"}), 403, "forbidden")


def test_403_without_the_edit_permission(api, client, user):
    get_user_model().objects.create_user("viewer", password="pw123456")
    viewer = As(client, token=issue_token("viewer", "pw123456"))
    assert viewer.get("/documents").status_code == 200
    refused(lambda: viewer.post("/documents", receipt_body()), 403, "forbidden")
    number = created(api.post("/documents", receipt_body()))["number"]
    refused(lambda: viewer.put(f"/documents/{number}", receipt_body()), 403, "forbidden")
    refused(lambda: viewer.delete(f"/documents/{number}"), 403, "forbidden")


# --- an idempotent replay applies every check of a create -----------------------------------------


def test_replay_of_another_users_external_ref_shows_nothing(client, user):
    # given: a purchaser's receipt in WH1 under external_ref P-1
    buyer = staff(client, "采购")
    first = buyer.post("/documents", RECEIPT)
    assert first.status_code == 201
    before = state()
    # when: a sales clerk and a keeper limited to WH2 replay the key with their own bodies
    clerk = staff(client, "销售").post("/documents", {**RECEIPT, "warehouse": "WH2"})
    keeper = staff(client, "库管", ["WH2"]).post("/documents", {**RECEIPT, "warehouse": "WH2"})
    # then: both are refused without a word of the receipt, and nothing changed
    for r in (clerk, keeper):
        assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden", r.content
        assert first.json()["number"] not in r.content.decode() and "3.17" not in r.content.decode()
    assert state() == before


def test_replay_with_another_body_is_a_conflict(client, user):
    buyer = staff(client, "采购")
    first = buyer.post("/documents", RECEIPT).json()
    before = state()
    # the same body replays the first document
    again = buyer.post("/documents", RECEIPT)
    assert again.status_code == 201 and again.json()["number"] == first["number"]
    # another quantity or warehouse under the same key is a conflict and changes nothing
    for body in (
        {**RECEIPT, "lines": [{"item": "A001", "qty": "99", "price": "3.17"}]},
        {**RECEIPT, "warehouse": "WH2"},
    ):
        r = buyer.post("/documents", body)
        assert r.status_code == 409, r.content
        assert r.json()["error"]["code"] == "idempotency_conflict"
        assert r.json()["error"]["details"] == {"document": first["number"], "external_ref": "P-1"}
    assert state() == before
    # the same key on another type is another document
    other = buyer.post("/documents", {**RECEIPT, "type": "purchase_order"})
    assert other.status_code == 201 and other.json()["number"] != first["number"]


# --- cost reaches no one without view_cost --------------------------------------------------------


def _cost_values(data, path="") -> list[str]:
    """Paths of fields of the cost class that carry a value."""
    found = []
    if isinstance(data, dict):
        for k, v in data.items():
            if is_cost_field(k) and v is not None and not ("key" in data and len(data) == 2):
                found.append(f"{path}.{k}")
            found += _cost_values(v, f"{path}.{k}")
    elif isinstance(data, list):
        for i, v in enumerate(data):
            found += _cost_values(v, f"{path}[{i}]")
    return found


def test_inventory_summary_hides_the_closing_unit_cost(client, user):
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "3.17")])
    body = (
        staff(client, "销售").get("/reports/inventory-summary?from=2026-03-01&to=2026-03-31").json()
    )
    row = next(r for r in body["items"] if r["item"] == "A001")
    assert row["closing_qty"] == "10" and row["closing_unit_cost"] is None
    assert _cost_values(body) == []


def test_write_responses_hide_purchase_prices(client, user):
    keeper = staff(client, "库管")
    # a purchase receipt: created and edited by a keeper, who may not see its prices
    created = keeper.post("/documents", RECEIPT)
    assert created.status_code == 201
    edited = keeper.post(
        f"/documents/{created.json()['number']}",
        {**RECEIPT, "lines": [{"item": "A001", "qty": "12", "price": "3.17"}]},
        method="put",
    )
    other_in = keeper.post(
        "/documents",
        {
            "type": "other_in",
            "date": "2026-03-05",
            "warehouse": "WH1",
            "lines": [{"item": "A002", "qty": "2", "price": "3.17"}],
        },
    )
    item = keeper.post("/items/A003", {"purchase_price": "3.17", "name": "改名"}, method="put")
    for r in (created, edited, other_in, item):
        assert r.status_code in (200, 201), r.content
        assert "3.17" not in r.content.decode(), r.content
    body = edited.json()
    assert (
        body["lines"][0]["qty"] == "12"
        and body["lines"][0]["price"] is None
        and body["amount"] is None
    )
    # the prices are stored all the same
    assert DocumentLine.objects.get(document__number=body["number"]).amount == 3804


def test_a_purchase_draft_form_without_prices_keeps_them(client, user):
    number = doc(user, "purchase_receipt", "2026-03-05", [("A001", 10, "3.17")], approve_it=False)
    keeper = get_user_model().objects.get(pk=person("库管").pk)
    client.force_login(keeper)
    page = client.get(f"/doc/{number}/").content.decode()
    assert 'name="line_qty"' in page and "3.17" not in page and 'name="line_price"' not in page
    # saving a changed quantity keeps the purchase price the keeper never saw
    r = client.post(
        f"/doc/{number}/",
        {
            "action": "save",
            "date": "2026-03-05",
            "partner": "S001",
            "warehouse": "WH1",
            "line_item": ["A001"],
            "line_qty": ["12"],
            "line_source": [""],
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    line = DocumentLine.objects.get(document__number=number)
    assert (line.qty, str(line.price), line.amount) == (120000, "3.170000", 3804)


def test_who_may_not_see_purchase_prices_may_not_set_them(user):
    from openjxc.catalog.services import create_item

    keeper = person("库管")
    item = create_item(
        keeper, {"code": "K1", "name": "库管建的", "unit": "个", "purchase_price": "9.99"}
    )
    assert Item.objects.get(code="K1").purchase_price is None and item["purchase_price"] is None


def test_purchase_prices_on_documents_are_hidden_from_who_may_not_see_cost(client, user):
    number = doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    keeper = person("库管")
    client.force_login(keeper)
    html = client.get(f"/doc/{number}/").content.decode()
    assert "5.00" not in html and "50.00" not in html and "56.50" not in html and number in html
    assert "56.50" not in client.get("/documents/purchase_receipt/").content.decode()
    assert "56.50" not in client.get(f"/doc/{number}/print/").content.decode()
    from openjxc.users.services import issue_token

    token = issue_token("u-库管", "pw-123456")
    data = client.get(f"/api/v1/documents/{number}", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert (
        data["amount"] is None
        and data["lines"][0]["price"] is None
        and data["lines"][0]["qty"] == "10"
    )
    client.force_login(user)
    assert "56.50" in client.get(f"/doc/{number}/").content.decode()


# --- a warehouse-limited user reads and manages only his warehouses -------------------------------


def test_warehouse_limited_reports(client, user):
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "3.17")])
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 2, "3.17")], warehouse="WH2")
    keeper = staff(client, "库管", ["WH2"])
    q = "from=2026-03-01&to=2026-03-31"
    for path in (
        f"/reports/inventory-summary?{q}&warehouse=WH1",
        f"/reports/inventory-summary?{q}&warehouse=WH1&by_warehouse=true",
        f"/reports/stock-ledger?{q}&item=A001&warehouse=WH1",
    ):
        r = keeper.get(path)
        assert r.status_code == 403 and r.json()["error"]["details"] == {"warehouse": "WH1"}, (
            path,
            r.content,
        )
    summary = keeper.get(f"/reports/inventory-summary?{q}").json()
    assert [(r["item"], r["closing_qty"]) for r in summary["items"]] == [("A001", "2")]
    by_wh = keeper.get(f"/reports/inventory-summary?{q}&by_warehouse=true").json()
    assert [(r["warehouse"], r["closing_qty"]) for r in by_wh["items"]] == [("WH2", "2")]
    assert by_wh["totals"]["closing_qty"] == "2"
    ledger = keeper.get(f"/reports/stock-ledger?{q}&item=A001").json()
    assert {r["warehouse"] for r in ledger["items"]} == {"WH2"} and ledger["closing"]["qty"] == "2"


@pytest.fixture
def sales(user):
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    doc(user, "purchase_receipt", "2026-03-01", [("A002", 10, "1.00")], warehouse="WH2")
    return [
        doc(user, "sales_delivery", "2026-03-02", [("A001", 1, "9.00")]),
        doc(user, "sales_delivery", "2026-03-02", [("A002", 1, "3.00")], warehouse="WH2"),
    ]


def test_sales_reports_keep_to_the_users_warehouses(client, sales):
    clerk = person("销售", warehouses=["WH2"])
    client.force_login(clerk)
    html = client.get("/reports/sales/details/?from=2026-03-01&to=2026-03-31").content.decode()
    assert sales[1] in html and sales[0] not in html
    rows = details(
        "sales",
        *[__import__("datetime").date(2026, 3, d) for d in (1, 31)],
        warehouse_ids={clerk.warehouse_access.get().warehouse_id},
    )["items"]
    assert [r["document"] for r in rows] == [sales[1]]


def test_a_keeper_cannot_edit_another_warehouse(client, user):
    client.force_login(person("库管", ["WH2"]))
    r = client.post("/warehouses/WH1/edit/", {"name": "改名", "active": ""})
    assert r.status_code == 403
    assert Warehouse.objects.filter(code="WH1", name="仓库WH1", active=True).exists()
    assert client.get("/warehouses/WH1/edit/").status_code == 403
    assert (
        client.post("/warehouses/WH2/edit/", {"name": "二号库", "active": "1"}).status_code == 302
    )
    assert Warehouse.objects.get(code="WH2").name == "二号库"


def test_a_keeper_of_one_warehouse_transfers_to_any_warehouse(client, user):
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")], warehouse="WH2")
    keeper = person("库管", ["WH2"], username="kg")
    client.force_login(keeper)
    html = client.get("/documents/transfer/new/").content.decode()
    to_options = html.split('id="f-to-warehouse"')[1].split("</select>")[0]
    assert 'value="WH1"' in to_options
    r = client.post(
        "/documents/transfer/new/",
        {
            "action": "save",
            "date": "2026-03-02",
            "warehouse": "WH2",
            "to_warehouse": "WH1",
            "line_item": "A001",
            "line_qty": "4",
            "line_source": "",
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    transfer = Document.objects.get(type="transfer")
    approve(user, transfer.number)  # a keeper enters it, the boss approves
    assert fetch(
        "SELECT w.code, b.qty FROM inventory_stockbalance b JOIN inventory_warehouse w "
        "ON w.id = b.warehouse_id ORDER BY w.code"
    ) == [("WH1", 40000), ("WH2", 60000)]
    assert client.get(f"/doc/{transfer.number}/").status_code == 200
    # the API agrees; a transfer out of a warehouse he does not keep stays refused
    h = bearer("kg")
    body = {
        "type": "transfer",
        "date": "2026-03-03",
        "warehouse": "WH2",
        "to_warehouse": "WH1",
        "lines": [{"item": "A001", "qty": "1"}],
    }
    assert (
        client.post("/api/v1/documents", body, content_type="application/json", **h).status_code
        == 201
    )
    r = client.post(
        "/api/v1/documents",
        {**body, "warehouse": "WH1", "to_warehouse": "WH2"},
        content_type="application/json",
        **h,
    )
    assert r.status_code == 403 and r.json()["error"]["details"] == {"warehouse": "WH1"}


# --- receivables and payables by area; checks for who works with them -----------------------------


@pytest.mark.parametrize(
    "role, path, allowed",
    [
        ("库管", "/partners/C001/balance", False),
        ("库管", "/partners/C001/open-items", False),
        ("库管", "/reports/aging?kind=receivable", False),
        ("库管", "/reports/uninvoiced", False),
        ("销售", "/partners/S001/balance", False),
        ("销售", "/partners/S001/open-items", False),
        ("销售", "/reports/aging?kind=payable", False),
        ("采购", "/reports/aging?kind=receivable", False),
        ("销售", "/reports/aging?kind=receivable", True),
        ("销售", "/partners/C001/balance", True),
        ("采购", "/reports/aging?kind=payable", True),
        ("销售", "/periods/2026-03/close-check", False),
        ("采购", "/periods/2026-03/close-check", False),
        ("财务", "/periods/2026-03/close-check", True),
        ("销售", "/periods/2026-03/impact?action=reopen", False),
        ("库管", "/reconcile", False),
        ("采购", "/reconcile", False),
        ("财务", "/reconcile", True),
        ("销售", "/reports/order-follow-up?kind=purchase", False),
        ("采购", "/reports/order-follow-up?kind=sales", False),
        ("销售", "/reports/order-follow-up?kind=sales", True),
    ],
)
def test_areas_of_money_and_checks(client, user, role, path, allowed):
    r = staff(client, role).get(path)
    if allowed:
        assert r.status_code == 200, r.content
    else:
        assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden", r.content


def test_uninvoiced_lists_the_users_area_only(client, user):
    receipt = doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "3.17")])
    delivery = doc(user, "sales_delivery", "2026-03-02", [("A001", 2, "9.00")])
    listed = [
        r["document"] for r in staff(client, "销售").get("/reports/uninvoiced").json()["items"]
    ]
    assert listed == [delivery] and receipt not in listed


def test_statement_page_and_share_links_need_the_partner_area(client, user, api):
    client.force_login(person("库管"))
    assert client.get("/statement/customer/C001/").status_code == 403
    client.force_login(person("销售"))
    assert client.get("/statement/customer/C001/").status_code == 200
    assert client.get("/statement/supplier/S001/").status_code == 403
    link = api.post("/partners/C001/statement/share", {"days": 3})
    assert link.status_code == 201
    from tests.factories import fetch

    assert fetch("SELECT action, object FROM audit_auditentry ORDER BY id DESC LIMIT 1") == [
        ("share_statement", "C001")
    ]


def bearer(username):
    return {"HTTP_AUTHORIZATION": f"Bearer {issue_token(username, 'pw-123456')}"}


def test_finance_reads_what_she_invoices_but_cannot_post_it(client, trade):
    person("财务", username="caiwu")
    h = bearer("caiwu")
    # reading the delivery and the receipt she invoices: 200 (was 403), and both are listed
    assert client.get(f"/api/v1/documents/{trade['delivery']}", **h).status_code == 200
    assert client.get(f"/api/v1/documents/{trade['receipt']}", **h).status_code == 200
    listed = {d["number"] for d in client.get("/api/v1/documents", **h).json()["items"]}
    assert {trade["delivery"], trade["receipt"], trade["money"]} <= listed
    # posting them stays with purchasing, sales and stock
    before = fetch("SELECT COUNT(*) FROM inventory_stockmove")
    r = client.post(
        f"/api/v1/documents/{trade['delivery']}/cancel",
        {"reason": "x"},
        content_type="application/json",
        **h,
    )
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
    assert fetch("SELECT COUNT(*) FROM inventory_stockmove") == before
    # the detail page: no cancel / reverse, but "create the invoice"
    client.force_login(get_user_model().objects.get(username="caiwu"))
    html = client.get(f"/doc/{trade['delivery']}/").content.decode()
    assert 'data-action="cancel"' not in html and 'data-action="reverse"' not in html
    assert 'data-target="sales_invoice"' in html and 'data-target="sales_return"' not in html
    # the allocation's money document is linked (she may open it)
    assert f"/doc/{trade['money']}/" in hrefs(html)
    # the menu lists the deliveries; their list page has no "new" button for her
    page = client.get("/documents/sales_delivery/").content.decode()
    assert 'href="/documents/sales_delivery/"' in page and 'id="new-doc"' not in page


# --- links a user may follow ----------------------------------------------------------------------


def hrefs(html: str) -> set[str]:
    return set(re.findall(r'href="([^"]+)"', html))


def test_pages_link_only_documents_the_user_may_open(client, user, trade):
    # a sales clerk sees the receipt allocated to her delivery, but may not open money documents
    person("销售", username="xs")
    client.force_login(get_user_model().objects.get(username="xs"))
    html = client.get(f"/doc/{trade['delivery']}/").content.decode()
    assert trade["money"] in html and f"/doc/{trade['money']}/" not in hrefs(html)
    assert client.get(f"/doc/{trade['money']}/").status_code == 403  # and that is why
    # finance's close check names an other-in draft without linking it (去处理 she cannot open)
    draft = doc(user, "other_in", "2026-01-05", [("A002", 1, "1.00")], approve_it=False)
    client.force_login(person("财务", username="caiwu"))
    html = client.get("/periods/2026-01/check/").content.decode()
    assert draft in html and f"/doc/{draft}/" not in hrefs(html)
    assert client.get(f"/doc/{draft}/").status_code == 403


DEMO_ROLES = ("laoban", "caigou", "xiaoshou", "kuguan", "caiwu")


def _shape(url: str) -> str:
    """Pages of one kind (every document detail, every period) are visited a few times only."""
    path = url.split("?")[0]
    return re.sub(r"/[A-Z]+\d{8,}/", "/DOC/", re.sub(r"\d{4}-\d{2}(-\d{2})?", "D", path))


@pytest.mark.django_db
@pytest.mark.parametrize("username", DEMO_ROLES)
def test_demo_roles_reach_no_forbidden_link(client, username):
    """Crawl what each demo user can reach from the home page: every link and form action on
    those pages answers them without 403."""
    from openjxc.setup import initialize

    initialize(
        "admin", "admin123", timezone.localdate().replace(day=1) - dt.timedelta(days=40), demo=True
    )
    client.force_login(get_user_model().objects.get(username=username))
    queue, seen, shapes, bad = ["/"], set(), {}, []
    while queue and len(seen) < 120:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        r = client.get(url)
        if r.status_code == 403:
            bad.append(url)
        if r.status_code != 200 or "text/html" not in r.get("Content-Type", ""):
            continue
        html = r.content.decode()
        actions = re.findall(r'<form[^>]*action="([^"]+)"', html)
        for link in sorted(hrefs(html) | set(actions)):
            link = link.replace("&amp;", "&")
            if (
                not link.startswith("/")
                or link.startswith(("/static/", "/api/", "/logout"))
                or "export=" in link
            ):
                continue
            shape = _shape(link)
            if link not in seen and shapes.get(shape, 0) < 3:
                shapes[shape] = shapes.get(shape, 0) + 1
                queue.append(link)
    assert len(seen) > 15, seen
    assert bad == [], (username, bad)


# --- whoever changed the amounts is a maker -------------------------------------------------------


def _boss(name: str):
    u = get_user_model().objects.create_user(name, password="pw-123456")
    u.groups.add(Group.objects.get(name="老板"))
    return u


def test_an_editor_of_the_amounts_cannot_approve_alone(client, user):
    set_setting("approval_threshold.purchase_receipt", "100")
    _boss("maker"), _boss("editor"), _boss("checker")
    number = doc(user, "purchase_receipt", "2026-03-05", [("A001", 10, "20.00")], approve_it=False)
    editor = As(client, "editor")
    body = {
        "type": "purchase_receipt",
        "date": "2026-03-05",
        "partner": "S001",
        "warehouse": "WH1",
        "lines": [{"item": "A001", "qty": "10", "price": "30.00"}],
    }
    assert editor.post(f"/documents/{number}", body, method="put").status_code == 200
    # the editor's approval only submits it, a second try is refused
    r = editor.post(f"/documents/{number}/approve")
    assert r.status_code == 200 and r.json()["status"] == "pending_approval"
    r = editor.post(f"/documents/{number}/approve")
    assert r.status_code == 409 and r.json()["error"]["code"] == "second_approver_required"
    # the creator is a maker too; someone else approves it
    admin = As(client, "checker")
    r = admin.post(f"/documents/{number}/approve")
    assert r.status_code == 200 and r.json()["status"] == "approved"
    assert Document.objects.get(number=number).approved_by.username == "checker"


def test_an_edit_that_keeps_the_amounts_makes_no_maker(client, user):
    set_setting("approval_threshold.purchase_receipt", "100")
    _boss("editor")
    number = doc(user, "purchase_receipt", "2026-03-05", [("A001", 10, "20.00")], approve_it=False)
    editor = As(client, "editor")
    body = {
        "type": "purchase_receipt",
        "date": "2026-03-05",
        "partner": "S001",
        "warehouse": "WH1",
        "memo": "备注",
        "lines": [{"item": "A001", "qty": "10", "price": "20.00"}],
    }
    assert editor.post(f"/documents/{number}", body, method="put").status_code == 200
    r = editor.post(f"/documents/{number}/approve")
    assert r.status_code == 200 and r.json()["status"] == "approved"
