"""记账凭证 in a real browser (screenshots in test-artifacts/): a manual voucher entered with live
totals, refused while unbalanced (借贷不平), then — maker ≠ checker set — left pending by its
maker and approved by a second user; and the 科目 page adding a sub-account."""

import pytest

from openjxc.core.services import set_setting
from openjxc.documents.models import Document
from tests.browser import log_in, shot, table_rows
from tests.factories import person, vouchers_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def logged_in(page, username="admin", password="admin123"):
    log_in(page, password=password, username=username)
    page.wait_for_url(lambda url: "/login/" not in url)


def row(page, i, memo, account, debit="", credit=""):
    page.fill(f"input[name=memo_{i}]", memo)
    page.select_option(f"select[name=account_{i}]", account)
    page.fill(f"input[name=debit_{i}]", debit)
    page.fill(f"input[name=credit_{i}]", credit)


def test_a_manual_voucher_refused_unbalanced_then_approved_by_a_second_user(zh_page, user):
    set_setting("approval_threshold.manual_voucher", "100")
    person("财务", username="maker"), person("财务", username="checker")
    page = zh_page
    logged_in(page, "maker", "pw-123456")
    page.goto("/vouchers/new/")
    page.fill("#f-date", "2026-03-31")
    page.fill("#f-memo", "计提三月折旧")
    row(page, 0, "管理部门折旧", "560203", debit="1200.00")
    row(page, 1, "累计折旧", "1602", credit="1000.00")
    # the totals follow the typing and warn while they differ
    assert page.inner_text("#voucher-debit") == "1200.00"
    assert page.inner_text("#voucher-credit") == "1000.00"
    assert page.locator("#voucher-unbalanced").is_visible()
    shot(page, "v01-voucher-unbalanced")
    page.click("#approve-voucher")
    page.locator("#form-error").wait_for()
    error = page.inner_text("#form-error")
    assert "借贷不平" in error and "200.00" in error
    assert page.input_value("input[name=credit_1]") == "1000.00"  # the rows are kept
    shot(page, "v02-voucher-refused")
    assert not Document.objects.filter(number__startswith="JZPZ").exists()  # nothing saved
    page.fill("input[name=credit_1]", "1200.00")
    assert not page.locator("#voucher-unbalanced").is_visible()
    page.click("#approve-voucher")
    page.wait_for_url("**/doc/JZPZ*/")
    number = page.url.rstrip("/").split("/")[-1]
    # the maker's approval leaves it pending: someone else must approve it
    assert page.locator("#doc-status").get_attribute("data-status") == "pending_approval"
    assert table_rows(page, "doc-account-lines") == [
        ["管理部门折旧", "560203", "办公费", "1,200.00", ""],
        ["累计折旧", "1602", "累计折旧", "", "1,200.00"],
    ]
    shot(page, "v03-voucher-pending")
    page.click("#logout")
    logged_in(page, "checker", "pw-123456")
    page.goto(f"/doc/{number}/")
    page.click("#approve")
    page.wait_for_url(f"**/doc/{number}/")
    assert page.locator("#doc-status").get_attribute("data-status") == "approved"
    assert "checker" in page.inner_text("#doc-approver")
    shot(page, "v04-voucher-approved")
    assert vouchers_of(number) == ["借 560203 办公费 1200.00 / 贷 1602 累计折旧 1200.00"]


def test_the_chart_page_adds_a_sub_account(zh_page, user):
    page = zh_page
    logged_in(page)
    page.goto("/accounts/")
    page.select_option("#f-parent", "5602")
    page.fill("#f-code", "560230")
    page.fill("#f-name", "折旧费")
    page.click("#add-account button[type=submit]")
    page.wait_for_url("**/accounts/")
    added = page.locator('#chart tr[data-account="560230"]')
    assert added.get_attribute("data-level") == "2" and "折旧费" in added.inner_text()
    # a duplicate is refused next to the form
    page.select_option("#f-parent", "5602")
    page.fill("#f-code", "560230")
    page.fill("#f-name", "又一个")
    page.click("#add-account button[type=submit]")
    page.locator("#form-error").wait_for()
    assert "560230" in page.inner_text("#form-error")
    assert "资产" in page.inner_text("#chart") and "asset" not in page.inner_text("#chart")
    shot(page, "v05-chart")
    # the new sub-account is offered on the voucher form, its parent no longer
    page.goto("/vouchers/new/")
    offered = page.locator("select[name=account_0] option").all_inner_texts()
    assert "560230 折旧费" in offered and not any(o.startswith("5602 ") for o in offered)
    assert not any(o.startswith(("1122", "2203", "1405")) for o in offered)
