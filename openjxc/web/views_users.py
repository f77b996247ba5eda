"""Users, roles and a user's API tokens (list them, revoke one).

Thin views: every write goes through a service, which checks the permission again and raises
DomainError; the page is then rendered again with the user's input and the message, nothing changed."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from openjxc.core.errors import DomainError
from openjxc.inventory.selectors import all_warehouses, warehouse_names
from openjxc.users import admin as users_admin
from openjxc.users.roles import ALL
from openjxc.users.services import MANAGE_USERS

from .admin_forms import _error
from .decorators import page
from .errors import error_message

PERMISSION_LABELS = {
    "approve_document": gettext_lazy("Approve documents"),
    "cancel_document": gettext_lazy("Cancel (unapprove) documents"),
    "reverse_document": gettext_lazy("Reverse documents (red-letter)"),
    "edit_document": gettext_lazy("Create and edit drafts"),
    "edit_master_data": gettext_lazy("Edit master data"),
    "close_period": gettext_lazy("Close periods"),
    "reopen_period": gettext_lazy("Reopen periods"),
    "view_cost": gettext_lazy("See cost and purchase prices"),
    "purchase_documents": gettext_lazy("Purchase documents"),
    "sales_documents": gettext_lazy("Sales documents"),
    "stock_documents": gettext_lazy("Stock documents"),
    "money_documents": gettext_lazy("Money documents and invoices"),
    "export_data": gettext_lazy("Export to Excel"),
    "view_audit": gettext_lazy("Read the audit log"),
    "manage_users": gettext_lazy("Manage users and roles"),
    "manage_backup": gettext_lazy("Backups and restore"),
    "add_items": gettext_lazy("Add items"),
    "add_suppliers": gettext_lazy("Add suppliers"),
    "add_customers": gettext_lazy("Add customers"),
}


def _user_form_ctx(**extra) -> dict:
    return {
        "roles": users_admin.role_names(),
        "warehouses": list(all_warehouses()),
        **extra,
    }


@page(MANAGE_USERS)
def users(request):
    wh_names = warehouse_names()
    rows = users_admin.list_users()
    for r in rows:
        r["warehouse_names"] = [wh_names.get(c, c) for c in r["warehouses"]]
    return render(request, "web/admin/users.html", {"rows": rows})


def _user_values(request) -> dict:
    return {
        "username": request.POST.get("username", "").strip(),
        "name": request.POST.get("name", "").strip(),
        "password": request.POST.get("password", ""),
        "roles": request.POST.getlist("roles"),
        "warehouses": request.POST.getlist("warehouses"),
        "active": bool(request.POST.get("active")),
    }


@page(MANAGE_USERS)
def user_new(request):
    values = {"active": True, "roles": [], "warehouses": []}
    if request.method == "POST":
        values = _user_values(request)
        try:
            users_admin.create_user(request.user, values)
        except DomainError as exc:
            values["password"] = ""
            return render(
                request,
                "web/admin/user_form.html",
                _user_form_ctx(new=True, v=values, **_error(request, exc)),
                status=exc.status,
            )
        messages.success(request, _("User %(name)s created.") % {"name": values["username"]})
        return redirect("users")
    return render(request, "web/admin/user_form.html", _user_form_ctx(new=True, v=values))


@page(MANAGE_USERS)
def user_edit(request, username):
    try:
        values = users_admin.user_dict(users_admin.get_user(username))
    except DomainError:
        raise Http404 from None
    if request.method == "POST":
        action = request.POST.get("action", "save")
        try:
            if action == "password":
                users_admin.reset_password(request.user, username, request.POST.get("password", ""))
                messages.success(
                    request, _("The password of %(name)s was reset.") % {"name": username}
                )
            elif action == "deactivate":
                users_admin.deactivate_user(request.user, username)
                messages.success(request, _("User %(name)s deactivated.") % {"name": username})
            else:
                posted = _user_values(request)
                values.update({k: posted[k] for k in ("name", "roles", "warehouses", "active")})
                users_admin.update_user(
                    request.user,
                    username,
                    {k: posted[k] for k in ("name", "roles", "warehouses", "active")},
                )
                messages.success(request, _("User %(name)s saved.") % {"name": username})
        except DomainError as exc:
            return render(
                request,
                "web/admin/user_form.html",
                _user_form_ctx(new=False, v=values, **_error(request, exc)),
                status=exc.status,
            )
        return redirect("users")
    return render(request, "web/admin/user_form.html", _user_form_ctx(new=False, v=values))


@page(MANAGE_USERS)
def roles(request):
    matrix = users_admin.role_matrix()
    ctx = {}
    if request.method == "POST":
        wanted = {role: [p for p in ALL if request.POST.get(f"{role}:{p}")] for role in matrix}
        try:
            matrix = users_admin.set_role_permissions(request.user, wanted)
            messages.success(request, _("Role permissions saved."))
            return redirect("roles")
        except DomainError as exc:
            matrix = {r: set(ps) for r, ps in wanted.items()}
            ctx = _error(request, exc)
    names = list(matrix)
    grid = [
        {
            "code": p,
            "label": PERMISSION_LABELS.get(p, p),
            "cells": [{"role": r, "on": p in matrix[r]} for r in names],
        }
        for p in ALL
    ]
    return render(
        request,
        "web/admin/roles.html",
        {"role_names": names, "grid": grid, **ctx},
        status=422 if ctx else 200,
    )


@page(MANAGE_USERS)
def user_tokens(request, username):
    try:
        users_admin.get_user(username)
    except DomainError:
        raise Http404 from None
    error, status = "", 200
    if request.method == "POST":
        try:
            users_admin.revoke_token(request.user, username, request.POST.get("token", ""))
        except DomainError as exc:
            error, status = error_message(exc), exc.status
        else:
            messages.success(request, _("The API token was revoked."))
            return redirect("user_edit", username=username)
    tokens = users_admin.list_tokens(request.user, username)
    return render(
        request,
        "web/admin/user_tokens.html",
        {"username": username, "tokens": tokens, "error": error},
        status=status,
    )
