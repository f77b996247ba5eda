"""The accountant's month (issue 12), from the opening balances to the close and back: opening
cash, bank and capital, a second bank account, a purchase and a sale, the customer's money into
the new account, a rent 费用单, a 转账单 with a fee and a 记账凭证 for depreciation. The 利润表's 净利润
is what 结转损益 moves to 3103; the 资产负债表 balances before and after the close; reopening
restores every balance the close changed (trial balance, stock, partners) exactly."""

import pytest

from openjxc.closing.services import close, reopen

from .factories import doc, fetch, post, reconciled

pytestmark = pytest.mark.usefixtures("backups_in_tmp")

OPENING = [
    {"account": "1001", "debit": "5000.00"},
    {"account": "1002", "debit": "20000.00"},
    {"account": "3001", "credit": "25000.00"},
]


def _approved(api, path: str, body: dict) -> dict:
    d = post(api, path, body, 201)
    post(api, f"/documents/{d['number']}/approve")
    return api.get(f"/documents/{d['number']}").json()


def _month(api, user) -> None:
    assert api.put("/opening/accounts", OPENING).status_code == 200
    post(api, "/money-accounts", {"code": "ICBC", "name": "工商银行", "kind": "bank"}, 201)
    post(api, "/accounts", {"code": "560220", "name": "折旧费", "parent": "5602"}, 201)
    doc(user, "purchase_receipt", "2026-01-05", [("A001", 100, "10.00")])  # 1,000 + 130 VAT
    doc(user, "sales_delivery", "2026-01-10", [("A001", 40, "20.00")])  # 800 + 104, cost 400
    _approved(
        api,
        "/documents",
        {
            "type": "receipt",
            "date": "2026-01-12",
            "partner": "C001",
            "amount": "904.00",
            "account": "ICBC",
            "auto_allocate": True,
        },
    )
    _approved(
        api,
        "/documents",
        {
            "type": "expense",
            "date": "2026-01-15",
            "account": "1002",
            "lines": [{"expense_type": "FZ", "amount": "2000.00"}],
        },
    )
    _approved(
        api,
        "/documents",
        {
            "type": "fund_transfer",
            "date": "2026-01-20",
            "from_account": "1002",
            "to_account": "1001",
            "amount": "1000.00",
            "fee": "5.00",
        },
    )
    voucher = {
        "date": "2026-01-31",
        "memo": "计提折旧",
        "lines": [
            {"account": "560220", "debit": "300.00"},
            {"account": "1602", "credit": "300.00"},
        ],
    }
    d = post(api, "/vouchers", voucher, 201)
    post(api, f"/documents/{d['number']}/approve")


def _books(api) -> dict:
    """Every balance a close could touch, read back through the API."""
    trial = api.get("/reports/trial-balance?period=2026-01").json()
    return {
        "trial": trial["items"],
        "totals": trial["totals"],
        "stock": api.get("/stock").json()["items"],
        "C001": api.get("/partners/C001/balance").json(),
        "S001": api.get("/partners/S001/balance").json(),
        "funds": api.get("/reports/funds?from=2026-01-01&to=2026-01-31").json(),
    }


def _net(code: str) -> int:
    (net,) = fetch(
        "SELECT COALESCE(SUM(l.credit - l.debit), 0) FROM ledger_journalline l "
        "JOIN ledger_account a ON a.id = l.account_id "
        "WHERE (a.code = %s OR a.code LIKE %s) AND l.date <= '2026-01-31'",
        [code, f"{code}%"],
    )[0]
    return int(net)


def _line(report: dict, line: int, column: str) -> str:
    return next(r[column] for r in report["items"] if r["line"] == line)


def test_a_month_from_opening_balances_to_close_and_back(api, user):
    # given the month
    _month(api, user)
    # then the 利润表: 800 revenue − 400 cost − 2,000 rent − 300 depreciation − 5 bank fee
    income = api.get("/reports/income-statement?period=2026-01").json()
    assert income["net_profit"] == {"this_period": "-1905.00", "year_to_date": "-1905.00"}
    assert (_line(income, 1, "this_period"), _line(income, 2, "this_period")) == (
        "800.00",
        "400.00",
    )
    assert _line(income, 14, "this_period") == "2300.00"  # 管理费用: rent and depreciation
    assert _line(income, 18, "this_period") == "5.00"  # 财务费用: the transfer's fee
    # and the 资产负债表 balances; 货币资金 = 25,000 − 2,000 − 5 + 904
    sheet = api.get("/reports/balance-sheet?period=2026-01").json()
    assert sheet["balanced"] is True
    assert _line(sheet, 1, "closing") == "23899.00"
    # and the money accounts: ICBC took the customer's money
    funds = {
        r["account"]: r
        for r in api.get("/reports/funds?from=2026-01-01&to=2026-01-31").json()["items"]
    }
    assert (funds["ICBC"]["in"], funds["ICBC"]["closing"]) == ("904.00", "904.00")
    assert funds["1001"]["closing"] == "6000.00" and funds["1002"]["closing"] == "16995.00"
    before = _books(api)
    reconciled(api)

    # when January closes
    closed = close(user, "2026-01")
    # then 结转损益 moved 净利润 to 3103 and every profit-and-loss account is zero
    assert _net("3103") == -190500
    pl = fetch(
        "SELECT a.code, SUM(l.debit - l.credit) FROM ledger_journalline l JOIN ledger_account a "
        "ON a.id = l.account_id WHERE a.category = 'profit_loss' GROUP BY a.code"
    )
    assert all(int(net) == 0 for _code, net in pl), pl
    assert closed["closing_vouchers"]
    assert (
        api.get("/reports/income-statement?period=2026-01").json()["net_profit"]
        == (income["net_profit"])
    )
    after = api.get("/reports/balance-sheet?period=2026-01").json()
    assert after["balanced"] is True and _line(after, 1, "closing") == "23899.00"
    reconciled(api)

    # when it is reopened
    reopen(user, "2026-01", "补录一张费用单")
    # then every balance is what it was before the close, and the books reconcile
    assert _books(api) == before
    assert _net("3103") == 0
    reconciled(api)
