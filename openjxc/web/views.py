"""Login (with the lockout of users.services.check_login) and logout."""

from django import forms
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import redirect, render

from openjxc.core.errors import DomainError
from openjxc.users.services import check_login

from .errors import error_message


class LoginForm(AuthenticationForm):
    """Django's login form with the lockout of users.services.check_login."""

    def clean(self):
        username, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
        if username and password:
            try:
                self.user_cache = check_login(username, password, self.request)
            except DomainError as exc:
                raise forms.ValidationError(error_message(exc), code=exc.code) from exc
        return self.cleaned_data


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    authentication_form = LoginForm


def logout_view(request):
    """Log out by POST only: a GET (a link, an <img> on another site) shows a button instead,
    so that no page elsewhere can log a user out behind their back."""
    if request.method != "POST":
        return render(request, "web/logout.html")
    logout(request)
    return redirect("login")
