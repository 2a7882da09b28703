"""Who may see what. Every view of a member goes through `role_required`, so none forgets to check."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec, cast

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from emassess.accounts.models import User
from emassess.orgs.models import Membership

ANY_ROLE = tuple(Membership.Role.values)

P = ParamSpec("P")
# Where a user object keeps its membership once read: the reverse one-to-one's own cache, which
# MemberBackend fills when it loads the user of a session.
_MEMBERSHIP_RELATION = User.membership.related


class AuthenticatedHttpRequest(HttpRequest):
    """A request from someone logged in (`login_required` has let it through)."""

    user: User


class MemberRequest(AuthenticatedHttpRequest):
    """A request that `role_required` has let through: it carries the person's membership."""

    membership: Membership


MemberView = Callable[Concatenate[MemberRequest, P], HttpResponse]
View = Callable[Concatenate[HttpRequest, P], HttpResponse]


class MemberBackend(ModelBackend):
    """Django's ModelBackend (password logins, is_active), except that the user of a session comes
    with their membership, its organisation and its team in the same query: every page of a member
    needs them (role_required), and reading them apart cost a second query on each."""

    def get_user(self, user_id: int) -> User | None:
        try:
            user = User._default_manager.select_related("membership__organisation", "membership__team").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


# For a login that is not `authenticate()`'s (accepting an invitation): `login(..., backend=MEMBER_BACKEND)`.
MEMBER_BACKEND = f"{MemberBackend.__module__}.{MemberBackend.__qualname__}"


def membership_of(user: AbstractBaseUser | AnonymousUser) -> Membership | None:
    """The person's membership with its organisation and team, or None (anonymous users,
    superusers without one). Read once per request (with the user, by MemberBackend) and kept on
    the user object."""
    if not user.is_authenticated:
        return None
    if not _MEMBERSHIP_RELATION.is_cached(user):
        _MEMBERSHIP_RELATION.set_cached_value(
            user, Membership.objects.select_related("organisation", "team").filter(user_id=user.pk).first()
        )
    return cast(Membership | None, _MEMBERSHIP_RELATION.get_cached_value(user))


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
