"""Middleware that belongs to no app."""

import time
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

# A session's life (SESSION_COOKIE_AGE) starts again each time it is saved: saving it this often
# while it is used makes that life an idle limit, give or take this much, at one write per window.
SESSION_SEEN_KEY = "emassess.seen"
SESSION_REFRESH_SECONDS = 5 * 60


def mark_session_seen(session: Any) -> None:
    """Note in the session that it was used now; the session middleware then saves it with a fresh life."""
    session[SESSION_SEEN_KEY] = int(time.time())


def private_pages_not_stored(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """Whatever is shown to someone logged in (results, dashboards, exports, the audit log, "my
    data") is private: no browser or proxy cache may keep a copy, for the next person at a shared
    computer to find with the back button."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response

    return middleware


def sessions_end_when_idle(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """Keep a session that is in use alive; one left alone ends SESSION_COOKIE_AGE after its last use."""

    def middleware(request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is not None and session.get("_auth_user_id"):
            seen = session.get(SESSION_SEEN_KEY, 0)
            if time.time() - seen >= SESSION_REFRESH_SECONDS:
                mark_session_seen(session)
        return get_response(request)

    return middleware
