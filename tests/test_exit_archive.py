"""停用系统: archive through the API, then walk the URL map — every API write and every page POST
answers 409 read_only_archive and changes nothing, reads, reports and exports still work, the
banner is on every page — and unarchive restores writing. Audit verify finds a tampered entry.
The handover workbook holds master data, open items and stock."""

import io
import re
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver

from openjxc.core.api import api as ninja_api
from openjxc.users.models import ApiToken
from openjxc.users.services import issue_token

from .factories import fetch, person, state

pytestmark = pytest.mark.usefixtures("backups_in_tmp")

# writes that stay open in the archive: a session, a token, the language, the way back
OPEN = {"/login/", "/logout/", "/i18n/setlang/", "/api/v1/auth/token", "/api/v1/system/unarchive"}
OPEN_PAGES = {"/system/unarchive/"}


def api_writes() -> list[tuple[str, str]]:
    """(method, path) of every write operation in the OpenAPI document, parameters filled."""
    schema = ninja_api.get_openapi_schema()
    out = []
    for path, ops in schema["paths"].items():
        for method in ops:
            if method in ("post", "put", "patch", "delete"):
                out.append((method, re.sub(r"\{[^}]+\}", "X1", path)))
    return out


def page_paths(resolver=None, prefix="") -> list[str]:
    """Every page URL of the URL map (the API left out), converters filled."""
    out = []
    for p in (resolver or get_resolver()).url_patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            if not route.startswith(("api/", "^api")):
                out += page_paths(p, route)
        elif isinstance(p, URLPattern) and not route.startswith(("api/", "^api")):
            path = "/" + re.sub(r"<(?:\w+:)?\w+>", "X1", route).lstrip("^").rstrip("$")
            out.append(path)
    return sorted(set(out))


@pytest.fixture
def archived(books, client):
    """The conftest books, a 销售 with a token, then archived by the admin through the API."""
    seller = person("销售")
    issue_token("u-销售", "pw-123456")
    admin = As(client, "admin", "admin123")
    r = admin.post("/system/archive", {"reason": "公司停业，转用新系统"})
    assert r.status_code == 200, r.content
    return {"result": r.json(), "seller": seller}


class As:
    """An API client logged in by password (a token of its own)."""

    def __init__(self, client, username, password):
        self.client = client
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {issue_token(username, password)}"}

    def get(self, path):
        return self.client.get("/api/v1" + path, **self.headers)

    def post(self, path, body, method="post"):
        fn = getattr(self.client, method)
        return fn("/api/v1" + path, data=body, content_type="application/json", **self.headers)


def test_archive_revokes_tokens_deactivates_users_and_is_audited(archived):
    result = archived["result"]
    assert result["archived"] is True and result["users_deactivated"] == ["u-销售"]
    assert result["tokens_revoked"] == 2  # the seller's and the admin's of this call
    assert ApiToken.objects.count() == 0
    assert not get_user_model().objects.get(username="u-销售").is_active
    assert (
        result["counts"]["inventory_stockmove"]
        == fetch("SELECT COUNT(*) FROM inventory_stockmove")[0][0]
    )
    entry = fetch("SELECT action, reason FROM audit_auditentry ORDER BY id DESC LIMIT 1")[0]
    assert entry == ("archive", "公司停业，转用新系统")


def test_every_api_write_answers_read_only_archive(archived, client):
    admin = As(client, "admin", "admin123")  # logging in still works
    before = state()
    writes = [w for w in api_writes() if w[1] not in OPEN]
    assert len(writes) > 40  # the whole map, not a sample
    for method, path in writes:
        fn = getattr(client, method)
        r = fn(path if path.startswith("/api") else "/api/v1" + path, data={},
               content_type="application/json", **admin.headers)  # fmt: skip
        assert r.status_code == 409, (method, path, r.status_code)
        assert r.json()["error"]["code"] == "read_only_archive", (method, path)
    assert state() == before


def test_every_page_post_answers_read_only_archive(archived, client):
    client.force_login(get_user_model().objects.get(username="admin"))
    before = state()
    paths = [p for p in page_paths() if p not in OPEN | OPEN_PAGES]
    assert "/system/archive/confirm/" in paths and "/items/new/" in paths
    for path in paths:
        r = client.post(path, {"reason": "x", "name": "x"})
        assert r.status_code == 409, (path, r.status_code)
        assert "只读" in r.content.decode() or "read-only" in r.content.decode(), path
    assert state() == before


def test_reads_reports_and_exports_still_work_with_a_banner(archived, client):
    admin = As(client, "admin", "admin123")
    for path in ("/stock", "/documents", "/reports/trial-balance?period=2026-03", "/reconcile"):
        assert admin.get(path).status_code == 200, path
    r = admin.get("/export")
    assert r.status_code == 200 and r["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(b"".join(r.streaming_content))).namelist()
    assert any(n.endswith("/manifest.json") for n in names)
    assert any(n.endswith("/inventory_stockmove.csv") for n in names)
    client.force_login(get_user_model().objects.get(username="admin"))
    for page in ("/", "/stock/", "/system/archive/"):
        r = client.get(page)
        assert r.status_code == 200 and 'id="archived-banner"' in r.content.decode(), page


def test_unarchive_restores_writing_and_the_users(archived, client):
    admin = As(client, "admin", "admin123")
    assert admin.post("/system/unarchive", {"reason": ""}).json()["error"]["code"] == (
        "reason_required"
    )
    r = admin.post("/system/unarchive", {"reason": "误操作，恢复使用"})
    assert r.status_code == 200 and r.json() == {
        "archived": False,
        "users_reactivated": ["u-销售"],
    }
    assert get_user_model().objects.get(username="u-销售").is_active
    created = admin.post("/items", {"code": "N1", "name": "新商品", "unit": "个"})
    assert created.status_code == 201, created.content
    assert admin.post("/system/unarchive", {"reason": "再来"}).json()["error"]["code"] == (
        "not_archived"
    )
    actions = [a for (a,) in fetch("SELECT action FROM audit_auditentry ORDER BY id")]
    assert actions.index("archive") < actions.index("unarchive")


def test_only_the_administrator_archives(books, client):
    person("老板")
    boss = As(client, "u-老板", "pw-123456")
    r = boss.post("/system/archive", {"reason": "停用"})
    assert (
        r.status_code == 403
        and fetch("SELECT COUNT(*) FROM core_setting WHERE key = 'archived'")[0][0] == 0
    )


def test_audit_verify_names_the_first_tampered_entry(books, api):
    ok = api.get("/audit/verify").json()
    assert (
        ok["ok"] is True and ok["entries"] == fetch("SELECT COUNT(*) FROM audit_auditentry")[0][0]
    )
    assert "first_broken" not in ok
    target = fetch("SELECT id FROM audit_auditentry ORDER BY id LIMIT 1 OFFSET 2")[0][0]
    with connection.cursor() as cur:
        cur.execute("UPDATE audit_auditentry SET reason = '篡改' WHERE id = %s", [target])
    bad = api.get("/audit/verify").json()
    assert bad["ok"] is False and bad["first_broken"]["id"] == target
    assert bad["entries"] == ok["entries"]


def test_the_handover_workbook_holds_master_data_open_items_and_stock(trade, api):
    from openpyxl import load_workbook

    r = api.get("/export/workbook")
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    assert (
        len(wb.sheetnames) == 7
    )  # items, customers, suppliers, warehouses, open items, stock, about
    stock = list(wb.worksheets[5].iter_rows(min_row=2, values_only=True))
    # receipt 10 × 5.00 = 50.00, delivery 4 at the average 5.00: 6 left worth 30.00
    assert stock == [("A001", "商品A001", "WH1", "仓库WH1", 6, 30)]
    open_items = list(wb.worksheets[4].iter_rows(min_row=2, values_only=True))
    # the payable of the receipt: 10 × 5.00 + 13 % VAT = 56.50; the delivery 4 × 9.00 × 1.13 =
    # 40.68 less the 10.00 received = 30.68 open
    assert sorted(row[-1] for row in open_items) == [pytest.approx(30.68), pytest.approx(56.5)]
