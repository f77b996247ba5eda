"""Item categories (商品分类, issue 11 item 2): the tree through the API (create, list, move,
deactivate, a cycle refused), items carrying a category (unknown_category refused), and every
stock, sales and purchase report filtered by a category and its subtree, with the 进销存汇总表's
subtotals per category — exact figures."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import assert_error, doc, state

# 饮料 (DRINK) ⊃ 碳酸饮料 (SODA), 果汁 (JUICE); 零食 (SNACK) top-level; A001 可乐 in SODA,
# A002 橙汁 in JUICE, A003 薯片 in SNACK, A004 without a category.
TREE = [
    ("DRINK", "饮料", None),
    ("SODA", "碳酸饮料", "DRINK"),
    ("JUICE", "果汁", "DRINK"),
    ("SNACK", "零食", None),
]


@pytest.fixture
def tree(api):
    for code, name, parent in TREE:
        body = {"code": code, "name": name, **({"parent": parent} if parent else {})}
        r = api.post("/categories", body)
        assert r.status_code == 201, r.content
    for item, cat in (("A001", "SODA"), ("A002", "JUICE"), ("A003", "SNACK")):
        r = api.put(f"/items/{item}", {"category": cat})
        assert r.status_code == 200, r.content
    r = api.post("/items", {"code": "A004", "name": "商品A004", "unit": "个"})
    assert r.status_code == 201, r.content
    return api


def test_categories_are_created_and_listed_in_tree_order(tree):
    # when
    listed = tree.get("/categories").json()
    # then
    assert [(c["code"], c["parent"], c["level"], c["path"]) for c in listed["items"]] == [
        ("DRINK", None, 0, "饮料"),
        ("JUICE", "DRINK", 1, "饮料 / 果汁"),
        ("SODA", "DRINK", 1, "饮料 / 碳酸饮料"),
        ("SNACK", None, 0, "零食"),
    ]
    assert listed["count"] == 4
    below = tree.get("/categories?parent=DRINK").json()
    assert [c["code"] for c in below["items"]] == ["JUICE", "SODA"]
    assert tree.get("/categories/SODA").json()["name"] == "碳酸饮料"
    assert tree.get("/items/A001").json()["category"] == "SODA"
    assert tree.get("/items/A004").json()["category"] is None


def test_a_category_is_renamed_moved_and_deactivated(tree):
    # when: 碳酸饮料 moves below 零食 and is renamed
    r = tree.put("/categories/SODA", {"parent": "SNACK", "name": "汽水"})
    # then
    assert r.status_code == 200, r.content
    assert (r.json()["parent"], r.json()["name"], r.json()["path"]) == (
        "SNACK",
        "汽水",
        "零食 / 汽水",
    )
    assert [c["code"] for c in tree.get("/categories?parent=SNACK").json()["items"]] == ["SODA"]
    # a root again, then inactive: still listed, but not among the active ones
    assert tree.put("/categories/SODA", {"parent": None}).json()["level"] == 0
    assert tree.put("/categories/SODA", {"active": False}).json()["active"] is False
    active = [c["code"] for c in tree.get("/categories?active=true").json()["items"]]
    assert active == ["DRINK", "JUICE", "SNACK"]
    assert tree.get("/audit?object=SODA").status_code == 200


def test_a_cycle_is_refused_and_changes_nothing(tree):
    before = state()
    for code, parent in (("DRINK", "SODA"), ("DRINK", "DRINK"), ("JUICE", "JUICE")):
        r = tree.put(f"/categories/{code}", {"parent": parent})
        err = assert_error(r, 422, "category_cycle")
        assert err["details"] == {"field": "parent", "category": code, "parent": parent}
    assert state() == before
    assert tree.get("/categories/DRINK").json()["parent"] is None


def test_unknown_and_duplicate_categories_are_refused(tree):
    before = state()
    r = tree.post("/items", {"code": "B1", "name": "新", "unit": "个", "category": "NOPE"})
    assert assert_error(r, 422, "unknown_category")["details"]["field"] == "category"
    assert_error(tree.put("/items/A001", {"category": "NOPE"}), 422, "unknown_category")
    r = tree.post("/categories", {"code": "X", "name": "新", "parent": "NOPE"})
    assert assert_error(r, 422, "unknown_category")["details"]["field"] == "parent"
    assert_error(tree.put("/categories/SODA", {"parent": "NOPE"}), 422, "unknown_category")
    assert_error(tree.post("/categories", {"code": "SODA", "name": "又"}), 409, "duplicate_code")
    assert_error(
        tree.post("/categories", {"code": "Y", "name": "新", "categroy": "A"}), 422, "unknown_field"
    )
    assert_error(tree.put("/categories/NOPE", {"name": "新"}), 404, "not_found")
    for path in (
        "/stock?category=NOPE",
        "/reports/inventory-summary?category=NOPE",
        "/reports/sales-summary?category=NOPE",
        "/reports/purchase-details?category=NOPE",
        "/items?category=NOPE",
    ):
        assert_error(tree.get(path), 422, "unknown_category")
    assert state() == before
    assert tree.get("/items/A001").json()["category"] == "SODA"
    # removing an item's category
    assert tree.put("/items/A001", {"category": None}).json()["category"] is None


def test_items_are_listed_by_category_subtree(tree):
    codes = lambda q: [i["code"] for i in tree.get(f"/items?category={q}").json()["items"]]  # noqa: E731
    assert codes("DRINK") == ["A001", "A002"]
    assert codes("SODA") == ["A001"]
    assert codes("SNACK") == ["A003"]


@pytest.fixture
def moved(tree, user):
    """March: receipts of A001 10 × 5.00, A002 4 × 2.50, A004 2 × 7.00 (WH1) and A003 3 × 1.20
    (WH2); deliveries of A001 4 × 9.00 (WH1) and A003 1 × 3.00 (WH2)."""
    doc(
        user,
        "purchase_receipt",
        "2026-03-01",
        [("A001", 10, "5.00"), ("A002", 4, "2.50"), ("A004", 2, "7.00")],
    )
    doc(user, "purchase_receipt", "2026-03-01", [("A003", 3, "1.20")], warehouse="WH2")
    doc(user, "sales_delivery", "2026-03-03", [("A001", 4, "9.00")])
    doc(user, "sales_delivery", "2026-03-04", [("A003", 1, "3.00")], warehouse="WH2")
    return tree


def _figures(row):
    keys = (
        "opening_qty",
        "in_qty",
        "in_value",
        "out_qty",
        "out_value",
        "closing_qty",
        "closing_value",
    )
    return tuple(row[k] for k in keys)


def test_stock_balance_by_category_subtree(moved):
    rows = moved.get("/stock?date=2026-03-31&category=DRINK").json()["items"]
    assert [(r["item"], r["category"], r["on_hand"], r["value"]) for r in rows] == [
        ("A001", "SODA", "6", "30.00"),
        ("A002", "JUICE", "4", "10.00"),
    ]
    rows = moved.get("/stock?date=2026-03-31&category=SNACK").json()["items"]
    assert [(r["item"], r["warehouse"], r["on_hand"], r["value"]) for r in rows] == [
        ("A003", "WH2", "2", "2.40")
    ]
    moves = moved.get("/stock/moves?category=SODA").json()["items"]
    assert [(m["item"], m["qty"], m["value"]) for m in moves] == [
        ("A001", "10", "50.00"),
        ("A001", "-4", "-20.00"),
    ]


def test_sales_and_purchase_reports_by_category_subtree(moved):
    q = "from=2026-03-01&to=2026-03-31"
    sales = moved.get(f"/reports/sales-summary?{q}&category=DRINK").json()
    assert [
        (r["item"], r["category"], r["qty"], r["amount"], r["cost"]) for r in sales["items"]
    ] == [("A001", "SODA", "4", "36.00", "20.00")]
    assert sales["totals"]["amount"] == "36.00"
    assert sales["totals"]["margin"] == "16.00"
    snack = moved.get(f"/reports/sales-summary?{q}&category=SNACK").json()
    assert snack["totals"]["amount"] == "3.00"
    assert snack["totals"]["cost"] == "1.20"
    by_cat = moved.get(f"/reports/sales-summary?{q}&by=category").json()
    assert sorted((r["category"] or "", r["amount"]) for r in by_cat["items"]) == [
        ("SNACK", "3.00"),
        ("SODA", "36.00"),
    ]
    purchase = moved.get(f"/reports/purchase-summary?{q}&category=DRINK").json()
    assert [(r["item"], r["qty"], r["amount"]) for r in purchase["items"]] == [
        ("A001", "10", "50.00"),
        ("A002", "4", "10.00"),
    ]
    assert purchase["totals"]["amount"] == "60.00"
    assert purchase["totals"]["tax"] == "7.80"
    details = moved.get(f"/reports/purchase-details?{q}&category=JUICE").json()
    assert [(r["item"], r["category_name"], r["amount"]) for r in details["items"]] == [
        ("A002", "果汁", "10.00")
    ]
    sales_details = moved.get(f"/reports/sales-details?{q}&category=DRINK").json()
    assert [(r["item"], r["qty"], r["amount"]) for r in sales_details["items"]] == [
        ("A001", "4", "36.00")
    ]
    assert moved.get(f"/reports/sales-details?{q}&category=JUICE").json()["count"] == 0


def test_inventory_summary_with_subtotals_per_category(moved):
    # when
    data = moved.get(
        "/reports/inventory-summary?from=2026-03-01&to=2026-03-31&by_category=true"
    ).json()
    # then: rows in tree order (果汁, 碳酸饮料, 零食, without category) …
    assert [(r["item"], r["category"]) for r in data["items"]] == [
        ("A002", "JUICE"),
        ("A001", "SODA"),
        ("A003", "SNACK"),
        ("A004", None),
    ]
    # … and a subtotal per category over its subtree
    subtotals = {s["category"]: (s["level"], s["count"], *_figures(s)) for s in data["categories"]}
    assert [s["category"] for s in data["categories"]] == ["DRINK", "JUICE", "SODA", "SNACK", None]
    assert subtotals["DRINK"] == (0, 2, "0", "14", "60.00", "4", "20.00", "10", "40.00")
    assert subtotals["JUICE"] == (1, 1, "0", "4", "10.00", "0", "0.00", "4", "10.00")
    assert subtotals["SODA"] == (1, 1, "0", "10", "50.00", "4", "20.00", "6", "30.00")
    assert subtotals["SNACK"] == (0, 1, "0", "3", "3.60", "1", "1.20", "2", "2.40")
    assert subtotals[None] == (0, 1, "0", "2", "14.00", "0", "0.00", "2", "14.00")
    # the top-level subtotals and the items without a category add up to the totals
    assert data["totals"]["closing_value"] == "56.40"
    assert data["totals"]["in_value"] == "77.60"


def test_inventory_summary_filtered_by_a_category_subtree(moved):
    q = "/reports/inventory-summary?from=2026-03-01&to=2026-03-31"
    data = moved.get(f"{q}&category=DRINK").json()
    assert [(r["item"], *_figures(r)) for r in data["items"]] == [
        ("A001", "0", "10", "50.00", "4", "20.00", "6", "30.00"),
        ("A002", "0", "4", "10.00", "0", "0.00", "4", "10.00"),
    ]
    assert (data["totals"]["in_value"], data["totals"]["closing_value"]) == ("60.00", "40.00")
    assert "categories" not in data
    sub = moved.get(f"{q}&category=DRINK&by_category=true&by_warehouse=true").json()
    assert [s["category"] for s in sub["categories"]] == ["DRINK", "JUICE", "SODA"]
    assert sub["categories"][0]["closing_value"] == "40.00"
    # a later month: opening from the ledger, and the same subtree
    april = moved.get(
        "/reports/inventory-summary?from=2026-04-01&to=2026-04-30&category=SODA"
    ).json()
    assert [(r["item"], r["opening_qty"], r["opening_value"]) for r in april["items"]] == [
        ("A001", "6", "30.00")
    ]


def test_inventory_summary_after_a_close_reads_the_snapshot_by_category(
    moved, user, backups_in_tmp
):
    from openjxc.closing.services import close

    close(user, "2026-01")
    close(user, "2026-02")
    close(user, "2026-03")
    april = moved.get(
        "/reports/inventory-summary?from=2026-04-01&to=2026-04-30&category=DRINK&by_category=true"
    ).json()
    assert [(r["item"], r["opening_qty"], r["opening_value"]) for r in april["items"]] == [
        ("A002", "4", "10.00"),
        ("A001", "6", "30.00"),
    ]
    assert april["categories"][0]["opening_value"] == "40.00"


def test_excel_exports_carry_the_category(moved):
    import io

    from openpyxl import load_workbook

    r = moved.get(
        "/reports/inventory-summary?from=2026-03-01&to=2026-03-31&by_category=true&format=xlsx"
    )
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content)).active
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=3)]
    header = rows[0]
    assert header[:4] == ["商品编码", "商品名称", "单位", "商品分类"]
    names = [row[1] for row in rows[1:]]
    assert names == [
        "小计：饮料",
        "\u3000小计：果汁",
        "商品A002",
        "\u3000小计：碳酸饮料",
        "商品A001",
        "小计：零食",
        "商品A003",
        "小计：未分类",
        "商品A004",
        None,
    ]
    assert rows[-1][0] == "合计"
    drink = rows[1]
    assert drink[header.index("结存金额")] == 40
    assert ws.cell(4, 2).font.bold
    r = moved.get("/reports/sales-details?from=2026-03-01&to=2026-03-31&format=xlsx")
    ws = load_workbook(io.BytesIO(r.content)).active
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=3)]
    col = rows[0].index("商品分类")
    assert [row[col] for row in rows[1:3]] == ["碳酸饮料", "零食"]


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    parents=st.lists(st.integers(min_value=-1, max_value=5), min_size=1, max_size=6),
    homes=st.lists(st.integers(min_value=-1, max_value=5), min_size=4, max_size=4),
    pick=st.integers(min_value=-1, max_value=5),
)
def test_subtotals_equal_a_plain_model_for_any_tree(moved, parents, homes, pick):
    """Any tree (category k's parent is one of the categories before it, or none), any items'
    categories, any filter: each subtotal is the sum of the rows of the items in its subtree."""
    import datetime as dt
    from decimal import Decimal

    from openjxc.catalog.categories import subtree_ids
    from openjxc.catalog.models import Category, Item
    from openjxc.reports.selectors import inventory_summary

    Item.objects.update(category=None)
    Category.objects.update(parent=None)
    Category.objects.all().delete()
    cats = []
    for k, p in enumerate(parents):
        parent = cats[p % k] if k and p >= 0 else None
        cats.append(Category.objects.create(code=f"K{k}", name=f"类{k}", parent=parent))
    for code, home in zip(("A001", "A002", "A003", "A004"), homes, strict=True):
        Item.objects.filter(code=code).update(
            category=cats[home % len(cats)] if home >= 0 else None
        )
    chosen = cats[pick % len(cats)].code if pick >= 0 else None
    data = inventory_summary(
        dt.date(2026, 3, 1), dt.date(2026, 3, 31), categories=subtree_ids(chosen), by_category=True
    )
    # the plain model: walk up from each item's category
    parent_of = {c.code: (c.parent.code if c.parent else None) for c in cats}

    def above(code):
        while code is not None:
            yield code
            code = parent_of[code]

    allowed = None if chosen is None else {c for c in parent_of if chosen in above(c)}
    expected = {}
    for row in data["items"]:
        assert allowed is None or row["category"] in allowed
        targets = [c for c in above(row["category"]) if allowed is None or c in allowed]
        for code in targets or [None]:
            if code is None and row["category"] is not None:
                continue
            e = expected.setdefault(code, [0, 0])
            e[0] += int(row["closing_qty"])
            e[1] += Decimal(row["closing_value"])
    got = {
        s["category"]: [int(s["closing_qty"]), Decimal(s["closing_value"])]
        for s in data["categories"]
    }
    assert got == expected
