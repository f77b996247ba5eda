from django.urls import include, path, re_path

from openjxc.catalog.api import router as catalog_router
from openjxc.catalog.bom_api import router as bom_router
from openjxc.catalog.category_api import router as category_router
from openjxc.catalog.price_api import router as price_router
from openjxc.closing.api import router as closing_router
from openjxc.closing.audit_api import router as audit_router
from openjxc.core.api import api, unknown_endpoint
from openjxc.documents.api import router as documents_router
from openjxc.inventory.api import router as inventory_router
from openjxc.inventory.tracking_api import router as tracking_router
from openjxc.ledger.api import router as ledger_router
from openjxc.ledger.expense_api import router as expense_type_router
from openjxc.ledger.money_account_api import router as money_account_router
from openjxc.partners.api import router as partners_router
from openjxc.posting.api import router as posting_router
from openjxc.posting.correction_api import router as correction_router
from openjxc.posting.count_api import router as count_router
from openjxc.posting.opening_api import router as opening_router
from openjxc.posting.requirements_api import router as requirements_router
from openjxc.posting.voucher_api import router as voucher_router
from openjxc.reports.api import router as reports_router
from openjxc.reports.exit_api import router as exit_router
from openjxc.reports.funds_api import router as funds_router
from openjxc.reports.journal_api import router as journal_router
from openjxc.reports.reorder_api import router as reorder_router
from openjxc.reports.statements_api import router as statements_router
from openjxc.users.api import router as users_router

for r in (
    users_router,
    catalog_router,
    category_router,
    bom_router,
    price_router,
    partners_router,
    inventory_router,
    tracking_router,
    documents_router,
    posting_router,
    correction_router,
    count_router,
    opening_router,
    voucher_router,
    ledger_router,
    expense_type_router,
    money_account_router,
    closing_router,
    reports_router,
    requirements_router,
    funds_router,
    journal_router,
    reorder_router,
    statements_router,
    audit_router,
    exit_router,
):
    api.add_router("/", r)

urlpatterns = [
    path("api/v1/", api.urls),
    re_path(r"^api/v1/(?P<rest>.*)$", unknown_endpoint),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("openjxc.web.urls")),
]
