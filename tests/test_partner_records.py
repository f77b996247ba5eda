"""Full customer and supplier records (issue 11, item 4): contact, phones, address, 税号, bank,
账期, price level, credit limit and active flag through POST / GET / PUT, and the edit form."""

import pytest

from openjxc.catalog.models import PriceLevel
from tests.factories import fetch

FULL = {
    "code": "C100",
    "name": "城东便利店",
    "contact": "张三",
    "phone": "020-12345678",
    "mobile": "13800000000",
    "address": "广州市天河路 1 号",
    "tax_no": "91110000600037341L",
    "bank_name": "工商银行天河支行",
    "bank_account": "6222020200001234567",
    "payment_terms_days": 30,
    "price_level": "VIP",
    "credit_limit": "5000",
    "active": True,
}


@pytest.fixture
def vip(db):
    return PriceLevel.objects.create(code="VIP", name="VIP价")


def test_a_customer_is_created_and_read_with_every_field(api, user, vip):
    # when
    r = api.post("/customers", FULL)
    # then
    assert r.status_code == 201, r.content
    expected = {**FULL, "kind": "customer", "credit_limit": "5000.00"}
    got = api.get("/customers/C100").json()
    assert {k: got[k] for k in expected} == expected
    listed = api.get("/customers?search=C100").json()["items"][0]
    assert listed["contact"] == "张三" and listed["payment_terms_days"] == 30


def test_put_changes_only_the_fields_sent_and_is_audited(api, user, vip):
    # given
    api.post("/customers", FULL)
    # when: two fields change
    r = api.put("/customers/C100", {"mobile": "13900000000", "payment_terms_days": "45"})
    # then: those two, nothing else
    assert r.status_code == 200, r.content
    after = api.get("/customers/C100").json()
    assert after["mobile"] == "13900000000" and after["payment_terms_days"] == 45
    assert {k: after[k] for k in FULL if k not in ("mobile", "payment_terms_days")} == {
        **{k: v for k, v in FULL.items() if k not in ("mobile", "payment_terms_days")},
        "credit_limit": "5000.00",
    }
    edits = fetch(
        "SELECT action, before, after FROM audit_auditentry WHERE object = 'C100' ORDER BY id"
    )
    assert [e[0] for e in edits] == ["create", "edit"]
    assert '"payment_terms_days": 30' in edits[1][1] and '"payment_terms_days": 45' in edits[1][2]
    # and null clears what may be empty; the level and the active flag too
    api.put("/customers/C100", {"price_level": None, "credit_limit": None, "active": False})
    cleared = api.get("/customers/C100").json()
    assert (cleared["price_level"], cleared["credit_limit"], cleared["active"]) == (
        None,
        None,
        False,
    )


def test_a_supplier_is_changed_through_put_too(api, user):
    r = api.put("/suppliers/S001", {"contact": "李四", "payment_terms_days": 60})
    assert r.status_code == 200, r.content
    assert r.json()["contact"] == "李四" and r.json()["name"] == "供应商一"
    assert api.get("/suppliers/S001").json()["payment_terms_days"] == 60


@pytest.mark.parametrize(
    "body,field",
    [({"nmae": "x"}, "nmae"), ({"code": "C002"}, "code"), ({"kind": "supplier"}, "kind")],
)
def test_put_refuses_an_unknown_field_and_changes_nothing(api, user, body, field):
    before = api.get("/customers/C001").json()
    r = api.put("/customers/C001", body)
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "unknown_field"
    assert r.json()["error"]["details"]["field"] == field
    assert api.get("/customers/C001").json() == before


def test_put_of_an_unknown_partner_is_404_and_of_the_other_kind_too(api, user):
    assert api.put("/customers/NOPE", {"name": "x"}).status_code == 404
    assert api.put("/suppliers/C001", {"name": "x"}).json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    "tax_no,stored",
    [
        ("91110000600037341L", "91110000600037341L"),
        ("9111 0000 6000 3734 1l", "91110000600037341L"),  # spaces and lower case as typed
        ("110101199003074477", "110101199003074477"),  # a person's 身份证号
        ("440106123456789", "440106123456789"),  # an old 15-character 税号
        ("", ""),
    ],
)
def test_a_valid_tax_number_is_stored_compact(api, user, tax_no, stored):
    r = api.post("/suppliers", {"code": "S9", "name": "税号测试", "tax_no": tax_no})
    assert r.status_code == 201, r.content
    assert r.json()["tax_no"] == stored


@pytest.mark.parametrize(
    "tax_no", ["91110000600037341A", "123", "9111000060003734", "91110000-6000-3734-1L-X"]
)
def test_an_invalid_tax_number_is_refused_with_its_code(api, user, tax_no):
    # a wrong check character, too short, an odd length: 422 invalid_tax_no, nothing saved
    r = api.post("/customers", {"code": "C9", "name": "错税号", "tax_no": tax_no})
    assert r.status_code == 422, r.content
    assert r.json()["error"]["code"] == "invalid_tax_no"
    assert r.json()["error"]["details"]["field"] == "tax_no"
    assert api.get("/customers/C9").status_code == 404
    r = api.put("/customers/C001", {"tax_no": tax_no})
    assert r.json()["error"]["code"] == "invalid_tax_no"
    assert api.get("/customers/C001").json()["tax_no"] == ""


@pytest.mark.parametrize(
    "body,code,field",
    [
        ({"payment_terms_days": -1}, "invalid", "payment_terms_days"),
        ({"payment_terms_days": "30.5"}, "invalid", "payment_terms_days"),
        ({"payment_terms_days": 4000}, "invalid", "payment_terms_days"),
        ({"payment_terms_days": "三十"}, "invalid_number", "payment_terms_days"),
        ({"price_level": "NOPE"}, "not_found", None),
        ({"contact": "x" * 101}, "too_long", "contact"),
    ],
)
def test_other_bad_fields_are_refused(api, user, body, code, field):
    r = api.put("/customers/C001", body)
    assert r.json()["error"]["code"] == code, r.content
    if field:
        assert r.json()["error"]["details"]["field"] == field


def test_the_chinese_sentence_of_invalid_tax_no(user):
    from django.utils import translation

    from openjxc.core.errors import DomainError
    from openjxc.web.errors import error_message

    with translation.override("zh-hans"):
        text = error_message(DomainError("invalid_tax_no", "x", {"value": "123"}))
    assert text == "税号 123 无效：统一社会信用代码为 18 位字母和数字，最后一位是校验码。"


def test_the_edit_form_shows_and_saves_every_field(client, user, vip):
    # given
    client.force_login(user)
    page = client.get("/customers/C001/edit/").content.decode()
    for name in ("contact", "mobile", "address", "tax_no", "bank_name", "bank_account"):
        assert f'name="{name}"' in page
    assert 'name="payment_terms_days"' in page and '<option value="VIP"' in page
    # when
    form = {
        "name": "客户一",
        "contact": "王五",
        "phone": "020-1",
        "mobile": "13700000000",
        "address": "深圳",
        "tax_no": "91110000600037341L",
        "bank_name": "建设银行",
        "bank_account": "6217",
        "payment_terms_days": "15",
        "price_level": "VIP",
        "credit_limit": "",
        "active": "1",
    }
    r = client.post("/customers/C001/edit/", form)
    # then
    assert r.status_code == 302
    got = fetch(
        "SELECT contact, mobile, address, tax_no, bank_name, bank_account, payment_terms_days, "
        "l.code, credit_limit, p.active FROM partners_partner p LEFT JOIN catalog_pricelevel l "
        "ON l.id = p.price_level_id WHERE p.code = 'C001'"
    )[0]
    assert got[:9] == (
        "王五",
        "13700000000",
        "深圳",
        "91110000600037341L",
        "建设银行",
        "6217",
        15,
        "VIP",
        None,
    )
    assert bool(got[9])
    # the list shows contact, phone and terms
    listed = client.get("/customers/").content.decode()
    assert "王五" in listed and "020-1 / 13700000000" in listed and ">15<" in listed


def test_the_form_shows_a_bad_tax_number_and_keeps_the_input(client, user):
    client.force_login(user)
    r = client.post("/suppliers/new/", {"code": "S5", "name": "新供应商", "tax_no": "123"})
    assert r.status_code == 422
    page = r.content.decode()
    assert 'id="id_tax_no" value="123"' in page and 'class="invalid"' in page
    assert fetch("SELECT COUNT(*) FROM partners_partner WHERE code = 'S5'")[0][0] == 0
