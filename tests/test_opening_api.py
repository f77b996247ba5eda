"""The 期初 API, rule by rule (API.md "Master data and go-live"): the typed account balances and
what they refuse, the figures of GET /opening/check, unknown fields, the dates of opening
documents, and the permissions of each role."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from openjxc.documents.models import Document
from openjxc.users.services import issue_token
from tests.factories import fetch


def put(api, entries):
    return api.put("/opening/accounts", entries)


def error(r) -> tuple:
    body = r.json()["error"]
    return r.status_code, body["code"], body["details"]


@pytest.mark.parametrize("code", ["1405", "1122", "2202", "1123", "2203", "22210101", "3999"])
def test_a_control_account_cannot_be_typed(api, code):
    # when a balance is typed into an account a subledger owns (or into the difference itself)
    r = put(api, [{"account": "1001", "debit": "5"}, {"account": code, "debit": "100.00"}])
    # then 422 control_account names it, and nothing is posted
    status, err, details = error(r)
    assert (status, err, details["account"], details["field"]) == (
        422,
        "control_account",
        code,
        "[1].account",
    )
    assert not Document.objects.exists()


def test_what_else_the_typed_balances_refuse(api):
    cases = [
        ([{"account": "9999", "debit": "1"}], 404, "not_found"),
        ([{"account": "1002", "debit": "1", "credit": "1"}], 422, "invalid"),
        ([{"account": "1002"}], 422, "invalid"),
        ([{"account": "1002", "debit": "-1"}], 422, "invalid"),
        ([{"account": "1002", "debit": "1.001"}], 422, "invalid"),
        ([{"account": "1002", "debit": "abc"}], 422, "invalid_number"),
        ([{"account": "5001", "credit": "1"}], 422, "invalid"),  # profit and loss
        ([{"account": "1901", "debit": "1"}], 422, "invalid"),  # nothing opens on 1901
        ([{"account": "2221", "credit": "1"}], 422, "control_account"),
        ([{"account": "1002", "debit": "1"}, {"account": "1002", "credit": "2"}], 422, "invalid"),
        ({"account": "1002", "debit": "1"}, 422, "invalid"),  # not a list
    ]
    for body, status, code in cases:
        r = put(api, body)
        assert (r.status_code, r.json()["error"]["code"]) == (status, code), (body, r.content)
    assert not Document.objects.exists()


def test_unknown_fields_are_refused_not_dropped(api):
    r = put(api, [{"account": "1002", "debet": "100"}])
    assert error(r)[:2] == (422, "unknown_field") and error(r)[2]["field"] == "[0].debet"
    r = api.post("/documents", {"type": "opening_receivable", "partner": "C001", "amont": "100"})
    assert error(r)[:2] == (422, "unknown_field") and error(r)[2]["field"] == "amont"
    assert not Document.objects.exists()


def test_setting_the_balances_again_replaces_them(api):
    # given typed balances
    first = put(api, [{"account": "1001", "debit": "300"}, {"account": "3001", "credit": "300"}])
    assert first.status_code == 200 and first.json()["check"]["balanced"] is True
    number = first.json()["document"]
    # when the same balances are sent again, nothing changes (no new document)
    again = put(api, [{"account": "3001", "credit": "300.00"}, {"account": "1001", "debit": "300"}])
    assert again.json()["document"] == number and Document.objects.count() == 1
    # when other balances are sent, the old document is cancelled and a new one posted
    other = put(
        api,
        [{"account": "1002", "debit": "1000"}, {"account": "1001", "debit": "0"}],
    )
    new = other.json()["document"]
    assert new != number
    statuses = dict(Document.objects.values_list("number", "status"))
    assert statuses == {number: "cancelled", new: "approved"}
    assert [(i["account"], i["debit"]) for i in other.json()["items"]] == [("1002", "1000.00")]
    assert other.json()["check"] == {
        "balanced": False,
        "debit": "1000.00",
        "credit": "0.00",
        "difference": "1000.00",
    }
    assert api.get("/opening/accounts").json()["document"] == new
    # when the list is empty, no typed balance is left
    empty = put(api, [])
    assert empty.json()["document"] is None and empty.json()["items"] == []
    assert Document.objects.filter(status="approved").count() == 0
    assert api.get("/opening/check").json()["difference"] == "0.00"
    assert api.get("/reconcile").json()["ok"]


def test_the_check_adds_every_opening_balance(api):
    # given opening stock (draft and approved), a receivable, a payable and typed balances
    def made(body, approve=True):
        number = api.post("/documents", body).json()["number"]
        if approve:
            assert api.post(f"/documents/{number}/approve").status_code == 200
        return number

    stock = {"type": "opening_stock", "warehouse": "WH1"}
    made({**stock, "lines": [{"item": "A001", "qty": "3", "price": "1.115"}]})  # 3.35 (half up)
    made({**stock, "lines": [{"item": "A002", "qty": "1", "price": "99"}]}, approve=False)
    made({"type": "opening_receivable", "partner": "C001", "amount": "10.10"})
    made({"type": "opening_payable", "partner": "S001", "amount": "7.00"})
    put(api, [{"account": "1001", "debit": "1.55"}, {"account": "2241", "credit": "2.00"}])
    # then drafts do not count; debit = 3.35 + 10.10 + 1.55, credit = 7.00 + 2.00
    assert api.get("/opening/check").json() == {
        "balanced": False,
        "debit": "15.00",
        "credit": "9.00",
        "difference": "6.00",
    }
    # and the difference is the balance of 3999 期初余额差额 (a credit of 6.00)
    net = fetch(
        "SELECT SUM(l.debit - l.credit) FROM ledger_journalline l JOIN ledger_account a "
        "ON a.id = l.account_id WHERE a.code = '3999'"
    )[0][0]
    assert net == -600


def test_opening_documents_are_dated_at_go_live(api):
    # an opening stock document dated elsewhere is refused
    lines = [{"item": "A001", "qty": "1", "price": "1"}]
    body = {"type": "opening_stock", "warehouse": "WH1", "lines": lines}
    r = api.post("/documents", {**body, "date": "2026-02-01"})
    assert error(r)[:2] == (422, "invalid") and error(r)[2]["start_date"] == "2026-01-01"
    assert api.post("/documents", {**body, "date": "2026-01-01"}).status_code == 201
    # a receivable's own date may be before go-live, not after; its due date not before it
    base = {"type": "opening_receivable", "partner": "C001", "amount": "5"}
    assert api.post("/documents", {**base, "date": "2026-01-02"}).status_code == 422
    r = api.post("/documents", {**base, "date": "2025-12-01", "due_date": "2025-11-30"})
    assert error(r)[:2] == (422, "invalid") and error(r)[2]["field"] == "due_date"
    for bad in ({"amount": "0"}, {"amount": "-5"}, {"partner": "NOPE"}, {"date": "2025-13-01"}):
        assert api.post("/documents", {**base, **bad}).status_code in (404, 422), bad
    r = api.post("/documents", {**base, "lines": lines})
    assert error(r)[:2] == (422, "invalid") and error(r)[2]["field"] == "lines"
    # opening account balances are not a draft of POST /documents
    r = api.post("/documents", {"type": "opening_accounts"})
    assert error(r)[:2] == (422, "invalid")


def test_the_due_date_follows_the_partners_payment_terms(api, user):
    from openjxc.partners.models import Partner

    Partner.objects.filter(code="C001").update(payment_terms_days=30)
    r = api.post(
        "/documents",
        {"type": "opening_receivable", "partner": "C001", "amount": "5", "date": "2025-12-10"},
    )
    assert (r.json()["origin_date"], r.json()["due_date"]) == ("2025-12-10", "2026-01-09")


# role: (老板, 采购, 销售, 库管, 财务, 管理员)
ROLES = ("老板", "采购", "销售", "库管", "财务", "管理员")
Y, N = True, False
WRITES = {
    "put_accounts": (Y, N, N, N, Y, Y),
    "create_receivable": (Y, N, N, N, Y, Y),
    "create_opening_stock": (Y, N, N, Y, Y, Y),
}
READS = {"/opening/check": (Y, Y, N, N, Y, Y), "/opening/accounts": (Y, Y, N, N, Y, Y)}


@pytest.mark.parametrize("role", ROLES)
def test_who_may_set_and_read_the_opening_balances(client, user, role):
    u = get_user_model().objects.create_user(f"u-{role}", password="pw-123456")
    u.groups.add(Group.objects.get(name=role))
    headers = {"HTTP_AUTHORIZATION": f"Bearer {issue_token(u.username, 'pw-123456')}"}
    n = ROLES.index(role)

    def call(method, path, body=None):
        kwargs = {"content_type": "application/json", **headers}
        return getattr(client, method)("/api/v1" + path, data=body, **kwargs)

    for path, allowed in READS.items():
        assert call("get", path).status_code == (200 if allowed[n] else 403), (role, path)
    actions = {
        "put_accounts": lambda: call(
            "put", "/opening/accounts", [{"account": "1001", "debit": "1"}]
        ),
        "create_receivable": lambda: call(
            "post", "/documents", {"type": "opening_receivable", "partner": "C001", "amount": "1"}
        ),
        "create_opening_stock": lambda: call(
            "post",
            "/documents",
            {
                "type": "opening_stock",
                "warehouse": "WH1",
                "lines": [{"item": "A001", "qty": "1", "price": "1"}],
            },
        ),
    }
    for action, allowed in WRITES.items():
        before = Document.objects.count()
        r = actions[action]()
        if allowed[n]:
            assert r.status_code in (200, 201), (role, action, r.content)
        else:
            assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden", (role, action)
            assert Document.objects.count() == before
