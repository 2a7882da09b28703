"""The email with a link to choose a new password."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from emassess.accounts.models import User
from emassess.lib.emails import build_email


def password_reset_valid_for() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)


def password_reset_url(*, user: User) -> str:
    """Django's own link: it stops working once the password changes or the person logs in."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return settings.SITE_URL + reverse("password_reset_confirm", args=[uid, token])


def password_reset_email_send(*, user: User) -> bool:
    """Email the link to the account's address. False (nothing sent) for an account that can no
    longer log in by the time the worker gets to it."""
    if not user.is_active or not user.has_usable_password():
        return False
    hours = int(password_reset_valid_for().total_seconds() // 3600)
    context = {"user": user, "url": password_reset_url(user=user), "hours": hours}
    build_email("password-reset", context, to=user.email).send()
    return True
