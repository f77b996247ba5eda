from django.urls import path

from . import views_batches as batches
from . import views_boms as boms
from . import views_home as home
from . import views_money_reports as money
from . import views_reorder as reorder
from . import views_statements as statements
from . import views_stock_reports as stock
from . import views_trade_reports as trade

urlpatterns = [
    path("", home.home, name="home"),
    path("home/check/", home.home_check, name="home_check"),
    path("stock/", stock.stock, name="stock"),
    path("stock/ledger/", stock.stock_ledger, name="stock_ledger"),
    path("stock/low/", stock.low_stock, name="low_stock"),
    path("boms/", boms.boms, name="boms"),
    path("boms/new/", boms.bom_form, name="bom_new"),
    path("boms/<str:code>/edit/", boms.bom_form, name="bom_edit"),
    path("reports/material-requirements/", boms.requirements, name="material_requirements"),
    path("stock/batches/", batches.batch_stock, name="batch_stock"),
    path("reports/expiring/", batches.expiring, name="expiring"),
    path("serials/", batches.serial_history, name="serial_history"),
    path("stock/reorder/", reorder.reorder_page, name="reorder"),
    path("reports/inventory-summary/", stock.inventory_summary, name="inventory_summary"),
    path("reports/margin/", trade.margin_report, name="margin_report"),
    path("reports/receivables/", money.receivables, name="receivables"),
    path("reports/aging/", money.aging, name="aging"),
    path("reports/statements/", money.statements, name="statements"),
    path("reports/income-statement/", statements.income_statement, name="income_statement"),
    path("reports/balance-sheet/", statements.balance_sheet, name="balance_sheet"),
    path("reports/<str:kind>/summary/", trade.trade_summary, name="trade_summary"),
    path("reports/<str:kind>/details/", trade.trade_details, name="trade_details"),
]
