from django.urls import path

from . import views_opening as v

urlpatterns = [
    path("opening/", v.opening_page, name="opening"),
    path("opening/check/", v.opening_check, name="opening_check"),
    path("opening/items/<str:of>/", v.opening_item_add, name="opening_item_add"),
    path("opening/cancel/<str:number>/", v.opening_cancel, name="opening_cancel"),
    path("opening/accounts/", v.opening_accounts_save, name="opening_accounts_save"),
    path("opening/accounts/preview/", v.opening_accounts_preview, name="opening_accounts_preview"),
]
