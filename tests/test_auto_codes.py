"""Automatic codes (自动编码) of items, customers, suppliers and warehouses: a create without a code
gets the next one from the numbering setting (prefix + digits), codes typed by hand win and are
skipped, the setting can change, and parallel creates on real connections never collide."""

import pytest
from django.db import connection

from openjxc.catalog.services import create_item
from openjxc.core.codes import next_code
from openjxc.core.errors import DomainError
from openjxc.inventory.services import create_warehouse
from openjxc.partners.services import create_partner

from .factories import As, assert_error, person, state
from .test_concurrency import run_parallel


def item(user, code=None, name="新商品"):
    body = {"name": name, "unit": "个"}
    if code is not None:
        body["code"] = code
    return create_item(user, body)["code"]


def test_items_partners_and_warehouses_are_numbered_in_sequence(user):
    # given: the default numbering (SP 4, KH 4, GYS 4, CK 3)
    # when: three items, two customers, a supplier and a warehouse are created without codes
    items = [item(user) for _ in range(3)]
    customers = [create_partner(user, "customer", {"name": f"客户{n}"})["code"] for n in (1, 2)]
    supplier = create_partner(user, "supplier", {"name": "供应商"})["code"]
    warehouse = create_warehouse(user, {"name": "三号仓"})["code"]
    # then: each kind counts on its own
    assert items == ["SP0001", "SP0002", "SP0003"]
    assert customers == ["KH0001", "KH0002"]
    assert supplier == "GYS0001"
    assert warehouse == "CK001"


def test_a_code_typed_by_hand_wins_and_a_duplicate_is_refused(user):
    # given: one automatic item
    assert item(user) == "SP0001"
    # when: a code is typed by hand
    assert item(user, "HAND-1") == "HAND-1"
    # then: the next automatic code continues the sequence
    assert item(user) == "SP0002"
    # and a hand code that is taken is the normal duplicate error, changing nothing
    before = state()
    with pytest.raises(DomainError) as exc:
        item(user, "SP0001")
    assert exc.value.code == "duplicate_code" and exc.value.details["code"] == "SP0001"
    assert state() == before


def test_codes_taken_by_hand_are_skipped(user):
    # given: SP0001 and SP0003 typed by hand before any automatic code
    item(user, "SP0001")
    item(user, "SP0003")
    # when: three items are created without codes
    codes = [item(user) for _ in range(3)]
    # then: the taken ones are skipped
    assert codes == ["SP0002", "SP0004", "SP0005"]
    # the same per kind: a supplier's code does not block a customer's
    create_partner(user, "supplier", {"code": "KH0001", "name": "供应商"})
    assert create_partner(user, "customer", {"name": "客户"})["code"] == "KH0001"


def test_changing_the_setting_changes_the_next_codes(api, user):
    # given: SP0001 made with the default setting
    assert item(user) == "SP0001"
    # when: the items' prefix becomes P- with 6 digits (through the API)
    assert api.put("/settings/code_prefix.item", {"value": "P-"}).json()["value"] == "P-"
    assert api.put("/settings/code_digits.item", {"value": "6"}).json()["value"] == "6"
    # then: a new prefix starts its own sequence
    assert item(user) == "P-000001"
    assert item(user) == "P-000002"
    # and going back to SP continues where SP stopped
    api.put("/settings/code_prefix.item", {"value": "SP"})
    api.put("/settings/code_digits.item", {"value": "4"})
    assert item(user) == "SP0002"
    # the settings list shows the numbering (defaults included)
    rows = {r["key"]: r["value"] for r in api.get("/settings").json()["items"]}
    assert rows["code_prefix.item"] == "SP" and rows["code_digits.warehouse"] == "3"
    assert rows["code_prefix.supplier"] == "GYS"


def test_a_bad_numbering_setting_is_refused(api, user):
    before = state()
    assert_error(api.put("/settings/code_digits.item", {"value": "0"}), 422, "invalid_code_digits")
    assert_error(
        api.put("/settings/code_prefix.customer", {"value": "客户 1"}), 422, "invalid_code_prefix"
    )
    assert state() == before


def test_the_api_creates_without_code(api):
    # when: POST without code for every kind
    r_item = api.post("/items", {"name": "可乐", "unit": "瓶"})
    r_customer = api.post("/customers", {"name": "张记商行"})
    r_supplier = api.post("/suppliers", {"name": "饮料厂"})
    r_warehouse = api.post("/warehouses", {"name": "门店仓"})
    # then: 201 with the automatic code, readable back by that code
    assert [r.status_code for r in (r_item, r_customer, r_supplier, r_warehouse)] == [201] * 4
    assert r_item.json()["code"] == "SP0001"
    assert api.get("/items/SP0001").json()["name"] == "可乐"
    assert r_customer.json()["code"] == "KH0001"
    assert r_supplier.json()["code"] == "GYS0001"
    assert r_warehouse.json()["code"] == "CK001"
    # a code given still wins; a duplicate stays 409 duplicate_code
    assert api.post("/items", {"code": "X1", "name": "雪碧", "unit": "瓶"}).json()["code"] == "X1"
    assert_error(
        api.post("/items", {"code": "SP0001", "name": "重", "unit": "瓶"}), 409, "duplicate_code"
    )


def test_the_web_forms_create_without_code(admin_client, user):
    # given: the new-item form shows the code it would give
    page = admin_client.get("/items/new/").content.decode()
    assert "SP0001" in page
    # when: the forms are saved with an empty code
    r = admin_client.post(
        "/items/new/", {"code": "", "name": "可乐", "unit": "瓶", "tax_rate": "0.13"}
    )
    assert r.status_code == 302
    r = admin_client.post("/customers/new/", {"code": "", "name": "张记商行"})
    assert r.status_code == 302
    r = admin_client.post("/warehouses/", {"code": "", "name": "门店仓"})
    assert r.status_code == 302
    # then: they got the automatic codes
    from openjxc.catalog.models import Item
    from openjxc.inventory.models import Warehouse
    from openjxc.partners.models import Partner

    assert Item.objects.get(name="可乐").code == "SP0001"
    assert Partner.objects.get(name="张记商行").code == "KH0001"
    assert Warehouse.objects.get(name="门店仓").code == "CK001"


def test_the_settings_page_edits_the_numbering(admin_client, user):
    page = admin_client.get("/settings/").content.decode()
    assert 'name="code_prefix.item"' in page and 'value="GYS"' in page
    form = {
        "company_name": "测试公司",
        "price_includes_tax": "0",
        "code_prefix.item": "SKU",
        "code_digits.item": "5",
    }
    assert admin_client.post("/settings/", form).status_code == 302
    assert item(user) == "SKU00001"
    # a bad value is shown on the page and changes nothing
    r = admin_client.post("/settings/", {**form, "code_digits.item": "abc"})
    assert r.status_code == 422 and "位数" in r.content.decode()
    assert item(user) == "SKU00002"


def test_creating_a_code_needs_the_permission(client, user):
    person("财务")
    before = state()
    r = As(client, "u-财务").post("/items", {"name": "可乐", "unit": "瓶"})
    assert_error(r, 403, "forbidden")
    assert state() == before


def test_next_code_grows_past_its_digits(user):
    # given: CK999 already taken by hand
    create_warehouse(user, {"code": "CK999", "name": "满"})
    from openjxc.core.models import CodeCounter

    CodeCounter.objects.create(kind="warehouse", prefix="CK", last=998)
    # then: the number simply gets longer
    assert create_warehouse(user, {"name": "新"})["code"] == "CK1000"


@pytest.mark.django_db(transaction=True)
def test_parallel_creates_never_collide(user):
    """N creates at once from N connections (PostgreSQL: real row locks; SQLite: serialised
    writers): every one succeeds and all codes are distinct and consecutive."""
    # given: a hand code in the way
    create_item(user, {"code": "SP0003", "name": "手工", "unit": "个"})
    n = 8

    def create(i):
        return create_item(user, {"name": f"并发{i}", "unit": "个"})["code"]

    outcomes = run_parallel(create, [(i,) for i in range(n)])
    codes = [o[1] for o in outcomes]
    assert [o[0] for o in outcomes] == ["ok"] * n, outcomes
    assert len(set(codes)) == n
    expected = {f"SP{k:04d}" for k in range(1, n + 2)} - {"SP0003"}
    assert set(codes) == expected
    # and so for partners through the same counter mechanism
    outcomes = run_parallel(
        lambda i: create_partner(user, "customer", {"name": f"客户{i}"})["code"],
        [(i,) for i in range(n)],
    )
    assert sorted(o[1] for o in outcomes) == [f"KH{k:04d}" for k in range(1, n + 1)]


def test_next_code_runs_inside_the_callers_transaction(user):
    # a create that fails after its code was chosen gives the code back (nothing committed)
    from django.db import transaction

    with pytest.raises(RuntimeError):
        with transaction.atomic():
            assert next_code("item", lambda c: False) == "SP0001"
            raise RuntimeError("rolled back")
    assert item(user) == "SP0001"
    assert connection.in_atomic_block  # the test's own transaction


def xlsx(rows) -> bytes:
    import io

    from openpyxl import Workbook

    wb = Workbook()
    for r in rows:
        wb.active.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_excel_imports_number_rows_without_code(user):
    from openjxc.audit.models import AuditEntry
    from openjxc.catalog.imports import import_items
    from openjxc.partners.imports import import_partners

    # given: an item sheet with one code typed and two left empty
    sheet = xlsx(
        [
            ["商品编码*", "商品名称*", "单位*"],
            ["", "甲", "个"],
            ["X1", "乙", "个"],
            [None, "丙", "个"],
        ]
    )
    # when: previewed, the codes it would get are shown and nothing is kept
    preview = import_items(user, sheet, commit=False)
    assert [r["data"]["code"] for r in preview["rows"]] == ["SP0001", "X1", "SP0002"]
    # then imported, the same codes are given and audited
    result = import_items(user, sheet, commit=True)
    assert result["imported"] == 3
    assert [r["data"]["code"] for r in result["rows"]] == ["SP0001", "X1", "SP0002"]
    entry = AuditEntry.objects.filter(action="import").latest("id")
    assert "SP0002" in str(entry.after)
    # customers too
    sheet = xlsx([["客户编码*", "客户名称*"], ["", "张记商行"]])
    result = import_partners(user, "customer", sheet, commit=True)
    assert [r["data"]["code"] for r in result["rows"]] == ["KH0001"], result
