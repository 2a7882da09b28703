"""Who may see what. Every view goes through `role_required`, so none forgets to check."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from emassess.orgs.models import Membership

ANY_ROLE = tuple(Membership.Role.values)


def membership_of(user) -> Membership | None:
    """The person's membership with its organisation and team, or None (anonymous users,
    superusers without one). Fetched once per request and kept on the user object."""
    if not user.is_authenticated:
        return None
    if not hasattr(user, "_membership_cache"):
        user._membership_cache = Membership.objects.select_related("organisation", "team").filter(user=user).first()
    return user._membership_cache


def role_required(*roles: str) -> Callable:
    """Only logged-in members holding one of `roles` get through; it sets request.membership.

    Anonymous visitors are sent to the login page; anyone else gets 403.
    """
    allowed = roles or ANY_ROLE

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            membership = membership_of(request.user)
            if membership is None or membership.role not in allowed:
                raise PermissionDenied
            request.membership = membership
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
