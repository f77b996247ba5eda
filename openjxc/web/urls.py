from django.urls import path

from openjxc.reports import views as report_views

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("documents/", views.documents, name="documents"),
    path("stock/", views.stock, name="stock"),
    path("statement/<str:kind>/<str:code>/", report_views.statement_page, name="statement"),
    path("share/statement/<str:token>/", report_views.shared_statement, name="shared_statement"),
]
