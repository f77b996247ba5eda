from django.urls import path

from . import views_categories as categories
from . import views_expense_types as expense_types
from . import views_imports as imports
from . import views_master_data as v
from . import views_partners as partners
from . import views_price_levels, views_settings
from . import views_stock_limits as limits
from . import views_users as u

urlpatterns = [
    path("items/", v.items, name="items"),
    path("items/new/", v.item_new, name="item_new"),
    path("items/<path:code>/edit/", v.item_edit, name="item_edit"),
    path("items/<path:code>/stock-limits/", limits.stock_limits, name="item_stock_limits"),
    path("categories/", categories.categories, name="categories"),
    path("expense-types/", expense_types.expense_types, name="expense_types"),
    path(
        "expense-types/<path:code>/edit/",
        expense_types.expense_type_edit,
        name="expense_type_edit",
    ),
    path("categories/<path:code>/edit/", categories.category_edit, name="category_edit"),
    path("customers/", partners.customers, name="customers"),
    path("customers/new/", partners.partner_new, {"kind": "customer"}, name="customer_new"),
    path(
        "customers/<path:code>/edit/",
        partners.partner_edit,
        {"kind": "customer"},
        name="customer_edit",
    ),
    path("suppliers/", partners.suppliers, name="suppliers"),
    path("suppliers/new/", partners.partner_new, {"kind": "supplier"}, name="supplier_new"),
    path(
        "suppliers/<path:code>/edit/",
        partners.partner_edit,
        {"kind": "supplier"},
        name="supplier_edit",
    ),
    path("price-levels/", views_price_levels.price_levels, name="price_levels"),
    path("warehouses/", v.warehouses, name="warehouses"),
    path("warehouses/<path:code>/edit/", v.warehouse_edit, name="warehouse_edit"),
    path("items/<path:code>/active/", v.set_active, {"kind": "item"}, name="item_active"),
    path(
        "customers/<path:code>/active/", v.set_active, {"kind": "customer"}, name="customer_active"
    ),
    path(
        "suppliers/<path:code>/active/", v.set_active, {"kind": "supplier"}, name="supplier_active"
    ),
    path(
        "warehouses/<path:code>/active/",
        v.set_active,
        {"kind": "warehouse"},
        name="warehouse_active",
    ),
    path("import/", imports.import_page, name="import"),
    path("import/template/<str:kind>/", imports.import_template, name="import_template"),
    path("users/", u.users, name="users"),
    path("users/new/", u.user_new, name="user_new"),
    path("users/roles/", u.roles, name="roles"),
    path("users/<str:username>/edit/", u.user_edit, name="user_edit"),
    path("users/<str:username>/tokens/", u.user_tokens, name="user_tokens"),
    path("settings/", views_settings.settings_page, name="settings"),
]
