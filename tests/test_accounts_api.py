"""Sub-accounts under the 小企业会计准则 chart: POST /accounts adds one (code = parent + two
digits, category and side inherited, audited) that can be posted to at once in the same
process; duplicates, control parents and bad codes are refused and change nothing."""

import pytest

from .factories import assert_error, audit, post, reconciled, refused, vouchers_of

pytestmark = pytest.mark.usefixtures("backups_in_tmp")


def test_add_a_sub_account_and_post_to_it_at_once(api):
    a = post(api, "/accounts", {"code": "560230", "name": "折旧费", "parent": "5602"}, 201)
    assert a == {
        "code": "560230",
        "name": "折旧费",
        "category": "profit_loss",
        "direction": "debit",
        "parent": "5602",
        "level": 2,
        "leaf": True,
        "control": False,
    }
    rows = {r["code"]: r for r in api.get("/accounts").json()["items"]}
    assert rows["5602"]["leaf"] is False and rows["560230"]["level"] == 2
    assert rows["1122"]["control"] is True and rows["22210101"]["level"] == 3
    # the posting path reads account ids through a cache: the new code is there at once
    v = post(
        api,
        "/vouchers",
        {
            "date": "2026-03-31",
            "lines": [
                {"account": "560230", "debit": "88.00"},
                {"account": "1001", "credit": "88.00"},
            ],
        },
        201,
    )
    post(api, f"/documents/{v['number']}/approve")
    assert vouchers_of(v["number"]) == ["借 560230 折旧费 88.00 / 贷 1001 库存现金 88.00"]
    tb = api.get("/reports/trial-balance?period=2026-03").json()
    row = {r["account"]: r for r in tb["items"]}["5602"]
    assert row["debit"] == "88.00"  # the parent rolls up its sub-account
    assert [a[0] for a in audit(api, "560230")] == ["create"]
    reconciled(api)


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"code": "5602", "name": "重复", "parent": "5602"}, 422, "invalid"),
        ({"code": "56021", "name": "位数不对", "parent": "5602"}, 422, "invalid"),
        ({"code": "560301", "name": "不在上级下", "parent": "5602"}, 422, "invalid"),
        ({"code": "5602ab", "name": "非数字", "parent": "5602"}, 422, "invalid"),
        ({"code": "112201", "name": "客户甲", "parent": "1122"}, 422, "control_account"),
        ({"code": "222103", "name": "税", "parent": "2221"}, 422, "control_account"),
        ({"code": "999901", "name": "无上级", "parent": "9999"}, 422, "unknown_account"),
        ({"code": "560230", "name": "", "parent": "5602"}, 422, "invalid"),
    ],
)
def test_refusals_change_nothing(api, body, status, code):
    refused(lambda: api.post("/accounts", body), status, code)


def test_a_duplicate_code_is_409(api):
    post(api, "/accounts", {"code": "560230", "name": "折旧费", "parent": "5602"}, 201)
    err = refused(
        lambda: api.post("/accounts", {"code": "560230", "name": "又一个", "parent": "5602"}),
        409,
        "duplicate_code",
    )
    assert err["details"]["code"] == "560230"


def test_only_finance_adds_accounts(client, user):
    from .factories import As, person

    person("销售", username="seller")
    r = As(client, "seller").post("/accounts", {"code": "560230", "name": "x", "parent": "5602"})
    assert_error(r, 403, "forbidden")
