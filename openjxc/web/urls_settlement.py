from django.urls import path

from . import views_audit, views_backups, views_impact
from . import views_closing as closing

urlpatterns = [
    path("doc/<str:number>/impact/<str:action>/", views_impact.doc_impact, name="doc_impact"),
    path("periods/", closing.periods, name="periods"),
    path("periods/<str:name>/check/", closing.period_check, name="period_check"),
    path("periods/<str:name>/close/", closing.period_close, name="period_close"),
    path("periods/<str:name>/reopen/", closing.period_reopen, name="period_reopen"),
    path("check/", closing.data_check, name="data_check"),
    path("check/fix/", closing.data_check_fix, name="data_check_fix"),
    path("audit/", views_audit.audit, name="audit"),
    path("backups/", views_backups.backups, name="backups"),
    path("backups/take/", views_backups.backup_take, name="backup_take"),
    path("backups/requeue/", views_backups.backup_requeue, name="backup_requeue"),
    path(
        "backups/restore-in-place/",
        views_backups.backup_restore_in_place,
        name="backup_restore_in_place",
    ),
    path(
        "backups/<str:backup_id>/download/", views_backups.backup_download, name="backup_download"
    ),
    path("backups/<str:backup_id>/restore/", views_backups.backup_restore, name="backup_restore"),
]
