from django.urls import path

from . import views_documents as v

urlpatterns = [
    path("documents/", v.documents, name="documents"),
]
