from django.urls import path

from . import views_settlement as v

urlpatterns = [
    path("doc/<str:number>/impact/<str:action>/", v.doc_impact, name="doc_impact"),
    path("periods/", v.periods, name="periods"),
    path("periods/<str:name>/check/", v.period_check, name="period_check"),
    path("periods/<str:name>/close/", v.period_close, name="period_close"),
    path("periods/<str:name>/reopen/", v.period_reopen, name="period_reopen"),
    path("check/", v.data_check, name="data_check"),
    path("check/fix/", v.data_check_fix, name="data_check_fix"),
    path("audit/", v.audit, name="audit"),
    path("backups/", v.backups, name="backups"),
    path("backups/take/", v.backup_take, name="backup_take"),
    path("backups/<str:backup_id>/download/", v.backup_download, name="backup_download"),
    path("backups/<str:backup_id>/restore/", v.backup_restore, name="backup_restore"),
]
