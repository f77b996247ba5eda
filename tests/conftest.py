import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
os.environ.setdefault("OPENJXC_FAST_HASHER", "1")  # for the `jxc` subprocesses the tests start


def pytest_configure(config):
    """pytest-django has read the settings before this file is imported, so the variable above
    comes too late for this process: without this, every test user's password and every log-in
    ran the production PBKDF2 (about 0.23 s each, most of a test's setup time)."""
    from django.conf import settings
    from django.contrib.auth.hashers import get_hashers

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    get_hashers.cache_clear()
    # Background work (a backup's verification restores it in a subprocess) is only queued in
    # tests: the tests that check it run it themselves (tests/test_backup_verify.py).
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    # Backups, exports and uploads of the test books go to a scratch folder, not to the
    # checkout's data/ that `make run` serves (its backups page would list the tests' backups).
    if "OPENJXC_DATA_DIR" not in os.environ:
        import tempfile
        from pathlib import Path

        settings.DATA_DIR = Path(tempfile.mkdtemp(prefix="openjxc-test-data-"))
    from django.test.signals import setting_changed

    setting_changed.send(sender=None, setting="TASKS", value=settings.TASKS, enter=True)


def pytest_collection_modifyitems(config, items):
    """The PostgreSQL pass (OPENJXC_DATABASE_URL set) skips the tests that run their own SQLite
    books in a subprocess (benchmarks, schema fuzzing, the SQLite `jxc serve`): they never
    touch the test database, so they would repeat the SQLite pass exactly."""
    if not os.environ.get("OPENJXC_DATABASE_URL"):
        return
    skip = pytest.mark.skip(reason="same run as in the SQLite pass (own SQLite books)")
    for item in items:
        if item.get_closest_marker("sqlite_subprocess"):
            item.add_marker(skip)


@pytest.fixture
def user(db):
    from tests.factories import master_data, setup_books

    u = setup_books()
    master_data(u)
    return u


@pytest.fixture
def api(user, client):
    """A Django test client that sends the admin's bearer token and JSON bodies."""
    from openjxc.users.services import issue_token

    token = issue_token("admin", "admin123")

    class Api:
        def __init__(self, token):
            self.headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}

        def _call(self, method, path, body=None):
            fn = getattr(client, method)
            kwargs = dict(self.headers)
            if body is not None:
                return fn("/api/v1" + path, data=body, content_type="application/json", **kwargs)
            return fn("/api/v1" + path, **kwargs)

        def get(self, path):
            return self._call("get", path)

        def post(self, path, body=None):
            return self._call("post", path, body if body is not None else {})

        def put(self, path, body):
            return self._call("put", path, body)

        def delete(self, path):
            return self._call("delete", path)

    return Api(token)


@pytest.fixture
def backups_in_tmp(settings, tmp_path):
    """Backups (close and reopen take one) go to the test's own folder, not the data folder."""
    settings.DATA_DIR = tmp_path


@pytest.fixture
def admin_client(client, user):
    """The test client logged in as the admin of `user` (pytest-django's own would make another)."""
    client.force_login(user)
    return client


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Playwright cannot download browsers here: use Debian's Chromium (see TESTING.md)."""
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("PW_CHROMIUM", "/usr/bin/chromium"),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def books(user):
    """Two approved receipts, one approved delivery and one draft delivery."""
    from tests.factories import doc

    receipt = doc(
        user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00"), ("A002", 4, "2.50")]
    )
    receipt2 = doc(user, "purchase_receipt", "2026-03-02", [("A003", 3, "1.20")], warehouse="WH2")
    delivery = doc(user, "sales_delivery", "2026-03-03", [("A001", 4, "9.00")])
    draft = doc(user, "sales_delivery", "2026-03-04", [("A002", 1, "4.00")], approve_it=False)
    return {"receipts": [receipt, receipt2], "delivery": delivery, "draft": draft}


@pytest.fixture
def trade(user):
    """A receipt, a delivery, and a customer receipt allocated to the delivery."""
    from tests.factories import doc

    receipt = doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    delivery = doc(user, "sales_delivery", "2026-03-02", [("A001", 4, "9.00")])
    money = doc(
        user,
        "receipt",
        "2026-03-03",
        [],
        partner="C001",
        amount="10.00",
        allocations=[{"document": delivery, "amount": "10.00"}],
    )
    return {"receipt": receipt, "delivery": delivery, "money": money}


@pytest.fixture
def zh_page(browser, live_server):
    """A page in a browser set to Simplified Chinese, as our users' browsers are."""
    context = browser.new_context(
        locale="zh-CN", base_url=live_server.url, viewport={"width": 1280, "height": 800}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
