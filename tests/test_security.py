"""Authentication and the browser's guard rails: 401 for a missing, bad or dead token; tokens that
expire and die with the password (also `jxc passwd`); a per-client login throttle; no framing, a
content security policy and logout only by POST."""

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from openjxc.users.services import issue_token

from .factories import (
    As,
    assert_error,
    created,
    receipt_body,
    refused,
)

pytestmark = pytest.mark.usefixtures("backups_in_tmp")


# --- who is asking: no token, a bad one, a wrong password, a deactivated user ---------------------


def test_401_without_or_with_a_bad_token(api, client):
    for who in (
        As(client),
        As(client, token="not-a-token"),
        As(client, header="Basic YWRtaW46YWRtaW4xMjM="),
        As(client, header="Bearer "),
        As(client, header="Token abc"),
    ):
        refused(lambda w=who: w.get("/items"), 401, "unauthorized")
        refused(lambda w=who: w.post("/documents", receipt_body()), 401, "unauthorized")
        refused(
            lambda w=who: w.post("/items", {"code": "X1", "name": "x", "unit": "个"}),
            401,
            "unauthorized",
        )
    number = created(api.post("/documents", receipt_body()))["number"]
    refused(lambda: As(client).post(f"/documents/{number}/approve"), 401, "unauthorized")
    assert api.get(f"/documents/{number}").json()["status"] == "draft"


def test_auth_token_wrong_password_is_401(api, client):
    anon = As(client)
    refused(
        lambda: anon.post("/auth/token", {"username": "admin", "password": "wrong"}),
        401,
        "unauthorized",
    )
    refused(
        lambda: anon.post("/auth/token", {"username": "nobody", "password": "admin123"}),
        401,
        "unauthorized",
    )
    refused(lambda: anon.post("/auth/token", {"username": "admin"}), 422, "invalid")
    r = anon.post("/auth/token", {"username": "admin", "password": "admin123"})
    assert r.status_code == 200 and set(r.json()) == {"token"}
    assert As(client, token=r.json()["token"]).get("/items").status_code == 200


def test_token_of_a_deactivated_user_is_401(api, client):
    clerk = get_user_model().objects.create_user("clerk", password="pw123456")
    token = issue_token("clerk", "pw123456")
    assert As(client, token=token).get("/items").status_code == 200
    clerk.is_active = False
    clerk.save()
    refused(lambda: As(client, token=token).get("/items"), 401, "unauthorized")


# --- API tokens expire, die with the password, can be listed and revoked --------------------------


def _token(client, username="admin", password="admin123", addr="127.0.0.1"):
    return client.post(
        "/api/v1/auth/token",
        data={"username": username, "password": password},
        content_type="application/json",
        REMOTE_ADDR=addr,
    )


def _items(client, token):
    return client.get("/api/v1/items", HTTP_AUTHORIZATION=f"Bearer {token}")


def test_a_token_lives_as_long_as_the_setting_says_then_answers_401(api, client):
    from openjxc.users.models import ApiToken

    # given the setting api_token_days = 7
    r = api.put("/settings/api_token_days", {"value": "7"})
    assert r.status_code == 200, r.content
    # when a token is issued
    token = _token(client).json()["token"]
    row = ApiToken.objects.latest("id")
    # then it expires in 7 days and works until then
    assert abs(row.expires_at - (timezone.now() + dt.timedelta(days=7))) < dt.timedelta(minutes=1)
    assert _items(client, token).status_code == 200
    # once expired it is refused
    ApiToken.objects.filter(pk=row.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert_error(_items(client, token), 401, "unauthorized")
    # the setting refuses nonsense
    assert_error(api.put("/settings/api_token_days", {"value": "0"}), 422, "invalid")
    assert_error(api.put("/settings/api_token_days", {"value": "abc"}), 422, "invalid")


def test_the_default_token_lifetime_is_30_days(user, client):
    from openjxc.users.models import ApiToken

    _token(client)
    row = ApiToken.objects.latest("id")
    assert abs(row.expires_at - (timezone.now() + dt.timedelta(days=30))) < dt.timedelta(minutes=1)


def test_a_password_reset_revokes_every_token_of_the_user(user, admin_client, client):
    from django.contrib.auth import get_user_model

    from openjxc.users.admin import create_user
    from openjxc.users.models import ApiToken

    create_user(user, {"username": "clerk", "password": "old-pw-1", "roles": ["销售"]})
    tokens = [_token(client, "clerk", "old-pw-1").json()["token"] for _ in range(2)]
    assert _items(client, tokens[0]).status_code == 200
    # when the administrator resets the clerk's password on the user page
    r = admin_client.post("/users/clerk/edit/", {"action": "password", "password": "new-pw-1"})
    assert r.status_code == 302
    # then both tokens are gone and refused
    assert not ApiToken.objects.filter(user__username="clerk").exists()
    for t in tokens:
        assert_error(_items(client, t), 401, "unauthorized")
    # a password changed any other way (e.g. `manage.py changepassword`) ends its tokens too
    token = _token(client, "clerk", "new-pw-1").json()["token"]
    clerk = get_user_model().objects.get(username="clerk")
    clerk.set_password("third-pw-1")
    clerk.save()
    assert_error(_items(client, token), 401, "unauthorized")


def test_the_user_page_lists_and_revokes_tokens(user, admin_client, client):
    from openjxc.users.models import ApiToken

    token = _token(client).json()["token"]
    _token(client)
    # the user page loads the token list; the list shows created, last used and expiry
    assert (
        'hx-get="/users/admin/tokens/"' in admin_client.get("/users/admin/edit/").content.decode()
    )
    html = admin_client.get("/users/admin/tokens/").content.decode()
    rows = list(ApiToken.objects.filter(user=user).order_by("-id"))
    assert html.count("data-token=") == 2 and "data-confirm=" in html
    assert timezone.localtime(rows[0].expires_at).strftime("%Y-%m-%d %H:%M") in html
    # a GET revokes nothing; the POST revokes exactly the token named
    first = rows[-1]
    r = admin_client.post("/users/admin/tokens/", {"token": str(first.id)})
    assert r.status_code == 302 and r.url == "/users/admin/edit/"
    assert list(ApiToken.objects.filter(user=user)) == rows[:1]
    assert_error(_items(client, token), 401, "unauthorized")
    # an unknown token is a clear error, not a 500
    r = admin_client.post("/users/admin/tokens/", {"token": "99999"})
    assert r.status_code == 404 and 'id="form-error"' in r.content.decode()


def test_jxc_passwd_sets_a_password(user, monkeypatch):
    from django.contrib.auth import authenticate

    from openjxc import cli

    monkeypatch.setattr(cli, "_setup", lambda args: None)  # the test database is already set up
    args = cli.build_parser().parse_args(["passwd", "admin", "--password", "new-secret-1"])
    assert args.func(args) == 0
    assert authenticate(username="admin", password="new-secret-1") is not None


# --- a per-client login throttle ------------------------------------------------------------------


def test_one_client_is_throttled_without_locking_the_user_out_elsewhere(user, client):
    # given an attacker at 10.0.0.66 trying many usernames
    for i in range(20):
        assert _token(client, f"guess{i}", "x", addr="10.0.0.66").status_code == 401
    # then that client is refused even with the right password: 429 too_many_attempts
    err = assert_error(_token(client, addr="10.0.0.66"), 429, "too_many_attempts")
    assert err["details"] == {"minutes": 15}
    # and the real user, elsewhere, still logs in
    assert _token(client, addr="10.0.0.2").status_code == 200


def test_wrong_passwords_lock_the_account_only_for_the_client_that_sent_them(user, client):
    for _ in range(5):
        assert _token(client, password="wrong", addr="10.0.0.66").status_code == 401
    assert_error(_token(client, addr="10.0.0.66"), 429, "locked")
    assert _token(client, addr="10.0.0.2").status_code == 200


def test_the_login_page_says_when_the_client_is_throttled(user, client):
    from django.utils import translation

    for i in range(20):
        client.post("/login/", {"username": f"guess{i}", "password": "x"}, REMOTE_ADDR="10.0.0.7")
    with translation.override("zh-hans"):
        r = client.post(
            "/login/",
            {"username": "admin", "password": "admin123"},
            REMOTE_ADDR="10.0.0.7",
            HTTP_ACCEPT_LANGUAGE="zh-hans",
        )
    assert r.status_code == 200 and "这台电脑登录失败次数过多" in r.content.decode()
    assert "_auth_user_id" not in client.session


# --- no framing, a content security policy, logout by POST ----------------------------------------


INLINE_SCRIPT = re.compile(
    r'<script(?![^>]*\b(?:src=|type="application/json"))[^>]*>|\son[a-z]+\s*=', re.I
)


def test_pages_forbid_framing_and_inline_script(books, admin_client):
    r = admin_client.get("/")
    assert r["X-Frame-Options"] == "DENY"
    policy = dict(
        p.strip().split(" ", 1) for p in r["Content-Security-Policy"].split(";") if p.strip()
    )
    assert policy["frame-ancestors"] == "'none'"
    assert policy["script-src"] == "'self'"
    assert "unsafe-inline" not in policy["script-src"] and "unsafe-eval" not in policy["script-src"]
    # so no page may carry an inline script or event handler (they would silently stop working)
    delivery = books["delivery"]
    for url in (
        "/",
        "/login/",
        "/documents/sales_delivery/new/",
        f"/doc/{delivery}/",
        f"/doc/{delivery}/print/",
        "/stock/low/",
        "/reports/statements/",
        "/statement/customer/C001/",
        "/users/admin/edit/",
        "/users/admin/tokens/",
        "/periods/",
        "/settings/",
        "/logout/",
        "/api/v1/docs",
    ):
        r = admin_client.get(url)
        assert r.status_code == 200, (url, r.status_code)
        found = INLINE_SCRIPT.findall(r.content.decode())
        assert not found, (url, found)


def test_logout_needs_a_post(user, admin_client):
    # a GET (a link or an image on another site) does not log out: it asks
    r = admin_client.get("/logout/")
    assert r.status_code == 200 and 'id="logout-confirm"' in r.content.decode()
    assert admin_client.get("/documents/").status_code == 200
    # the header's button posts
    assert 'action="/logout/" method="post"' in admin_client.get("/").content.decode()
    r = admin_client.post("/logout/")
    assert r.status_code == 302 and r.url == "/login/"
    assert admin_client.get("/documents/").status_code == 302


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_pages_work_under_the_policy_in_a_real_browser(zh_page, books):
    from tests.browser import log_in, shot

    page = zh_page
    refused = []
    page.on(
        "console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None
    )
    log_in(page)
    page.wait_for_url(lambda url: "/login/" not in url)
    # htmx (the home page's data check loads by itself) and the static app.js run
    page.locator("#data-check-slot").wait_for(state="detached")
    page.set_viewport_size({"width": 390, "height": 800})
    page.click("header >> button.menu-toggle")
    assert "menu-open" in page.evaluate("document.body.className")
    page.set_viewport_size({"width": 1280, "height": 800})
    # a confirmed form asks first (the dialog comes from app.js, not an inline handler)
    page.goto("/users/admin/edit/")
    page.locator("#token-list, #no-tokens").first.wait_for()
    asked = []
    page.once("dialog", lambda d: (asked.append(d.message), d.dismiss()))
    page.click("#deactivate")
    assert asked and "停用" in asked[0]
    page.goto(f"/doc/{books['delivery']}/print/")
    shot(page, "i9-print-under-csp")
    # the API's interactive docs run from ninja's static files
    page.goto("/api/v1/docs")
    # (the first request builds the OpenAPI document: slow on a busy machine)
    page.locator("#swagger-ui .info .title").wait_for(timeout=60_000)
    # logging out is the header's button (a POST)
    page.goto("/")
    page.click("header >> #logout")
    page.wait_for_url("**/login/**")
    assert refused == []
