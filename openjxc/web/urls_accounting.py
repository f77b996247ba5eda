from django.urls import path

from . import views_vouchers as v

urlpatterns = [
    path("vouchers/new/", v.voucher_new, name="voucher_new"),
    path("vouchers/<str:number>/edit/", v.voucher_edit, name="voucher_edit"),
    path("accounts/", v.chart_page, name="chart_of_accounts"),
]
