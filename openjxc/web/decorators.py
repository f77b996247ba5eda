"""Page access: login required, then the permission checked on the server (403 page otherwise)."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from openjxc.users.services import can


def forbidden(request):
    return render(request, "web/403.html", status=403)


def page(*perms):
    """A view for logged-in users holding any of `perms` (all users when none is given)."""

    def decorate(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if perms and not any(can(request.user, p) for p in perms):
                return forbidden(request)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
