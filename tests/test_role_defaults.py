"""Sensible role defaults for a small business (users/roles.py): 采购 adds suppliers and items, 销售
adds customers — adding only, editing stays with 编辑资料 — and a user who cannot approve sees who
can (待老板审核) where the approve button would be: on the document, its entry form and the lists."""

import pytest
from django.contrib.auth.models import Group, Permission

from openjxc.core.models import Setting
from openjxc.core.services import get_setting
from openjxc.users.roles import seed_roles

from .factories import As, assert_error, doc, person, state


def test_purchasing_adds_items_and_suppliers_but_not_customers(client, user):
    person("采购")
    api = As(client, "u-采购")
    # when: 采购 adds an item and a supplier (automatic codes)
    item = api.post("/items", {"name": "矿泉水", "unit": "瓶", "purchase_price": "1.10"})
    supplier = api.post("/suppliers", {"name": "水厂", "phone": "0571-1234567"})
    # then: both are created
    assert (item.status_code, item.json()["code"], item.json()["purchase_price"]) == (
        201,
        "SP0001",
        "1.10",
    )
    assert (supplier.status_code, supplier.json()["code"]) == (201, "GYS0001")
    # but a customer, editing, and 停用 are not his
    before = state()
    assert_error(api.post("/customers", {"name": "客户"}), 403, "forbidden")
    assert_error(api.put("/items/A001", {"name": "改名"}), 403, "forbidden")
    assert_error(api.put("/suppliers/S001", {"active": False}), 403, "forbidden")
    assert_error(api.post("/warehouses", {"name": "仓库"}), 403, "forbidden")
    assert state() == before


def test_sales_adds_customers_only(client, user):
    person("销售")
    api = As(client, "u-销售")
    r = api.post("/customers", {"name": "张记商行", "credit_limit": "5000"})
    assert (r.status_code, r.json()["code"], r.json()["credit_limit"]) == (201, "KH0001", "5000.00")
    before = state()
    assert_error(api.post("/suppliers", {"name": "厂"}), 403, "forbidden")
    assert_error(api.post("/items", {"name": "货", "unit": "个"}), 403, "forbidden")
    assert_error(api.put("/customers/C001", {"phone": "1"}), 403, "forbidden")
    assert state() == before


def test_the_pages_offer_what_each_role_may_add(client, user):
    client.force_login(person("采购"))
    assert 'id="new-item"' in client.get("/items/").content.decode()
    assert 'id="new-partner"' in client.get("/suppliers/").content.decode()
    assert 'id="new-partner"' not in client.get("/customers/").content.decode()
    assert client.get("/customers/new/").status_code == 403
    # the supplier form saves with an automatic code
    r = client.post("/suppliers/new/", {"code": "", "name": "水厂"})
    assert r.status_code == 302
    from openjxc.partners.models import Partner

    assert Partner.objects.get(name="水厂").code == "GYS0001"
    # and 销售 the customer form
    client.force_login(person("销售"))
    assert 'id="new-partner"' in client.get("/customers/").content.decode()
    assert 'id="new-item"' not in client.get("/items/").content.decode()
    assert client.post("/customers/new/", {"code": "K9", "name": "张记"}).status_code == 302
    assert client.post("/suppliers/new/", {"code": "S9", "name": "偷建"}).status_code == 403
    assert not Partner.objects.filter(code="S9").exists()


def test_existing_books_get_the_new_defaults_once(db, user):
    # given: books seeded before the add_* permissions existed
    buyer, seller = Group.objects.get(name="采购"), Group.objects.get(name="销售")
    new = Permission.objects.filter(codename__in=["add_items", "add_suppliers", "add_customers"])
    for g in Group.objects.all():
        g.permissions.remove(*new)
    Setting.objects.filter(key="roles_seeded").delete()
    # when: migrate seeds the roles again
    seed_roles()
    # then: the roles whose defaults name them got them
    assert {p.codename for p in buyer.permissions.filter(codename__startswith="add_")} == {
        "add_items",
        "add_suppliers",
    }
    assert {p.codename for p in seller.permissions.filter(codename__startswith="add_")} == {
        "add_customers"
    }
    assert "add_customers" in get_setting("roles_seeded")
    # and a permission an administrator takes away later stays away
    buyer.permissions.remove(Permission.objects.get(codename="add_items"))
    seed_roles()
    assert not buyer.permissions.filter(codename="add_items").exists()


@pytest.fixture
def draft(user):
    return doc(user, "purchase_receipt", "2026-03-05", [("A001", 2, "5.00")], approve_it=False)


def test_who_cannot_approve_sees_who_can(client, user, draft):
    # given: 采购 made a draft receipt; he may edit but not approve it
    client.force_login(person("采购"))
    # then: the document (his entry form) names the approver instead of an approve button
    page = client.get(f"/doc/{draft}/").content.decode()
    assert 'id="waiting-for"' in page and "待老板审核" in page
    assert 'id="save-approve"' not in page
    # and so does the list, beside the status
    listed = client.get("/documents/purchase_receipt/").content.decode()
    assert "草稿" in listed and "待老板审核" in listed
    assert "待老板审核" in client.get("/documents/").content.decode()
    # a new document's form says it too
    assert "待老板审核" in client.get("/documents/purchase_receipt/new/").content.decode()


def test_who_can_approve_sees_the_button(client, user, draft):
    client.force_login(person("老板"))
    page = client.get(f"/doc/{draft}/").content.decode()
    assert 'id="save-approve"' in page and "待老板审核" not in page
    assert "待老板审核" not in client.get("/documents/purchase_receipt/").content.decode()


def test_a_read_only_document_names_the_approvers_too(client, user, draft):
    # given: a warehouse keeper without edit rights (library role with only stock documents)
    keeper = person("库管")
    group = Group.objects.get(name="库管")
    group.permissions.remove(Permission.objects.get(codename="edit_document"))
    client.force_login(keeper)
    page = client.get(f"/doc/{draft}/").content.decode()
    assert 'id="approve"' not in page and "待老板审核" in page


def test_the_approvers_follow_the_roles(client, user, draft):
    client.force_login(person("采购"))
    approve = Permission.objects.get(codename="approve_document")
    # money documents: 老板 and 财务 approve them
    money = doc(user, "receipt", "2026-03-05", [], partner="C001", amount="10", approve_it=False)
    client.force_login(person("销售", username="u-xs2"))
    Group.objects.get(name="销售").permissions.add(
        Permission.objects.get(codename="money_documents")
    )
    assert "待老板/财务审核" in client.get(f"/doc/{money}/").content.decode()
    # without the boss's approval only the administrator is left
    Group.objects.get(name="老板").permissions.remove(approve)
    client.force_login(person("采购", username="u-cg2"))
    assert "待管理员审核" in client.get(f"/doc/{draft}/").content.decode()
    # and without any approving role, the users who may approve (the superuser admin)
    Group.objects.get(name="管理员").permissions.remove(approve)
    assert "待admin审核" in client.get(f"/doc/{draft}/").content.decode()
