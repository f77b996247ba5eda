from django.urls import path  # noqa: F401

from . import views_admin as v  # noqa: F401

urlpatterns = []
