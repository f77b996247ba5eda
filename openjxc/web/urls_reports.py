from django.urls import path

from . import views_reports as v

urlpatterns = [
    path("", v.home, name="home"),
    path("home/check/", v.home_check, name="home_check"),
    path("stock/", v.stock, name="stock"),
    path("stock/ledger/", v.stock_ledger, name="stock_ledger"),
    path("stock/low/", v.low_stock, name="low_stock"),
    path("reports/inventory-summary/", v.inventory_summary, name="inventory_summary"),
    path("reports/margin/", v.margin_report, name="margin_report"),
    path("reports/receivables/", v.receivables, name="receivables"),
    path("reports/aging/", v.aging, name="aging"),
    path("reports/statements/", v.statements, name="statements"),
    path("reports/<str:kind>/summary/", v.trade_summary, name="trade_summary"),
    path("reports/<str:kind>/details/", v.trade_details, name="trade_details"),
]
