"""The 更正 (红冲蓝补) flow in a real browser: an approved delivery in a closed period is corrected
(the price), the preview shows both halves and the net effect, a second user approves, the
documents link each other, and the correction is undone after a confirmation dialog. Screenshots
of each step go to test-artifacts/."""

import pytest

from openjxc.core.services import set_setting
from tests.browser import log_in, shot
from tests.factories import delivered_in_a_closed_march, fetch, person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def backups_in_tmp(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "books"


@pytest.fixture
def delivery(user):
    """4 × A001 at 9.00 delivered on 3 March; January to March closed; maker ≠ checker."""
    number = delivered_in_a_closed_march(user)
    set_setting("approval_threshold.sales_delivery", "1")
    person("老板", username="boss")
    return number


def correction_status(number: str) -> str:
    return fetch(
        "SELECT c.status FROM documents_correction c JOIN documents_document d "
        "ON d.id = c.original_id WHERE d.number = %s",
        [number],
    )[0][0]


def test_correct_a_delivery_in_a_closed_period(zh_page, browser, live_server, delivery):
    page = zh_page
    log_in(page)
    page.wait_for_url(lambda url: "/login/" not in url)

    # given the approved delivery's page: 更正 opens the entry form filled with it
    page.goto(f"/doc/{delivery}/")
    page.click("#correct")
    page.wait_for_url(f"**/doc/{delivery}/correct/")
    price = page.locator("#lines tbody tr.line input[name=line_price]")
    assert price.input_value() == "9.00"
    shot(page, "corrections-01-form")

    # when the user changes the price, gives a reason and asks for the preview
    price.fill("10.00")
    page.fill("#reason", "单价录错，应为10元")
    page.click("#correction-preview")
    page.wait_for_selector("#impact-net")
    # then both halves and the net effect are shown, nothing changed yet
    assert page.locator("#impact-red > h3").inner_text() == "红冲：撤销原单的影响"
    assert page.locator("#impact-blue > h3").inner_text() == "蓝补：按更正后的内容入账"
    red_stock = page.locator("#red-impact-stock tr[data-item=A001] td.qty-change")
    assert red_stock.inner_text() == "4"  # the red reversal brings the 4 back
    assert page.locator("#blue-impact-stock tr[data-item=A001] td.qty-change").inner_text() == "-4"
    net = page.locator("#impact-net table.impact-voucher")
    assert net.locator("tr[data-account='1122'] td.debit").inner_text() == "4.52"
    assert net.locator("tr[data-account='5001'] td.credit").inner_text() == "4.00"
    assert page.locator("#reason").input_value() == "单价录错，应为10元"
    assert fetch("SELECT COUNT(*) FROM documents_correction") == [(0,)]
    shot(page, "corrections-02-preview")

    # when the user submits: the correction waits for approval by someone else
    page.click("#correction-submit")
    page.wait_for_url("**/corrections/*/")
    assert page.locator("#correction-status").inner_text() == "待审批"
    correction_url = page.url
    # the maker is not offered 审核: the page says who must approve
    assert page.locator("#correction-approve").count() == 0
    assert "等待他人审批" in page.locator("#correction-awaits-other").inner_text()
    assert correction_status(delivery) == "pending_approval"
    shot(page, "corrections-03-awaits-another-approver")

    # a second user approves: a backup first, both halves posted
    boss_context = browser.new_context(
        locale="zh-CN", base_url=live_server.url, viewport={"width": 1280, "height": 800}
    )
    boss = boss_context.new_page()
    log_in(boss, password="pw-123456", username="boss")
    boss.wait_for_url(lambda url: "/login/" not in url)
    boss.goto(correction_url)
    boss.click("#correction-approve")
    boss.wait_for_selector("#correction-status[data-status=approved]")
    assert boss.locator("#correction-status").inner_text() == "已审批"
    assert "已先自动备份" in boss.locator("ul.messages").inner_text()
    assert correction_status(delivery) == "approved"
    shot(boss, "corrections-04-approved")

    # the original, red and blue documents link each other
    blue = boss.locator("#correction-documents tr[data-role=blue] a").inner_text()
    red = boss.locator("#correction-documents tr[data-role=red] a").inner_text()
    boss.click("#correction-documents tr[data-role=blue] a")
    boss.wait_for_url(f"**/doc/{blue}/")
    links = boss.locator(".correction-link")
    assert links.locator(f"a.correction-original:text('{delivery}')").count() == 1
    assert links.locator(f"a.correction-red:text('{red}')").count() == 1
    shot(boss, "corrections-05-blue-links")
    boss.goto(f"/doc/{delivery}/print/")
    assert red in boss.content() and blue in boss.content()
    shot(boss, "corrections-06-print")

    # undo with a reason, after a confirmation dialog
    boss.goto(correction_url)
    boss.fill("#undo-reason", "客户同意按原价结算")
    dialogs = []
    boss.once("dialog", lambda d: (dialogs.append(d.message), d.accept()))
    boss.click("#correction-undo")
    boss.wait_for_selector("#correction-status[data-status=undone]")
    assert dialogs and "撤销这张更正单" in dialogs[0]
    assert boss.locator("#correction-status").inner_text() == "已撤销"
    assert correction_status(delivery) == "undone"
    shot(boss, "corrections-07-undone")
    boss_context.close()

    # the list of corrections shows it
    page.goto("/corrections/")
    assert page.locator("#corrections tbody tr").count() == 1
    assert "已撤销" in page.locator("#corrections tbody tr").inner_text()
    shot(page, "corrections-08-list")
