from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("documents/", views.documents, name="documents"),
    path("stock/", views.stock, name="stock"),
]
