from django.urls import include, path

from openjxc.reports import views as report_views

from . import views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("statement/<str:kind>/<str:code>/", report_views.statement_page, name="statement"),
    path("share/statement/<str:token>/", report_views.shared_statement, name="shared_statement"),
    # one module per area of the UI
    path("", include("openjxc.web.urls_documents")),
    path("", include("openjxc.web.urls_reports")),
    path("", include("openjxc.web.urls_settlement")),
    path("", include("openjxc.web.urls_admin")),
    path("", include("openjxc.web.urls_opening")),
    path("", include("openjxc.web.urls_money")),
    path("", include("openjxc.web.urls_journal")),
    path("", include("openjxc.web.urls_accounting")),
    path("", include("openjxc.web.urls_exit")),
]
