"""结算账户 (money accounts): any number of cash, bank and other accounts, each its own GL
sub-account; every money document chooses one by its code, and the three seeded accounts keep
posting to 1001 / 1002 / 1012 as before."""

import pytest

from openjxc.ledger.models import Account, MoneyAccount

from .factories import As, audit, person, post, reconciled, refused, vouchers_of

pytestmark = pytest.mark.usefixtures("backups_in_tmp")

ICBC = {"code": "ICBC", "name": "工商银行", "kind": "bank", "bank_name": "工商银行城东支行"}


def _receipt(api, account=None, status=201, **over):
    body = {"type": "receipt", "date": "2026-03-05", "partner": "C001", "amount": "10.00", **over}
    if account is not None:
        body["account"] = account
    return api.post("/documents", body), body


def test_the_books_start_with_the_three_money_accounts_on_their_own_gl_accounts(api):
    rows = api.get("/money-accounts").json()
    assert rows["count"] == 3
    assert [(r["code"], r["name"], r["kind"], r["gl_account"]) for r in rows["items"]] == [
        ("1001", "现金", "cash", "1001"),
        ("1002", "银行存款", "bank", "1002"),
        ("1012", "其他货币资金", "other", "1012"),
    ]


def test_a_new_account_gets_the_next_sub_account_of_its_kind(api):
    # when: two banks and a second cash box are added
    icbc = post(api, "/money-accounts", {**ICBC, "account_no": "6222 0000 1111"}, 201)
    boc = post(api, "/money-accounts", {"code": "BOC", "name": "中国银行", "kind": "bank"}, 201)
    shop = post(api, "/money-accounts", {"code": "SHOP", "name": "门店备用金", "kind": "cash"}, 201)
    # then: each has its own sub-account under 1002 / 1001, named after it
    assert (icbc["gl_account"], icbc["gl_account_name"]) == ("100201", "银行存款—工商银行")
    assert (boc["gl_account"], shop["gl_account"]) == ("100202", "100101")
    assert icbc["account_no"] == "6222 0000 1111" and icbc["active"] is True
    sub = Account.objects.get(code="100201")
    assert (sub.parent.code, sub.category, sub.direction) == ("1002", "asset", "debit")
    assert api.get("/money-accounts/ICBC").json() == icbc
    assert audit(api, "ICBC") == [("create", "admin", "")]
    reconciled(api)


def test_a_money_document_posts_to_the_account_it_names(api):
    post(api, "/money-accounts", ICBC, 201)
    r, _ = _receipt(api, "ICBC")
    doc = r.json()
    assert r.status_code == 201 and doc["account"] == "ICBC"
    post(api, f"/documents/{doc['number']}/approve")
    assert vouchers_of(doc["number"]) == [
        "借 100201 银行存款—工商银行 10.00 / 贷 2203 预收账款 10.00"
    ]
    # and the seeded code keeps its meaning, also as the default
    for account in ("1002", None):
        r, _ = _receipt(api, account)
        post(api, f"/documents/{r.json()['number']}/approve")
        assert r.json()["account"] == "1002"
        assert vouchers_of(r.json()["number"]) == [
            "借 1002 银行存款 10.00 / 贷 2203 预收账款 10.00"
        ]
    reconciled(api)


def test_an_unknown_money_account_is_refused_and_changes_nothing(api):
    for code in ("NOPE", "1122", "5603"):  # a GL account is not a money account
        err = refused(lambda code=code: _receipt(api, code)[0], 422, "unknown_money_account")
        assert err["details"] == {"field": "account", "account": code}
        assert "没有" in err["message"] and code in err["message"]


def test_duplicate_codes_and_bad_input_are_refused(api):
    post(api, "/money-accounts", ICBC, 201)
    count = MoneyAccount.objects.count()
    accounts = Account.objects.count()
    for body, status, code in [
        (ICBC, 409, "duplicate_code"),
        ({**ICBC, "code": "1122"}, 409, "duplicate_code"),  # a GL account's code
        ({**ICBC, "code": "X", "kind": "gold"}, 422, "invalid"),
        ({**ICBC, "code": "X", "name": " "}, 422, "invalid"),
        ({**ICBC, "code": "X", "iban": "DE00"}, 422, "unknown_field"),
    ]:
        refused(lambda body=body: api.post("/money-accounts", body), status, code)
    assert (MoneyAccount.objects.count(), Account.objects.count()) == (count, accounts)


def test_deactivating_refuses_it_on_new_documents_and_approvals(api):
    post(api, "/money-accounts", ICBC, 201)
    draft = _receipt(api, "ICBC")[0].json()["number"]
    # when: 停用
    changed = api.put("/money-accounts/ICBC", {"active": False, "account_no": "123"}).json()
    assert (changed["active"], changed["account_no"]) == (False, "123")
    # then: not on a new document, and the draft made before cannot be approved
    err = refused(lambda: _receipt(api, "ICBC")[0], 422, "inactive_money_account")
    assert err["details"]["account"] == "ICBC" and "ICBC" in err["message"]
    err = refused(lambda: api.post(f"/documents/{draft}/approve"), 422, "inactive_money_account")
    assert "ICBC" in err["message"]
    assert [r["code"] for r in api.get("/money-accounts?active=true").json()["items"]] == [
        "1001",
        "1002",
        "1012",
    ]
    # activated again it is usable
    api.put("/money-accounts/ICBC", {"active": True})
    post(api, f"/documents/{draft}/approve")


def test_renaming_renames_its_sub_account_and_is_audited(api):
    post(api, "/money-accounts", ICBC, 201)
    renamed = api.put("/money-accounts/ICBC", {"name": "工行基本户"}).json()
    assert renamed["gl_account_name"] == "银行存款—工行基本户"
    assert [a for a, *_ in audit(api, "ICBC")] == ["create", "edit"]
    # a seeded account keeps its GL account's name
    assert (
        api.put("/money-accounts/1002", {"name": "基本户"}).json()["gl_account_name"] == "银行存款"
    )
    assert api.put("/money-accounts/NOPE", {"name": "x"}).status_code == 404


def test_money_accounts_are_for_the_money_area(client, user):
    for role, allowed in (("财务", True), ("老板", True), ("销售", False), ("库管", False)):
        person(role)
        as_role = As(client, f"u-{role}")
        listed = as_role.get("/money-accounts")
        created = as_role.post("/money-accounts", {**ICBC, "code": f"B-{role}"})
        assert (listed.status_code, created.status_code) == (
            (200, 201) if allowed else (403, 403)
        ), role


def test_an_opening_balance_goes_into_each_money_account(api):
    post(api, "/money-accounts", ICBC, 201)
    # 1002 has a sub-account now, and is still a money account of its own
    body = [
        {"account": "1002", "debit": "500.00"},
        {"account": "100201", "debit": "300.00"},
        {"account": "3001", "credit": "800.00"},
    ]
    r = api.put("/opening/accounts", body)
    assert r.status_code == 200, r.content
    assert r.json()["check"]["balanced"] is True
    assert {i["account"] for i in r.json()["items"]} == {"1002", "100201", "3001"}
    # a parent that is no money account still needs its sub-accounts
    err = api.put("/opening/accounts", [{"account": "222101", "debit": "1"}]).json()["error"]
    assert err["code"] == "control_account"
