"""Posting generated data to the forms, and what a post leaves behind.

Every form of the project is posted generated data (hypothesis; the values are in
tests/fuzz/strategies.py, one module per app posts them): unknown question ids, answers of the
wrong type, weeks that do not add up, huge text, missing CSRF tokens, a stale questionnaire
version, another person's draft. None may produce a server error; a rejected post says why on
the page; no saved answer is lost or changed by a rejected post.

Each example runs inside `undone()`, which rolls back what it wrote, so all examples of a test
start from the scene of tests/fuzz/conftest.py.
"""

from __future__ import annotations

import contextlib
import json
import os
import traceback
from urllib.parse import urlencode

from django.db import transaction
from django.http import QueryDict
from django.urls import reverse
from hypothesis import HealthCheck, event, settings
from hypothesis.control import currently_in_test_context

from emassess.accounts.models import User
from emassess.assessments.models import Assessment
from emassess.feedback.models import Response
from emassess.orgs.models import Invitation, Membership, Organisation, Team
from emassess.reminders.models import Reminder
from emassess.reviews.models import RoleReview

# All the fuzz modules run in about 45 seconds on two cores; FUZZ_EXAMPLES=500 makes a longer hunt.
# No example database: a run leaves no files behind, and a failure prints the blob to replay it
# (@reproduce_failure).
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "40"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


# ---------------------------------------------------------------------------------------------
# Requests and what they leave behind


@contextlib.contextmanager
def undone(*clients):
    """Run one example and roll back everything it wrote. The clients' message cookies go too, so
    a message on a page is always one this example earned."""
    for client in clients:
        client.cookies.pop("messages", None)
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def no_crash(response) -> None:
    if currently_in_test_context():  # for --hypothesis-show-statistics: how often each outcome came up
        event(f"{response.request['REQUEST_METHOD']} answered {response.status_code}")
    exc_info = getattr(response, "exc_info", None)
    crash = "".join(traceback.format_exception(*exc_info)) if exc_info else ""
    assert response.status_code < 500, f"{response.status_code} for {response.request['PATH_INFO']}\n{crash}"


def post(client, url: str, data: dict, *, multipart: bool = False, **files):
    """POST as a browser posts a form without enctype: urlencoded, every name and value escaped
    (the test client's multipart encoder writes names unescaped, so a generated name holding a
    quote or a line break would garble the body). Files, and forms that say so, go multipart."""
    if files or multipart:
        response = client.post(url, {**data, **files})
    else:
        response = client.post(url, urlencode(data, doseq=True), content_type="application/x-www-form-urlencoded")
    no_crash(response)
    return response


def as_received(data: dict) -> QueryDict:
    """The body as the view reads it: a list posts every value, .get() gives the last."""
    return QueryDict(urlencode(data, doseq=True))


def page_of(response) -> str:
    return response.content.decode()


def says_why(response) -> bool:
    """A rejected post's page explains itself: the error summary, a field's error or a message."""
    page = page_of(response)
    return any(mark in page for mark in ('data-testid="error-summary"', "invalid-feedback", "alert-danger"))


def link(name: str, token: str) -> str:
    return reverse(name, args=[token])


# Stored state a rejected post must leave alone. Timestamps that move on every save (updated_at,
# last_login) are left out; everything a person typed or an admin set is in.
WATCHED = {
    Assessment: ("pk", "manager_id", "version_id", "status", "answers", "current_step", "furthest_step",
                 "shared_with_hr", "submitted_at", "plan"),
    RoleReview: ("pk", "status", "answers", "recommendation", "submitted_at"),
    Invitation: ("pk", "email", "full_name", "role", "team_id", "manager_role", "manager_role_started_on",
                 "reports_to_id", "expires_at", "accepted_at", "revoked_at"),
    Membership: ("pk", "user_id", "organisation_id", "role", "team_id", "reports_to_id", "manager_role",
                 "manager_role_started_on", "nudges_unsubscribed_at"),
    Organisation: ("pk", "name", "cadence_months", "nudge_after_days", "timezone", "anonymity_threshold",
                   "hr_sees_individual_results"),
    User: ("pk", "email", "full_name", "is_active", "password"),
    Team: ("pk", "organisation_id", "name", "kind", "archived_at"),
    Reminder: ("pk", "person_id", "kind", "period", "status"),
    Response: ("pk", "report_id", "manager_id", "version_id", "cycle", "answers", "submitted_at"),
}  # fmt: skip


def snapshot(rows) -> str:
    """The watched fields of these rows as JSON text, so "unchanged" means byte for byte ("4" is not 4)."""
    return json.dumps(list(rows.order_by("pk").values(*WATCHED[rows.model])), sort_keys=True, default=str)


def world(*leave_out) -> dict[str, str]:
    """Every watched row of every watched model but those left out."""
    return {model.__name__: snapshot(model.objects.all()) for model in WATCHED if model not in leave_out}


def as_kept(typed: str, limit: int) -> str:
    """A typed answer as a draft keeps it: cut to `limit` characters, without U+0000 (which
    PostgreSQL's jsonb cannot hold, and nobody types on purpose)."""
    return typed.replace("\x00", "")[:limit]
