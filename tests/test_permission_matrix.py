"""Every role × every action through the API: what a role may do succeeds, everything else is
403 `forbidden` and changes nothing (documents, ledgers and the audit log stay as they were).

The expected matrix below is the specification of the seeded roles (users/roles.py)."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from .factories import As, doc, person, state

pytestmark = pytest.mark.usefixtures("backups_in_tmp")

ROLES = ("老板", "采购", "销售", "库管", "财务", "管理员")
Y, N = True, False
# action: allowed for (老板, 采购, 销售, 库管, 财务, 管理员)
MATRIX = {
    "create_purchase_receipt": (Y, Y, N, Y, N, Y),
    "create_sales_order": (Y, N, Y, N, N, Y),
    "create_customer_receipt": (Y, N, N, N, Y, Y),
    "approve_purchase_receipt": (Y, N, N, N, N, Y),
    "read_purchase_receipt": (Y, Y, N, Y, Y, Y),  # finance reads what she invoices
    "invoice_purchase_receipt": (Y, Y, N, N, Y, Y),
    "approve_customer_receipt": (Y, N, N, N, Y, Y),
    "cancel_purchase_receipt": (Y, N, N, N, N, Y),
    "reverse_purchase_receipt": (Y, N, N, N, N, Y),
    "create_item": (Y, Y, N, Y, N, Y),  # role defaults: 采购 adds items and suppliers
    "create_supplier": (Y, Y, N, Y, N, Y),
    "create_customer": (Y, N, Y, Y, N, Y),  # 销售 adds customers
    "deactivate_item": (Y, N, N, Y, N, Y),  # 停用 is editing: edit_master_data
    "deactivate_warehouse": (Y, N, N, Y, N, Y),
    "deactivate_customer": (Y, N, N, Y, N, Y),
    "deactivate_supplier": (Y, N, N, Y, N, Y),
    "close_period": (Y, N, N, N, Y, Y),
    "reopen_period": (Y, N, N, N, Y, Y),
    "export_inventory_summary": (Y, Y, Y, N, Y, Y),
    "see_cost": (Y, Y, N, N, Y, Y),
    "read_journal": (Y, Y, N, N, Y, Y),
    "read_audit": (Y, N, N, N, Y, Y),
    "list_backups": (N, N, N, N, N, Y),
    "change_settings": (N, N, N, N, N, Y),
    "update_customer": (Y, N, N, Y, N, Y),
    "create_price_level": (Y, N, N, Y, N, Y),
    "set_level_price": (Y, N, N, Y, N, Y),
    "create_price_adjustment": (Y, N, Y, N, N, Y),
    "create_category": (Y, N, N, Y, N, Y),
    "update_category": (Y, N, N, Y, N, Y),
    "create_expense": (Y, N, N, N, Y, Y),  # money documents
    "create_expense_type": (Y, N, N, Y, Y, Y),  # money documents or master data
    "update_expense_type": (Y, N, N, Y, Y, Y),
    "create_money_account": (Y, N, N, N, Y, Y),
    "create_fund_transfer": (Y, N, N, N, Y, Y),
    "edit_export_mapping": (Y, N, N, N, Y, Y),  # the money area, seeing cost
    "create_manual_voucher": (Y, N, N, N, Y, Y),  # 记账凭证: the money area
    "add_account": (Y, N, N, N, Y, Y),
}

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
    from openjxc.catalog.models import Category, Item
    from openjxc.closing.services import close

    approved = doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    draft = doc(user, "purchase_receipt", "2026-04-02", [("A002", 2, "3.00")], approve_it=False)
    money = doc(user, "receipt", "2026-04-03", [], partner="C001", amount="10.00", approve_it=False)
    close(user, "2026-01")
    close(user, "2026-02")
    snack = Category.objects.create(code="SNACK", name="零食")  # A001 and A003 are 零食
    Item.objects.filter(code__in=("A001", "A003")).update(category=snack)
    return {"approved": approved, "draft": draft, "money": money}


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
    raise AssertionError(action)


@pytest.mark.parametrize("action", list(MATRIX))
@pytest.mark.parametrize("role", ROLES)
def test_role_action(client, books, role, action):
    allowed = MATRIX[action][ROLES.index(role)]
    person(role)
    api = As(client, f"u-{role}")
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
PAGES = {
    "/": (Y, Y, Y, Y, Y, Y),
    "/stock/": (Y, Y, Y, Y, Y, Y),
    "/documents/purchase_receipt/": (Y, Y, N, Y, Y, Y),
    "/documents/purchase_receipt/new/": (Y, Y, N, Y, N, Y),
    "/documents/purchase_invoice/new/": (Y, Y, N, N, Y, Y),
    "/documents/sales_order/": (Y, N, Y, N, N, Y),
    "/documents/receipt/": (Y, N, N, N, Y, Y),
    "/documents/sales_order/new/": (Y, N, Y, N, N, Y),
    "/reports/margin/": (Y, Y, N, N, Y, Y),
    "/reports/income-statement/?period=2026-03": MATRIX["see_cost"],
    "/reports/balance-sheet/?period=2026-03": MATRIX["see_cost"],
    "/reports/balance-sheet/?period=2026-03&format=xlsx": MATRIX["see_cost"],
    "/reports/inventory-summary/?from=2026-03-01&to=2026-03-31&format=xlsx": MATRIX[
        "export_inventory_summary"
    ],
    "/periods/": (Y, N, N, N, Y, Y),
    "/audit/": MATRIX["read_audit"],
    "/backups/": MATRIX["list_backups"],
    "/users/": (N, N, N, N, N, Y),
    "/users/admin/tokens/": (N, N, N, N, N, Y),
    "/settings/": MATRIX["change_settings"],
    "/import/": (Y, N, N, Y, N, Y),
    "/items/new/": MATRIX["create_item"],
    "/customers/new/": MATRIX["create_customer"],
    "/suppliers/new/": MATRIX["create_supplier"],
    "/customers/C001/edit/": MATRIX["update_customer"],
    "/price-levels/": (Y, Y, Y, Y, Y, Y),
    "/documents/price_adjustment/": (Y, N, Y, N, N, Y),
    "/documents/price_adjustment/new/": MATRIX["create_price_adjustment"],
    "/reports/aging/?kind=receivable&basis=due_date": (Y, Y, Y, N, Y, Y),
    "/opening/": (Y, N, N, N, Y, Y),
    "/opening/check/": (Y, N, N, N, Y, Y),
    "/documents/opening_stock/": (Y, N, N, Y, Y, Y),
    "/documents/opening_receivable/": (Y, N, Y, N, Y, Y),
    "/documents/opening_payable/": (Y, Y, N, N, Y, Y),
    "/import/?kind=opening_receivables": (Y, N, N, N, Y, Y),
    "/documents/expense/": MATRIX["create_expense"],
    "/documents/expense/new/": MATRIX["create_expense"],
    "/documents/other_income/": MATRIX["create_expense"],
    "/documents/other_income/new/": MATRIX["create_expense"],
    "/expense-types/": MATRIX["create_expense_type"],
    "/expense-types/FZ/edit/": MATRIX["update_expense_type"],
    "/money-accounts/": MATRIX["create_money_account"],
    "/money-accounts/1002/edit/": MATRIX["create_money_account"],
    "/reports/cash-journal/": MATRIX["create_money_account"],
    "/reports/funds/": MATRIX["create_money_account"],
    "/documents/fund_transfer/": MATRIX["create_fund_transfer"],
    "/documents/fund_transfer/new/": MATRIX["create_fund_transfer"],
    "/journal/": MATRIX["read_journal"],
    "/journal/?period=2026-03&account=2221&format=xlsx": MATRIX["read_journal"],
    "/journal/print/?document=CGRK202603010001": MATRIX["read_journal"],
    "/reports/trial-balance/?period=2026-03": MATRIX["see_cost"],
    "/reports/trial-balance/?period=2026-03&format=xlsx": MATRIX["see_cost"],
    "/journal/export/?period=2026-03&format=kingdee": MATRIX["edit_export_mapping"],
    "/journal/mapping/": MATRIX["edit_export_mapping"],
    "/documents/manual_voucher/": MATRIX["create_manual_voucher"],
    "/vouchers/new/": MATRIX["create_manual_voucher"],
    "/accounts/": MATRIX["add_account"],
}

# a write through a page → the API action whose permission it needs (same expectation)
PAGE_POSTS = {
    "approve_purchase_receipt": lambda b: (f"/doc/{b['draft']}/", {"action": "approve"}),
    "cancel_purchase_receipt": lambda b: (
        f"/doc/{b['approved']}/impact/cancel/",
        {"reason": "录错了"},
    ),
    "reverse_purchase_receipt": lambda b: (
        f"/doc/{b['approved']}/impact/reverse/",
        {"reason": "退回"},
    ),
    "close_period": lambda b: ("/periods/2026-03/close/", {}),
    "reopen_period": lambda b: ("/periods/2026-02/reopen/", {"reason": "补录"}),
    "create_item": lambda b: (
        "/items/new/",
        {"code": "N001", "name": "新商品", "unit": "个", "tax_rate": "0.13"},
    ),
    "change_settings": lambda b: (
        "/settings/",
        {"company_name": "新公司", "price_includes_tax": "0", "credit_limit_policy": "warn"},
    ),
    "create_customer": lambda b: ("/customers/new/", {"code": "", "name": "新客户"}),
    "create_supplier": lambda b: ("/suppliers/new/", {"code": "", "name": "新供应商"}),
    "deactivate_item": lambda b: ("/items/A002/active/", {"active": "0"}),
    "deactivate_warehouse": lambda b: ("/warehouses/WH2/active/", {"active": "0"}),
    "deactivate_customer": lambda b: ("/customers/C001/active/", {"active": "0"}),
    "deactivate_supplier": lambda b: ("/suppliers/S001/active/", {"active": "0"}),
    "update_customer": lambda b: (
        "/customers/C001/edit/",
        {"name": "客户一", "contact": "张三", "payment_terms_days": "30", "active": "1"},
    ),
    "create_price_level": lambda b: ("/price-levels/", {"code": "PF", "name": "批发价"}),
    "create_category": lambda b: ("/categories/", {"code": "DRINK", "name": "饮料", "parent": ""}),
    "update_category": lambda b: (
        "/categories/SNACK/edit/",
        {"name": "休闲零食", "parent": "", "active": "1"},
    ),
    "create_expense": lambda b: (
        "/documents/expense/new/",
        {"date": "2026-04-05", "account": "1001", "line_type": "FZ", "line_amount": "9"},
    ),
    "create_expense_type": lambda b: (
        "/expense-types/",
        {"code": "CLF", "name": "差旅费", "kind": "expense", "parent": "5602"},
    ),
    "update_expense_type": lambda b: ("/expense-types/FZ/edit/", {"name": "房屋租金"}),
    "create_money_account": lambda b: (
        "/money-accounts/",
        {"code": "ICBC", "name": "工商银行", "kind": "bank"},
    ),
    "create_fund_transfer": lambda b: (
        "/documents/fund_transfer/new/",
        {"date": "2026-04-05", "from_account": "1002", "to_account": "1001", "amount": "1"},
    ),
    "edit_export_mapping": lambda b: (
        "/journal/mapping/?format=kingdee",
        {"account": ["1405"], "code_1405": "1405.01", "name_1405": ""},
    ),
    "create_manual_voucher": lambda b: (
        "/vouchers/new/",
        {
            "date": "2026-04-05",
            "rows": "2",
            "account_0": "5602",
            "debit_0": "5.00",
            "account_1": "1001",
            "credit_1": "5.00",
            "action": "save",
        },
    ),
    "add_account": lambda b: ("/accounts/", {"code": "560230", "name": "折旧费", "parent": "5602"}),
    "create_price_adjustment": lambda b: (
        "/documents/price_adjustment/new/",
        {"date": "2026-04-05", "line_item": "A001", "line_price": "9", "action": "save"},
    ),
}


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

ALL = (Y, Y, Y, Y, Y, Y)
CUSTOMERS = (Y, N, Y, N, Y, Y)  # sales or money
SUPPLIERS = (Y, Y, N, N, Y, Y)  # purchase or money
# endpoint: allowed for (老板, 采购, 销售, 库管, 财务, 管理员); {approved} is the books' receipt
ENDPOINTS = {
    "/items": ALL,
    "/items?active=false": ALL,
    "/items/A001": ALL,
    "/warehouses": ALL,
    "/warehouses?active=true": ALL,
    "/customers?active=true": ALL,
    "/warehouses/WH1": ALL,
    "/customers": ALL,
    "/customers/C001": ALL,
    "/suppliers": ALL,
    "/suppliers/S001": ALL,
    "/stock": ALL,
    "/stock/moves": ALL,
    "/documents": ALL,
    "/documents/{approved}": MATRIX["read_purchase_receipt"],
    "/accounts": ALL,
    "/periods": ALL,
    "/settings": ALL,
    "/journal": MATRIX["read_journal"],
    "/reports/trial-balance?period=2026-03": MATRIX["see_cost"],
    "/reports/income-statement?period=2026-03": MATRIX["see_cost"],
    "/reports/balance-sheet?period=2026-03": MATRIX["see_cost"],
    "/partners/C001/balance": CUSTOMERS,
    "/partners/C001/open-items": CUSTOMERS,
    "/partners/C001/statement": CUSTOMERS,
    "/partners/S001/balance": SUPPLIERS,
    "/partners/S001/open-items": SUPPLIERS,
    "/partners/S001/statement": SUPPLIERS,
    "/reports/aging?kind=receivable": CUSTOMERS,
    "/reports/aging?kind=payable": SUPPLIERS,
    "/reports/uninvoiced": (Y, Y, Y, N, Y, Y),
    "/prices/suggest?item=A001&kind=sales": ALL,
    "/prices/suggest?item=A001&kind=purchase": ALL,
    "/reports/inventory-summary?from=2026-03-01&to=2026-03-31": ALL,
    "/reports/inventory-summary?from=2026-03-01&to=2026-03-31&by_warehouse=true": ALL,
    "/reports/stock-ledger?item=A001&from=2026-03-01&to=2026-03-31": ALL,
    "/reports/sales-summary": CUSTOMERS,
    "/reports/sales-details": CUSTOMERS,
    "/reports/purchase-summary": SUPPLIERS,
    "/reports/purchase-details?from=2026-03-01&to=2026-03-31": SUPPLIERS,
    "/reports/order-follow-up?kind=sales": (Y, N, Y, N, N, Y),
    "/reports/order-follow-up?kind=purchase": (Y, Y, N, N, N, Y),
    "/reconcile": (Y, N, N, N, Y, Y),
    "/periods/2026-03/close-check": MATRIX["close_period"],
    "/periods/2026-02/impact?action=reopen": MATRIX["reopen_period"],
    "/audit": MATRIX["read_audit"],
    "/backups": MATRIX["list_backups"],
    "/price-levels": ALL,
    "/items/A001/prices": ALL,
    "/categories": ALL,
    "/categories/SNACK": ALL,
    "/items?category=SNACK": ALL,
    "/stock?category=SNACK": ALL,
    "/stock/moves?category=SNACK": ALL,
    "/reports/inventory-summary?from=2026-03-01&to=2026-03-31&category=SNACK&by_category=true": ALL,
    "/reports/sales-summary?by=category&category=SNACK": CUSTOMERS,
    "/reports/sales-details?category=SNACK": CUSTOMERS,
    "/reports/purchase-summary?category=SNACK": SUPPLIERS,
    "/reports/purchase-details?from=2026-03-01&to=2026-03-31&category=SNACK": SUPPLIERS,
    "/reports/order-follow-up?kind=sales&category=SNACK": (Y, N, Y, N, N, Y),
    "/reports/aging?kind=receivable&basis=due_date": CUSTOMERS,
    "/reports/aging?kind=payable&basis=due_date": SUPPLIERS,
    "/opening/check": MATRIX["see_cost"],
    "/opening/accounts": MATRIX["see_cost"],
    "/expense-types": ALL,
    "/expense-types/FZ": ALL,
    "/documents?type=expense": ALL,
    "/money-accounts": MATRIX["create_money_account"],
    "/money-accounts?active=true": MATRIX["create_money_account"],
    "/money-accounts/1002": MATRIX["create_money_account"],
    "/reports/cash-journal?account=1002&from=2026-03-01&to=2026-04-30": MATRIX[
        "create_money_account"
    ],
    "/reports/funds?from=2026-03-01&to=2026-04-30": MATRIX["create_money_account"],
    "/journal?period=2026-03&account=2221&document={approved}": MATRIX["read_journal"],
    "/journal/export?period=2026-03&format=kingdee": MATRIX["edit_export_mapping"],
    "/journal/export?period=2026-03&format=yonyou": MATRIX["edit_export_mapping"],
    "/journal/export-mapping?format=kingdee": MATRIX["edit_export_mapping"],
    "/vouchers": MATRIX["create_manual_voucher"],
}


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
        api.post("/items/A003", {"purchase_price": "3.17"}, method="put"),
        api.post("/items", {"code": "N9", "name": "新", "unit": "个", "purchase_price": "3.17"}),
    ]
    for r in responses:
        assert r.status_code in (200, 201), (r.request["PATH_INFO"], r.content[:300])
        assert cost_values(r.json()) == [], (r.request["PATH_INFO"], cost_values(r.json()))
