"""转账单 (fund_transfer): money moves between two money accounts with an optional fee — 借 the
receiving account, 借 5603 财务费用 the fee / 贷 the paying account both; approved, cancelled
and reversed like every document, refused without changing anything when it makes no sense."""

import pytest

from .factories import (
    assert_error,
    post,
    reconciled,
    refused,
    status,
    trial_balance,
    vouchers_of,
)

pytestmark = pytest.mark.usefixtures("backups_in_tmp")

ICBC = {"code": "ICBC", "name": "工商银行", "kind": "bank"}


def _transfer(**over) -> dict:
    return {
        "type": "fund_transfer",
        "date": "2026-03-10",
        "from_account": "1002",
        "to_account": "ICBC",
        "amount": "1000.00",
        "fee": "5.00",
        **over,
    }


@pytest.fixture
def icbc(api):
    return post(api, "/money-accounts", ICBC, 201)


def test_a_transfer_with_a_fee(api, icbc):
    # when: 1,000.00 goes from the basic account to ICBC, the bank keeps 5.00
    doc = post(api, "/documents", _transfer(memo="存入工行"), 201)
    assert doc["number"].startswith("ZJZZ")
    assert (doc["from_account"], doc["to_account"], doc["amount"], doc["fee"]) == (
        "1002",
        "ICBC",
        "1000.00",
        "5.00",
    )
    assert doc["account"] == "1002" and doc["partner"] is None and doc["lines"] == []
    post(api, f"/documents/{doc['number']}/approve")
    # then
    assert vouchers_of(doc["number"]) == [
        "借 100201 银行存款—工商银行 1000.00 / 借 5603 财务费用 5.00 / 贷 1002 银行存款 1005.00"
    ]
    reconciled(api)


def test_a_transfer_without_a_fee_is_a_pair(api, icbc):
    body = _transfer(from_account="ICBC", to_account="1001", amount="200", fee=None)
    doc = post(api, "/documents", body, 201)
    post(api, f"/documents/{doc['number']}/approve")
    assert doc["fee"] == "0.00"
    assert vouchers_of(doc["number"]) == [
        "借 1001 库存现金 200.00 / 贷 100201 银行存款—工商银行 200.00"
    ]


@pytest.mark.parametrize(
    ("over", "code", "field"),
    [
        ({"to_account": "1002"}, "invalid", "to_account"),
        ({"amount": "0"}, "invalid", "amount"),
        ({"amount": "-3"}, "invalid", "amount"),
        ({"fee": "-1"}, "invalid", "fee"),
        ({"to_account": "NOPE"}, "unknown_money_account", "to_account"),
        ({"from_account": None}, "unknown_money_account", "from_account"),
        ({"amount": "abc"}, "invalid_number", "amount"),
    ],
)
def test_a_transfer_that_makes_no_sense_is_refused(api, icbc, over, code, field):
    err = refused(lambda: api.post("/documents", _transfer(**over)), 422, code)
    assert err["details"]["field"] == field


def test_the_same_account_twice_is_said_in_chinese(api, icbc):
    err = assert_error(api.post("/documents", _transfer(to_account="1002")), 422, "invalid")
    assert err["message"] == "转入账户不能与转出账户相同。"


def test_cancel_and_reverse(api, icbc):
    first = post(api, "/documents", _transfer(), 201)["number"]
    post(api, f"/documents/{first}/approve")
    # when: cancelled in its open period
    post(api, f"/documents/{first}/cancel", {"reason": "录错了"})
    assert status(api, first) == "cancelled"
    assert vouchers_of(first)[1] == (
        "借 100201 银行存款—工商银行 -1000.00 / 借 5603 财务费用 -5.00 / 贷 1002 银行存款 -1005.00"
    )
    tb = trial_balance(api)
    assert all(
        (r["closing_debit"], r["closing_credit"]) == ("0.00", "0.00")
        for r in tb["items"]
        if r["account"] in ("1002", "100201", "5603")
    )
    # when: another is reversed (红冲) into April
    second = post(api, "/documents", _transfer(amount="300", fee="1.50"), 201)["number"]
    post(api, f"/documents/{second}/approve")
    red = post(api, f"/documents/{second}/reverse", {"reason": "银行退回", "date": "2026-04-02"})
    assert (red["from_account"], red["to_account"], red["amount"], red["fee"]) == (
        "1002",
        "ICBC",
        "-300.00",
        "-1.50",
    )
    assert status(api, second) == "reversed"
    assert vouchers_of(red["number"]) == [
        "借 100201 银行存款—工商银行 -300.00 / 借 5603 财务费用 -1.50 / 贷 1002 银行存款 -301.50"
    ]
    assert api.get(f"/documents/{red['number']}").json()["date"] == "2026-04-02"
    reconciled(api)


def test_a_draft_can_be_edited_and_replayed(api, icbc):
    body = _transfer(external_ref="T-1")
    doc = post(api, "/documents", body, 201)
    assert post(api, "/documents", body, 201)["number"] == doc["number"]  # replayed
    err = assert_error(api.post("/documents", {**body, "fee": "6.00"}), 409, "idempotency_conflict")
    assert err["details"]["document"] == doc["number"]
    edited = api.put(f"/documents/{doc['number']}", _transfer(fee="2.00", to_account="1001"))
    assert edited.status_code == 200, edited.content
    assert (edited.json()["fee"], edited.json()["to_account"]) == ("2.00", "1001")
