import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
os.environ.setdefault("OPENJXC_FAST_HASHER", "1")


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
