"""批次 / 序列号: batches with expiry picked first-expiry-first-out, serial numbers that can be
received once and delivered only from stock, read back through the API as a user sees them."""

from openjxc.catalog.services import update_item

from .factories import assert_error, cancel, doc, post, reconciled, refused, stock


def _batch_item(user, code="A001", days=None):
    data = {"batch_tracked": True}
    if days:
        data["shelf_life_days"] = days
    update_item(user, code, data)


def _batches(api, item="A001", wh="WH1"):
    body = api.get(f"/stock/batches?item={item}&warehouse={wh}").json()
    return [(r["batch"], r["expiry_date"], r["qty"]) for r in body["items"]]


def _line(item, qty, price=None, **more):
    line = {"item": item, "qty": str(qty), **more}
    if price is not None:
        line["price"] = price
    return line


def test_fefo_picks_the_earliest_expiry_and_splits(api, user):
    _batch_item(user, days=365)
    # given two batches: L2 (expires 2026-06-30) came in after L1 (expires 2027-01-01)
    doc(
        user,
        "purchase_receipt",
        "2026-03-01",
        [_line("A001", 10, "5.00", batch="L1", production_date="2026-01-01")],
    )
    r2 = doc(
        user,
        "purchase_receipt",
        "2026-03-02",
        [_line("A001", 6, "6.00", batch="L2", expiry_date="2026-06-30")],
    )
    got = api.get(f"/documents/{r2}").json()["lines"][0]
    assert (got["batch"], got["expiry_date"]) == ("L2", "2026-06-30")
    # expiry defaults to production + shelf life: 2026-01-01 + 365 days = 2027-01-01
    assert _batches(api) == [("L2", "2026-06-30", "6"), ("L1", "2027-01-01", "10")]
    # when one delivery of 8 gives no batch: L2's 6 first (earlier expiry), then 2 of L1
    d = doc(user, "sales_delivery", "2026-03-03", [_line("A001", 8, "10.00")])
    assert _batches(api) == [("L1", "2027-01-01", "8")]
    rows = api.get("/stock/batch-moves?item=A001&warehouse=WH1").json()["items"]
    assert [(r["document"], r["batch"], r["qty"], r["balance_qty"]) for r in rows][-2:] == [
        (d, "L2", "-6", "0"),
        (d, "L1", "-2", "8"),
    ]
    # cost stays per item × warehouse: 50.00 + 36.00 = 86.00 for 16, 8 out at 5.375 = 43.00
    assert stock(api) == ("8", "5.375000", "43.00")
    # then: a delivery naming a batch with too little is insufficient_stock naming the batch
    err = _approval_refused(
        api, "sales_delivery", [_line("A001", 1, "10.00", batch="L2")], 409, "insufficient_stock"
    )
    # (8 of A001 are in stock, but none of them of L2)
    assert (err["details"]["batch"], err["details"]["on_hand"], err["details"]["required"]) == (
        "L2",
        "0",
        "1",
    )
    # cancelling the delivery puts both batches back
    cancel(user, d, "录错了")
    assert _batches(api) == [("L2", "2026-06-30", "6"), ("L1", "2027-01-01", "10")]
    reconciled(api)


def _draft(api, type, lines, date="2026-03-04", **head):
    body = {"type": type, "date": date, "warehouse": "WH1", "lines": lines, **head}
    if type.startswith("sales"):
        body["partner"] = "C001"
    if type.startswith("purchase"):
        body["partner"] = "S001"
    return post(api, "/documents", body, 201)["number"]


def _approval_refused(api, type, lines, status, code, **head):
    """A draft whose approval is refused, changing nothing."""
    number = _draft(api, type, lines, **head)
    return refused(lambda: api.post(f"/documents/{number}/approve"), status, code)


def test_incoming_batch_item_without_batch_is_refused(api, user):
    _batch_item(user)
    err = _approval_refused(
        api, "purchase_receipt", [_line("A001", 1, "5.00")], 422, "batch_required"
    )
    assert err["details"]["field"] == "lines[0].batch"
    reconciled(api)


def test_expiry_report(api, user):
    _batch_item(user)
    doc(
        user,
        "purchase_receipt",
        "2026-03-01",
        [_line("A001", 5, "5.00", batch="OLD", expiry_date="2020-01-01")],
    )
    doc(
        user,
        "purchase_receipt",
        "2026-03-01",
        [_line("A001", 5, "5.00", batch="FAR", expiry_date="2999-01-01")],
    )
    rows = api.get("/reports/expiring?days=30").json()["items"]
    assert [(r["batch"], r["qty"]) for r in rows] == [("OLD", "5")]
    assert rows[0]["days_left"] < 0  # expired
    assert [r["batch"] for r in api.get("/reports/expiring?days=36500").json()["items"]] == [
        "OLD"
    ]  # 2999 is further than 100 years
    assert_error(api.get("/reports/expiring?days=-1"), 422, "invalid")


def _serial_item(user, code="A002"):
    update_item(user, code, {"serial_tracked": True})


def test_serials_received_once_delivered_from_stock(api, user):
    _serial_item(user)
    r = doc(
        user, "purchase_receipt", "2026-03-01", [_line("A002", 2, "100.00", serials=["SN1", "SN2"])]
    )
    # a serial already in stock cannot be received again
    err = _approval_refused(
        api,
        "purchase_receipt",
        [_line("A002", 1, "100.00", serials=["SN1"])],
        409,
        "serial_in_stock",
    )
    assert err["details"]["serial"] == "SN1"
    # a serial that is not in stock cannot be delivered
    _approval_refused(
        api,
        "sales_delivery",
        [_line("A002", 1, "150.00", serials=["SN9"])],
        409,
        "serial_not_in_stock",
    )
    # the count of serials must equal the quantity (one per unit)
    err = assert_error(
        api.post(
            "/documents",
            {
                "type": "sales_delivery",
                "date": "2026-03-02",
                "partner": "C001",
                "warehouse": "WH1",
                "lines": [_line("A002", 2, "150.00", serials=["SN1"])],
            },
        ),
        422,
        "serial_count_mismatch",
    )
    assert err["details"]["serials"] == 1
    d = doc(
        user,
        "sales_delivery",
        "2026-03-02",
        [_line("A002", 1, "150.00", serials=["SN1"])],
        partner="C001",
    )
    trace = api.get("/serials/SN1").json()
    assert (trace["in_stock"], trace["warehouse"]) == (False, None)
    assert [(m["date"], m["document"], m["warehouse"], m["direction"]) for m in trace["items"]] == [
        ("2026-03-01", r, "WH1", "in"),
        ("2026-03-02", d, "WH1", "out"),
    ]
    # cancelling the delivery returns SN1 to stock
    cancel(user, d, "录错了")
    trace = api.get("/serials/SN1").json()
    assert (trace["in_stock"], trace["warehouse"]) == (True, "WH1")
    assert [m["direction"] for m in trace["items"]] == ["in", "out", "in"]
    # a red-letter reversal of the receipt takes both serials out again
    post(api, f"/documents/{r}/reverse", {"reason": "退回", "date": "2026-03-05"})
    assert api.get("/serials/SN2").json()["in_stock"] is False
    assert stock(api, item="A002") == ("0", None, "0.00")
    assert_error(api.get("/serials/NOPE"), 404, "not_found")
    reconciled(api)


def test_transfer_moves_batches_and_serials(api, user):
    _batch_item(user)
    _serial_item(user)
    doc(
        user,
        "purchase_receipt",
        "2026-03-01",
        [
            _line("A001", 4, "5.00", batch="L1", expiry_date="2026-12-31"),
            _line("A002", 1, "100.00", serials=["SN7"]),
        ],
    )
    doc(
        user,
        "transfer",
        "2026-03-02",
        [_line("A001", 3), _line("A002", 1, serials=["SN7"])],
        to_warehouse="WH2",
    )
    assert _batches(api, wh="WH2") == [("L1", "2026-12-31", "3")]
    assert api.get("/serials/SN7").json()["warehouse"] == "WH2"
    reconciled(api)


def test_tracking_changes_only_without_moves(api, user):
    doc(user, "purchase_receipt", "2026-03-01", [_line("A001", 1, "5.00")])
    err = assert_error(api.put("/items/A001", {"batch_tracked": True}), 409, "item_has_moves")
    assert err["details"]["field"] == "batch_tracked"
    item = api.put("/items/A003", {"serial_tracked": True, "shelf_life_days": 30}).json()
    assert (item["serial_tracked"], item["shelf_life_days"], item["batch_tracked"]) == (
        True,
        30,
        False,
    )


def test_batch_pages_and_their_excel(client, user):
    from io import BytesIO

    from openpyxl import load_workbook

    _batch_item(user)
    doc(
        user,
        "purchase_receipt",
        "2026-03-01",
        [_line("A001", 5, "5.00", batch="OLD", expiry_date="2020-01-01")],
    )
    client.force_login(user)
    page = client.get("/stock/batches/?warehouse=WH1").content.decode()
    assert 'data-batch="OLD"' in page and "2020-01-01" in page
    assert 'data-batch="OLD"' in client.get("/reports/expiring/?days=7").content.decode()
    assert client.get("/reports/expiring/?days=x").status_code == 422
    for url in ("/stock/batches/?format=xlsx", "/reports/expiring/?days=7&format=xlsx"):
        sheet = load_workbook(BytesIO(client.get(url).content)).active
        values = [c for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
        assert "批次" in values and "OLD" in values and 5 in values, values
    assert "没有这个序列号" in client.get("/serials/?serial=NONE").content.decode()


def test_a_back_dated_receipt_before_a_count_moves_the_counts_batch(api, user):
    # given 10 of L1 received on 03-01, and a count on 03-05 finding 8 (a loss of 2 from L1)
    _batch_item(user)
    doc(user, "purchase_receipt", "2026-03-01", [_line("A001", 10, "5.00", batch="L1")])
    doc(user, "stock_count", "2026-03-05", [_line("A001", 8, batch="L1")])
    assert _batches(api) == [("L1", None, "8")]
    # when 5 of L2 are received back-dated on 03-02, before the count
    doc(user, "purchase_receipt", "2026-03-02", [_line("A001", 5, "5.00", batch="L2")])
    # then the count still states 8 on its date: its loss grows from 2 to 7, taken from its
    # line's batch L1 (10 − 2 − 5 = 3), and L2 keeps its 5; 3 + 5 = 8 = the stock ledger
    assert stock(api)[0] == "8"
    assert sorted(_batches(api)) == [("L1", None, "3"), ("L2", None, "5")]
    reconciled(api)


def test_reconcile_finds_and_fix_repairs_a_wrong_batch_or_serial_cache(api, user):
    from django.db import connection

    from openjxc.closing.checks import reconcile
    from openjxc.closing.fix import fix_books

    _batch_item(user)
    _serial_item(user)
    doc(user, "purchase_receipt", "2026-03-01", [_line("A001", 4, "5.00", batch="L1")])
    doc(user, "purchase_receipt", "2026-03-01", [_line("A002", 1, "9.00", serials=["SN5"])])
    with connection.cursor() as cur:  # damage both caches
        cur.execute("UPDATE inventory_batchbalance SET qty = qty + 10000")
        cur.execute("UPDATE inventory_serialstock SET warehouse_id = NULL")
    checks = sorted({p["check"] for p in reconcile()["problems"]})
    assert checks == ["batch_cache", "serial_cache", "serial_stock"]
    assert len(fix_books(user)["changes"]) == 2
    reconciled(api)


def test_item_import_sets_the_tracking_flags(user):
    from io import BytesIO

    from openpyxl import Workbook

    from openjxc.catalog.imports import import_items
    from openjxc.catalog.models import Item

    wb = Workbook()
    wb.active.append(["商品编码", "商品名称", "单位", "批次管理", "保质期天数", "序列号管理"])
    wb.active.append(["B100", "牛奶", "盒", "是", "21", ""])
    wb.active.append(["S100", "手机", "台", "否", "", "是"])
    out = BytesIO()
    wb.save(out)
    import_items(user, out.getvalue(), commit=True)
    flags = dict(
        (c, (b, d, s))
        for c, b, d, s in Item.objects.filter(code__in=["B100", "S100"]).values_list(
            "code", "batch_tracked", "shelf_life_days", "serial_tracked"
        )
    )
    assert flags == {"B100": (True, 21, False), "S100": (False, None, True)}


def test_a_keeper_of_one_warehouse_sees_only_its_batches_and_serial_moves(client, user):
    from .factories import As, person

    _batch_item(user)
    _serial_item(user)
    doc(user, "purchase_receipt", "2026-03-01", [_line("A001", 4, "5.00", batch="L1")])
    doc(user, "purchase_receipt", "2026-03-01", [_line("A002", 1, "9.00", serials=["SN3"])])
    doc(user, "transfer", "2026-03-02", [_line("A001", 1)], to_warehouse="WH2")
    person("库管", warehouses=["WH2"])
    keeper = As(client, "u-库管")
    rows = keeper.get("/stock/batches").json()["items"]
    assert [(r["warehouse"], r["batch"], r["qty"]) for r in rows] == [("WH2", "L1", "1")]
    assert keeper.get("/reports/expiring?days=36500").json()["items"] == []  # no expiry given
    assert keeper.get("/serials/SN3").status_code == 404  # its moves are all in WH1
    assert keeper.get("/stock/batches?warehouse=WH1").json()["items"] == []


def test_an_idempotent_create_compares_the_batch_too(api, user):
    _batch_item(user)
    body = {
        "type": "purchase_receipt",
        "date": "2026-03-01",
        "partner": "S001",
        "warehouse": "WH1",
        "external_ref": "PO-77",
        "lines": [_line("A001", 2, "5.00", batch="L1")],
    }
    first = post(api, "/documents", body, 201)["number"]
    assert api.post("/documents", body).json()["number"] == first  # the same body: replayed
    body["lines"][0]["batch"] = "L2"
    assert_error(api.post("/documents", body), 409, "idempotency_conflict")
