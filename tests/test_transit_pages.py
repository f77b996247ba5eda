"""Pages of 调拨在途 and 成本调整单: the transfer form's 在途 box, the detail page's shipped /
received / in transit and its 收货 form (tried and rolled back, confirmed, errors inline in
Chinese), and the cost adjustment's entry form."""

from .factories import doc, fetch, line_id, person, stock, vouchers_of


def _transfer(admin_client):
    r = admin_client.post(
        "/documents/transfer/new/",
        {
            "date": "2026-03-03",
            "warehouse": "WH1",
            "to_warehouse": "WH2",
            "in_transit": "1",
            "line_item": ["A001"],
            "line_qty": ["6"],
            "action": "approve",
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    return fetch("SELECT number FROM documents_document WHERE type = 'transfer'")[0][0]


def test_receive_in_two_parts_through_the_pages(admin_client, user, api):
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    t = _transfer(admin_client)
    assert fetch("SELECT in_transit FROM documents_document WHERE number = %s", [t]) == [(True,)]
    page = admin_client.get(f"/doc/{t}/").content.decode()
    assert 'id="receive"' in page and "已发" in page and "在途" in page
    form = admin_client.get(f"/doc/{t}/receive/").content.decode()
    ln = line_id(t)
    assert f'name="qty_{ln}" value="6"' in form  # all that is on its way
    # too much: refused inline in Chinese, nothing posted
    r = admin_client.post(f"/doc/{t}/receive/", {"date": "2026-03-05", f"qty_{ln}": "7"})
    assert r.status_code == 409 and "在途" in r.content.decode()
    assert 'id="form-error"' in r.content.decode()
    # 2 now: a confirmation first (nothing posted yet), then the receipt
    r = admin_client.post(f"/doc/{t}/receive/", {"date": "2026-03-05", f"qty_{ln}": "2"})
    assert 'id="confirm-receive"' in r.content.decode()
    assert fetch("SELECT COUNT(*) FROM documents_document WHERE type = 'transfer_receipt'") == [
        (0,)
    ]
    body = {"date": "2026-03-05", f"qty_{ln}": "2", "step": "confirm"}
    assert admin_client.post(f"/doc/{t}/receive/", body).status_code == 302
    assert stock(api, wh="WH2") == ("2", "5.000000", "10.00")
    body = {"date": "2026-03-07", f"qty_{ln}": "4", "step": "confirm"}
    assert admin_client.post(f"/doc/{t}/receive/", body).status_code == 302
    assert stock(api, wh="WH2") == ("6", "5.000000", "30.00")
    page = admin_client.get(f"/doc/{t}/").content.decode()
    assert 'id="receive"' not in page  # nothing left in transit


def test_receive_page_access(admin_client, user, client):
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    t = doc(user, "transfer", "2026-03-03", [("A001", 6)], to_warehouse="WH2", in_transit=True)
    client.force_login(person("库管"))  # no approve_document: may not receive
    assert client.get(f"/doc/{t}/receive/").status_code == 403
    assert 'id="receive"' not in client.get(f"/doc/{t}/").content.decode()
    admin_client.force_login(user)
    assert admin_client.get(f"/doc/{t}/receive/").status_code == 200


def test_cost_adjustment_entry_form(admin_client, user):
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 10, "5.00")])
    page = admin_client.get("/documents/cost_adjustment/new/").content.decode()
    assert 'name="line_value"' in page and 'name="line_warehouse"' in page
    bad = admin_client.post(
        "/documents/cost_adjustment/new/",
        {
            "date": "2026-03-02",
            "warehouse": "WH2",  # nothing in WH2: refused inline
            "line_item": ["A001"],
            "line_warehouse": [""],
            "line_value": ["10.00"],
            "action": "approve",
        },
    )
    assert bad.status_code == 409 and 'id="form-error"' in bad.content.decode()
    r = admin_client.post(
        "/documents/cost_adjustment/new/",
        {
            "date": "2026-03-02",
            "warehouse": "WH2",
            "line_item": ["A001"],
            "line_warehouse": ["WH1"],  # the line's own warehouse
            "line_value": ["10.00"],
            "action": "approve",
        },
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    number = fetch("SELECT number FROM documents_document WHERE type = 'cost_adjustment'")[-1][0]
    assert vouchers_of(number) == ["借 1405 库存商品 10.00 / 贷 5401 主营业务成本 10.00"]
