"""Issue 9, access: idempotent replays, cost by field class, warehouse-limited reports, areas of
receivables and payables, and maker ≠ checker after an edit."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from openjxc.core.services import set_setting
from openjxc.documents.models import Document, DocumentLine
from openjxc.inventory.models import Warehouse
from openjxc.users.masking import is_cost_field

from .factories import As, doc, person, state

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


# --- 1. an idempotent replay applies every check of a create ----------------------------------


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


# --- 2. cost reaches no one without view_cost -------------------------------------------------


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


# --- 3. a warehouse-limited user reads and manages only his warehouses ------------------------


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


# --- 4. receivables and payables by area; checks for who works with them ----------------------


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


# --- 5. whoever changed the amounts is a maker ------------------------------------------------


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
