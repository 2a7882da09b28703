"""One's own account: a new password by email (Django's views, our templates and email), and the
My account page to change one's name and password."""

from __future__ import annotations

from typing import Any, cast

from axes.utils import reset as axes_reset
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy

from emassess.accounts.emails import password_reset_valid_for
from emassess.accounts.forms import AccountNameForm, CurrentPasswordChangeForm, PasswordResetByEmailForm
from emassess.accounts.models import User

PASSWORD_SAVED = "Your new password is saved."


@login_required
def my_account(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    form = AccountNameForm(request.POST if request.method == "POST" else None, instance=user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your name is saved.")
        return redirect("my_account")
    return render(request, "accounts/my_account.html", {"form": form})


class PasswordChange(auth_views.PasswordChangeView):
    """Django's view (it keeps this session logged in and ends the others), with a current password
    checked as a login is."""

    form_class = CurrentPasswordChangeForm
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("my_account")

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "request": self.request}

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, f"{PASSWORD_SAVED} You stay logged in here; other browsers are logged out.")
        return response


class PasswordReset(auth_views.PasswordResetView):
    form_class = PasswordResetByEmailForm
    template_name = "accounts/password_reset.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "hours": _link_hours()}


class PasswordResetSent(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_sent.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "hours": _link_hours()}


class PasswordResetConfirm(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        # Proving the mailbox is theirs is enough to lift a lockout of their own address: someone
        # who forgot their password and tried five times can log in with the new one at once.
        axes_reset(username=form.user.email)
        return response


class PasswordResetComplete(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


def _link_hours() -> int:
    return int(password_reset_valid_for().total_seconds() // 3600)
