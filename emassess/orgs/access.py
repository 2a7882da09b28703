"""Who may see what. Every view of a member goes through `role_required`, so none forgets to check."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec, cast

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from emassess.accounts.models import User
from emassess.orgs.models import Membership

ANY_ROLE = tuple(Membership.Role.values)

P = ParamSpec("P")
MEMBERSHIP_CACHE = "_membership_cache"


class AuthenticatedHttpRequest(HttpRequest):
    """A request from someone logged in (`login_required` has let it through)."""

    user: User


class MemberRequest(AuthenticatedHttpRequest):
    """A request that `role_required` has let through: it carries the person's membership."""

    membership: Membership


MemberView = Callable[Concatenate[MemberRequest, P], HttpResponse]
View = Callable[Concatenate[HttpRequest, P], HttpResponse]


def membership_of(user: AbstractBaseUser | AnonymousUser) -> Membership | None:
    """The person's membership with its organisation and team, or None (anonymous users,
    superusers without one). Fetched once per request and kept on the user object."""
    if not user.is_authenticated:
        return None
    if not hasattr(user, MEMBERSHIP_CACHE):
        setattr(
            user,
            MEMBERSHIP_CACHE,
            Membership.objects.select_related("organisation", "team").filter(user_id=user.pk).first(),
        )
    return cast(Membership | None, getattr(user, MEMBERSHIP_CACHE))


def role_required(*roles: str) -> Callable[[MemberView[P]], View[P]]:
    """Only logged-in members holding one of `roles` get through, as a MemberRequest.

    Anonymous visitors are sent to the login page; anyone else gets 403.
    """
    allowed = roles or ANY_ROLE

    def decorator(view: MemberView[P]) -> View[P]:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
            membership = membership_of(request.user)
            if membership is None or membership.role not in allowed:
                raise PermissionDenied
            member_request = cast(MemberRequest, request)
            member_request.membership = membership
            return view(member_request, *args, **kwargs)

        return wrapped

    return decorator
