from django.urls import path

from . import views_corrections as corrections
from . import views_counts as counts
from . import views_documents as v
from . import views_entry as e
from . import views_lookup as lookup
from . import views_print
from . import views_transit as transit

urlpatterns = [
    path("documents/", v.documents, name="documents"),
    path("doc-lookup/items/", lookup.item_lookup, name="doc_item_lookup"),
    path("doc-lookup/line-info/", lookup.line_info, name="doc_line_info"),
    path("doc-lookup/open-items/", lookup.money_open_items, name="doc_open_items"),
    path("documents/<str:doc_type>/", v.doc_list, name="doc_list"),
    path("documents/<str:doc_type>/new/", e.doc_new, name="doc_new"),
    path("doc/<str:number>/", v.doc_detail, name="doc_detail"),
    path("doc/<str:number>/print/", views_print.doc_print, name="doc_print"),
    path("doc/<str:number>/correct/", corrections.doc_correct, name="doc_correct"),
    path("corrections/", corrections.correction_list, name="corrections"),
    path(
        "corrections/<int:correction_id>/",
        corrections.correction_detail,
        name="correction_detail",
    ),
    path("counts/<str:number>/", counts.count_page, name="count_page"),
    path("counts/<str:number>/sheet/", counts.count_sheet, name="count_sheet"),
    path("doc/<str:number>/receive/", transit.receive_page, name="doc_receive"),
]
