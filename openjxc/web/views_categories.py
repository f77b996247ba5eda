"""Item categories (商品分类): the tree with adding a category, and the edit page (rename, move,
deactivate). Thin views: every write goes through catalog.category_services (permission,
validation, the cycle check, audit); a DomainError shows the page again with the input and the
message, nothing changed."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from openjxc.catalog.categories import category_choices, category_list, get_category
from openjxc.catalog.category_services import create_category, update_category
from openjxc.core.errors import DomainError
from openjxc.users.services import MASTER_DATA, can

from .admin_forms import _error, _form
from .decorators import forbidden, page


@page()
def categories(request):
    ctx = {
        "rows": category_list(),
        "parents": category_choices(active_only=True),
        "may_edit": can(request.user, MASTER_DATA),
        "v": {"parent": request.GET.get("parent", "")},
    }
    if request.method != "POST":
        return render(request, "web/admin/categories.html", ctx)
    if not ctx["may_edit"]:
        return forbidden(request)
    ctx["v"] = values = _form(request, ("code", "name", "parent"))
    try:
        cat = create_category(request.user, values)
    except DomainError as exc:
        return render(
            request, "web/admin/categories.html", {**ctx, **_error(request, exc)}, status=exc.status
        )
    messages.success(request, _("%(code)s %(name)s saved.") % cat)
    return redirect("categories")


@page(MASTER_DATA)
def category_edit(request, code):
    try:
        values = get_category(code)
    except DomainError:
        raise Http404 from None
    # a category cannot go below itself: its own subtree is not offered as a parent
    below = {c["code"] for c in category_list(code)} | {code}
    parents = [c for c in category_choices(active_only=False) if c["code"] not in below]
    if request.method == "POST":
        values = {
            **_form(request, ("name", "parent")),
            "code": code,
            "active": bool(request.POST.get("active")),
        }
        try:
            update_category(
                request.user, code, {k: values[k] for k in ("name", "parent", "active")}
            )
        except DomainError as exc:
            return render(
                request,
                "web/admin/category_form.html",
                {"v": values, "parents": parents, **_error(request, exc)},
                status=exc.status,
            )
        messages.success(request, _("%(code)s saved.") % {"code": code})
        return redirect("categories")
    return render(request, "web/admin/category_form.html", {"v": values, "parents": parents})
