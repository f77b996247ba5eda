"""Master data, import, users, roles and settings pages through the Django test client."""

import io

import pytest
from django.contrib.auth import get_user_model
from openpyxl import Workbook, load_workbook

from openjxc.catalog.models import Item
from openjxc.catalog.selectors import item_by_barcode
from openjxc.core.services import get_setting
from openjxc.partners.models import Partner
from openjxc.users import admin as users_admin
from openjxc.users.models import WarehouseAccess
from openjxc.users.services import MANAGE_USERS, VIEW_COST, can
from tests.factories import fetch

pytestmark = pytest.mark.django_db


def make_user(admin, username, roles, warehouses=()):
    users_admin.create_user(
        admin,
        {
            "username": username,
            "password": "secret123",
            "roles": roles,
            "warehouses": list(warehouses),
        },
    )
    return get_user_model().objects.get(username=username)


def test_pages_render_for_the_admin(admin_client):
    for url in (
        "/items/",
        "/items/new/",
        "/items/A001/edit/",
        "/customers/",
        "/customers/new/",
        "/customers/C001/edit/",
        "/suppliers/",
        "/suppliers/new/",
        "/suppliers/S001/edit/",
        "/warehouses/",
        "/warehouses/WH1/edit/",
        "/import/",
        "/import/?kind=opening",
        "/users/",
        "/users/new/",
        "/users/admin/edit/",
        "/users/roles/",
        "/settings/",
    ):
        r = admin_client.get(url)
        assert r.status_code == 200, url
    assert admin_client.get("/items/NOPE/edit/").status_code == 404


def test_item_create_with_generated_barcode_and_inline_error(admin_client):
    r = admin_client.post(
        "/items/new/",
        {
            "code": "N001",
            "name": "农夫山泉",
            "unit": "瓶",
            "tax_rate": "0.13",
            "purchase_price": "1.20",
            "sale_price": "2",
            "safety_stock": "12",
        },
    )
    assert r.status_code == 302
    item = Item.objects.get(code="N001")
    assert (
        len(item.barcode) == 13 and item.pinyin == "nfsq" and str(item.purchase_price) == "1.200000"
    )
    assert item.safety_stock == 120000
    # the list finds it by pinyin initials and shows the barcode
    page = admin_client.get("/items/?q=nfsq").content.decode()
    assert item.barcode in page and 'data-code="N001"' in page
    # a duplicate code: the form comes back with the message and the input, nothing written
    r = admin_client.post(
        "/items/new/", {"code": "N001", "name": "重复", "unit": "瓶", "tax_rate": "0.13"}
    )
    assert r.status_code == 409
    body = r.content.decode()
    assert 'id="form-error"' in body and "N001" in body and 'value="重复"' in body
    # a bad price
    r = admin_client.post(
        "/items/N001/edit/",
        {"name": "农夫山泉", "unit": "瓶", "tax_rate": "0.13", "sale_price": "abc"},
    )
    assert r.status_code == 422 and 'id="form-error"' in r.content.decode()
    assert Item.objects.get(code="N001").sale_price == 2
    # edit: clearing the barcode regenerates one, the price changes
    r = admin_client.post(
        "/items/N001/edit/",
        {
            "name": "农夫山泉 550ml",
            "unit": "瓶",
            "tax_rate": "0.09",
            "barcode": "",
            "purchase_price": "1.10",
            "sale_price": "2.50",
            "active": "1",
        },
    )
    assert r.status_code == 302
    item.refresh_from_db()
    assert (
        item.name,
        str(item.tax_rate),
        str(item.sale_price),
        len(item.barcode),
        item.active,
    ) == ("农夫山泉 550ml", "0.0900", "2.500000", 13, True)
    # unticking "active" deactivates it: the scanner no longer finds it by barcode
    r = admin_client.post(
        "/items/N001/edit/",
        {
            "name": "农夫山泉 550ml",
            "unit": "瓶",
            "tax_rate": "0.09",
            "barcode": item.barcode,
            "sale_price": "2.50",
        },
    )
    assert r.status_code == 302
    item.refresh_from_db()
    assert not item.active and item_by_barcode(item.barcode) is None
    assert str(item.purchase_price) == "1.100000"  # a field not sent is left as it was
    export = admin_client.get("/customers/?export=1")
    assert (
        load_workbook(io.BytesIO(export.content)).active["A4"].value == "C001"
    )  # below the title block


def test_sales_clerk_sees_no_purchase_price_and_cannot_write(client, user):
    admin_client_user = user
    from openjxc.catalog.services import update_item

    update_item(admin_client_user, "A001", {"purchase_price": "7.77", "sale_price": "9.99"})
    clerk = make_user(user, "xs", ["销售"])
    assert not can(clerk, VIEW_COST)
    client.force_login(clerk)
    page = client.get("/items/?q=A001").content.decode()
    assert "9.99" in page and "7.77" not in page and "purchase-price" not in page
    export = client.get("/items/?q=A001&export=1")
    assert export.status_code == 200
    ws = load_workbook(io.BytesIO(export.content)).active
    assert "采购价" not in [c.value for c in ws[3]] and 7.77 not in [c.value for c in ws[4]]
    # no master-data permission: new items and suppliers, edits and imports are 403 pages, and
    # the POST changes nothing (adding customers is a 销售 role default: tests/test_role_defaults.py)
    for url in ("/items/new/", "/items/A001/edit/", "/suppliers/new/", "/import/"):
        assert client.get(url).status_code == 403, url
    r = client.post("/items/A001/edit/", {"name": "改名", "unit": "个"})
    assert r.status_code == 403 and Item.objects.get(code="A001").name == "商品A001"
    r = client.post("/warehouses/", {"code": "WH9", "name": "偷建"})
    assert r.status_code == 403
    # an admin sees the purchase price
    client.force_login(user)
    assert "7.77" in client.get("/items/?q=A001").content.decode()


def test_users_and_settings_are_admin_only(client, user):
    boss = make_user(user, "boss", ["老板"])
    client.force_login(boss)
    for url in ("/users/", "/users/new/", "/users/roles/", "/settings/", "/users/admin/edit/"):
        assert client.get(url).status_code == 403, url
    r = client.post("/settings/", {"company_name": "偷改"})
    assert r.status_code == 403 and get_setting("company_name") is None
    r = client.post("/users/new/", {"username": "x", "password": "secret123", "roles": ["管理员"]})
    assert r.status_code == 403 and not get_user_model().objects.filter(username="x").exists()


def test_create_sales_user_with_warehouse_restriction(admin_client):
    r = admin_client.post(
        "/users/new/",
        {
            "username": "li",
            "name": "小李",
            "password": "123",
            "roles": ["销售"],
            "warehouses": ["WH1"],
            "active": "1",
        },
    )
    assert r.status_code == 422 and 'id="form-error"' in r.content.decode()
    r = admin_client.post(
        "/users/new/",
        {
            "username": "li",
            "name": "小李",
            "password": "secret123",
            "roles": ["销售"],
            "warehouses": ["WH1"],
            "active": "1",
        },
    )
    assert r.status_code == 302
    li = get_user_model().objects.get(username="li")
    assert (
        li.check_password("secret123")
        and li.is_active
        and [g.name for g in li.groups.all()] == ["销售"]
    )
    assert list(
        WarehouseAccess.objects.filter(user=li).values_list("warehouse__code", flat=True)
    ) == ["WH1"]
    page = admin_client.get("/users/").content.decode()
    assert "仓库WH1" in page
    # edit: a second warehouse, then reset the password, then deactivate
    r = admin_client.post(
        "/users/li/edit/",
        {
            "action": "save",
            "name": "小李",
            "roles": ["销售", "库管"],
            "warehouses": ["WH1", "WH2"],
            "active": "1",
        },
    )
    assert r.status_code == 302
    assert sorted(
        WarehouseAccess.objects.filter(user=li).values_list("warehouse__code", flat=True)
    ) == ["WH1", "WH2"]
    assert (
        admin_client.post(
            "/users/li/edit/", {"action": "password", "password": "newpass1"}
        ).status_code
        == 302
    )
    li.refresh_from_db()
    assert li.check_password("newpass1")
    assert admin_client.post("/users/li/edit/", {"action": "deactivate"}).status_code == 302
    li.refresh_from_db()
    assert not li.is_active
    assert fetch(
        "SELECT action FROM audit_auditentry WHERE object_type = 'user' AND object = 'li' ORDER BY id"
    ) == [("create",), ("edit",), ("reset_password",), ("edit",)]
    # an admin cannot deactivate themself
    r = admin_client.post("/users/admin/edit/", {"action": "deactivate"})
    assert r.status_code == 422 and get_user_model().objects.get(username="admin").is_active


def test_role_matrix_save_changes_permissions(admin_client, user):
    clerk = make_user(user, "xs", ["销售"])
    assert not can(clerk, VIEW_COST)
    matrix = users_admin.role_matrix()
    form = {f"{role}:{p}": "1" for role, perms in matrix.items() for p in perms}
    form["销售:view_cost"] = "1"  # price visibility for sales
    del form["销售:export_data"]
    r = admin_client.post("/users/roles/", form)
    assert r.status_code == 302
    clerk = get_user_model().objects.get(username="xs")
    assert can(clerk, VIEW_COST) and not can(clerk, "users.export_data")
    page = admin_client.get("/users/roles/").content.decode()
    assert 'name="销售:view_cost" value="1" aria-label' in page
    # the admin role cannot lose manage_users when the admin depends on it
    superuser = get_user_model().objects.get(username="admin")
    superuser.is_superuser = False
    superuser.save()
    superuser.groups.add(*[g for g in clerk.groups.model.objects.filter(name="管理员")])
    form.pop("管理员:manage_users")
    r = admin_client.post("/users/roles/", form)
    assert r.status_code == 422
    assert can(get_user_model().objects.get(username="admin"), MANAGE_USERS)


def test_settings_saved_and_validated(admin_client):
    data = {
        "company_name": "示例商贸",
        "company_address": "广州市天河区",
        "company_phone": "020-1234",
        "price_includes_tax": "1",
        "credit_limit_policy": "block",
        "approval_threshold.purchase_receipt": "5000",
    }
    assert admin_client.post("/settings/", data).status_code == 302
    assert [
        get_setting(k)
        for k in (
            "company_name",
            "company_address",
            "company_phone",
            "price_includes_tax",
            "credit_limit_policy",
            "approval_threshold.purchase_receipt",
        )
    ] == ["示例商贸", "广州市天河区", "020-1234", "1", "block", "5000.00"]
    r = admin_client.post("/settings/", {**data, "approval_threshold.purchase_receipt": "abc"})
    assert r.status_code == 422 and 'id="form-error"' in r.content.decode()
    assert get_setting("approval_threshold.purchase_receipt") == "5000.00"
    assert (
        admin_client.post(
            "/settings/", {**data, "approval_threshold.purchase_receipt": ""}
        ).status_code
        == 302
    )
    assert get_setting("approval_threshold.purchase_receipt") is None


def test_partner_and_warehouse_forms(admin_client):
    r = admin_client.post(
        "/customers/new/",
        {"code": "C002", "name": "客户二", "phone": "138", "credit_limit": "1000"},
    )
    assert r.status_code == 302
    assert Partner.objects.get(kind="customer", code="C002").credit_limit == 100000
    r = admin_client.post(
        "/customers/C002/edit/", {"name": "客户二改", "phone": "", "credit_limit": ""}
    )
    assert r.status_code == 302
    c = Partner.objects.get(kind="customer", code="C002")
    assert (c.name, c.credit_limit, c.active) == ("客户二改", None, False)
    r = admin_client.post("/suppliers/new/", {"code": "S001", "name": "重复"})
    assert r.status_code == 409 and 'id="form-error"' in r.content.decode()
    assert admin_client.post("/warehouses/", {"code": "WH3", "name": "三号仓"}).status_code == 302
    assert "三号仓" in admin_client.get("/warehouses/").content.decode()
    r = admin_client.post("/warehouses/", {"code": "WH4", "name": ""})  # an empty code is
    assert r.status_code == 422  # numbered (tests/test_auto_codes.py), an empty name refused


def xlsx(rows) -> bytes:
    wb = Workbook()
    for r in rows:
        wb.active.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def upload(client, kind, content, name="data.xlsx"):
    f = io.BytesIO(content)
    f.name = name
    return client.post("/import/", {"kind": kind, "file": f})


def test_import_preview_then_import(admin_client):
    template = admin_client.get("/import/template/items/")
    headers = [c.value for c in load_workbook(io.BytesIO(template.content)).active[1]]
    assert headers[:3] == ["商品编码*", "商品名称*", "单位*"]
    bad = xlsx([headers, ["B001", "可乐", "瓶"], ["B002", "雪碧", None]])
    r = upload(admin_client, "items", bad)
    body = r.content.decode()
    assert r.status_code == 200 and 'data-bad="1"' in body and 'id="import-button" disabled' in body
    assert 'data-row="3" class="row-bad"' in body
    assert not Item.objects.filter(code="B001").exists()
    # forcing the import of the bad file still imports nothing
    token = admin_client.session["import"]["token"]
    r = admin_client.post("/import/", {"kind": "items", "action": "import", "token": token})
    assert r.status_code == 422 and not Item.objects.filter(code="B001").exists()
    good = xlsx([headers, ["B001", "可乐", "瓶"], ["B002", "雪碧", "瓶"]])
    r = upload(admin_client, "items", good)
    assert 'data-bad="0"' in r.content.decode()
    token = admin_client.session["import"]["token"]
    r = admin_client.post("/import/", {"kind": "items", "action": "import", "token": token})
    assert r.status_code == 302 and Item.objects.filter(code__in=["B001", "B002"]).count() == 2
    # not a workbook, and a wrong token
    r = upload(admin_client, "items", b"hello")
    assert r.status_code == 422 and 'id="form-error"' in r.content.decode()
    r = admin_client.post("/import/", {"kind": "items", "action": "import", "token": "nope"})
    assert r.status_code == 409


def test_opening_stock_upload_shows_totals_and_posts(admin_client):
    content = xlsx(
        [
            ["仓库编码", "商品编码", "数量", "单位成本", "金额"],
            ["WH1", "A001", 10, "5.00", None],
            ["WH2", "A002", 4, None, "10.00"],
        ]
    )
    r = upload(admin_client, "opening", content)
    body = r.content.decode()
    assert 'data-bad="0"' in body and 'id="preview-totals"' in body
    assert '<td class="num">14</td>' in body and '<td class="num">60.00</td>' in body
    assert not fetch("SELECT 1 FROM documents_document")
    token = admin_client.session["import"]["token"]
    r = admin_client.post("/import/", {"kind": "opening", "action": "import", "token": token})
    assert r.status_code == 302
    assert [
        (t, str(d), m, s)
        for t, d, m, s in fetch("SELECT type, date, memo, status FROM documents_document")
    ] == [("opening_stock", "2026-01-01", "期初库存", "approved")] * 2
    assert fetch("SELECT SUM(qty), SUM(value) FROM inventory_stockbalance") == [(140000, 6000)]
