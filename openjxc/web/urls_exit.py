from django.urls import path

from . import views_exit as v

urlpatterns = [
    path("system/archive/", v.system_archive, name="system_archive"),
    path("system/archive/export/", v.system_export, name="system_export"),
    path("system/archive/confirm/", v.system_archive_confirm, name="system_archive_confirm"),
    path("system/unarchive/", v.system_unarchive, name="system_unarchive"),
    path("system/exports/workbook/", v.system_workbook, name="system_workbook"),
    path(
        "system/exports/<str:export_id>/download/",
        v.system_export_download,
        name="system_export_download",
    ),
]
