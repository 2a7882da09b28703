"""Forms of one's own account: logging in, a new password by email, a new name or password."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, PasswordResetForm
from django.db import transaction
from django.http import HttpRequest

from emassess.accounts.models import User
from emassess.accounts.tasks import send_password_reset_email


class EmailAuthenticationForm(AuthenticationForm):
    """Django's login form, labelled for email addresses and case-insensitive on them."""

    username = forms.EmailField(
        label="Email address",
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    def clean_username(self) -> str:
        return self.cleaned_data["username"].strip().lower()


class PasswordResetByEmailForm(PasswordResetForm):
    """Django's reset form, whose email goes the way every email of emassess goes: built from our
    three templates by a task queued once the request's transaction commits. The page that
    follows is the same whether or not an account has the address."""

    email = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email,
                  html_email_template_name=None) -> None:  # fmt: skip
        # Only the account's id goes to the task: the worker makes the link itself, so no live
        # reset link ever sits in the broker.
        user_id = context["user"].pk
        transaction.on_commit(lambda: send_password_reset_email.delay(user_id))


class AccountNameForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name"]
        labels = {"full_name": "Your name"}
        help_texts = {"full_name": "As your colleagues see it in emassess."}
        widgets = {"full_name": forms.TextInput(attrs={"autocomplete": "name"})}

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["full_name"].required = True

    def clean_full_name(self) -> str:
        return self.cleaned_data["full_name"].strip()


class CurrentPasswordChangeForm(PasswordChangeForm):
    """Django's change-password form, whose current password is checked as a login is: a wrong
    one counts towards django-axes' lockout, so a stolen session cannot guess the password."""

    error_messages = {
        **PasswordChangeForm.error_messages,
        "password_incorrect": "That is not your current password. Type the password you log in with.",
    }

    def __init__(self, user: User, *args: Any, request: HttpRequest, **kwargs: Any):
        super().__init__(user, *args, **kwargs)
        self.request = request

    def clean_old_password(self) -> str:
        old_password = self.cleaned_data["old_password"]
        if authenticate(self.request, username=self.user.email, password=old_password) is None:
            raise forms.ValidationError(self.error_messages["password_incorrect"], code="password_incorrect")
        return old_password
