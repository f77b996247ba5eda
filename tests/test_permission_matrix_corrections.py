"""The correction (红冲蓝补) pages × every seeded role: who may open the 更正 form, the correction
page and the list, and who may propose, approve and undo through the pages — a refused write is
403 and changes nothing. Corrections follow the reversal permission (reverse_document) and the
document's area; reading a correction follows reading its original."""

import pytest

from openjxc.closing.services import close
from openjxc.documents.models import Correction
from openjxc.posting import corrections

from .factories import doc, person, state
from .permission_matrix_tables import MATRIX, ROLES

pytestmark = pytest.mark.usefixtures("backups_in_tmp")

ALL = (True,) * len(ROLES)
REVERSE = MATRIX["reverse_purchase_receipt"]
READ = MATRIX["read_purchase_receipt"]

# page template: allowed for (老板, 采购, 销售, 库管, 财务, 管理员)
PAGES = {
    "/corrections/": ALL,  # each sees the corrections of the documents he reads
    "/corrections/?status=pending_approval": ALL,
    "/corrections/{pending}/": READ,
    "/corrections/{approved}/": READ,
    "/doc/{receipt}/correct/": REVERSE,
}
RECEIPT_FORM = {
    "date": "2026-03-05",
    "partner": "S001",
    "warehouse": "WH1",
    "line_item": ["A002"],
    "line_qty": ["3"],
    "line_price": ["4.00"],
    "line_tax": ["13"],
    "line_source": [""],
    "line_unit": [""],
}
# page write: (url template, form) and who may do it
POSTS = {
    "propose": ("/doc/{receipt}/correct/", {**RECEIPT_FORM, "action": "correct", "reason": "单价"}),
    "approve": ("/corrections/{pending}/", {"action": "approve"}),
    "undo": ("/corrections/{approved}/", {"action": "undo", "reason": "撤销"}),
}


@pytest.fixture
def books(user):
    """Three approved receipts in March (January and February closed): one free to correct, one
    with a correction waiting for approval, one with an approved correction."""
    receipts = [
        doc(user, "purchase_receipt", "2026-03-0" + str(n), [(item, 3, "2.00")])
        for n, item in ((5, "A002"), (6, "A001"), (7, "A003"))
    ]
    close(user, "2026-01")
    close(user, "2026-02")
    body = {"type": "purchase_receipt", "partner": "S001", "warehouse": "WH1"}
    pending = corrections.propose(
        user, receipts[1], "数量", {**body, "lines": [{"item": "A001", "qty": "4", "price": "2"}]}
    )
    approved = corrections.propose(
        user, receipts[2], "数量", {**body, "lines": [{"item": "A003", "qty": "4", "price": "2"}]}
    )
    corrections.approve(user, approved.id)
    return {"receipt": receipts[0], "pending": pending.id, "approved": approved.id}


@pytest.mark.parametrize("role", ROLES)
def test_correction_pages_by_role(client, books, role):
    client.force_login(person(role))
    for template, allowed_by in PAGES.items():
        url = template.format(**books)
        status = client.get(url).status_code
        assert status == (200 if allowed_by[ROLES.index(role)] else 403), (role, url, status)


@pytest.mark.parametrize("action", list(POSTS))
@pytest.mark.parametrize("role", ROLES)
def test_correction_page_writes_by_role(client, books, role, action):
    client.force_login(person(role))
    template, form = POSTS[action]
    before = state()
    status = client.post(template.format(**books), form).status_code
    if REVERSE[ROLES.index(role)]:
        assert status == 302, (role, action, status)
        assert state() != before, f"{role} {action} through the page changed nothing"
    else:
        assert status == 403, (role, action, status)
        assert state() == before, f"{role} {action}: a refused page action changed something"


def test_the_list_shows_only_corrections_of_readable_documents(client, books):
    client.force_login(person("销售"))  # reads no purchase receipts
    page = client.get("/corrections/").content.decode()
    assert Correction.objects.count() == 2
    assert 'id="no-corrections"' in page
    client.force_login(person("库管", warehouses=["WH2"]))  # the receipts are in WH1
    page = client.get("/corrections/").content.decode()
    assert 'id="no-corrections"' in page
    assert client.get(f"/corrections/{books['pending']}/").status_code == 403
    client.force_login(person("采购", username="buyer"))
    page = client.get("/corrections/").content.decode()
    assert f'data-id="{books["pending"]}"' in page and f'data-id="{books["approved"]}"' in page


def test_a_user_without_cost_sees_no_purchase_amounts(client, books):
    from .test_permission_matrix import no_cost_role

    client.force_login(no_cost_role())
    page = client.get(f"/corrections/{books['approved']}/").content.decode()
    assert "9.04" not in page and "6.78" not in page and "—" in page  # 4 or 3 × 2.00 + 13 %
