"""Every role × every action through the API: what a role may do succeeds, everything else is
403 `forbidden` and changes nothing (documents, ledgers and the audit log stay as they were).

The expected matrix (tests/permission_matrix_tables.py) is the specification of the seeded
roles (users/roles.py)."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from openjxc.catalog.services import create_item

from .factories import As, doc, person, state
from .permission_matrix_tables import ENDPOINTS, MATRIX, PAGE_POSTS, PAGES, ROLES

pytestmark = pytest.mark.usefixtures("backups_in_tmp")

RECEIPT = {
    "type": "purchase_receipt",
    "date": "2026-04-05",
    "partner": "S001",
    "warehouse": "WH1",
    "lines": [{"item": "A001", "qty": "1", "price": "5.00"}],
}

VOUCHER = {
    "date": "2026-04-05",
    "lines": [{"account": "560203", "debit": "5.00"}, {"account": "1001", "credit": "5.00"}],
}


@pytest.fixture
def books(user):
    """An approved receipt in March, a draft receipt and a draft customer receipt in April;
    January and February closed, so March may close and February may reopen."""
    from openjxc.catalog.bom import create_bom
    from openjxc.catalog.models import Category, Item
    from openjxc.closing.services import close

    approved = doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    draft = doc(user, "purchase_receipt", "2026-04-02", [("A002", 2, "3.00")], approve_it=False)
    money = doc(user, "receipt", "2026-04-03", [], partner="C001", amount="10.00", approve_it=False)
    count = doc(user, "stock_count", "2026-04-04", [("A001", 9)], approve_it=False)  # PDD…0001
    doc(user, "purchase_receipt", "2026-03-01", [("A003", 4, "2.00")])
    transit = doc(
        user, "transfer", "2026-03-02", [("A003", 2)], to_warehouse="WH2", in_transit=True
    )
    close(user, "2026-01")
    close(user, "2026-02")
    snack = Category.objects.create(code="SNACK", name="零食")  # A001 and A003 are 零食
    Item.objects.filter(code__in=("A001", "A003")).update(category=snack)
    # a BOM (A003 = 2 × A001) and an open sales order of 20 × A003 (material requirements)
    create_bom(user, {"item": "A003", "qty": "1", "components": [{"item": "A001", "qty": "2"}]})
    order = doc(user, "sales_order", "2026-04-04", [("A003", 20, "9.00")])
    return {
        "approved": approved,
        "draft": draft,
        "money": money,
        "count": count,
        "order": order,
        "transit": transit,
    }


def run(api: As, action: str, books: dict):
    """Perform one action; returns the HTTP response."""
    if action == "create_purchase_receipt":
        return api.post("/documents", RECEIPT)
    if action == "create_sales_order":
        return api.post("/documents", {**RECEIPT, "type": "sales_order", "partner": "C001"})
    if action == "create_customer_receipt":
        return api.post(
            "/documents",
            {"type": "receipt", "date": "2026-04-05", "partner": "C001", "amount": "1"},
        )
    if action == "approve_purchase_receipt":
        return api.post(f"/documents/{books['draft']}/approve")
    if action == "read_purchase_receipt":
        return api.get(f"/documents/{books['approved']}")
    if action == "invoice_purchase_receipt":
        return api.post(f"/documents/{books['approved']}/derive", {"type": "purchase_invoice"})
    if action == "approve_customer_receipt":
        return api.post(f"/documents/{books['money']}/approve")
    if action == "cancel_purchase_receipt":
        return api.post(f"/documents/{books['approved']}/cancel", {"reason": "录错了"})
    if action == "reverse_purchase_receipt":
        return api.post(f"/documents/{books['approved']}/reverse", {"reason": "退回"})
    if action == "create_item":
        return api.post("/items", {"code": "N001", "name": "新商品", "unit": "个"})
    if action == "create_supplier":
        return api.post("/suppliers", {"name": "新供应商"})
    if action == "create_customer":
        return api.post("/customers", {"name": "新客户"})
    if action == "deactivate_item":
        return api.post("/items/A002", {"active": False}, method="put")
    if action == "deactivate_warehouse":
        return api.post("/warehouses/WH2", {"active": False}, method="put")
    if action == "deactivate_customer":
        return api.post("/customers/C001", {"active": False}, method="put")
    if action == "deactivate_supplier":
        return api.post("/suppliers/S001", {"active": False}, method="put")
    if action == "close_period":
        return api.post("/periods/2026-03/close")
    if action == "reopen_period":
        return api.post("/periods/2026-02/reopen", {"reason": "补录"})
    if action == "export_inventory_summary":
        return api.get("/reports/inventory-summary?from=2026-03-01&to=2026-03-31&format=xlsx")
    if action == "see_cost":
        return api.get("/stock?item=A001&warehouse=WH1&date=2026-03-31")
    if action == "read_journal":
        return api.get("/journal")
    if action == "read_audit":
        return api.get("/audit")
    if action == "list_backups":
        return api.get("/backups")
    if action == "change_settings":
        return api.post("/settings/company_name", {"value": "新公司"}, method="put")
    if action == "update_customer":
        return api.post("/customers/C001", {"payment_terms_days": 30}, method="put")
    if action == "create_price_level":
        return api.post("/price-levels", {"code": "PF", "name": "批发价"})
    if action == "set_level_price":
        from openjxc.catalog.models import PriceLevel

        PriceLevel.objects.get_or_create(code="VIP", defaults={"name": "VIP价"})
        return api.post("/items/A001/prices/VIP", {"price": "8"}, method="put")
    if action == "create_category":
        return api.post("/categories", {"code": "DRINK", "name": "饮料"})
    if action == "update_category":
        from openjxc.catalog.models import Category

        Category.objects.get_or_create(code="SNACK", defaults={"name": "零食"})
        return api.post("/categories/SNACK", {"name": "休闲零食"}, method="put")
    if action == "create_expense":
        body = {"type": "expense", "date": "2026-04-05", "account": "1001"}
        return api.post("/documents", {**body, "lines": [{"expense_type": "FZ", "amount": "9"}]})
    if action == "create_expense_type":
        return api.post("/expense-types", {"code": "CLF", "name": "差旅费", "parent": "5602"})
    if action == "update_expense_type":
        return api.post("/expense-types/FZ", {"name": "房屋租金"}, method="put")
    if action == "create_money_account":
        return api.post("/money-accounts", {"code": "ICBC", "name": "工商银行", "kind": "bank"})
    if action == "create_fund_transfer":
        body = {"type": "fund_transfer", "date": "2026-04-05", "amount": "1"}
        return api.post("/documents", {**body, "from_account": "1002", "to_account": "1001"})
    if action == "edit_export_mapping":
        body = {"items": [{"account": "1405", "code": "1405.01"}]}
        return api.put("/journal/export-mapping?format=kingdee", body)
    if action == "create_manual_voucher":
        return api.post("/vouchers", VOUCHER)
    if action == "add_account":
        return api.post("/accounts", {"code": "560230", "name": "折旧费", "parent": "5602"})
    if action == "create_price_adjustment":
        body = {"type": "price_adjustment", "date": "2026-04-05"}
        return api.post("/documents", {**body, "lines": [{"item": "A001", "price": "9"}]})
    if action == "add_count_sheet":
        body = {"counter": "张三", "lines": [{"item": "A001", "qty": "8"}]}
        return api.post(f"/documents/{books['count']}/count-sheets", body)
    if action in ("create_bom", "update_bom"):
        if action == "update_bom":
            body = {"item": "A003", "qty": "1", "components": [{"item": "A001", "qty": "3"}]}
            return api.put("/boms/BOM0001", body)
        body = {"item": "A002", "qty": "1", "components": [{"item": "A001", "qty": "2"}]}
        return api.post("/boms", body)
    if action in ("create_assembly", "create_disassembly"):
        kind = action.removeprefix("create_")
        line = {"item": "A003", "qty": "1", "components": [{"item": "A001", "qty": "1"}]}
        return api.post(
            "/documents", {"type": kind, "date": "2026-04-05", "warehouse": "WH1", "lines": [line]}
        )
    if action == "draft_requirements_purchase_order":
        body = {"orders": [books["order"]], "supplier": "S001", "warehouse": "WH1"}
        return api.post("/reports/material-requirements/purchase-order", body)
    if action == "set_stock_limits":
        return api.put("/items/A001/stock-limits/WH1", {"min_qty": "5", "max_qty": "20"})
    if action == "draft_reorder_orders":
        return api.post("/reports/reorder/purchase-order", {})
    if action == "receive_transfer":
        return api.post(f"/documents/{books['transit']}/receive", {"date": "2026-04-05"})
    if action in CORRECTIONS:
        return CORRECTIONS[action](api, books)
    if action == "archive_books":
        return api.post("/system/archive", {"reason": "停用"})
    if action == "repair_books":
        return api.post("/reconcile/fix", {})
    if action == "requeue_verifications":
        return api.post("/backups/requeue", {})
    raise AssertionError(action)


def _correction(books, approve_it=False) -> int:
    """A correction of the approved receipt (price 5.00 → 5.50) made by the admin."""
    from django.contrib.auth import get_user_model

    from openjxc.posting import corrections

    admin = get_user_model().objects.get(username="admin")
    corr = corrections.propose(admin, books["approved"], "单价", CORRECTED["document"])
    if approve_it:
        corrections.approve(admin, corr.id)
    return corr.id


CORRECTED = {
    "reason": "单价录错",
    "document": {
        **RECEIPT,
        "date": "2026-03-01",
        "lines": [{"item": "A001", "qty": "10", "price": "5.50"}],
    },
}
CORRECTIONS = {
    "correct_purchase_receipt": lambda api, b: api.post(
        f"/documents/{b['approved']}/correct", CORRECTED
    ),
    "preview_correction": lambda api, b: api.post(
        f"/documents/{b['approved']}/impact?action=correct", CORRECTED
    ),
    "approve_correction": lambda api, b: api.post(f"/corrections/{b['correction']}/approve"),
    "undo_correction": lambda api, b: api.post(
        f"/corrections/{b['correction']}/undo", {"reason": "撤销"}
    ),
}
# what an action needs made first (by the admin, before the state a refusal must keep)
SETUP = {
    "approve_correction": lambda b: {"correction": _correction(b)},
    "undo_correction": lambda b: {"correction": _correction(b, approve_it=True)},
}


@pytest.mark.parametrize("action", list(MATRIX))
@pytest.mark.parametrize("role", ROLES)
def test_role_action(client, books, role, action):
    allowed = MATRIX[action][ROLES.index(role)]
    person(role)
    api = As(client, f"u-{role}")
    books = {**books, **(SETUP[action](books) if action in SETUP else {})}
    before = state()
    r = run(api, action, books)
    if action == "see_cost":  # reading stock is allowed to all; the cost is masked
        assert r.status_code == 200, r.content
        row = r.json()["items"][0]
        assert row["on_hand"] == "10"
        assert (row["unit_cost"], row["value"]) == (
            ("5.000000", "50.00") if allowed else (None, None)
        )
        return
    if allowed:
        assert r.status_code in (200, 201), (role, action, r.content)
    else:
        assert r.status_code == 403, (role, action, r.content)
        assert r.json()["error"]["code"] == "forbidden"
        assert state() == before, f"{role} {action}: a refused action changed something"


def test_warehouse_restriction(client, books):
    # given: a warehouse keeper who may only use WH2
    person("库管", warehouses=["WH2"])
    api = As(client, "u-库管")
    before = state()
    # then: a document in WH1 is refused and changes nothing; WH2 is fine
    r = api.post("/documents", RECEIPT)
    assert r.status_code == 403 and r.json()["error"]["details"] == {"warehouse": "WH1"}
    assert state() == before
    assert api.post("/documents", {**RECEIPT, "warehouse": "WH2"}).status_code == 201
    # a transfer out of WH1 is refused too (one from WH2 into WH1 is his: tests/test_issue9_daily.py);
    # WH1's stock and documents are not listed
    transfer = {
        "type": "transfer",
        "date": "2026-04-05",
        "warehouse": "WH1",
        "to_warehouse": "WH2",
        "lines": [{"item": "A001", "qty": "1"}],
    }
    assert api.post("/documents", transfer).status_code == 403
    assert {r["warehouse"] for r in api.get("/stock?date=2026-03-31").json()["items"]} <= {"WH2"}
    listed = [d["number"] for d in api.get("/documents").json()["items"]]
    assert books["approved"] not in listed and listed
    assert api.get(f"/documents/{books['approved']}").status_code == 403


def test_a_sales_clerk_sees_no_purchase_price_or_cost(client, books):
    person("销售")
    api = As(client, "u-销售")
    item = api.get("/items/A001").json()
    assert item["purchase_price"] is None and item["code"] == "A001"
    prices = api.get("/prices/suggest?item=A001&partner=S001&kind=purchase").json()
    assert (prices["last_price"], prices["list_price"], prices["partner_price"]) == (
        None,
        None,
        None,
    )
    summary = api.get("/reports/inventory-summary?from=2026-03-01&to=2026-03-31").json()
    row = next(r for r in summary["items"] if r["item"] == "A001")
    assert row["closing_qty"] == "10" and row["closing_value"] is None and row["in_value"] is None
    # purchase documents are not theirs at all
    assert api.get(f"/documents/{books['approved']}").status_code == 403


# --- the same roles through the pages ---------------------------------------------------------


# page: allowed for (老板, 采购, 销售, 库管, 财务, 管理员)
@pytest.mark.parametrize("role", ROLES)
def test_role_pages(client, books, role):
    client.force_login(person(role))
    for url, allowed_by in PAGES.items():
        status = client.get(url).status_code
        assert status == (200 if allowed_by[ROLES.index(role)] else 403), (role, url, status)


@pytest.mark.parametrize("action", list(PAGE_POSTS))
@pytest.mark.parametrize("role", ROLES)
def test_role_page_writes(client, books, role, action):
    client.force_login(person(role))
    url, form = PAGE_POSTS[action](books)
    before = state()
    status = client.post(url, form).status_code
    if MATRIX[action][ROLES.index(role)]:
        assert status in (200, 302), (role, action, status)
        assert state() != before, f"{role} {action} through the page changed nothing"
    else:
        assert status == 403, (role, action, status)
        assert state() == before, f"{role} {action}: a refused page action changed something"


# --- every read endpoint × role, and cost found by class in every response ---------------------


def cost_values(data, path="") -> list[str]:
    """Where a response carries cost: a field of the cost class with a value, or a price or amount
    of a document priced at cost (users/masking.py defines both classes)."""
    from openjxc.users.masking import MONEY_FIELDS, is_cost_field, is_priced_at_cost

    found = []
    if isinstance(data, dict):
        setting = "key" in data and len(data) == 2
        at_cost = is_priced_at_cost(data)
        for k, v in data.items():
            if v is not None and (
                (is_cost_field(k) and not setting) or (at_cost and k in MONEY_FIELDS)
            ):
                found.append(f"{path}.{k}")
            if at_cost and k == "lines":
                found += [
                    f"{path}.lines.{f}" for ln in v for f in MONEY_FIELDS if ln.get(f) is not None
                ]
            found += cost_values(v, f"{path}.{k}")
    elif isinstance(data, list):
        for i, v in enumerate(data):
            found += cost_values(v, f"{path}[{i}]")
    return found


def no_cost_role():
    """A role with every permission but view_cost (and user/backup administration)."""
    from django.contrib.auth.models import Permission

    from openjxc.users.roles import ALL as PERMS

    group = Group.objects.create(name="无成本")
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label="users",
            codename__in=[p for p in PERMS if p not in ("view_cost",)],
        )
    )
    u = get_user_model().objects.create_user("u-无成本", password="pw-123456")
    u.groups.add(group)
    return u


# a purchase price no response may show to a user without view_cost (3.17 × 10 = 31.70)
SECRET = ("3.17", "31.7", "35.82")


def without_times(content: bytes) -> str:
    """A body without its timestamps (…:13.170…, 2026-11-30T05:43:17 … could spell a secret)."""
    return re.sub(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?", "", content.decode())


@pytest.fixture
def priced_books(books, user):
    """The books plus a receipt at a price that appears nowhere else, a sales order and a
    delivery (so that every report has rows)."""
    books["secret"] = doc(user, "purchase_receipt", "2026-03-02", [("A003", 10, "3.17")])
    doc(user, "sales_order", "2026-03-03", [("A001", 2, "9.00")])
    doc(user, "sales_delivery", "2026-03-03", [("A001", 1, "9.00")])
    doc(user, "purchase_order", "2026-03-03", [("A002", 5, "3.17")])
    # 序列号: a serial in stock, for /serials/{serial}
    create_item(user, {"code": "SER1", "name": "序列号商品", "unit": "台", "serial_tracked": True})
    serial_line = {"item": "SER1", "qty": "1", "price": "8.00", "serials": ["SN1"]}
    doc(user, "purchase_receipt", "2026-03-02", [serial_line])
    books["correction"] = _correction(books)  # pending: /corrections/{correction}
    return books


@pytest.mark.parametrize("role", ROLES)
def test_every_endpoint_by_role(client, priced_books, role):
    person(role)
    api = As(client, f"u-{role}")
    sees_cost = MATRIX["see_cost"][ROLES.index(role)]
    for template, allowed_by in ENDPOINTS.items():
        path = template.format(**priced_books)
        r = api.get(path)
        allowed = allowed_by[ROLES.index(role)]
        assert r.status_code == (200 if allowed else 403), (
            role,
            path,
            r.status_code,
            r.content[:300],
        )
        if not sees_cost:
            assert cost_values(r.json()) == [], (role, path)
            assert not any(s in without_times(r.content) for s in SECRET), (
                role,
                path,
                r.content[:500],
            )


def test_no_response_carries_cost_without_view_cost(client, priced_books):
    """A user with every permission but view_cost: every read and every write response is free of
    cost, found by class (payables stay: they are money, not cost)."""
    no_cost_role()
    api = As(client, "u-无成本")
    needs_cost = (
        "/journal",
        "/reports/trial-balance?period=2026-03",
        "/reports/income-statement?period=2026-03",
        "/reports/balance-sheet?period=2026-03",
        "/backups",
        "/export",  # every value of the books, cost included
        "/export/workbook",
        "/opening/check",
        "/opening/accounts",
        "/journal?period=2026-03&account=2221&document={approved}",
        "/journal/export?period=2026-03&format=kingdee",
        "/journal/export?period=2026-03&format=yonyou",
        "/journal/export-mapping?format=kingdee",
    )  # 403 for this role
    responses = [api.get(t.format(**priced_books)) for t in ENDPOINTS if t not in needs_cost]
    body = {**RECEIPT, "lines": [{"item": "A003", "qty": "2", "price": "3.17"}]}
    created = api.post("/documents", body)
    number = created.json()["number"]
    responses += [
        created,
        api.post(f"/documents/{number}", {**body, "memo": "改"}, method="put"),
        api.post(f"/documents/{number}/approve"),
        api.get(f"/documents/{number}/impact?action=cancel"),
        api.post(f"/documents/{number}/reverse", {"reason": "退回"}),
        api.post(
            "/documents",
            {
                "type": "other_in",
                "date": "2026-04-05",
                "warehouse": "WH1",
                "lines": [{"item": "A002", "qty": "1", "price": "3.17"}],
            },
        ),
        api.post(f"/documents/{priced_books['secret']}/impact?action=correct", CORRECTED),
        api.post(f"/documents/{priced_books['secret']}/correct", CORRECTED),
        api.get("/corrections"),
        api.post("/items/A003", {"purchase_price": "3.17"}, method="put"),
        api.post("/items", {"code": "N9", "name": "新", "unit": "个", "purchase_price": "3.17"}),
    ]
    for r in responses:
        assert r.status_code in (200, 201), (r.request["PATH_INFO"], r.content[:300])
        assert cost_values(r.json()) == [], (r.request["PATH_INFO"], cost_values(r.json()))
