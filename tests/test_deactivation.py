"""停用 (deactivation) of items, customers, suppliers and warehouses: a deactivated record stays in
history and reports, is refused on every new document (create, save a draft, approve) with a
registered 422 error that changes nothing, is hidden from the entry form's pickers and lookups, and
is listed only when 显示停用 is ticked; the API (PUT "active") and the list buttons switch it."""

import pytest

from openjxc.catalog.services import set_item_active
from openjxc.core.errors import DomainError
from openjxc.inventory.services import update_warehouse
from openjxc.partners.services import update_partner

from .factories import As, assert_error, doc, person, state, stock

RECEIPT = {
    "type": "purchase_receipt",
    "date": "2026-03-05",
    "partner": "S001",
    "warehouse": "WH1",
    "lines": [{"item": "A001", "qty": "2", "price": "5.00"}],
}


def test_deactivating_through_the_api(api, user):
    # when: PUT active false on an item, a customer, a supplier and a warehouse
    assert api.put("/items/A001", {"active": False}).json()["active"] is False
    assert api.put("/customers/C001", {"active": False}).json()["active"] is False
    assert api.put("/suppliers/S001", {"active": False}).json()["active"] is False
    assert api.put("/warehouses/WH2", {"active": False}).json()["active"] is False
    # then: they are still read by code, and the lists filter by ?active=
    assert api.get("/items/A001").json()["active"] is False
    assert [i["code"] for i in api.get("/items?active=false").json()["items"]] == ["A001"]
    assert [i["code"] for i in api.get("/items?active=true").json()["items"]] == ["A002", "A003"]
    assert api.get("/items").json()["count"] == 3  # all by default
    assert [c["code"] for c in api.get("/customers?active=false").json()["items"]] == ["C001"]
    assert api.get("/suppliers?active=true").json()["count"] == 0
    assert [w["code"] for w in api.get("/warehouses?active=true").json()["items"]] == ["WH1"]
    # and they come back with active true; the rest of the record is unchanged
    item = api.put("/items/A001", {"active": True}).json()
    assert (item["active"], item["name"], item["unit"]) == (True, "商品A001", "个")
    wh = api.put("/warehouses/WH2", {"active": True}).json()
    assert (wh["active"], wh["name"]) == (True, "仓库WH2")


@pytest.mark.parametrize(
    ("deactivate", "code", "field"),
    [
        (lambda u: set_item_active(u, "A001", False), "inactive_item", "lines[0].item"),
        (
            lambda u: update_partner(u, "supplier", "S001", {"active": False}),
            "inactive_partner",
            "partner",
        ),
        (
            lambda u: update_warehouse(u, "WH1", {"active": False}),
            "inactive_warehouse",
            "warehouse",
        ),
    ],
)
def test_a_new_document_naming_a_deactivated_record_is_refused(api, user, deactivate, code, field):
    # given: the item, supplier or warehouse of the receipt is deactivated
    deactivate(user)
    before = state()
    # when / then: creating the receipt is 422 with the registered code, nothing changes
    err = assert_error(api.post("/documents", RECEIPT), 422, code)
    assert err["details"]["field"] == field
    assert "停用" in err["message"]
    assert state() == before


def test_a_draft_made_before_deactivation_can_be_neither_saved_nor_approved(api, user):
    # given: a draft receipt of A001, then A001 is deactivated
    number = doc(user, "purchase_receipt", "2026-03-05", [("A001", 2, "5.00")], approve_it=False)
    set_item_active(user, "A001", False)
    before = state()
    # then: saving the draft again and approving it are refused and change nothing
    assert_error(api.put(f"/documents/{number}", RECEIPT), 422, "inactive_item")
    err = assert_error(api.post(f"/documents/{number}/approve"), 422, "inactive_item")
    assert err["details"]["item"] == "A001"
    assert state() == before
    # and once the item is active again the same draft is approved
    set_item_active(user, "A001", True)
    assert api.post(f"/documents/{number}/approve").json()["status"] == "approved"


def test_approving_with_a_deactivated_partner_or_warehouse_is_refused(api, user):
    receipt = doc(user, "purchase_receipt", "2026-03-05", [("A001", 2, "5.00")], approve_it=False)
    transfer = doc(
        user, "transfer", "2026-03-05", [("A001", 1)], approve_it=False, to_warehouse="WH2"
    )
    update_partner(user, "supplier", "S001", {"active": False})
    update_warehouse(user, "WH2", {"active": False})
    before = state()
    assert_error(api.post(f"/documents/{receipt}/approve"), 422, "inactive_partner")
    err = assert_error(api.post(f"/documents/{transfer}/approve"), 422, "inactive_warehouse")
    assert err["details"]["warehouse"] == "WH2"
    assert state() == before


def test_history_and_reports_keep_a_deactivated_item(api, user):
    # given: 10 × A001 received at 5.00 and 4 delivered, then A001 is deactivated
    receipt = doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    delivery = doc(user, "sales_delivery", "2026-03-02", [("A001", 4, "9.00")])
    api.put("/items/A001", {"active": False})
    # then: stock, the inventory summary and the documents still show it
    assert stock(api, "A001") == ("6", "5.000000", "30.00")
    summary = api.get("/reports/inventory-summary?from=2026-03-01&to=2026-03-31").json()
    a001 = next(r for r in summary["items"] if r["item"] == "A001")
    assert (a001["in_qty"], a001["out_qty"], a001["closing_value"]) == ("10", "4", "30.00")
    assert api.get(f"/documents/{receipt}").json()["lines"][0]["item"] == "A001"
    # and what was posted can still be undone (undoing is history, not a new document)
    r = api.post(f"/documents/{delivery}/reverse", {"reason": "退回", "date": "2026-03-10"})
    assert r.status_code == 200, r.content
    assert stock(api, "A001") == ("10", "5.000000", "50.00")


def test_the_entry_form_hides_deactivated_records(admin_client, user):
    # given: A002, customer C001 and warehouse WH2 deactivated
    set_item_active(user, "A002", False)
    update_partner(user, "customer", "C001", {"active": False})
    update_warehouse(user, "WH2", {"active": False})
    # then: the item lookup finds neither by search nor by code or barcode
    found = admin_client.get("/doc-lookup/items/?type=sales_delivery&q=A00").json()
    assert [i["code"] for i in found["items"]] == ["A001", "A003"]
    assert admin_client.get("/doc-lookup/items/?type=sales_delivery&q=A002").json()["items"] == []
    # and the entry form offers neither the customer nor the warehouse
    page = admin_client.get("/documents/sales_delivery/new/").content.decode()
    assert 'value="C001"' not in page
    assert 'value="WH2"' not in page and 'value="WH1"' in page


def test_lists_show_deactivated_records_only_when_asked(admin_client, user):
    set_item_active(user, "A002", False)
    update_partner(user, "customer", "C001", {"active": False})
    update_warehouse(user, "WH2", {"active": False})
    items = admin_client.get("/items/").content.decode()
    assert 'data-code="A001"' in items and 'data-code="A002"' not in items
    assert "显示停用" in items
    items = admin_client.get("/items/?inactive=1").content.decode()
    assert 'data-code="A002"' in items and "启用" in items
    assert 'data-code="C001"' not in admin_client.get("/customers/").content.decode()
    assert 'data-code="C001"' in admin_client.get("/customers/?inactive=1").content.decode()
    assert 'data-code="WH2"' not in admin_client.get("/warehouses/").content.decode()
    assert 'data-code="WH2"' in admin_client.get("/warehouses/?inactive=1").content.decode()


def test_the_list_buttons_deactivate_and_activate(admin_client, user):
    from openjxc.catalog.models import Item
    from openjxc.inventory.models import Warehouse
    from openjxc.partners.models import Partner

    # the buttons ask first (data-confirm) and say what 停用 means
    page = admin_client.get("/items/").content.decode()
    assert 'action="/items/A001/active/"' in page and "data-confirm" in page
    # when: 停用 on an item, a supplier and a warehouse
    for url in ("/items/A001/active/", "/suppliers/S001/active/", "/warehouses/WH2/active/"):
        r = admin_client.post(url, {"active": "0"})
        assert r.status_code == 302 and r["Location"].endswith("?inactive=1")
    assert not Item.objects.get(code="A001").active
    assert not Partner.objects.get(kind="supplier", code="S001").active
    assert not Warehouse.objects.get(code="WH2").active
    # then: 启用 brings the item back
    admin_client.post("/customers/C001/active/", {"active": "0"})
    admin_client.post("/customers/C001/active/", {"active": "1"})
    assert Partner.objects.get(kind="customer", code="C001").active
    # an unknown code is a message, not a crash
    r = admin_client.post("/items/NOPE/active/", {"active": "0"}, follow=True)
    assert r.status_code == 200


def test_only_master_data_users_switch_active(client, user):
    from openjxc.catalog.models import Item

    client.force_login(person("销售"))
    before = state()
    assert client.post("/items/A001/active/", {"active": "0"}).status_code == 403
    assert Item.objects.get(code="A001").active and state() == before
    r = As(client, "u-销售").put("/items/A001", {"active": False})
    assert_error(r, 403, "forbidden")


def test_service_error_is_registered_for_each_kind(user):
    set_item_active(user, "A003", False)
    from openjxc.documents.services import create_draft

    body = {
        **RECEIPT,
        "lines": [{"item": "A003", "qty": "1", "price": "1"}, {"item": "NOPE", "qty": "1"}],
    }
    with pytest.raises(DomainError) as exc:
        create_draft(user, body)
    # every refused line is reported at once
    codes = [e["code"] for e in exc.value.details.get("errors", [])]
    assert exc.value.code == "inactive_item" and codes == ["inactive_item", "not_found"]


def test_a_draft_keeps_its_deactivated_warehouse_on_the_form(admin_client, user):
    # given: a draft receipt in WH2, then WH2 is deactivated
    number = doc(
        user, "purchase_receipt", "2026-03-05", [("A001", 2, "5.00")], "WH2", approve_it=False
    )
    update_warehouse(user, "WH2", {"active": False})
    # then: its form still names WH2 (saving must not silently move it to WH1) ...
    page = admin_client.get(f"/doc/{number}/").content.decode()
    assert '<option value="WH2" selected>' in page
    # ... and saving it says why it cannot be saved, changing nothing
    before = state()
    form = {
        "date": "2026-03-05",
        "partner": "S001",
        "warehouse": "WH2",
        "line_item": "A001",
        "line_qty": "2",
        "line_price": "5.00",
        "action": "save",
    }
    r = admin_client.post(f"/doc/{number}/", form)
    assert r.status_code == 422 and "仓库 WH2 已停用" in r.content.decode()
    assert state() == before
