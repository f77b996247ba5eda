"""A user's API tokens in the user administration: list them and revoke one (POST, confirmed).

Its own module (views_admin.py is past the size of a web module); the user page loads the list
from here."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from openjxc.core.errors import DomainError
from openjxc.users import admin as users_admin
from openjxc.users.services import MANAGE_USERS

from .decorators import page
from .errors import error_message


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
    return render(request, "web/admin/user_tokens.html",
                  {"username": username, "tokens": tokens, "error": error}, status=status)
