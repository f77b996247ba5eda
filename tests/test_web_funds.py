"""资金 pages through the test client: the 结算账户 page (add, edit, 停用), a 转账单 entered on
the document form with two account pickers, and the 日记账 and 资金报表 pages with their Excel
exports."""

import io

import openpyxl
import pytest

from openjxc.ledger.models import MoneyAccount

from .factories import vouchers_of

pytestmark = pytest.mark.usefixtures("backups_in_tmp")


def _html(r) -> str:
    return r.content.decode()


def test_the_money_accounts_page_adds_edits_and_deactivates(admin_client):
    html = _html(admin_client.get("/money-accounts/"))
    assert "结算账户" in html and 'data-code="1002"' in html and "银行存款" in html
    # when: a bank account is added
    form = {"code": "ICBC", "name": "工商银行", "kind": "bank", "bank_name": "城东支行"}
    r = admin_client.post("/money-accounts/", {**form, "account_no": "6222"})
    assert r.status_code == 302
    html = _html(admin_client.get("/money-accounts/"))
    assert "100201 银行存款—工商银行" in html and "城东支行" in html
    # a duplicate is shown again with the Chinese sentence, nothing saved
    r = admin_client.post("/money-accounts/", form)
    assert r.status_code == 409 and "已被使用" in _html(r)
    # when: renamed, then 停用
    r = admin_client.post(
        "/money-accounts/ICBC/edit/",
        {"name": "工行基本户", "bank_name": "", "account_no": "1", "active": "1"},
    )
    assert r.status_code == 302
    admin_client.post("/money-accounts/ICBC/active/", {"active": "0"})
    account = MoneyAccount.objects.get(code="ICBC")
    assert (account.name, account.account.name, account.active) == (
        "工行基本户",
        "银行存款—工行基本户",
        False,
    )
    assert 'data-code="ICBC"' not in _html(admin_client.get("/money-accounts/"))
    assert 'data-code="ICBC"' in _html(admin_client.get("/money-accounts/?inactive=1"))
    # and a deactivated account is not offered on a receipt
    assert 'value="ICBC"' not in _html(admin_client.get("/documents/receipt/new/"))


def test_a_fund_transfer_through_the_form(admin_client):
    admin_client.post("/money-accounts/", {"code": "ICBC", "name": "工商银行", "kind": "bank"})
    html = _html(admin_client.get("/documents/fund_transfer/new/"))
    assert 'id="f-from-account"' in html and 'id="f-to-account"' in html
    assert "ICBC 工商银行" in html and 'id="lines"' not in html
    form = {
        "date": "2026-03-10",
        "from_account": "1002",
        "to_account": "1002",
        "amount": "800",
        "fee": "2",
        "action": "approve",
    }
    # the same account twice: refused, the form shown again in Chinese with the input
    r = admin_client.post("/documents/fund_transfer/new/", form)
    assert r.status_code == 422 and "转入账户不能与转出账户相同" in _html(r)
    assert 'value="800"' in _html(r)
    r = admin_client.post("/documents/fund_transfer/new/", {**form, "to_account": "ICBC"})
    assert r.status_code == 302
    number = r["Location"].rstrip("/").split("/")[-1]
    assert vouchers_of(number) == [
        "借 100201 银行存款—工商银行 800.00 / 借 5603 财务费用 2.00 / 贷 1002 银行存款 802.00"
    ]
    detail = _html(admin_client.get(f"/doc/{number}/"))
    assert "转出账户" in detail and "转入账户" in detail and "ICBC" in detail and "手续费" in detail
    printed = _html(admin_client.get(f"/doc/{number}/print/"))
    assert "银行存款—工商银行" in printed and "802.00" not in printed and "800.00" in printed


def test_the_cash_journal_and_funds_pages(admin_client, user):
    admin_client.post("/money-accounts/", {"code": "ICBC", "name": "工商银行", "kind": "bank"})
    form = {"date": "2026-03-10", "from_account": "1002", "to_account": "ICBC", "amount": "800"}
    admin_client.post("/documents/fund_transfer/new/", {**form, "action": "approve"})
    html = _html(
        admin_client.get("/reports/cash-journal/?account=ICBC&from=2026-03-01&to=2026-03-31")
    )
    assert "日记账" in html and "800.00" in html and 'id="journal-opening"' in html
    r = admin_client.get(
        "/reports/cash-journal/?account=ICBC&from=2026-03-01&to=2026-03-31&format=xlsx"
    )
    ws = openpyxl.load_workbook(io.BytesIO(r.content)).active
    assert ws["A1"].value == "日记账 工商银行"
    assert [row for row in ws.iter_rows(values_only=True)][-1][6:] == (800, 0, 800)
    bad = admin_client.get("/reports/cash-journal/?account=NOPE")
    assert bad.status_code == 422 and "没有结算账户 NOPE" in _html(bad)
    html = _html(admin_client.get("/reports/funds/?from=2026-03-01&to=2026-03-31"))
    assert "资金报表" in html and 'data-account="ICBC"' in html
    r = admin_client.get("/reports/funds/?from=2026-03-01&to=2026-03-31&format=xlsx")
    rows = list(openpyxl.load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))
    assert rows[-1][3:] == (0, 800, 800, 0)
    # the menu offers the three pages under 资金
    menu = _html(admin_client.get("/"))
    assert all(label in menu for label in ("结算账户", "日记账", "资金报表", "转账单"))


def test_the_opening_page_lists_every_money_account(admin_client):
    admin_client.post("/money-accounts/", {"code": "ICBC", "name": "工商银行", "kind": "bank"})
    html = _html(admin_client.get("/opening/?tab=accounts"))
    for code in ("1001", "1002", "100201", "1012"):
        assert f'<tr data-account="{code}"' in html, code
    assert "银行存款—工商银行" in html
    assert '<tr data-account="2221"' not in html  # a parent that is no money account
