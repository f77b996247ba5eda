"""Automatic codes, 停用 with its confirmation and 待老板审核 in a real browser (screenshots in
test-artifacts/)."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from tests.browser import log_in, shot, table_rows
from tests.factories import doc

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_new_item_without_code_then_deactivate_it(zh_page, user):
    page = zh_page
    log_in(page)
    page.wait_for_url(lambda url: "/login/" not in url)
    # given: the new-item form says which code an empty field gets
    page.goto("/items/new/")
    assert page.get_attribute("#id_code", "placeholder") == "留空自动编码 SP0001"
    page.fill("#id_name", "农夫山泉 550ml")
    page.fill("#id_unit", "瓶")
    page.click("#save")
    page.wait_for_url("**/items/?q=SP0001")
    assert [r[0] for r in table_rows(page, "items")] == ["SP0001"]
    # when: 停用 is clicked, the browser asks first; dismissing changes nothing
    page.goto("/items/")
    page.once("dialog", lambda d: d.dismiss())
    page.click('tr[data-code="A001"] button.deactivate')
    assert page.locator('#items tr[data-code="A001"]').count() == 1
    shot(page, "m01-items-with-deactivate")
    # accepting deactivates it: the list then shows 显示停用 ticked with A001 marked 停用
    messages = []
    page.once("dialog", lambda d: (messages.append(d.message), d.accept()))
    page.click('tr[data-code="A001"] button.deactivate')
    page.wait_for_url("**/items/?inactive=1")
    assert "停用 A001" in messages[0]
    assert page.is_checked("#show-inactive")
    row = page.locator('#items tr[data-code="A001"]')
    assert "停用" in row.inner_text() and row.locator("button.activate").count() == 1
    shot(page, "m02-items-show-inactive")
    # the default list no longer shows it
    page.goto("/items/")
    assert page.locator('#items tr[data-code="A001"]').count() == 0


def test_a_purchaser_sees_who_approves(zh_page, user):
    number = doc(user, "purchase_receipt", "2026-03-05", [("A001", 2, "5.00")], approve_it=False)
    buyer = get_user_model().objects.create_user("cg", password="pw-123456")
    buyer.groups.add(Group.objects.get(name="采购"))
    page = zh_page
    log_in(page, "pw-123456", "cg")
    page.wait_for_url(lambda url: "/login/" not in url)
    page.goto(f"/doc/{number}/")
    assert page.inner_text("#waiting-for") == "待老板审核"
    assert page.locator("#save-approve").count() == 0
    shot(page, "m03-draft-awaiting-approval")
    page.goto("/documents/purchase_receipt/")
    assert "待老板审核" in page.inner_text(f'tr[data-number="{number}"]')
    shot(page, "m04-list-awaiting-approval")
