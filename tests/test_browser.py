"""What a user sees in a real browser (Chromium through Playwright) against Django's live server.

Screenshots of the key pages go to test-artifacts/ (git-ignored) for a person to look at.
"""

import pytest

from tests.browser import log_in, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_login_home_and_logout(zh_page, books):
    page = zh_page
    # the login page is Chinese
    page.goto("/documents/")
    assert "/login/" in page.url
    assert page.locator("button[type=submit]").inner_text().strip() == "登录"
    assert page.locator("label[for=id_username]").inner_text().strip() == "用户名"
    shot(page, "01-login")

    # logging in shows the menu of the admin's permissions
    log_in(page)
    page.wait_for_url(lambda url: "/login/" not in url)
    menu = page.locator("nav.side").inner_text()
    for entry in ("库存余额", "采购入库", "销售出库", "期间与结账", "用户与角色", "进销存汇总表"):
        assert entry in menu

    # logging out returns to the login page
    page.click("header >> text=退出登录")
    page.wait_for_url("**/login/**")


def test_wrong_password_shows_the_error(zh_page, user):
    page = zh_page
    log_in(page, password="not-the-password")
    error = page.locator("p.bad")
    error.wait_for()
    assert error.inner_text().strip() == "用户名或密码错误。"
    assert "/login/" in page.url
    shot(page, "06-login-wrong-password")
    # and the right one still works
    log_in(page)
    page.wait_for_url(lambda url: "/login/" not in url)
    assert "admin" in page.locator("header").inner_text()


def test_repeated_wrong_passwords_lock_the_account(zh_page, user):
    page = zh_page
    for _ in range(5):
        log_in(page, password="wrong")
        page.locator("p.bad").wait_for()
    # the sixth try is refused even with the right password, with the reason in Chinese
    log_in(page)
    assert page.locator("p.bad").inner_text().strip() == "密码错误次数过多，账户已锁定 15 分钟。"
    assert "/login/" in page.url
    shot(page, "07-login-locked")
