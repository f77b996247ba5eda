"""The backups page in a real browser: each backup's background verification — ✓, what failed,
or 校验中 while pending — and the 恢复到当前账套 form. Screenshots go to test-artifacts/."""

import os

import pytest
from playwright.sync_api import expect

from openjxc.backup.services import backup_dir, take_backup
from openjxc.backup.verify import run_verification
from tests.browser import log_in, shot
from tests.factories import doc

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        bool(os.environ.get("OPENJXC_DATABASE_URL")), reason="the SQLite pass shows the page"
    ),
]


def test_the_backups_page_shows_each_verification(zh_page, user, settings, tmp_path):
    # given three backups: one verified, one damaged on disk and verified, one pending
    settings.DATA_DIR = tmp_path / "books"
    doc(user, "purchase_receipt", "2026-01-05", [("A001", 10, "5.00")])
    good = take_backup("before closing 2026-01", user)
    bad = take_backup("before reversal CGRK202601050001", user)
    pending = take_backup("manual (web)", user)
    path = backup_dir() / bad["file"]
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    assert run_verification(good["id"])["verified"] is True
    assert run_verification(bad["id"])["verified"] is False
    page = zh_page
    log_in(page)
    page.wait_for_url(lambda url: "/login/" not in url)
    # when the administrator opens the backups page
    page.goto("/backups/")
    # then each row says what its verification found, in Chinese
    cell = page.locator(f"#backups tr[data-id='{good['id']}'] td.verification")
    expect(cell).to_have_attribute("data-verified", "1")
    expect(cell).to_contain_text("✓ 已试恢复并核对通过")
    failed = page.locator(f"#backups tr[data-id='{bad['id']}'] td.verification")
    expect(failed).to_have_attribute("data-verified", "0")
    expect(failed).to_contain_text("✘ 备份文件已损坏：校验和与清单不符。")
    expect(page.locator(f"#backups tr[data-id='{bad['id']}']")).to_contain_text(
        "红冲前备份（CGRK202601050001）"
    )
    waiting = page.locator(f"#backups tr[data-id='{pending['id']}'] td.verification")
    expect(waiting).to_have_attribute("data-verified", "pending")
    expect(waiting).to_contain_text("校验中")
    shot(page, "backups-01-verification")
    # and the in-place restore offers only the backups not known to be bad
    page.click("#restore-in-place-link")
    expect(page.locator("h2")).to_have_text("恢复到当前账套")
    options = page.locator("#backup option")
    expect(options).to_have_count(2)
    shot(page, "backups-02-restore-in-place")
