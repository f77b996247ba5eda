"""The 停用系统 wizard in a real browser: export with its progress and download, the counts
verified, the confirmation before the destructive step, done with the read-only banner on
every page, and unarchive (screenshots in test-artifacts/x*.png)."""

import pytest
from playwright.sync_api import expect

from tests.browser import log_in, shot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("backups_in_tmp"),
]


def test_the_cancel_the_system_wizard(zh_page, books):
    from django.contrib.auth import get_user_model

    from tests.factories import person

    person("销售")
    page = zh_page
    log_in(page)
    page.wait_for_url(lambda url: "/login/" not in url)
    page.goto("/system/archive/")
    expect(page.locator("#wizard-steps li.current")).to_have_text("1 导出")
    shot(page, "x01-archive-start")
    # step 1: export (the progress bar shows while it runs), step 2: the counts verified
    page.click("#export")
    expect(page.locator("#export-verified")).to_contain_text("每个文件的校验和与行数都与清单一致")
    expect(page.locator("#wizard-steps li.current")).to_have_text("2 核对行数")
    page.click("#counts >> xpath=.. >> summary")
    expect(page.locator("#counts")).to_contain_text("inventory_stockmove")
    shot(page, "x02-export-verified")
    with page.expect_download() as download:
        page.click("#download")
    assert download.value.suggested_filename.endswith(".zip")
    # step 3: the destructive step needs a reason and the tick
    page.click("#to-confirm")
    expect(page.locator("#wizard-steps li.current")).to_have_text("3 确认")
    page.fill("#archive-reason", "公司停业，转用新系统")
    page.check("#archive-confirm")
    shot(page, "x03-confirm")
    page.click("#archive")
    # step 4: done, the banner on every page
    expect(page.locator("#step-done")).to_be_visible()
    expect(page.locator("#archived-banner")).to_contain_text("只读归档")
    shot(page, "x04-done")
    assert not get_user_model().objects.get(username="u-销售").is_active
    page.goto("/stock/")
    expect(page.locator("#archived-banner")).to_be_visible()
    shot(page, "x05-stock-read-only")
    # a write through a page is refused in Chinese
    page.goto("/items/new/")
    page.fill("#id_code", "N100")
    page.fill("#id_name", "新商品")
    page.fill("#id_unit", "个")
    page.click("#save")
    expect(page.locator("#read-only-archive")).to_contain_text("只读")
    shot(page, "x06-write-refused")
    # unarchive with a reason
    page.goto("/system/archive/")
    page.fill("#unarchive-reason", "误操作，恢复使用")
    page.click("#unarchive")
    expect(page.locator(".messages")).to_contain_text("账套已恢复")
    expect(page.locator("#archived-banner")).to_have_count(0)
    shot(page, "x07-unarchived")
    assert get_user_model().objects.get(username="u-销售").is_active
