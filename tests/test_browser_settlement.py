"""Settlement in a real browser: cancel through the impact preview, close a period through the
wizard and see a back-dated cancel refused. Screenshots of each step go to test-artifacts/."""

import pytest

from tests.browser import log_in, shot, table_rows
from tests.factories import doc, fetch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def backups_in_tmp(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "books"


def on_hand(item: str, wh: str) -> str:
    rows = fetch(
        "SELECT b.qty FROM inventory_stockbalance b JOIN catalog_item i ON i.id = b.item_id "
        "JOIN inventory_warehouse w ON w.id = b.warehouse_id WHERE i.code = %s AND w.code = %s",
        [item, wh],
    )
    return int(rows[0][0]) // 10000 if rows else 0


def status(number: str) -> str:
    return fetch("SELECT status FROM documents_document WHERE number = %s", [number])[0][0]


def test_cancel_a_document_through_the_impact_preview(zh_page, books):
    page = zh_page
    receipt = books["receipts"][1]  # 3 × A003 into WH2 at 1.20
    assert on_hand("A003", "WH2") == 3
    log_in(page)
    page.wait_for_url(lambda url: "/login/" not in url)

    # given the impact page of an approved receipt
    page.goto(f"/doc/{receipt}/impact/cancel/")
    assert page.locator("#doc-status").get_attribute("data-status") == "approved"
    assert page.locator("#doc-status").inner_text() == "已审核"
    # it shows the stock change (qty and value) and the cancellation voucher as 借/贷 lines
    [row] = table_rows(page, "impact-stock")
    assert row[0].startswith("A003") and "商品A003" in row[0]
    assert row[1] == "仓库WH2"
    assert row[2:5] == ["3", "-3", "0"]
    assert row[5:8] == ["3.60", "-3.60", "0.00"]
    voucher = page.locator("table.impact-voucher[data-kind=cancellation]")
    # red-letter (红字): the receipt's 借 1405 3.60 comes back negative
    assert voucher.locator("tr[data-account='1405'] td.debit").inner_text() == "-3.60"
    assert page.locator("#impact-open-items").count() == 1  # the payable is cancelled too
    assert (
        status(receipt) == "approved" and on_hand("A003", "WH2") == 3
    )  # the preview changed nothing
    shot(page, "settlement-01-impact-preview")

    # when the user gives a reason and confirms
    page.fill("#reason", "供应商送错货")
    shot(page, "settlement-02-impact-reason")
    page.once("dialog", lambda d: d.accept())
    page.click("#confirm")
    page.wait_for_url(lambda url: "/impact/" not in url)

    # then the document is cancelled and the stock is back
    assert status(receipt) == "cancelled"
    assert on_hand("A003", "WH2") == 0
    assert receipt in page.locator("ul.messages").inner_text()
    assert "已作废" in page.content()
    assert fetch(
        "SELECT reason FROM audit_auditentry WHERE action = 'cancel' AND object = %s", [receipt]
    ) == [("供应商送错货",)]
    shot(page, "settlement-03-cancelled")


def test_close_a_period_and_see_a_back_dated_cancel_refused(zh_page, user):
    page = zh_page
    receipt = doc(user, "purchase_receipt", "2026-01-10", [("A001", 10, "5.00")])
    log_in(page)
    page.wait_for_url(lambda url: "/login/" not in url)

    # the wizard offers the first open period
    page.goto("/periods/")
    assert page.locator("#close-wizard").get_attribute("data-period") == "2026-01"
    assert page.locator("#periods tr[data-period='2026-01']").get_attribute("data-status") == "open"
    shot(page, "settlement-04-periods")

    # step 1: the close check passes
    page.click("#run-check")
    page.locator("#check-ok").wait_for()
    assert page.locator("#close-check").get_attribute("data-ok") == "1"
    shot(page, "settlement-05-close-check")

    # step 2: close, with the progress indicator while it runs
    page.once("dialog", lambda d: d.accept())
    page.click("#close-period")
    page.locator("#closed-ok").wait_for()
    backup_id = page.locator("#close-backup").inner_text().strip()
    assert backup_id
    assert page.locator("#close-vouchers").get_attribute("data-count") == "1"
    assert page.locator("#close-stock-snapshots").inner_text().strip() == "1"
    assert fetch("SELECT status FROM ledger_period WHERE name = '2026-01'") == [("closed",)]
    # the list below shows it closed without a reload, and the wizard's start button is gone
    page.locator("#periods tr[data-period='2026-01'][data-status='closed']").wait_for()
    assert page.locator("#run-check").count() == 0
    assert fetch(
        "SELECT c.backup_id FROM closing_periodclose c JOIN ledger_period p ON p.id = c.period_id "
        "WHERE p.name = '2026-01'"
    ) == [(backup_id,)]
    shot(page, "settlement-06-closed")

    page.goto("/periods/")
    assert (
        page.locator("#periods tr[data-period='2026-01']").get_attribute("data-status") == "closed"
    )
    assert page.locator("#close-wizard").get_attribute("data-period") == "2026-02"

    # a cancel of a document dated in the closed period: the clear Chinese reason, no confirm button
    page.goto(f"/doc/{receipt}/impact/cancel/")
    blocked = page.locator("#blocked")
    assert blocked.get_attribute("data-code") == "period_closed"
    assert "期间 2026-01 已结账" in blocked.inner_text()
    assert "2026-01-10" in blocked.inner_text()
    assert page.locator("#confirm").count() == 0
    # it points to the red-letter reversal instead
    assert page.locator(f"#blocked a[href='/doc/{receipt}/impact/reverse/']").count() == 1
    shot(page, "settlement-07-cancel-refused")

    # nothing changed
    assert status(receipt) == "approved"
    assert on_hand("A001", "WH1") == 10
    assert fetch("SELECT COUNT(*) FROM audit_auditentry WHERE action = 'cancel'") == [(0,)]


def test_reopen_then_audit_backups_and_data_check(zh_page, user):
    from openjxc.closing.services import close

    page = zh_page
    doc(user, "purchase_receipt", "2026-01-10", [("A001", 10, "5.00")])
    close(user, "2026-01")
    log_in(page)
    page.wait_for_url(lambda url: "/login/" not in url)

    # reopen: the impact first, then the reason; afterwards the backup it took
    page.goto("/periods/")
    page.click("#reopen-link")
    page.wait_for_url("**/periods/2026-01/reopen/")
    assert page.locator("#editable-again").inner_text().strip() == "1"
    shot(page, "settlement-08-reopen-impact")
    page.fill("#reason", "补录一张入库单")
    page.once("dialog", lambda d: d.accept())
    page.click("#confirm-reopen")
    page.locator("#reopened").wait_for()
    backup_id = page.locator("#reopen-backup").inner_text().strip()
    assert fetch("SELECT status FROM ledger_period WHERE name = '2026-01'") == [("open",)]
    shot(page, "settlement-09-reopened")

    # the audit log shows the reopen with its reason and the intact hash chain
    page.goto("/audit/?action=reopen")
    assert page.locator("#chain-status").get_attribute("data-ok") == "1"
    rows = table_rows(page, "audit")
    assert (
        len(rows) == 1
        and "2026-01" in rows[0][3]
        and rows[0][4] == "补录一张入库单"
        and backup_id in rows[0][6]
    )
    shot(page, "settlement-10-audit")

    # the backups page lists both automatic backups, verified, and takes a new one
    page.goto("/backups/")
    assert (
        page.locator(f"#backups tr[data-id='{backup_id}'] td.checksum").get_attribute(
            "data-verified"
        )
        == "1"
    )
    assert page.locator("#backups tbody tr").count() == 2
    page.click("#take-backup")
    page.wait_for_url("**/backups/")
    assert page.locator("#backups tbody tr").count() == 3
    shot(page, "settlement-11-backups")

    # the data check passes
    page.goto("/check/")
    assert page.locator("#check-status").get_attribute("data-ok") == "1"
    shot(page, "settlement-12-data-check")
