from django.urls import path

from . import views_journal as journal
from . import views_trial_balance as trial

urlpatterns = [
    path("journal/", journal.journal, name="journal"),
    path("journal/print/", journal.voucher_print, name="voucher_print"),
    path("journal/export/", journal.voucher_file, name="voucher_file"),
    path("journal/mapping/", journal.export_mapping, name="export_mapping"),
    path("reports/trial-balance/", trial.trial_balance, name="trial_balance"),
]
