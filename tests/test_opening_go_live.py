"""Going live (期初): from an empty book to the first close, through the API as a new shop does
it — opening stock, receivables, payables, bank and equity; a receipt allocated to an opening
receivable; the trial balance; the refusal to close while the opening balances do not balance,
then the first close, after which the opening balances cannot change any more."""

import pytest

from openjxc.documents.models import Document
from tests.factories import fetch, vouchers_of


@pytest.fixture(autouse=True)
def backups_in_tmp(settings, tmp_path):
    settings.DATA_DIR = tmp_path


def post(api, body) -> str:
    """Create and approve a document; its number."""
    r = api.post("/documents", body)
    assert r.status_code == 201, r.content
    number = r.json()["number"]
    r = api.post(f"/documents/{number}/approve")
    assert r.status_code == 200 and r.json()["status"] == "approved", r.content
    return number


def check(api) -> tuple:
    body = api.get("/opening/check").json()
    return body["balanced"], body["debit"], body["credit"], body["difference"]


def reconciled(api):
    assert api.get("/reconcile").json() == {"ok": True, "problems": []}


def account_net(code: str) -> int:
    """Debit − credit of an account over the whole journal, in fen."""
    return fetch(
        "SELECT COALESCE(SUM(l.debit - l.credit), 0) FROM ledger_journalline l "
        "JOIN ledger_account a ON a.id = l.account_id WHERE a.code = %s",
        [code],
    )[0][0]


def test_go_live_from_an_empty_book_to_the_first_close(api, user):
    # given an empty book going live on 2026-01-01
    assert check(api) == (True, "0.00", "0.00", "0.00")

    # when the opening stock is entered like a receipt (no date: the go-live date)
    r = api.post(
        "/documents",
        {
            "type": "opening_stock",
            "warehouse": "WH1",
            "lines": [
                {"item": "A001", "qty": "10", "price": "5.00"},
                {"item": "A002", "qty": "4", "price": "2.50"},
            ],
        },
    )
    assert r.status_code == 201, r.content
    stock_doc = r.json()["number"]
    assert r.json()["date"] == "2026-01-01" and r.json()["amount"] == "60.00"
    assert api.post(f"/documents/{stock_doc}/approve").status_code == 200
    # then it is valued at its price, booked against the opening difference, never 1901
    assert vouchers_of(stock_doc) == ["借 1405 库存商品 60.00 / 贷 3999 期初余额差额 60.00"]
    stock = api.get("/stock?item=A001&warehouse=WH1").json()["items"][0]
    assert (stock["on_hand"], stock["unit_cost"], stock["value"]) == ("10", "5.000000", "50.00")
    reconciled(api)

    # when a customer owes an invoice of November (due in December) and we owe a supplier
    receivable = post(
        api,
        {
            "type": "opening_receivable",
            "partner": "C001",
            "amount": "1130.00",
            "date": "2025-11-20",
            "due_date": "2025-12-20",
        },
    )
    payable = post(api, {"type": "opening_payable", "partner": "S001", "amount": "800.00"})
    # then each is an open item of its own date and due date, dated at go-live in the books
    got = api.get(f"/documents/{receivable}").json()
    assert (got["date"], got["origin_date"], got["due_date"]) == (
        "2026-01-01",
        "2025-11-20",
        "2025-12-20",
    )
    assert vouchers_of(receivable) == ["借 1122 应收账款 1130.00 / 贷 3999 期初余额差额 1130.00"]
    assert vouchers_of(payable) == ["借 3999 期初余额差额 800.00 / 贷 2202 应付账款 800.00"]
    items = api.get("/partners/C001/open-items").json()["items"]
    assert [(o["document"], o["date"], o["due_date"], o["open_amount"]) for o in items] == [
        (receivable, "2025-11-20", "2025-12-20", "1130.00")
    ]
    # the payable with no date and no payment terms is due on the go-live date
    items = api.get("/partners/S001/open-items").json()["items"]
    assert [(o["date"], o["due_date"], o["open_amount"]) for o in items] == [
        ("2026-01-01", "2026-01-01", "800.00")
    ]
    reconciled(api)

    # then the opening trial balance does not balance yet: 60 + 1130 debit, 800 credit
    assert check(api) == (False, "1190.00", "800.00", "390.00")
    assert account_net("3999") == -39000  # the difference is exactly 3999's (credit) balance
    # and the first close is refused, naming the difference
    r = api.get("/periods/2026-01/close-check").json()
    problem = next(p for p in r["problems"] if p["check"] == "opening_unbalanced")
    assert not r["ok"] and problem["severity"] == "error" and "390.00" in problem["message"]
    r = api.post("/periods/2026-01/close")
    assert r.status_code == 409 and r.json()["error"]["code"] == "close_check_failed"
    assert "opening_unbalanced" in [p["check"] for p in r.json()["error"]["details"]["problems"]]

    # when the bank balance and the owner's capital are typed (controls are filled, not typed)
    r = api.put(
        "/opening/accounts",
        [{"account": "1002", "debit": "20000.00"}, {"account": "3001", "credit": "20390.00"}],
    )
    assert r.status_code == 200, r.content
    accounts_doc = r.json()["document"]
    assert [(i["account"], i["debit"], i["credit"]) for i in r.json()["items"]] == [
        ("1002", "20000.00", "0.00"),
        ("3001", "0.00", "20390.00"),
    ]
    assert vouchers_of(accounts_doc) == [
        "借 1002 银行存款 20000.00 / 贷 3001 实收资本 20390.00 / 借 3999 期初余额差额 390.00"
    ]
    # then the opening balances balance and the opening difference is gone
    assert check(api) == (True, "21190.00", "21190.00", "0.00")
    assert r.json()["check"]["balanced"] is True
    assert account_net("3999") == 0
    reconciled(api)

    # when trading starts: a delivery of 4 and a receipt of 1,000.00 allocated to the opening
    # receivable
    delivery = post(
        api,
        {
            "type": "sales_delivery",
            "date": "2026-01-10",
            "partner": "C001",
            "warehouse": "WH1",
            "lines": [{"item": "A001", "qty": "4", "price": "9.00", "tax_rate": "0.13"}],
        },
    )
    assert vouchers_of(delivery) == [
        "借 1122 应收账款 40.68 / 贷 5001 主营业务收入 36.00 / 贷 22210102 销项税额 4.68 / "
        "借 5401 主营业务成本 20.00 / 贷 1405 库存商品 20.00"
    ]
    receipt = post(
        api,
        {
            "type": "receipt",
            "date": "2026-01-15",
            "partner": "C001",
            "amount": "1000.00",
            "allocations": [{"document": receivable, "amount": "1000.00"}],
        },
    )
    assert vouchers_of(receipt) == ["借 1002 银行存款 1000.00 / 贷 1122 应收账款 1000.00"]
    items = api.get("/partners/C001/open-items").json()["items"]
    assert [(o["document"], o["open_amount"]) for o in items] == [
        (receivable, "130.00"),
        (delivery, "40.68"),
    ]
    # aging counts the opening receivable from its own date (72 days on 2026-01-31)
    aging = api.get("/reports/aging?kind=receivable&as_of=2026-01-31").json()["items"][0]
    assert (aging["total"], aging["0-30"], aging["61-90"]) == ("170.68", "40.68", "130.00")
    # trading does not change the opening trial balance
    assert check(api) == (True, "21190.00", "21190.00", "0.00")

    # then the trial balance of January balances, 1901 holds nothing and 3999 is not shown
    tb = api.get("/reports/trial-balance?period=2026-01").json()
    assert tb["balanced"] is True
    rows = {row["account"]: row for row in tb["items"]}
    assert "3999" not in rows
    assert (rows["1901"]["debit"], rows["1901"]["credit"]) == ("0.00", "0.00")
    assert (rows["1002"]["closing_debit"], rows["3001"]["closing_credit"]) == (
        "21000.00",
        "20390.00",
    )
    assert (rows["1122"]["closing_debit"], rows["1405"]["closing_debit"]) == ("170.68", "40.00")
    assert rows["2202"]["closing_credit"] == "800.00"
    assert account_net("1901") == 0
    reconciled(api)

    # when January is closed
    r = api.post("/periods/2026-01/close")
    assert r.status_code == 200, r.content
    # then the opening balances can no longer change
    for refused in (
        api.post(f"/documents/{payable}/cancel", {"reason": "录错了"}),
        api.put("/opening/accounts", [{"account": "1001", "debit": "1.00"}]),
        api.post("/documents", {"type": "opening_payable", "partner": "S001", "amount": "1"}),
    ):
        assert refused.status_code == 409, refused.content
        assert refused.json()["error"]["code"] == "period_closed"
    assert Document.objects.get(number=payable).status == "approved"
    reconciled(api)


def test_opening_documents_are_corrected_by_cancelling_and_re_entering(api, user):
    # given an opening receivable entered with a wrong amount, and a draft payable
    wrong = post(api, {"type": "opening_receivable", "partner": "C001", "amount": "100.00"})
    r = api.post("/documents", {"type": "opening_payable", "partner": "S001", "amount": "50"})
    draft = r.json()["number"]
    # when the draft is edited and the wrong one is cancelled and entered again
    r = api.put(
        f"/documents/{draft}",
        {"type": "opening_payable", "partner": "S001", "amount": "55.50", "due_date": "2026-02-01"},
    )
    assert r.status_code == 200 and (r.json()["amount"], r.json()["due_date"]) == (
        "55.50",
        "2026-02-01",
    )
    assert api.post(f"/documents/{draft}/approve").status_code == 200
    r = api.post(f"/documents/{wrong}/cancel", {"reason": "金额录错"})
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    right = post(api, {"type": "opening_receivable", "partner": "C001", "amount": "110.00"})
    # then the cancelled one is written off in red and only the right amount stays open
    assert vouchers_of(wrong) == [
        "借 1122 应收账款 100.00 / 贷 3999 期初余额差额 100.00",
        "借 1122 应收账款 -100.00 / 贷 3999 期初余额差额 -100.00",
    ]
    items = api.get("/partners/C001/open-items").json()["items"]
    assert [(o["document"], o["open_amount"]) for o in items] == [(right, "110.00")]
    assert check(api) == (False, "110.00", "55.50", "54.50")
    # an opening balance is never reversed into a later period
    r = api.post(f"/documents/{right}/reverse", {"reason": "x"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "wrong_status"
    reconciled(api)


def test_books_made_before_the_opening_work_get_its_accounts(db):
    """ledger/0005_opening_chart adds 3999 and the balance-sheet accounts to an existing chart
    and leaves a database without a chart (init seeds it later) alone."""
    from importlib import import_module

    from django.apps import apps

    from openjxc.ledger.models import Account, AccountBalance
    from tests.factories import setup_books

    add_accounts = import_module("openjxc.ledger.migrations.0005_opening_chart").add_accounts
    # given: no chart yet, then a chart of the time before (without 3001 and 3999)
    add_accounts(apps, None)
    assert not Account.objects.exists()
    setup_books()
    AccountBalance.objects.filter(account__code__in=("3001", "3999")).delete()
    Account.objects.filter(code__in=("3001", "3999")).delete()
    # when the migration runs (twice: it is idempotent)
    add_accounts(apps, None)
    add_accounts(apps, None)
    # then both exist once, with their balance rows
    got = Account.objects.filter(code__in=("3001", "3999")).values_list("code", "name", "category")
    assert sorted(got) == [("3001", "实收资本", "equity"), ("3999", "期初余额差额", "equity")]
    assert AccountBalance.objects.filter(account__code__in=("3001", "3999")).count() == 2
