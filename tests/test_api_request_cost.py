"""What one API request costs the database, pinned: the number of SQL queries of an approval and
of plain reads. A query count is behaviour, not a timing: a change that adds a query per line,
per permission check or per related object fails here, whatever the machine's speed.

Where the counts come from (docs/benchmarks.md, "API layer cost"): the bearer token is one query
(the token joined to its user); a user who is not a superuser adds one for permissions and
warehouses; the document read back after an action is two (the document with its relations, its
lines with their items; after an approval only the document, as it answers with the lines it
posted)."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models.signals import post_init

from openjxc.catalog.services import create_item
from openjxc.core.api import api as ninja_api
from openjxc.core.db import load
from openjxc.documents.models import Document, DocumentLine
from openjxc.users.models import WarehouseAccess
from openjxc.users.services import issue_token

from .factories import doc

# upper bounds, at today's counts
# + the read-only archive guard 1 (core/archive_guard.py: every write request reads the setting,
# so that no server process can write after 停用系统)
# and nothing read back: the engine locked the document with its partner and warehouse, and its
# posted lines answer (posting/api.py `approve`)
APPROVE_QUERIES = 22  # token 1 + guard 1 + approval 19 + the 停用 check 1
APPROVE_QUERIES_ROLE_USER = 24  # + permissions and warehouses 1, + the warehouse check 1
GET_ITEM_QUERIES = 3  # token, item, its alternate units (多单位)
GET_DOCUMENT_QUERIES = 3  # token, document with relations, lines with items
ROLE_USER_EXTRA = 1  # permissions and warehouses, read once per request

ITEMS = [f"A{n:03d}" for n in range(1, 11)]


class Bearer:
    """Calls with a user's bearer token; the token's first use (last_used_at) is made here."""

    def __init__(self, client, username, password):
        self.client = client
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {issue_token(username, password)}"}
        assert self.get("/periods").status_code == 200

    def get(self, path):
        return self.client.get("/api/v1" + path, **self.headers)

    def post(self, path):
        return self.client.post("/api/v1" + path, content_type="application/json", **self.headers)


@pytest.fixture
def stocked(user):
    """Ten items in stock at WH1 and two drafts of a sales delivery: 5 lines and 10 lines."""
    for code in ITEMS[3:]:
        create_item(user, {"code": code, "name": f"商品{code}", "unit": "个", "tax_rate": "0.13"})
    doc(user, "purchase_receipt", "2026-03-01", [(code, 100, "5.00") for code in ITEMS])
    five = doc(
        user, "sales_delivery", "2026-03-02", [(c, 1, "9.00") for c in ITEMS[:5]], approve_it=False
    )
    ten = doc(
        user, "sales_delivery", "2026-03-02", [(c, 1, "9.00") for c in ITEMS], approve_it=False
    )
    return {"five": five, "ten": ten}


@pytest.fixture
def boss(user):
    """A 老板 (role user, not a superuser) limited to warehouse WH1."""
    u = get_user_model().objects.create_user("boss", password="pw-123456")
    u.groups.add(Group.objects.get(name="老板"))
    WarehouseAccess.objects.create(user=u, warehouse_id=_warehouse_id("WH1"))
    return u


def _warehouse_id(code):
    from openjxc.inventory.models import Warehouse

    return Warehouse.objects.get(code=code).id


def test_approving_a_delivery_takes_the_same_few_queries_for_5_and_10_lines(
    client, stocked, django_assert_max_num_queries
):
    # given: the admin's token, already used once
    admin = Bearer(client, "admin", "admin123")
    # when: a 5-line delivery is approved through the API
    with django_assert_max_num_queries(APPROVE_QUERIES) as five:
        r = admin.post(f"/documents/{stocked['five']}/approve")
    # then: it is approved, its lines and stock are right, within the pinned queries
    body = r.json()
    assert r.status_code == 200 and body["status"] == "approved"
    assert [ln["item"] for ln in body["lines"]] == ITEMS[:5]
    assert body["amount"] == "45.00" and body["partner"] == "C001" and body["warehouse"] == "WH1"
    assert admin.get("/stock?item=A001&warehouse=WH1").json()["items"][0]["on_hand"] == "99"
    # when: a 10-line delivery is approved
    with django_assert_max_num_queries(APPROVE_QUERIES) as ten:
        r = admin.post(f"/documents/{stocked['ten']}/approve")
    # then: twice the lines, not one query more
    assert r.status_code == 200 and len(r.json()["lines"]) == 10
    assert len(ten.captured_queries) == len(five.captured_queries)


def test_a_role_users_approval_reads_permissions_and_warehouses_once(
    client, stocked, boss, django_assert_max_num_queries
):
    # given: a 老板 limited to WH1, with a token
    person = Bearer(client, "boss", "pw-123456")
    # when: the 5-line delivery is approved
    with django_assert_max_num_queries(APPROVE_QUERIES_ROLE_USER) as captured:
        r = person.post(f"/documents/{stocked['five']}/approve")
    # then: approved, and the permission tables are read once
    assert r.status_code == 200 and r.json()["status"] == "approved"
    permission_reads = [q for q in captured.captured_queries if "auth_permission" in q["sql"]]
    assert len(permission_reads) == 1


def test_a_role_user_limited_to_one_warehouse_is_still_refused_the_other(
    client, user, boss, stocked
):
    # given: a draft delivery from WH2, which the 老板 may not use
    other = doc(user, "purchase_receipt", "2026-03-03", [("A001", 1, "5.00")], warehouse="WH2")
    person = Bearer(client, "boss", "pw-123456")
    # when / then: reading it is refused, naming the warehouse; WH1 documents are readable
    r = person.get(f"/documents/{other}")
    assert r.status_code == 403 and r.json()["error"]["details"] == {"warehouse": "WH2"}
    assert person.get(f"/documents/{stocked['five']}").status_code == 200


def test_plain_reads_take_the_token_query_and_their_own(
    client, stocked, boss, django_assert_max_num_queries
):
    admin = Bearer(client, "admin", "admin123")
    person = Bearer(client, "boss", "pw-123456")
    # when: an item and a document are read by the admin
    with django_assert_max_num_queries(GET_ITEM_QUERIES):
        item = admin.get("/items/A001")
    with django_assert_max_num_queries(GET_DOCUMENT_QUERIES):
        document = admin.get(f"/documents/{stocked['five']}")
    # then: the answers are whole
    assert item.json()["code"] == "A001" and item.json()["name"] == "商品A001"
    assert document.json()["partner_name"] == "客户一"
    assert [ln["item_name"] for ln in document.json()["lines"]][:2] == ["商品A001", "商品A002"]
    # when / then: a role user reads them with one query more (permissions and warehouses)
    with django_assert_max_num_queries(GET_ITEM_QUERIES + ROLE_USER_EXTRA):
        assert person.get("/items/A001").status_code == 200
    with django_assert_max_num_queries(GET_DOCUMENT_QUERIES + ROLE_USER_EXTRA):
        assert person.get(f"/documents/{stocked['five']}").status_code == 200


def test_the_openapi_document_is_built_once_and_served_the_same(api):
    # when: the OpenAPI document is fetched twice
    first = api.get("/openapi.json")
    second = api.get("/openapi.json")
    # then: the same document, built once in this process
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    assert "/api/v1/documents/{number}/approve" in first.json()["paths"]
    assert ninja_api.get_openapi_schema(path_prefix="/api/v1/") is ninja_api.get_openapi_schema(
        path_prefix="/api/v1/"
    )


def _without_state(obj) -> dict:
    return {k: v for k, v in vars(obj).items() if k != "_state"}


def test_load_builds_the_instances_the_orm_builds(stocked):
    # given: a draft with its partner and warehouse, read by load() and by the ORM
    number = stocked["five"]
    (loaded,) = load(Document, "WHERE number = %s", [number], ("partner", "warehouse"))
    orm = Document.objects.select_related("partner", "warehouse").get(number=number)
    # then: the same field values, saved state and related objects
    assert _without_state(loaded) == _without_state(orm)
    assert (loaded._state.adding, loaded._state.db) == (False, "default")
    assert _without_state(loaded.partner) == _without_state(orm.partner)
    assert loaded.partner.code == "C001" and loaded.warehouse.code == "WH1"
    lines = load(DocumentLine, "WHERE document_id = %s ORDER BY line_no", [loaded.id], ("item",))
    assert [ln.item.code for ln in lines] == ITEMS[:5] and lines[0].qty == orm.lines.first().qty
    # and it is a model instance as any other: saving it updates, not inserts
    loaded.memo = "改"
    loaded.save(update_fields=["memo"])
    assert Document.objects.get(number=number).memo == "改"


def test_load_still_tells_a_post_init_receiver(stocked):
    # given: a receiver of post_init for documents (none is connected in OpenJXC itself)
    seen = []

    def receiver(sender, instance, **kwargs):
        seen.append(instance)

    post_init.connect(receiver, sender=Document)
    try:
        # when: a document is loaded
        (loaded,) = load(Document, "WHERE number = %s", [stocked["five"]])
    finally:
        post_init.disconnect(receiver, sender=Document)
    # then: the receiver saw it, as it sees every instance the ORM makes
    assert seen == [loaded] and seen[0] is loaded


def test_an_approval_answers_what_a_fresh_read_shows(client, user, stocked):
    # given: a delivery (its lines kept from the posting) and a price adjustment, whose
    # approval writes its lines (the previous price: read back)
    admin = Bearer(client, "admin", "admin123")
    adjustment = doc(user, "price_adjustment", "2026-03-02", [{"item": "A001", "price": "12"}])
    adjustment_draft = doc(
        user, "price_adjustment", "2026-03-03", [{"item": "A002", "price": "13"}], approve_it=False
    )
    for number in (stocked["five"], adjustment_draft):
        # when: it is approved through the API
        r = admin.post(f"/documents/{number}/approve")
        assert r.status_code == 200, r.json()
        answer = r.json()
        answer.pop("warnings")
        # then: the answer is the document as it is now stored, every field and line
        stored = admin.get(f"/documents/{number}").json()
        assert answer == stored and answer["status"] == "approved"
        assert answer["approved_at"] is not None
    assert admin.get(f"/documents/{adjustment}").json()["status"] == "approved"
    assert stored["lines"][0]["item"] == "A002"


def test_an_api_answer_carries_the_pages_content_security_policy(api, admin_client):
    # when: a page and two API answers in JSON are fetched
    page = admin_client.get("/")
    first, second = api.get("/items"), api.get("/items/NOPE")
    # then: the same policy on each (built once for JSON answers, not per answer)
    policy = page["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy and "script-src 'self'" in policy
    assert first.status_code == 200 and second.status_code == 404
    assert first["Content-Security-Policy"] == second["Content-Security-Policy"] == policy
