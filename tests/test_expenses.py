"""费用单 (expense) and 其他收入单 (other_income) with expense types: what each books (vouchers as
借/贷 text), the payable / receivable they raise when not paid now and its allocation (核销),
VAT, cancel and red-letter reversal, the expense types with their sub-accounts, and refusals
that change nothing."""

import pytest

from openjxc.documents.models import AccountLine
from openjxc.ledger.models import Account, ExpenseType
from tests.factories import (
    assert_error,
    balance,
    open_items,
    post,
    reconciled,
    snapshot,
    status,
    vouchers_of,
)

pytestmark = pytest.mark.django_db


def expense(**over) -> dict:
    body = {
        "type": "expense",
        "date": "2026-03-05",
        "account": "1001",
        "lines": [{"expense_type": "FZ", "amount": "3000.00"}],
    }
    return {**body, **over}


def approve(api, body) -> dict:
    d = post(api, "/documents", body, 201)
    post(api, f"/documents/{d['number']}/approve")
    return api.get(f"/documents/{d['number']}").json()


def everything() -> tuple:
    """snapshot() and what it does not count: account lines, expense types, accounts."""
    return (
        snapshot(),
        list(ExpenseType.objects.values_list("code", "name", "account_id", "active")),
        Account.objects.count(),
        list(AccountLine.objects.values_list("id", "debit", "credit").order_by("id")),
    )


def refused_now(call, status_code, code) -> dict:
    before = everything()
    err = assert_error(call(), status_code, code)
    assert everything() == before
    return err


# --- expense types -------------------------------------------------------------------------


def test_new_books_have_the_default_types_on_their_own_sub_accounts(api):
    # given new books (seed_chart) / when the types are listed
    rows = api.get("/expense-types").json()
    # then each default type sits on a sub-account of its group, named like it
    got = {
        r["code"]: (r["name"], r["kind"], r["account"], r["account_name"]) for r in rows["items"]
    }
    assert rows["count"] == 11
    assert got["YF"] == ("运费", "expense", "560101", "运费")
    assert got["GGF"] == ("广告费", "expense", "560102", "广告费")
    assert got["FZ"] == ("房租", "expense", "560201", "房租")
    assert got["GZ"] == ("工资", "expense", "560204", "工资")
    assert got["LX"] == ("利息", "expense", "560302", "利息")
    assert got["ZJSR"] == ("租金收入", "income", "505101", "租金收入")
    assert got["FKSR"] == ("罚款收入", "income", "530101", "罚款收入")
    sub = Account.objects.get(code="560201")
    assert (sub.parent.code, sub.category, sub.direction) == ("5602", "profit_loss", "debit")


def test_a_new_type_gets_the_next_sub_account_or_an_existing_one(api):
    # when a type is added under 5602, and one on an existing sub-account
    t = post(api, "/expense-types", {"code": "CLF", "name": "差旅费", "parent": "5602"}, 201)
    u = post(api, "/expense-types", {"code": "ZJ", "name": "租金", "account": "560201"}, 201)
    i = post(api, "/expense-types", {"code": "LXSR", "name": "利息收入", "kind": "income"}, 201)
    # then the first made 560205 差旅费, the second books to 房租's account
    assert (t["account"], t["account_name"], t["kind"], t["active"]) == (
        "560205",
        "差旅费",
        "expense",
        True,
    )
    assert u["account"] == "560201"
    assert (i["account"], i["kind"]) == ("505103", "income")  # income defaults to 5051
    assert api.get("/expense-types/CLF").json() == t


def test_a_type_is_renamed_moved_and_deactivated(api):
    # when its name and account change and it is deactivated
    r = api.put("/expense-types/SDF", {"name": "水电燃气", "parent": "5601", "active": False})
    # then only what was sent changed; the new account is a new sub-account of 5601
    assert r.status_code == 200, r.content
    assert (r.json()["name"], r.json()["account"], r.json()["active"]) == (
        "水电燃气",
        "560103",
        False,
    )
    assert api.get("/expense-types?active=true").json()["count"] == 10


def test_expense_type_refusals_change_nothing(api):
    def create(body):
        return lambda: api.post("/expense-types", body)

    refused_now(create({"code": "FZ", "name": "房租2"}), 409, "duplicate_code")
    refused_now(create({"code": "X1", "name": "x", "parent": "5051"}), 422, "invalid")
    refused_now(create({"code": "X1", "name": "x", "account": "1002"}), 422, "invalid")
    refused_now(create({"code": "X1", "name": "x", "account": "5602"}), 422, "invalid")
    refused_now(create({"code": "X1", "name": "x", "kind": "cost"}), 422, "invalid")
    refused_now(create({"code": "X1", "name": "x", "categroy": "y"}), 422, "unknown_field")
    refused_now(lambda: api.put("/expense-types/FZ", {"kind": "income"}), 422, "invalid")
    refused_now(lambda: api.put("/expense-types/NOPE", {"name": "x"}), 404, "not_found")


# --- expense -------------------------------------------------------------------------------


def test_an_expense_paid_now_books_each_line_and_the_input_vat(api):
    # given rent with 9% VAT and freight without, paid from cash
    body = expense(
        memo="三月",
        lines=[
            {"expense_type": "FZ", "amount": "3000.00", "tax_rate": "0.09", "memo": "店面"},
            {"expense_type": "YF", "amount": "120.55"},
        ],
    )
    # when it is approved
    d = approve(api, body)
    # then 借 each type's account, 借 进项税额 / 贷 库存现金; nothing is owed
    assert vouchers_of(d["number"]) == [
        "借 560201 房租 3000.00 / 借 560101 运费 120.55 / 借 22210101 进项税额 270.00 / "
        "贷 1001 库存现金 3390.55"
    ]
    assert (d["amount"], d["tax"], d["amount_incl_tax"], d["account"], d["due_date"]) == (
        "3120.55",
        "270.00",
        "3390.55",
        "1001",
        None,
    )
    first = d["lines"][0]
    assert {k: first[k] for k in first if k != "id"} == {
        "line_no": 1,
        "expense_type": "FZ",
        "expense_type_name": "房租",
        "account": "560201",
        "account_name": "房租",
        "amount": "3000.00",
        "tax_rate": "0.09",
        "tax": "270.00",
        "amount_incl_tax": "3270.00",
        "memo": "店面",
    }
    assert d["number"].startswith("FYD")
    reconciled(api)


def test_vat_rounds_half_up_per_line(api):
    # 0.50 × 0.13 = 0.065 → 0.07; 0.10 × 0.05 = 0.005 → 0.01
    d = approve(
        api,
        expense(
            lines=[
                {"expense_type": "BGF", "amount": "0.50", "tax_rate": "0.13"},
                {"expense_type": "BGF", "amount": "0.10", "tax_rate": "0.05"},
            ]
        ),
    )
    assert [ln["tax"] for ln in d["lines"]] == ["0.07", "0.01"]
    assert (d["tax"], d["amount_incl_tax"]) == ("0.08", "0.68")


def test_an_expense_owed_to_a_supplier_is_paid_and_allocated_like_a_receipt(api):
    # given a supplier with 30 days' terms, and freight owed to him
    api.put("/suppliers/S001", {"payment_terms_days": 30})
    d = approve(
        api,
        expense(
            account=None,
            partner="S001",
            lines=[{"expense_type": "YF", "amount": "500", "tax_rate": "0.09"}],
        ),
    )
    # then 贷 应付账款 with the supplier, a payable open item due after 30 days
    assert vouchers_of(d["number"]) == [
        "借 560101 运费 500.00 / 借 22210101 进项税额 45.00 / 贷 2202 应付账款 545.00"
    ]
    assert d["due_date"] == "2026-04-04"
    assert open_items(api, "S001") == [(d["number"], "545.00", "545.00")]
    assert balance(api, "S001") == ("0.00", "545.00")
    # when a payment is allocated to it
    p = approve(
        api,
        {
            "type": "payment",
            "date": "2026-03-20",
            "partner": "S001",
            "amount": "545.00",
            "account": "1002",
            "allocations": [{"document": d["number"], "amount": "545.00"}],
        },
    )
    # then nothing is open and the payment booked 借 应付账款 / 贷 银行存款
    assert balance(api, "S001") == ("0.00", "0.00")
    assert vouchers_of(p["number"]) == ["借 2202 应付账款 545.00 / 贷 1002 银行存款 545.00"]
    # and the expense cannot be cancelled while the payment is allocated to it
    err = assert_error(
        api.post(f"/documents/{d['number']}/cancel", {"reason": "错"}), 409, "has_dependents"
    )
    assert err["details"]["allocations"]
    reconciled(api)


def test_a_supplier_beside_a_money_account_is_only_recorded(api):
    d = approve(api, expense(partner="S001"))
    assert vouchers_of(d["number"]) == ["借 560201 房租 3000.00 / 贷 1001 库存现金 3000.00"]
    assert (d["partner"], d["due_date"]) == ("S001", None)
    assert open_items(api, "S001") == []


def test_cancel_and_reverse_undo_an_expense(api):
    # given an owed expense and one paid now
    owed = approve(api, expense(account=None, partner="S001"))
    paid = approve(api, expense(lines=[{"expense_type": "SXF", "amount": "8.00"}]))
    # when the first is cancelled and the second reversed
    post(api, f"/documents/{owed['number']}/cancel", {"reason": "录错"})
    rev = post(
        api, f"/documents/{paid['number']}/reverse", {"reason": "退回", "date": "2026-03-31"}
    )
    # then the cancel appends the red copy, the payable is gone
    assert vouchers_of(owed["number"]) == [
        "借 560201 房租 3000.00 / 贷 2202 应付账款 3000.00",
        "借 560201 房租 -3000.00 / 贷 2202 应付账款 -3000.00",
    ]
    assert status(api, owed["number"]) == "cancelled"
    assert balance(api, "S001") == ("0.00", "0.00")
    # and the reversal is a red expense with negated lines dated in the open period
    assert status(api, paid["number"]) == "reversed"
    r = api.get(f"/documents/{rev['number']}").json()
    assert (r["date"], r["amount_incl_tax"], r["account"], r["reversal_of"]) == (
        "2026-03-31",
        "-8.00",
        "1001",
        paid["number"],
    )
    assert [(ln["expense_type"], ln["amount"]) for ln in r["lines"]] == [("SXF", "-8.00")]
    assert vouchers_of(rev["number"]) == ["借 560301 手续费 -8.00 / 贷 1001 库存现金 -8.00"]
    reconciled(api)


def test_a_reversed_owed_expense_closes_its_payable(api):
    owed = approve(api, expense(account=None, partner="S001"))
    post(api, f"/documents/{owed['number']}/reverse", {"reason": "退回"})
    assert balance(api, "S001") == ("0.00", "0.00")
    reconciled(api)


def test_a_draft_is_edited_and_the_account_is_the_types_when_saved(api):
    # given a draft of rent
    d = post(api, "/documents", expense(), 201)
    # when the type's account changes and the draft is saved again with two lines
    api.put("/expense-types/FZ", {"parent": "5601"})
    r = api.put(
        f"/documents/{d['number']}",
        expense(
            lines=[{"expense_type": "FZ", "amount": "10"}, {"expense_type": "GZ", "amount": "5"}]
        ),
    )
    # then the lines are replaced and rent now books to its new account
    assert r.status_code == 200, r.content
    assert [(ln["account"], ln["amount"]) for ln in r.json()["lines"]] == [
        ("560103", "10.00"),
        ("560204", "5.00"),
    ]
    assert r.json()["amount_incl_tax"] == "15.00"


def test_the_same_external_ref_replays_the_expense(api):
    body = expense(external_ref="E-1")
    first = post(api, "/documents", body, 201)
    again = api.post("/documents", body)
    assert again.status_code == 201, again.content
    assert again.json()["number"] == first["number"]
    other = expense(external_ref="E-1", lines=[{"expense_type": "FZ", "amount": "1"}])
    refused_now(lambda: api.post("/documents", other), 409, "idempotency_conflict")


def test_expense_refusals_change_nothing(api):
    def create(**over):
        return lambda: api.post("/documents", expense(**over))

    refused_now(create(account=None), 422, "invalid")  # neither account nor supplier
    refused_now(create(account="5602"), 422, "unknown_money_account")  # not a money account
    refused_now(create(lines=[]), 422, "invalid")
    refused_now(
        create(lines=[{"expense_type": "NOPE", "amount": "1"}]), 422, "unknown_expense_type"
    )
    refused_now(
        create(lines=[{"expense_type": "ZJSR", "amount": "1"}]), 422, "unknown_expense_type"
    )
    refused_now(create(lines=[{"expense_type": "FZ", "amount": "0"}]), 422, "invalid")
    refused_now(create(lines=[{"expense_type": "FZ", "amount": "-1"}]), 422, "invalid")
    refused_now(
        create(lines=[{"expense_type": "FZ", "amount": "1", "tax_rate": "0.5"}]),
        422,
        "invalid_tax_rate",
    )
    refused_now(create(lines=[{"expense_type": "FZ", "amount": "1", "qty": "1"}]), 422, "invalid")
    refused_now(create(due_date="2026-04-01"), 422, "invalid")  # paid now: nothing falls due
    refused_now(create(lines=[{"expense_type": "FZ", "amount": "1", "x": 1}]), 422, "unknown_field")
    api.put("/expense-types/FZ", {"active": False})
    err = refused_now(create(), 422, "inactive_expense_type")
    assert err["details"]["field"] == "lines[0].expense_type"
    # and an item line cannot carry an expense's fields
    item = {"type": "other_in", "date": "2026-03-05", "warehouse": "WH1"}
    line = {"item": "A001", "qty": "1", "price": "1", "expense_type": "FZ"}
    refused_now(lambda: api.post("/documents", {**item, "lines": [line]}), 422, "invalid")


def test_a_draft_whose_type_was_deactivated_is_still_approved_as_saved(api):
    # a deactivation guards new input; a saved draft names its account already
    d = post(api, "/documents", expense(), 201)
    api.put("/expense-types/FZ", {"active": False})
    post(api, f"/documents/{d['number']}/approve")
    assert status(api, d["number"]) == "approved"


# --- other income --------------------------------------------------------------------------


def income(**over) -> dict:
    body = {
        "type": "other_income",
        "date": "2026-03-06",
        "account": "1002",
        "lines": [{"expense_type": "ZJSR", "amount": "1000.00", "tax_rate": "0.09"}],
    }
    return {**body, **over}


def test_other_income_into_a_money_account(api):
    d = approve(api, income())
    assert vouchers_of(d["number"]) == [
        "借 1002 银行存款 1090.00 / 贷 505101 租金收入 1000.00 / 贷 22210102 销项税额 90.00"
    ]
    assert d["number"].startswith("QTSR")
    reconciled(api)


def test_other_income_owed_by_a_customer_is_received_and_allocated(api):
    # given a fine the customer owes
    d = approve(
        api,
        income(account=None, partner="C001", lines=[{"expense_type": "FKSR", "amount": "200"}]),
    )
    assert vouchers_of(d["number"]) == ["借 1122 应收账款 200.00 / 贷 530101 罚款收入 200.00"]
    assert d["due_date"] == "2026-03-06"  # no terms: due at once
    assert balance(api, "C001") == ("200.00", "0.00")
    # when the customer pays with auto allocation
    approve(
        api,
        {
            "type": "receipt",
            "date": "2026-03-09",
            "partner": "C001",
            "amount": "200",
            "auto_allocate": True,
        },
    )
    # then it is settled
    assert balance(api, "C001") == ("0.00", "0.00")
    assert open_items(api, "C001") == []
    reconciled(api)


def test_other_income_refuses_expense_types(api):
    refused_now(
        lambda: api.post("/documents", income(lines=[{"expense_type": "FZ", "amount": "1"}])),
        422,
        "unknown_expense_type",
    )
    refused_now(lambda: api.post("/documents", income(account=None)), 422, "invalid")
