from django.urls import path

from . import views_funds as funds

urlpatterns = [
    path("money-accounts/", funds.money_accounts, name="money_accounts"),
    path("money-accounts/<path:code>/edit/", funds.money_account_edit, name="money_account_edit"),
    path(
        "money-accounts/<path:code>/active/",
        funds.money_account_active,
        name="money_account_active",
    ),
    path("reports/cash-journal/", funds.cash_journal, name="cash_journal"),
    path("reports/funds/", funds.funds_report, name="funds_report"),
]
