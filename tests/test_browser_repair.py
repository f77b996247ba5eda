"""数据核对 → 修复 in a real browser: a repair behind a confirmation dialog, then a problem inside
a closed period proposed and made only after a second confirmation. Screenshots go to
test-artifacts/."""

import pytest
from django.db import connection

from tests.browser import log_in, shot
from tests.factories import doc, fetch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def backups_in_tmp(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "books"


def test_repair_then_confirm_the_correction_of_a_closed_period(zh_page, user):
    from openjxc.closing.services import close

    page = zh_page
    doc(user, "purchase_receipt", "2026-02-01", [("A001", 10, "5.00")])
    delivery = doc(user, "sales_delivery", "2026-02-05", [("A001", 4, "10.00")])
    doc(user, "purchase_receipt", "2026-03-02", [("A002", 3, "2.00")])
    close(user, "2026-01")
    close(user, "2026-02")
    # given: the February delivery's voucher removed and a March stock cache edited by hand
    voucher = fetch(
        "SELECT v.id FROM ledger_voucher v JOIN documents_document d ON d.id = v.document_id "
        "WHERE d.number = %s",
        [delivery],
    )[0][0]
    with connection.cursor() as cur:
        cur.execute("DELETE FROM closing_vouchernumber WHERE voucher_id = %s", [voucher])
        cur.execute("DELETE FROM ledger_journalline WHERE voucher_id = %s", [voucher])
        cur.execute("DELETE FROM ledger_voucher WHERE id = %s", [voucher])
        cur.execute("UPDATE inventory_stockbalance SET value = value + 100")
    log_in(page)
    page.wait_for_url(lambda url: "/login/" not in url)

    # the data check names the problems and proposes the correcting voucher for February
    page.goto("/check/")
    assert page.locator("#check-status").get_attribute("data-ok") == "0"
    checks = page.locator("#check-problems tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.check)"
    )
    assert {"document_voucher", "stock_cache", "closed_period_digest"} <= set(checks)
    proposal = page.locator(f"#fix-proposals li[data-document='{delivery}']").inner_text()
    assert "2026-03-01" in proposal and "借 1122 45.20" in proposal
    shot(page, "repair-01-data-check")

    # 修复 asks first; accepted, it repairs the cache and leaves February alone
    messages = []
    page.once("dialog", lambda d: (messages.append(d.message), d.accept()))
    page.click("#fix")
    page.locator("#fix-result").wait_for()
    assert "不修改也不删除任何账簿记录" in messages[0]
    assert page.locator("#fix-changes li").first.inner_text().startswith("库存 A00")
    assert fetch("SELECT COUNT(*) FROM ledger_voucher WHERE document_id = "
                 "(SELECT id FROM documents_document WHERE number = %s)", [delivery]) == [(0,)]  # fmt: skip
    shot(page, "repair-02-repaired")

    # the proposed correction, confirmed, is made on the first open day
    page.once("dialog", lambda d: d.accept())
    page.click("#fix-confirm-closed")
    page.locator("#fix-result").wait_for()
    assert f"补记凭证 {delivery} 2026-03-01" in page.locator("#fix-changes").inner_text()
    assert page.locator("#fix-proposals").count() == 0
    assert [str(d) for (d,) in fetch(
        "SELECT date FROM ledger_voucher WHERE document_id = "
        "(SELECT id FROM documents_document WHERE number = %s)", [delivery])] == ["2026-03-01"]  # fmt: skip
    shot(page, "repair-03-correction-made")
