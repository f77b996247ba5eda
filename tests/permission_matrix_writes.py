"""The write endpoints of the role matrix that need something of their own first (a draft voucher,
a share link, an allocation, archived books): `prepare` makes it as the administrator before the
state is taken, `run_write` calls the endpoint as the role. tests/test_permission_matrix.py
`run` covers the others."""

from django.contrib.auth import get_user_model

from .factories import doc

VOUCHER = {
    "date": "2026-04-05",
    "lines": [{"account": "560203", "debit": "5.00"}, {"account": "1001", "credit": "5.00"}],
}

# the books' draft receipt, one more of its item
DRAFT = {
    "type": "purchase_receipt",
    "date": "2026-04-02",
    "partner": "S001",
    "warehouse": "WH1",
    "lines": [{"item": "A002", "qty": "3", "price": "3.00"}],
}


def _admin():
    return get_user_model().objects.get(username="admin")


def prepare(action: str, books: dict) -> None:
    """What `action` acts on, made by the administrator (not part of what the role changes)."""
    admin = _admin()
    if action in ("update_manual_voucher", "approve_manual_voucher"):
        from openjxc.posting.vouchers import create_voucher

        books["voucher"] = create_voucher(admin, VOUCHER)["number"]
    elif action in ("allocate_receipt", "unallocate_receipt"):
        from openjxc.posting.money import allocate

        books["delivery"] = doc(admin, "sales_delivery", "2026-04-05", [("A001", 1, "9.00")])
        books["paid"] = doc(admin, "receipt", "2026-04-05", [], partner="C001", amount="5.00")
        if action == "unallocate_receipt":
            books["allocation"] = allocate(admin, books["paid"], books["delivery"], "2.00")["id"]
    elif action == "revoke_share_link":
        import datetime as dt

        from openjxc.partners.models import Partner
        from openjxc.reports.sharing import create_link

        customer = Partner.objects.get(code="C001")
        day = dt.date(2026, 3, 1)
        books["link"] = create_link(admin, customer, day, day.replace(day=31))["id"]
    elif action == "unarchive_books":
        from openjxc.backup.archive import archive

        archive(admin, "停用")


def run_write(api, action: str, books: dict):
    """Perform one of these actions as the role; the HTTP response (None: not one of them)."""
    calls = {
        "create_warehouse": lambda: api.post("/warehouses", {"code": "WH9", "name": "新仓库"}),
        "edit_purchase_receipt_draft": lambda: api.put(f"/documents/{books['draft']}", DRAFT),
        "delete_purchase_receipt_draft": lambda: api.delete(f"/documents/{books['draft']}"),
        "close_sales_order": lambda: api.post(
            f"/documents/{books['order']}/close", {"reason": "客户取消"}
        ),
        "cancel_chain_sales_order": lambda: api.post(
            f"/documents/{books['order']}/cancel-chain", {"reason": "客户取消"}
        ),
        "allocate_receipt": lambda: api.post(
            "/allocations", {"from": books["paid"], "to": books["delivery"], "amount": "2.00"}
        ),
        "unallocate_receipt": lambda: api.delete(f"/allocations/{books['allocation']}"),
        "set_opening_accounts": lambda: api.put(
            "/opening/accounts", [{"account": "1001", "debit": "100.00"}]
        ),
        "update_manual_voucher": lambda: api.put(
            f"/vouchers/{books['voucher']}", {**VOUCHER, "memo": "改"}
        ),
        "approve_manual_voucher": lambda: api.post(f"/vouchers/{books['voucher']}/approve"),
        "update_money_account": lambda: api.put("/money-accounts/1002", {"name": "基本户"}),
        "set_settlement_cycle": lambda: api.put("/periods/cycle", {"cycle": "weekly"}),
        "take_backup": lambda: api.post("/backups"),
        "set_partner_price": lambda: api.put("/price-lists/C001/A001", {"price": "8.50"}),
        "share_statement": lambda: api.post(
            "/partners/C001/statement/share", {"from": "2026-03-01", "to": "2026-03-31"}
        ),
        "revoke_share_link": lambda: api.delete(f"/share-links/{books['link']}"),
        "unarchive_books": lambda: api.post("/system/unarchive", {"reason": "恢复使用"}),
    }
    call = calls.get(action)
    return None if call is None else call()
