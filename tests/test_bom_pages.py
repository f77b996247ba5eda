"""The 物料清单 and 物料需求 pages through the test client: the BOM list, form and Excel export,
the material requirements of chosen orders and the one click to the draft purchase order, and
the assembly entry form."""

from openjxc.catalog.bom import create_bom

from .factories import doc


def _bom(user):
    return create_bom(
        user, {"item": "A003", "qty": "1", "components": [{"item": "A001", "qty": "2"}]}
    )


def test_bom_list_form_and_export(admin_client, user):
    r = admin_client.post(
        "/boms/new/",
        {
            "item": "A003",
            "qty": "1",
            "active": "1",
            "c_item_0": "A001",
            "c_qty_0": "2",
            "c_item_1": "A002",
            "c_qty_1": "3",
        },
    )
    assert r.status_code == 302, r.content[:500]
    page = admin_client.get("/boms/").content.decode()
    assert "BOM0001" in page and "A001" in page and "A002" in page
    r = admin_client.post(
        "/boms/BOM0001/edit/",
        {"item": "A003", "qty": "2", "active": "1", "c_item_0": "A001", "c_qty_0": "5"},
    )
    assert r.status_code == 302
    page = admin_client.get("/boms/").content.decode()
    assert "A002" not in page.split('id="boms"')[1]
    # a cycle is refused on the form, nothing saved
    r = admin_client.post(
        "/boms/new/", {"item": "A001", "qty": "1", "c_item_0": "A003", "c_qty_0": "1"}
    )
    assert r.status_code == 422 and "form-error" in r.content.decode()
    r = admin_client.get("/boms/?format=xlsx")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")


def test_requirements_page_and_draft_purchase_order(admin_client, user):
    _bom(user)
    doc(user, "purchase_receipt", "2026-03-01", [("A001", 3, "5.00")])
    so = doc(user, "sales_order", "2026-03-02", [("A003", 4, "20.00")])
    page = admin_client.get(f"/reports/material-requirements/?order={so}").content.decode()
    # A003 4 short → A001 8 required, 3 available → 5 short
    assert 'data-item="A001"' in page and so in page
    row = page.split('data-item="A001"')[1].split("</tr>")[0]
    assert ">8<" in row and ">3<" in row and ">5<" in row
    r = admin_client.post("/reports/material-requirements/", {"order": so})
    assert r.status_code == 302 and r["Location"].startswith("/doc/CGDD")
    po = admin_client.get(r["Location"]).content.decode()
    assert "A001" in po


def test_assembly_entry_form_opens(admin_client, user):
    r = admin_client.get("/documents/assembly/new/")
    assert r.status_code == 200
    assert admin_client.get("/documents/assembly/").status_code == 200
