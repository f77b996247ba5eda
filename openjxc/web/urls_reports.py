from django.urls import path

from . import views_reports as v

urlpatterns = [
    path("", v.home, name="home"),
    path("stock/", v.stock, name="stock"),
]
