"""The expected role × action, page and endpoint tables of tests/test_permission_matrix.py: the
specification of the seeded roles (users/roles.py), kept apart so that the test module stays
small. Columns follow ROLES."""

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
    # 红冲蓝补: reverse_document (and the type's area; approving also approve_document)
    "correct_purchase_receipt": (Y, N, N, N, N, Y),
    "preview_correction": (Y, N, N, N, N, Y),
    "approve_correction": (Y, N, N, N, N, Y),
    "undo_correction": (Y, N, N, N, N, Y),
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
    "add_count_sheet": (Y, N, N, Y, N, Y),  # 盘点表: stock documents
    "create_bom": (Y, N, N, Y, N, Y),  # master data
    "update_bom": (Y, N, N, Y, N, Y),
    "create_assembly": (Y, N, N, Y, N, Y),  # the stock area
    "create_disassembly": (Y, N, N, Y, N, Y),
    "draft_requirements_purchase_order": (Y, N, N, N, N, Y),  # reads sales, writes purchase
    "set_stock_limits": (Y, N, N, Y, N, Y),  # master data
    "draft_reorder_orders": (Y, Y, N, N, N, Y),  # purchase orders
    "receive_transfer": (Y, N, N, N, N, Y),  # stock area + approve_document
    "archive_books": (N, N, N, N, N, Y),  # 停用系统: the administrator
    "repair_books": (N, N, N, N, N, Y),  # reconcile --fix (修复): the administrator
    "requeue_verifications": (N, N, N, N, N, Y),  # backups: the administrator
}


PAGES = {
    "/": (Y, Y, Y, Y, Y, Y),
    "/stock/": (Y, Y, Y, Y, Y, Y),
    "/stock/batches/": (Y, Y, Y, Y, Y, Y),  # quantities per batch: no cost
    "/reports/expiring/?days=30": (Y, Y, Y, Y, Y, Y),
    "/serials/?serial=SN1": (Y, Y, Y, Y, Y, Y),
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
    "/backups/restore-in-place/": MATRIX["list_backups"],  # its POST: test_backup_verify.py
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
    "/documents/cost_adjustment/": (Y, N, N, Y, N, Y),
    "/documents/cost_adjustment/new/": (Y, N, N, Y, N, Y),
    "/documents/transfer_receipt/": (Y, N, N, Y, N, Y),
    "/stock/reorder/": (Y, Y, N, Y, N, Y),  # purchase or stock area
    "/doc/DBD202603020001/receive/": MATRIX["receive_transfer"],  # the books' transfer in transit
    "/stock/reorder/?format=xlsx": (Y, Y, N, N, N, Y),  # and export_data
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
    # the books' draft stock count (tests/test_permission_matrix.py `books`)
    "/counts/PDD202604040001/": MATRIX["add_count_sheet"],
    "/counts/PDD202604040001/sheet/": MATRIX["add_count_sheet"],
    "/counts/PDD202604040001/?format=xlsx": (Y, N, N, N, N, Y),  # and export_data
    "/boms/": (Y, Y, Y, Y, Y, Y),
    "/boms/?format=xlsx": MATRIX["export_inventory_summary"],  # the export permission
    "/boms/new/": MATRIX["create_bom"],
    "/boms/BOM0001/edit/": MATRIX["update_bom"],
    "/reports/material-requirements/": (Y, Y, Y, Y, Y, Y),
    "/documents/assembly/": MATRIX["create_assembly"],
    "/documents/assembly/new/": MATRIX["create_assembly"],
    "/documents/disassembly/new/": MATRIX["create_disassembly"],
    "/system/archive/": MATRIX["archive_books"],
    "/check/": (Y, Y, N, N, Y, Y),  # 数据核对: who closes periods or sees cost (修复: repair_books)
    "/system/exports/workbook/": MATRIX["archive_books"],
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
    "add_count_sheet": lambda b: (
        f"/counts/{b['count']}/sheet/",
        {"counter": "张三", "line_item": ["A001"], "line_qty": ["8"]},
    ),
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
            "account_0": "560203",
            "debit_0": "5.00",
            "account_1": "1001",
            "credit_1": "5.00",
            "action": "save",
        },
    ),
    "add_account": lambda b: ("/accounts/", {"code": "560230", "name": "折旧费", "parent": "5602"}),
    "archive_books": lambda b: ("/system/archive/confirm/", {"reason": "停用", "confirm": "1"}),
    "repair_books": lambda b: ("/check/fix/", {}),
    "requeue_verifications": lambda b: ("/backups/requeue/", {}),
    "create_price_adjustment": lambda b: (
        "/documents/price_adjustment/new/",
        {"date": "2026-04-05", "line_item": "A001", "line_price": "9", "action": "save"},
    ),
}


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
    "/stock/batches": ALL,  # 批次: quantities only, the user's warehouses
    "/stock/batch-moves?item=A001": ALL,
    "/reports/expiring?days=30": ALL,
    "/serials/SN1": ALL,
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
    "/documents/{count}": MATRIX["add_count_sheet"],
    "/documents/{count}/count-sheets": MATRIX["add_count_sheet"],
    "/boms": ALL,
    "/boms/BOM0001": ALL,
    "/reports/material-requirements": ALL,  # the orders each may read (none: empty)
    "/reports/material-requirements?warehouse=WH1": ALL,
    "/reports/reorder": (Y, Y, N, Y, N, Y),
    "/items/A001/stock-limits": ALL,
    "/audit/verify": MATRIX["read_audit"],
    "/system/archive": MATRIX["archive_books"],
    "/export": MATRIX["archive_books"],  # the full export as a zip
    "/export/workbook": MATRIX["archive_books"],
    "/corrections": ALL,  # the corrections of the documents each may read
    "/corrections?status=pending_approval": ALL,
    "/corrections/{correction}": MATRIX["read_purchase_receipt"],
}
