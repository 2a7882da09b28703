"""Every form of the project, posted generated data (hypothesis): unknown question ids, answers of
the wrong type, weeks that do not add up, huge text, missing CSRF tokens, a stale questionnaire
version, another person's draft. None may produce a server error; a rejected post says why on
the page; no saved answer is lost or changed by a rejected post.

Each example runs inside `undone()`, which rolls back what it wrote, so all examples of a test
start from the scene of tests/fuzz/conftest.py.
"""

from __future__ import annotations

import contextlib
import copy
import csv
import datetime
import html
import io
import itertools
import json
import os
import re
import traceback
import zoneinfo
from urllib.parse import urlencode, urlsplit

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.http import QueryDict
from django.urls import reverse
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context

from emassess.accounts.models import User
from emassess.assessments.forms import MAX_TEXT
from emassess.assessments.models import Assessment
from emassess.assessments.questionnaire import questionnaire_publish
from emassess.orgs import csv_import
from emassess.orgs.models import Invitation, Membership, Organisation, Team
from emassess.reviews.models import RoleReview
from emassess.reviews.questions import (
    ANSWER_KEYS,
    ENERGY_SOURCES,
    ENJOYMENT_LABELS,
    GIVE_UP_NONE,
    MULTIPLE_ANSWER_KEYS,
    RESPONSIBILITIES,
    TEXT_MAX,
    WANTS_NEXT,
)
from tests.factories import PASSWORD

# The whole file runs in about 45 seconds on two cores; FUZZ_EXAMPLES=500 makes a longer hunt.
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


# Stored state a rejected post must leave alone. Timestamps that move on every save (updated_at,
# last_login) are left out; everything a person typed or an admin set is in.
WATCHED = {
    Assessment: ("pk", "manager_id", "version_id", "status", "answers", "current_step", "furthest_step",
                 "shared_with_hr", "submitted_at"),
    RoleReview: ("pk", "status", "answers", "recommendation", "submitted_at"),
    Invitation: ("pk", "email", "full_name", "role", "team_id", "manager_role", "manager_role_started_on",
                 "expires_at", "accepted_at", "revoked_at"),
    Membership: ("pk", "user_id", "organisation_id", "role", "team_id", "reports_to_id", "manager_role",
                 "manager_role_started_on", "nudges_unsubscribed_at"),
    Organisation: ("pk", "name", "cadence_months", "nudge_after_days", "timezone", "anonymity_threshold",
                   "hr_sees_individual_results"),
    User: ("pk", "email", "full_name", "is_active", "password"),
    Team: ("pk", "organisation_id", "name", "kind"),
}  # fmt: skip


def snapshot(rows) -> str:
    """The watched fields of these rows as JSON text, so "unchanged" means byte for byte ("4" is not 4)."""
    return json.dumps(list(rows.order_by("pk").values(*WATCHED[rows.model])), sort_keys=True, default=str)


def world(*leave_out) -> dict[str, str]:
    """Every watched row of every watched model but those left out."""
    return {model.__name__: snapshot(model.objects.all()) for model in WATCHED if model not in leave_out}


# ---------------------------------------------------------------------------------------------
# Generated values

LONG_TEXT = 20_000
MAX_BODY = 2_000_000  # Django refuses a body over DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) before any view runs


def texts(**size) -> st.SearchStrategy[str]:
    """Any Unicode text: emoji, right-to-left marks, control characters, NUL."""
    return st.text(st.characters(codec="utf-8"), **size)


def huge_texts() -> st.SearchStrategy[str]:
    """A long paste: a short piece repeated to 2,001-20,000 characters (hypothesis's own text
    strategy seldom goes past a few dozen)."""
    pieces = texts(min_size=1, max_size=3)
    return st.builds(lambda piece, size: (piece * size)[:size], pieces, st.integers(MAX_TEXT + 1, LONG_TEXT))


numbers = st.one_of(
    st.integers(-5, 105), st.integers(-(10**30), 10**30), st.floats(allow_nan=True, allow_infinity=True)
).map(str)
# Including digits Python's int() reads but nobody types in a form (Arabic-Indic three, fullwidth zero).
ODD_SPELLINGS = ["", " ", "0", "-0", "+1", "1.0", "1e3", "\u0663", "\uff10", "None", "null", "true", "[]", "{}", "0x10",
                 "<script>alert(1)</script>", "' OR 1=1 --", "a\x00b", "\r\n"]  # fmt: skip


def scalars(*meaningful: str) -> st.SearchStrategy[str]:
    """One posted value: any text, numbers in and out of range, empty, huge, odd spellings, or one
    of the values the field expects."""
    options = [texts(max_size=40), numbers, huge_texts(), st.sampled_from(ODD_SPELLINGS)]
    if meaningful:
        options.append(st.sampled_from(sorted(set(meaningful))))
    return st.one_of(*options)


def values(*meaningful: str):
    """A value or a list of them (a name posted several times, as tick boxes post)."""
    one = scalars(*meaningful)
    return st.one_of(one, st.lists(one, min_size=1, max_size=3))


def fits(data: dict) -> bool:
    return len(urlencode(data, doseq=True)) < MAX_BODY


def bodies(names, meaningful=(), *, valid: dict | None = None):
    """Request bodies mixing the form's real field names with made-up ones. With `valid` (a body
    the form accepts), half of them are a few generated fields over it, so accepted posts are as
    common as rejected ones."""
    name = st.one_of(st.sampled_from(sorted(set(names))), texts(min_size=1, max_size=24))
    generated = st.dictionaries(name, values(*meaningful), max_size=10)
    if valid is not None:
        tweaks = st.dictionaries(name, values(*meaningful), max_size=3)
        generated = st.one_of(generated, tweaks.map(lambda tweak: {**valid, **tweak}))
    return generated.filter(fits)


# ---------------------------------------------------------------------------------------------
# The self-assessment

ACTIONS = st.one_of(st.sampled_from(["next", "back", "save", "autosave"]), texts(max_size=12), st.none())


def step_url(assessment, step: int) -> str:
    return reverse("assessment_step", args=[assessment.public_id, step])


def ids_of(section) -> list[str]:
    return [question["id"] for question in section["questions"]]


def expected_values(definition) -> list[str]:
    """The values the questionnaire's questions take, so some generated answers are valid ones."""
    found = ["yes", "no", *(str(level) for level in range(len(definition["scale"]["labels"])))]
    for section in definition["sections"]:
        for question in section["questions"]:
            found += [option["value"] for option in question.get("options", [])]
            found += [
                str(question[bound] + shift) for bound in ("min", "max") if bound in question for shift in (-1, 0, 1)
            ]
    return found


def as_kept(typed: str, limit: int) -> str:
    """A typed answer as a draft keeps it: cut to `limit` characters, without U+0000 (which
    PostgreSQL's jsonb cannot hold, and nobody types on purpose)."""
    return typed.replace("\x00", "")[:limit]


def stored(assessment) -> dict:
    return Assessment.objects.get(pk=assessment.pk).answers


def assert_only_this_step_changed(before: dict, after: dict, step_ids: list[str], body: dict) -> None:
    """The promise of every step post, accepted or not: answers of other steps are untouched, no
    key that is not one of this step's questions is stored, and this step's answers are what was
    typed (as_kept), or what was there when the post left a question out."""
    others = {key: value for key, value in before.items() if key not in step_ids}
    assert json.dumps({key: after.get(key) for key in others}, sort_keys=True) == json.dumps(others, sort_keys=True)
    assert set(after) <= set(before) | set(step_ids), set(after) - set(before) - set(step_ids)
    received = as_received(body)
    for qid in step_ids:
        expected = as_kept(received[qid], MAX_TEXT) if qid in received else before.get(qid)
        assert after.get(qid) == expected, qid
    too_long = {key: len(value) for key, value in after.items() if not isinstance(value, str) or len(value) > MAX_TEXT}
    assert not too_long


@FUZZ
@given(step=st.integers(1, 7), action=ACTIONS, week_typo=st.booleans(), data=st.data())
def test_every_step_with_every_action_keeps_the_other_answers(
    browser, cast, draft, version, step, action, week_typo, data
):
    alice = browser(cast.alice.user)
    sections = version.sections
    step_ids = ids_of(sections[step - 1])
    every_id = [qid for section in sections for qid in ids_of(section)]
    as_saved = {qid: draft.answers[qid] for qid in step_ids if qid in draft.answers}
    body = data.draw(bodies(every_id, expected_values(version.definition), valid=as_saved), label="body")
    if action is not None:
        body["action"] = action
    chosen = as_received(body).get("action", "next")
    week_typo = week_typo and step != 2
    with undone(alice):
        if week_typo:  # a draft saved with "1O" for a share of the week, so it cannot be submitted yet
            Assessment.objects.filter(pk=draft.pk).update(answers={**draft.answers, "week.product": "1O"})
        before = stored(draft)
        response = post(alice, step_url(draft, step), body)
        after = stored(draft)
        assert_only_this_step_changed(before, after, step_ids, body)
        if chosen == "back":
            assert response.status_code == 302
            assert response["Location"] == step_url(draft, max(step - 1, 1))
        elif chosen == "autosave":
            assert response.status_code == 204
        elif chosen == "save":
            assert response.status_code == 302
            assert response["Location"] == reverse("manager_home")
        elif response.status_code == 200:  # "next", or an action the page never sends, rejected
            assert 'data-testid="error-summary"' in page_of(response)
        elif step < len(sections):
            assert response.status_code == 302
            assert response["Location"] == step_url(draft, step + 1)
        elif week_typo:  # submitting sends her back to the step to fix, and says so
            assert response.status_code == 302
            assert response["Location"] == step_url(draft, 2)
            assert "Some earlier answers are missing or need fixing" in page_of(alice.get(response["Location"]))
            assert not Assessment.objects.get(pk=draft.pk).is_submitted
        else:
            assert response.status_code == 302
            assert response["Location"] == reverse("assessment_result", args=[draft.public_id])
            assert Assessment.objects.get(pk=draft.pk).is_submitted


WEEK_IDS = [
    "week.hands_on_coding", "week.technical_leadership", "week.people_team",
    "week.process_delivery", "week.product", "week.organisation",
]  # fmt: skip


def parts_of_100(cuts: list[int]) -> list[int]:
    """Six whole percentages that add up to 100: the gaps between five cuts of 0..100."""
    edges = [0, *sorted(cuts), 100]
    return [high - low for low, high in itertools.pairwise(edges)]


weeks = st.one_of(
    st.lists(st.integers(0, 100), min_size=5, max_size=5).map(parts_of_100),  # adds up: accepted
    st.lists(st.integers(0, 100), min_size=5, max_size=5).map(lambda five: [*five, 100 - sum(five)]),  # 100, maybe < 0
    st.lists(st.integers(0, 40), min_size=6, max_size=6),  # in range, rarely 100
    st.lists(st.integers(-(10**6), 10**6), min_size=6, max_size=6),  # far out of range
)


@FUZZ
@given(week=weeks)
def test_the_week_is_accepted_exactly_when_it_adds_up_to_100(browser, cast, draft, week):
    alice = browser(cast.alice.user)
    body = {**dict(zip(WEEK_IDS, map(str, week), strict=True)), "action": "next"}
    in_range = all(0 <= share <= 100 for share in week)
    with undone(alice):
        response = post(alice, step_url(draft, 2), body)
        page = page_of(response)
        if in_range and sum(week) == 100:
            assert response.status_code == 302
            assert response["Location"] == step_url(draft, 3)
        else:
            assert response.status_code == 200
            assert 'data-testid="error-summary"' in page
            if in_range:
                assert f"Your week adds up to {sum(week)}%." in page
            else:
                assert "Your week adds up to" not in page  # the total waits until every share is valid
                if min(week) < 0:
                    assert "Ensure this value is greater than or equal to 0." in page
                if max(week) > 100:
                    assert "Ensure this value is less than or equal to 100." in page
            for qid, share in zip(WEEK_IDS, week, strict=True):
                assert f'name="{qid}" value="{share}"' in page, f"{qid} does not show what was typed"
        # Kept as typed either way, so a closed tab loses nothing.
        assert [stored(draft)[qid] for qid in WEEK_IDS] == [str(share) for share in week]


@pytest.fixture
def newer_version(version, draft):
    """A version published after Alice started her draft: a reworded section and a new question."""
    definition = copy.deepcopy(version.definition)
    definition["sections"][1]["intro"] = "Reworded in the newer version."
    definition["sections"][-1]["questions"].append(
        {"id": "reflection.new_in_v2", "kind": "text", "text": "Something new?", "max_length": 500}
    )
    newer, created = questionnaire_publish(definition=definition, note="fuzz: a newer version")
    assert created and newer.number == version.number + 1
    return newer


@FUZZ
@given(step=st.integers(1, 7), action=ACTIONS, data=st.data())
def test_a_draft_on_a_stale_version_keeps_its_version(browser, cast, draft, version, newer_version, step, action, data):
    alice = browser(cast.alice.user)
    step_ids = ids_of(version.sections[step - 1])
    names, as_saved = [*step_ids, "reflection.new_in_v2"], {qid: draft.answers.get(qid, "") for qid in step_ids}
    body = data.draw(bodies(names, expected_values(version.definition), valid=as_saved), label="body")
    if action is not None:
        body["action"] = action
    with undone(alice):
        before = stored(draft)
        response = post(alice, step_url(draft, step), body)
        after = Assessment.objects.get(pk=draft.pk)
        assert after.version_id == version.pk  # never moved onto the newer questions
        assert "reflection.new_in_v2" not in after.answers
        assert_only_this_step_changed(before, after.answers, step_ids, body)
        if response.status_code == 200:
            assert 'data-testid="error-summary"' in page_of(response)
        if after.is_submitted:  # scored on the version it answered, and its result page opens
            assert response["Location"] == reverse("assessment_result", args=[draft.public_id])
            no_crash(result_page := alice.get(response["Location"]))
            assert result_page.status_code == 200
        # Starting again continues the stale draft; only once it is submitted does a new one
        # start, on the newer version.
        no_crash(alice.post(reverse("assessment_start")))
        drafts = Assessment.objects.filter(manager=cast.alice, status="draft")
        assert [d.version_id for d in drafts] == [newer_version.pk if after.is_submitted else version.pk]


@FUZZ
@given(step=st.integers(1, 7), action=ACTIONS, data=st.data())
def test_a_submitted_assessment_takes_no_more_answers(browser, cast, result, version, step, action, data):
    """A second tab, or the back button, after submitting: the result stays exactly as submitted."""
    alice = browser(cast.alice.user)
    body = data.draw(bodies(ids_of(version.sections[step - 1]), expected_values(version.definition)), label="body")
    if action is not None:
        body["action"] = action
    with undone(alice):
        before = world()
        response = post(alice, step_url(result, step), body)
        assert response.status_code == 302
        assert response["Location"] == reverse("assessment_result", args=[result.public_id])
        assert "You have already submitted this assessment" in page_of(alice.get(response["Location"]))
        assert world() == before


@FUZZ
@given(step=st.integers(0, 12), action=ACTIONS, data=st.data())
def test_another_managers_draft_is_not_found(browser, cast, draft, result, version, step, action, data):
    carol = browser(cast.carol.user)
    every_id = [qid for section in version.sections for qid in ids_of(section)]
    body = data.draw(bodies([*every_id, "shared"], expected_values(version.definition)), label="body")
    if action is not None:
        body["action"] = action
    with undone(carol):
        before = world()
        response = post(carol, step_url(draft, step), body)
        assert response.status_code == 404
        assert "Page not found" in page_of(response)
        shared = post(carol, reverse("assessment_share", args=[result.public_id]), body)
        assert shared.status_code == 404
        assert world() == before


@FUZZ
@given(public_id=st.uuids(), step=st.integers(0, 12), bad_step=st.one_of(st.just(0), st.integers(8, 10**6)),
       data=st.data())  # fmt: skip
def test_an_unknown_draft_or_step_is_not_found(browser, cast, draft, result, version, public_id, step, bad_step, data):
    alice = browser(cast.alice.user)
    every_id = [qid for section in version.sections for qid in ids_of(section)]
    body = data.draw(bodies([*every_id, "action"], ["next", "save", "autosave", "back"]), label="body")
    with undone(alice):
        before = world()
        for url in (
            reverse("assessment_step", args=[public_id, step]),
            reverse("assessment_share", args=[public_id]),
            step_url(draft, bad_step),  # her own draft, a step it does not have
        ):
            response = post(alice, url, body)
            assert response.status_code == 404, url
            assert "Page not found" in page_of(response)
        assert world() == before


# ---------------------------------------------------------------------------------------------
# Missing or wrong CSRF tokens


CSRF_SECRET = "fuzzcsrf" * 4  # a well-formed 32-character secret for the cookie
GOOD_CSV = (
    "email,name,team,role,role_start_date\n"
    "ada@example.com,Ada Lovelace,Platform,manager-tlm,2025-03-01\n"
    "grace@example.com,Grace Hopper,Platform,report,\n"
)


FORMS = ["assessment_step", "assessment_start", "assessment_share", "role_review", "people_invite", "person_edit",
         "person_deactivate", "person_reactivate", "invitation_revoke", "invitation_resend", "people_import (upload)",
         "people_import (confirm)", "organisation_settings", "invitation_accept", "login", "logout",
         "person_erase"]  # fmt: skip
# The project's pages that take no form: what they get from a POST is no concern of this file.
PAGES_WITHOUT_FORMS = {"home", "manager_home", "report_home", "organisation_home", "organisation_export",
                       "team_dashboard", "team_export", "shared_result", "framework_guide", "assessment_history",
                       "assessment_result", "role_review_result", "people", "reminder_outbox", "audit_log",
                       "my_data"}  # fmt: skip


def form_posts(cast, scene) -> dict[str, tuple]:
    """Every form of the project: (who posts, URL, a body it accepts, files). Each body would
    change something (the forms marked READ_ONLY aside), so a 403 that leaves the world as it was
    shows the missing token, and nothing else, stopped it."""
    draft, result, invitation, token = scene["draft"], scene["result"], scene["invitation"], scene["token"]
    adam, alice = cast.adam.user, cast.alice.user
    password = "a long new passphrase 2026"
    return {
        "assessment_step": (alice, step_url(draft, 7), {"action": "save", "reflection.hand_over_first": "Hiring"}, {}),
        "assessment_start": (cast.carol.user, reverse("assessment_start"), {}, {}),
        "assessment_share": (alice, reverse("assessment_share", args=[result.public_id]), {"shared": "1"}, {}),
        "role_review": (alice, reverse("role_review"), {"action": "save", "notes": "Changed"}, {}),
        "people_invite": (adam, reverse("people_invite"),
                          {"email": "new@acme.test", "full_name": "New Person", "role": "report"}, {}),
        "person_edit": (adam, reverse("person_edit", args=[cast.bob.pk]), {"role": "hr"}, {}),
        "person_deactivate": (adam, reverse("person_deactivate", args=[cast.carol.pk]), {}, {}),
        "person_reactivate": (adam, reverse("person_reactivate", args=[cast.bob.pk]), {}, {}),
        "invitation_revoke": (adam, reverse("invitation_revoke", args=[invitation.pk]), {}, {}),
        "invitation_resend": (adam, reverse("invitation_resend", args=[invitation.pk]), {}, {}),
        "people_import (upload)": (adam, reverse("people_import"), {"action": "preview"},
                                   {"file": SimpleUploadedFile("people.csv", GOOD_CSV.encode())}),
        "people_import (confirm)": (adam, reverse("people_import"), {"action": "confirm", "csv_text": GOOD_CSV}, {}),
        "organisation_settings": (adam, reverse("organisation_settings"),
                                  {"cadence_months": "6", "nudge_after_days": "7", "timezone": "Europe/Paris",
                                   "anonymity_threshold": "5"}, {}),
        "invitation_accept": (None, reverse("invitation_accept", args=[token]),
                              {"full_name": "Nina New", "password1": password, "password2": password}, {}),
        "login": (None, reverse("login"), {"username": "alice@acme.test", "password": PASSWORD}, {}),
        "logout": (alice, reverse("logout"), {}, {}),
        "person_erase": (adam, reverse("person_erase", args=[cast.bob.pk]), {"confirm_email": "bob@acme.test"}, {}),
        # Not here: reminders_unsubscribe, exempt on purpose (RFC 8058 one-click unsubscribe from
        # mail clients posts without a token); test_the_unsubscribe_link covers it.
    }  # fmt: skip


READ_ONLY = {"people_import (upload)", "login", "logout"}  # they write nothing watched; checked by status


@pytest.fixture
def scene(cast, draft, result, review_due, invitation):
    """Everything the forms act on; Bob has left (deactivated), so reactivating him changes something."""
    from emassess.orgs.invitation_emails import invitation_token

    User.objects.filter(pk=cast.bob.user_id).update(is_active=False)
    return {
        "draft": draft,
        "result": result,
        "invitation": invitation,
        "token": invitation_token(invitation=invitation),
    }


def csrf_failure(response) -> bool:
    return response.status_code == 403 and "CSRF verification failed" in page_of(response)


def test_every_form_of_the_project_is_fuzzed():
    """A new URL must join FORMS (and get a fuzz test of its own) or PAGES_WITHOUT_FORMS."""
    from django.urls import get_resolver

    names = {name for name in get_resolver().reverse_dict if isinstance(name, str) and not name.startswith("admin")}
    covered = {form.split(" ")[0] for form in FORMS} | PAGES_WITHOUT_FORMS | {"reminders_unsubscribe"}
    assert names <= covered, f"not fuzzed: {sorted(names - covered)}"


@pytest.mark.parametrize("form", FORMS)
@settings(FUZZ, max_examples=max(EXAMPLES // 7, 3))  # seventeen forms
@given(cookie=st.booleans(), token=st.one_of(st.none(), texts(max_size=70)), in_header=st.booleans())
def test_a_post_without_its_csrf_token_is_refused_and_saves_nothing(browser, cast, scene, form, cookie, token,
                                                                    in_header):  # fmt: skip
    posts = form_posts(cast, scene)
    assert set(posts) == set(FORMS)
    who, url, data, files = posts[form]
    client = browser(who, enforce_csrf_checks=True)
    if cookie:  # a real cookie, so only the token (missing or made up) is wrong
        client.cookies["csrftoken"] = CSRF_SECRET
    if token == CSRF_SECRET:
        token = None
    with undone(client):
        before = world()
        forged = dict(data)
        headers = {}
        if token is not None and in_header:
            headers["HTTP_X_CSRFTOKEN"] = token
        elif token is not None:
            forged["csrfmiddlewaretoken"] = token
        if files:
            response = client.post(url, {**forged, **files}, **headers)
        else:
            body = urlencode(forged, doseq=True)
            response = client.post(url, body, content_type="application/x-www-form-urlencoded", **headers)
        no_crash(response)
        assert csrf_failure(response), f"{response.status_code} {page_of(response)[:300]}"
        assert world() == before

        # The same post with the token goes through: it was the token, and only the token.
        client.cookies["csrftoken"] = CSRF_SECRET
        for upload in files.values():
            upload.seek(0)
        accepted = post(client, url, {**data, "csrfmiddlewaretoken": CSRF_SECRET}, **files)
        assert accepted.status_code in (200, 204, 302)
        assert not csrf_failure(accepted)
        if form not in READ_ONLY:
            assert world() != before, f"{form}: the control post changed nothing, so the test proves nothing"


# ---------------------------------------------------------------------------------------------
# The role review

REVIEW_VALUES = [str(level) for level in ENJOYMENT_LABELS] + [*ENERGY_SOURCES, *RESPONSIBILITIES, GIVE_UP_NONE,
                                                                *WANTS_NEXT, "save", "submit"]  # fmt: skip


# A review the form accepts, as the browser posts it.
REVIEW = {"enjoy_people": "4", "energises": ["people_growing", "one_to_ones"], "energises_other": "",
          "drains": ["incidents"], "drains_other": "", "give_up": ["none"], "wants_next": "keep", "notes": "",
          "action": "submit"}  # fmt: skip


def assert_review_kept_as_typed(answers: dict, received: QueryDict, before: dict) -> None:
    """A review draft holds the review's own keys only: every tick box as ticked (at most 20, each
    kept to 40 characters), each other answer posted as typed (kept to TEXT_MAX), and an answer the
    post left out as it was saved before."""
    assert set(answers) <= set(ANSWER_KEYS), set(answers) - set(ANSWER_KEYS)
    for key in ANSWER_KEYS:
        if key in MULTIPLE_ANSWER_KEYS:
            assert answers[key] == [as_kept(value, 40) for value in received.getlist(key)][:20], key
        elif key in received:
            assert answers[key] == as_kept(received[key], TEXT_MAX), key
        else:
            assert answers.get(key) == before.get(key), key


@FUZZ
@given(data=st.data())
def test_the_role_review_form(browser, cast, draft, review_due, data):
    alice = browser(cast.alice.user)
    body = data.draw(bodies([*ANSWER_KEYS, "action"], REVIEW_VALUES, valid=REVIEW), label="body")
    received = as_received(body)
    with undone(alice):
        before, saved = world(RoleReview), RoleReview.objects.get(pk=review_due.pk).answers
        response = post(alice, reverse("role_review"), body)
        review = RoleReview.objects.get(pk=review_due.pk)
        assert world(RoleReview) == before  # her assessments and everything else untouched
        if received.get("action") == "save":
            assert response.status_code == 302
            assert response["Location"] == reverse("manager_home")
            assert review.status == RoleReview.Status.DRAFT
            assert_review_kept_as_typed(review.answers, received, saved)
        elif response.status_code == 302:
            assert response["Location"] == reverse("role_review_result", args=[review.pk])
            assert review.status == RoleReview.Status.SUBMITTED
            answers = review.answers
            assert answers["enjoy_people"] in ENJOYMENT_LABELS and answers["wants_next"] in WANTS_NEXT
            assert set(answers["energises"]) | set(answers["drains"]) <= set(ENERGY_SOURCES)
            no_crash(alice.get(response["Location"]))
        else:
            assert response.status_code == 200
            assert 'data-testid="error-summary"' in page_of(response)
            assert review.status == RoleReview.Status.DRAFT
            assert_review_kept_as_typed(review.answers, received, saved)


@FUZZ
@given(data=st.data())
def test_a_submitted_review_takes_no_more_answers(browser, cast, draft, submitted_review, data):
    """A second tab, or the back button, after submitting the review: it stays as submitted."""
    alice = browser(cast.alice.user)
    body = data.draw(bodies([*ANSWER_KEYS, "action"], REVIEW_VALUES, valid=REVIEW), label="body")
    with undone(alice):
        before = world()
        response = post(alice, reverse("role_review"), body)
        assert response.status_code == 302
        assert response["Location"] == reverse("role_review_result", args=[submitted_review.pk])
        assert "You have already submitted this review" in page_of(alice.get(response["Location"]))
        assert world() == before


def test_a_rejected_review_post_keeps_the_answers_it_did_not_carry(browser, cast, review_due):
    """Found by this file: a rejected review post used to replace the whole saved draft with what
    it carried, losing the answers it left out."""
    alice = browser(cast.alice.user)
    # A second tab opened before she chose how much she enjoys the people side: it posts no
    # enjoy_people and no notes.
    response = post(alice, reverse("role_review"), {"action": "submit", "drains": ["incidents"]})
    assert response.status_code == 200
    assert 'data-testid="error-summary"' in page_of(response)
    kept = RoleReview.objects.get(pk=review_due.pk).answers
    assert kept.get("enjoy_people") == "4"
    assert kept.get("notes") == "Ask Sam about the hiring plan"


# ---------------------------------------------------------------------------------------------
# NUL, which PostgreSQL's jsonb cannot store: dropped from what was typed


NUL_POSTS = {
    "assessment step, save": ("assessment_step", {"action": "save"}),
    "assessment step, autosave": ("assessment_step", {"action": "autosave"}),
    "assessment step, next": ("assessment_step", {"action": "next"}),
    "role review, save": ("role_review", {"action": "save"}),
    "role review, submit": ("role_review", {"action": "submit"}),
}


@pytest.mark.parametrize("case", sorted(NUL_POSTS))
def test_a_nul_character_in_a_typed_answer_is_dropped(browser, cast, draft, review_due, case):
    """Found by this file: on PostgreSQL a typed answer holding U+0000 was a 500 (jsonb refuses it)."""
    alice = browser(cast.alice.user)
    page, data = NUL_POSTS[case]
    if page == "assessment_step":
        url, key = step_url(draft, 7), "reflection.hand_over_first"
    else:
        url, key = reverse("role_review"), "notes"
    response = post(alice, url, {**data, key: "before\x00after"})
    assert response.status_code in (200, 204, 302)
    if page == "assessment_step":
        assert stored(draft)[key] == "beforeafter"
    else:
        assert RoleReview.objects.get(pk=review_due.pk).answers[key] == "beforeafter"


# ---------------------------------------------------------------------------------------------
# Running an organisation


def dates() -> st.SearchStrategy[str]:
    """Dates as a date input sends them, some in the future, and things that are not dates."""
    return st.one_of(st.dates().map(datetime.date.isoformat), st.sampled_from(["2025-02-29", "2025-13-01", "01/02/2025",
                                                                               "0000-00-00", "2025-3-1"]))  # fmt: skip


def long_emails() -> st.SearchStrategy[str]:
    # Valid addresses on both sides of the 254 characters an email column holds (Django's
    # EmailField alone would take 320).
    return st.integers(1, 310).map(lambda n: "a" * n + "@example.com")


def emails() -> st.SearchStrategy[str]:
    known = ["alice@acme.test", "ALICE@ACME.TEST", " nina@acme.test ", "gus@globex.test", "new@acme.test"]
    return st.one_of(st.emails(), st.sampled_from(known), long_emails(), texts(max_size=30))


@FUZZ
@given(data=st.data())
def test_the_invite_form(browser, cast, invitation, globex_team, data):
    adam = browser(cast.adam.user)
    meaningful = [*Membership.Role.values, *Membership.ManagerRole.values, str(cast.alice.team_id), str(globex_team.pk)]
    valid = {"email": "new@acme.test", "full_name": "New Person", "role": "manager", "team": str(cast.alice.team_id),
             "manager_role": "em", "manager_role_started_on": "2025-01-06"}  # fmt: skip
    body = data.draw(bodies(INVITE_FIELDS, meaningful, valid=valid), label="body")
    teams = st.sampled_from(["", str(cast.alice.team_id), str(globex_team.pk)])
    body |= data.draw(st.fixed_dictionaries({}, optional={
        "email": emails(), "role": st.sampled_from(Membership.Role.values), "team": teams,
        "manager_role_started_on": dates(),
    }))  # fmt: skip
    received = as_received(body)
    with undone(adam):
        before, old = world(Invitation), list(Invitation.objects.values_list("pk", flat=True))
        invitations = snapshot(Invitation.objects.all())
        response = post(adam, reverse("people_invite"), body)
        new = Invitation.objects.exclude(pk__in=old)
        if response.status_code == 302:
            assert response["Location"] == reverse("people")
            assert len(new) == 1
            assert new[0].email == received["email"].strip().lower()
            assert new[0].role == received["role"]
            assert new[0].team is None or new[0].team.organisation_id == cast.acme.pk  # never another's team
            no_crash(adam.get(response["Location"]))
        else:
            assert response.status_code == 200
            assert says_why(response)
            assert not new
        assert snapshot(Invitation.objects.filter(pk__in=old)) == invitations  # Nina's open one untouched
        assert world(Invitation) == before


def test_inviting_a_very_long_address_is_refused(browser, cast):
    """Found by this file: the form took addresses up to 320 characters, the column holds 254, and
    PostgreSQL answered a longer one with a 500."""
    adam = browser(cast.adam.user)
    email = "a" * 250 + "@example.com"  # 262 characters, a valid address
    response = post(adam, reverse("people_invite"), {"email": email, "full_name": "Long Address", "role": "report"})
    assert response.status_code == 200
    assert says_why(response)
    assert not Invitation.objects.exists()


EMPTY_POSTS = {
    "people_invite": lambda cast, token: (cast.adam.user, reverse("people_invite")),
    "person_edit": lambda cast, token: (cast.adam.user, reverse("person_edit", args=[cast.bob.pk])),
    "organisation_settings": lambda cast, token: (cast.adam.user, reverse("organisation_settings")),
    "invitation_accept": lambda cast, token: (None, reverse("invitation_accept", args=[token])),
}


@pytest.mark.parametrize("form", sorted(EMPTY_POSTS))
def test_an_empty_post_says_what_is_missing(browser, cast, invitation, form):
    """Found by this file: these views once built their form from `request.POST or None`, which
    takes an empty POST for a GET and shows the blank form again without a word."""
    from emassess.orgs.invitation_emails import invitation_token

    who, url = EMPTY_POSTS[form](cast, invitation_token(invitation=invitation))
    client = browser(who)
    before = world()
    response = post(client, url, {})
    assert response.status_code == 200
    assert world() == before
    assert says_why(response), "the page does not say why nothing happened"


INVITE_FIELDS = ["email", "full_name", "role", "team", "manager_role", "manager_role_started_on"]
PERSON_FIELDS = ["role", "team", "manager_role", "manager_role_started_on", "reports_to"]


@FUZZ
@given(who=st.sampled_from(["alice", "bob", "carol", "adam", "hana", "gina"]), data=st.data())
def test_the_person_form(browser, cast, globex_team, who, data):
    adam = browser(cast.adam.user)
    person = Membership.objects.select_related("user").get(pk=getattr(cast, who).pk)  # as stored, not as last edited
    people = [str(pk) for pk in Membership.objects.values_list("pk", flat=True)]
    meaningful = [*Membership.Role.values, *Membership.ManagerRole.values, str(cast.alice.team_id),
                  str(globex_team.pk), *people]  # fmt: skip
    as_is = {"role": person.role, "team": str(person.team_id or ""), "manager_role": person.manager_role,
             "manager_role_started_on": str(person.manager_role_started_on or ""),
             "reports_to": str(person.reports_to_id or "")}  # fmt: skip
    body = data.draw(bodies(PERSON_FIELDS, meaningful, valid=as_is), label="body")
    body |= data.draw(st.fixed_dictionaries({}, optional={
        "role": st.sampled_from(Membership.Role.values), "manager_role": st.sampled_from(["", "em", "tlm"]),
        "manager_role_started_on": dates(), "reports_to": st.sampled_from(["", *people]),
        "team": st.sampled_from(["", str(cast.alice.team_id), str(cast.carol.team_id), str(globex_team.pk)]),
    }))  # fmt: skip
    received = as_received(body)
    with undone(adam):
        before, others = world(Membership), snapshot(Membership.objects.exclude(pk=person.pk))
        theirs = snapshot(Membership.objects.filter(pk=person.pk))
        response = post(adam, reverse("person_edit", args=[person.pk]), body)
        if response.status_code == 302:
            assert who != "gina"
            assert response["Location"] == reverse("people")
            person.refresh_from_db()
            assert person.role == received["role"]
            assert person.manager_role == received.get("manager_role", "")
            assert person.team is None or person.team.organisation_id == cast.acme.pk  # never another's team
            person.clean()  # what was saved is a valid membership: raises otherwise
            assert person.reports_to_id != person.pk
            assert person.reports_to is None or person.reports_to.organisation_id == cast.acme.pk
            # The pages that read it still open, for the admin and for the person.
            no_crash(adam.get(reverse("people")))
            no_crash(browser(person.user).get(reverse("home"), follow=True))
        else:
            # Another organisation's person is not found; anyone else's rejected change says why.
            assert response.status_code == (404 if who == "gina" else 200)
            assert says_why(response) if who != "gina" else "Page not found" in page_of(response)
            assert snapshot(Membership.objects.filter(pk=person.pk)) == theirs
        assert world(Membership) == before
        assert snapshot(Membership.objects.exclude(pk=person.pk)) == others


BUTTONS = ["person_deactivate", "person_reactivate", "invitation_revoke", "invitation_resend"]


@FUZZ
@given(button=st.sampled_from(BUTTONS), target=st.one_of(st.sampled_from(["alice", "adam", "gina", "nina", "gwen"]),
       st.integers(0, 2**70)), data=st.data())  # fmt: skip
def test_the_people_buttons(browser, cast, invitation, globex_invitation, button, target, data):
    adam = browser(cast.adam.user)
    pks = {"alice": cast.alice.pk, "adam": cast.adam.pk, "gina": cast.gina.pk, "nina": invitation.pk,
           "gwen": globex_invitation.pk}  # fmt: skip
    pk = pks.get(target, target)
    # Buttons act on Acme's own rows only; a made-up id may still happen to be one of them.
    acme_rows = cast.acme.memberships if button.startswith("person") else cast.acme.invitations
    ours = acme_rows.filter(pk=pk).exists() if pk < 2**63 else False
    body = data.draw(bodies(["action", "next"]), label="body")
    with undone(adam):
        before, rest = world(), world(User, Invitation)
        response = post(adam, reverse(button, args=[pk]), body)
        if not ours:
            assert response.status_code == 404
            assert world() == before
            return
        assert response.status_code == 302
        assert response["Location"] == reverse("people")
        told = page_of(adam.get(response["Location"]))
        if button == "person_deactivate" and pk == cast.adam.pk:
            assert "You cannot deactivate yourself" in told
            assert world() == before
        else:
            assert 'role="status"' in told  # the page says what happened
            assert world(User, Invitation) == rest  # only the account or the invitation changed


SETTINGS_FIELDS = [
    "cadence_months",
    "nudge_after_days",
    "timezone",
    "anonymity_threshold",
    "hr_sees_individual_results",
]
SETTINGS_VALUES = ["3", "6", "12", "1", "2", "1000", "1001", "32767", "32768", "on", "true", "UTC", "Europe/London"]


@FUZZ
@given(data=st.data())
def test_the_settings_form(browser, cast, draft, data):
    adam = browser(cast.adam.user)
    as_is = {"cadence_months": "3", "nudge_after_days": "14", "timezone": "Europe/London", "anonymity_threshold": "3"}
    body = data.draw(bodies(SETTINGS_FIELDS, SETTINGS_VALUES, valid=as_is), label="body")
    body |= data.draw(st.fixed_dictionaries({}, optional={
        "cadence_months": st.sampled_from(["3", "6", "12"]), "nudge_after_days": st.integers(-2, 40000).map(str),
        "timezone": st.sampled_from(sorted(zoneinfo.available_timezones())),
        "anonymity_threshold": st.integers(-2, 1002).map(str),
    }))  # fmt: skip
    received = as_received(body)
    with undone(adam):
        before = world(Organisation)
        acme, others = (snapshot(Organisation.objects.filter(pk=cast.acme.pk)),
                        snapshot(Organisation.objects.exclude(pk=cast.acme.pk)))  # fmt: skip
        response = post(adam, reverse("organisation_settings"), body)
        if response.status_code == 302:
            assert response["Location"] == reverse("organisation_settings")
            saved = Organisation.objects.get(pk=cast.acme.pk)
            assert saved.cadence_months == int(received["cadence_months"])
            assert saved.timezone == received["timezone"]
            assert 3 <= saved.anonymity_threshold <= 1000 and saved.nudge_after_days >= 1
            # Every page that counts in the organisation's calendar still opens.
            for client, page in ((adam, "organisation_home"), (browser(cast.alice.user), "manager_home")):
                opened = client.get(reverse(page))
                no_crash(opened)
                assert opened.status_code == 200
        else:
            assert response.status_code == 200
            assert says_why(response)
            assert snapshot(Organisation.objects.filter(pk=cast.acme.pk)) == acme
        assert snapshot(Organisation.objects.exclude(pk=cast.acme.pk)) == others
        assert world(Organisation) == before


# ---------------------------------------------------------------------------------------------
# Importing people from a CSV file


def csv_texts() -> st.SearchStrategy[str]:
    """CSV files as people make them: the right header or a near miss, rows of generated cells
    (some right, some not), quoted properly or not, any line ending."""
    header = st.one_of(
        st.just(",".join(csv_import.HEADER)),
        st.permutations(csv_import.HEADER).map(",".join),
        st.just(";".join(csv_import.HEADER)),
        st.lists(st.sampled_from([*csv_import.HEADER, "", "phone"]), max_size=7).map(",".join),
    )
    cell = st.one_of(
        st.emails(), st.sampled_from(["alice@acme.test", "nina@acme.test", "Platform", "platform", "PLATFORM", "ß",
                                      *csv_import.ROLE_CODES, "manager", "2025-03-01", "2099-01-01", "2025-02-30"]),
        dates(), texts(max_size=20), st.integers(130, 200).map(lambda n: "x" * n),  # over the name/team limits
    )  # fmt: skip
    rows = st.lists(st.lists(cell, min_size=3, max_size=7), max_size=8)
    joined = st.sampled_from(["proper", "naive"])

    def write(head: str, body: list[list[str]], how: str, newline: str) -> str:
        if how == "naive":  # cells pasted together by hand: a comma or quote in a cell breaks the row
            return newline.join([head, *(",".join(row) for row in body)]) + newline
        out = io.StringIO()
        csv.writer(out, lineterminator=newline).writerows([head.split(","), *body])
        return out.getvalue()

    return st.builds(write, header, rows, joined, st.sampled_from(["\n", "\r\n", "\r"]))


def around(size: int) -> bytes:
    """A CSV of exactly `size` bytes: a good header and the same row again and again."""
    row = b"someone@example.com,Some One,Platform,report,\n"
    body = ",".join(csv_import.HEADER).encode() + b"\n" + row * (size // len(row) + 1)
    return body[:size]


uploads = st.one_of(
    st.binary(max_size=3000),  # anything at all, mostly not UTF-8
    csv_texts().map(str.encode),
    csv_texts().map(lambda text: ("\ufeff" + text).encode()),  # a spreadsheet's byte-order mark
    csv_texts().map(lambda text: text.encode("utf-16")),
    csv_texts().map(lambda text: text.encode("cp1252", errors="replace")),
    st.integers(csv_import.MAX_BYTES - 64, csv_import.MAX_BYTES + 4096).map(around),  # the 1 MB limit
    st.just(b""),
)
# Printable names, as a browser sends them: it escapes quotes and line breaks, which the test
# client's encoder would not. (Django's parser drops a file whose name has no printable character
# at all, and then answers a large one with its bare 400 page: Django's doing, not the app's.)
file_names = st.text(
    st.characters(
        codec="utf-8", categories=["L", "M", "N", "P", "S"], include_characters=" ", exclude_characters='"\\/'
    ),
    min_size=1,
    max_size=40,
)


@settings(FUZZ, max_examples=EXAMPLES * 3 // 2)  # files vary more than form fields
@given(content=uploads, name=file_names)
def test_the_import_upload_previews_or_says_why_and_saves_nothing(browser, cast, invitation, content, name):
    adam = browser(cast.adam.user)
    with undone(adam):
        before = world()
        file = SimpleUploadedFile(name, content, content_type="text/csv")
        response = post(adam, reverse("people_import"), {"action": "preview"}, file=file)
        assert response.status_code == 200
        page = page_of(response)
        assert world() == before  # a preview imports nothing
        if 'data-testid="import-preview"' not in page:
            assert 'data-testid="error-summary"' in page  # the file as a whole was refused, and why
        elif 'data-testid="import-errors"' not in page:
            # All rows correct: the confirm form carries the very text that was checked.
            carried = html.unescape(re.search(r'name="csv_text" value="([^"]*)"', page)[1])
            assert carried == content.decode("utf-8-sig")


def tampered() -> st.SearchStrategy[str]:
    """The preview's hidden CSV text, changed on its way back."""
    good = GOOD_CSV
    rows = ["alice@acme.test,Alice Again,,report,\n", "nina@acme.test,Nina,,report,\n", "ada@example.com,Ada,,hr,\n",
            "new@example.com,New,Platform,manager-em,2099-01-01\n", "new@example.com,New,,boss,\n",
            "x@example.com,\x00,,report,\n", "y@example.com,\"unclosed,,report,\n"]  # fmt: skip
    return st.one_of(
        st.builds(lambda at, extra: good[:at] + extra + good[at:], st.integers(0, len(good)), texts(max_size=30)),
        st.builds(lambda at, cut: good[:at] + good[at + cut :], st.integers(0, len(good)), st.integers(1, 30)),
        st.sampled_from(rows).map(lambda row: good + row),
        st.sampled_from(["", "\ufeff" + good, good.replace(",", ";"), good.splitlines(keepends=True)[0]]),
        st.integers(csv_import.MAX_BYTES - 64, csv_import.MAX_BYTES + 4096).map(lambda size: around(size).decode()),
        texts(max_size=200),
    )


@FUZZ
@given(text=tampered())
def test_the_import_confirm_with_a_tampered_file_imports_all_or_nothing(browser, cast, invitation, text):
    adam = browser(cast.adam.user)
    with undone(adam):
        before = world(Invitation, Team)
        invitations, teams = snapshot(Invitation.objects.all()), snapshot(Team.objects.all())
        old, old_teams = Invitation.objects.values_list("pk", flat=True), Team.objects.values_list("pk", flat=True)
        old, old_teams = list(old), list(old_teams)
        # multipart, as the preview's form sends it
        response = post(adam, reverse("people_import"), {"action": "confirm", "csv_text": text}, multipart=True)
        if response.status_code == 302:  # still a correct file: everyone in it is invited
            assert response["Location"] == reverse("people")
            emails = {row.values["email"].lower() for row in csv_import.read_rows(text)}
            new = Invitation.objects.exclude(pk__in=old)
            assert sorted(invitation.email for invitation in new) == sorted(emails)
            assert snapshot(Invitation.objects.filter(pk__in=old)) == invitations
            assert snapshot(Team.objects.filter(pk__in=old_teams)) == teams  # new teams at most
        else:
            assert response.status_code == 200
            assert "nothing was imported" in page_of(response).lower()
            assert snapshot(Invitation.objects.all()) == invitations
            assert snapshot(Team.objects.all()) == teams
        assert world(Invitation, Team) == before


# ---------------------------------------------------------------------------------------------
# Public links: the invitation and the unsubscribe link


def tokens(real: str, salt: str, missing_pk: int) -> st.SearchStrategy[str]:
    """Tokens that must not work: made up, the real one changed by a character, cut short or
    lengthened, signed for another purpose, or signed for a row that is gone."""

    def changed(at: int, char: str) -> str:
        at %= len(real)
        return real[:at] + (char if char != real[at] else "~" if real[at] != "~" else "!") + real[at + 1 :]

    return st.one_of(
        texts(min_size=1, max_size=80),
        st.builds(changed, st.integers(0, 10**6), st.characters(codec="utf-8", exclude_characters="/")),
        st.integers(1, len(real) - 1).map(lambda size: real[:size]),
        texts(min_size=1, max_size=10).map(lambda extra: real + extra),
        st.just(signing.dumps({"invitation": missing_pk, "membership": missing_pk}, salt="another.purpose")),
        st.just(signing.dumps({"invitation": missing_pk, "membership": missing_pk}, salt=salt)),
    ).filter(lambda token: "/" not in token and token != real)


def link(name: str, token: str) -> str:
    return reverse(name, args=[token])


@FUZZ
@given(data=st.data(), method=st.sampled_from(["get", "post"]))
def test_a_bad_invitation_link_says_so_and_changes_nothing(browser, cast, invitation, data, method):
    from emassess.orgs.invitation_emails import INVITATION_SALT, invitation_token

    visitor = browser()
    token = data.draw(tokens(invitation_token(invitation=invitation), INVITATION_SALT, invitation.pk + 1000))
    body = data.draw(bodies(["full_name", "password1", "password2"]), label="body")
    with undone(visitor):
        before = world()
        url = link("invitation_accept", token)
        response = post(visitor, url, body) if method == "post" else visitor.get(url)
        no_crash(response)
        assert response.status_code in (404, 410)
        assert 'data-testid="invitation-unavailable"' in page_of(response)
        assert world() == before


PASSWORDS = ["a long new passphrase 2026", "password", "nina@acme.test", "Nina New", "1234567890123", "short"]


@FUZZ
@given(data=st.data())
def test_accepting_an_invitation(browser, cast, invitation, data):
    from emassess.orgs.invitation_emails import invitation_token

    visitor = browser()
    password = data.draw(st.one_of(st.sampled_from(PASSWORDS), texts(max_size=30), huge_texts()), label="password")
    valid = {"full_name": "Nina New", "password1": PASSWORDS[0], "password2": PASSWORDS[0]}
    body = data.draw(bodies(["full_name", "password1", "password2"], PASSWORDS, valid=valid), label="body")
    body |= data.draw(st.fixed_dictionaries({}, optional={"password1": st.just(password),
                                                          "password2": st.just(password)}))  # fmt: skip
    received = as_received(body)
    with undone(visitor):
        before = world(User, Membership, Invitation)
        people, invitations = snapshot(User.objects.all()), snapshot(Invitation.objects.all())
        response = post(visitor, link("invitation_accept", invitation_token(invitation=invitation)), body)
        if response.status_code == 302:
            assert response["Location"] == reverse("home")
            nina = User.objects.get(email="nina@acme.test")
            assert nina.check_password(received["password1"]) and received["password1"] == received["password2"]
            assert nina.full_name == received["full_name"].strip()
            assert nina.membership.organisation == cast.acme and nina.membership.manager_role == "tlm"
            assert Invitation.objects.get(pk=invitation.pk).accepted_at is not None
        else:
            assert response.status_code == 200
            assert says_why(response)
            assert snapshot(User.objects.all()) == people
            assert snapshot(Invitation.objects.all()) == invitations
            assert not Membership.objects.filter(user__email="nina@acme.test").exists()
        assert world(User, Membership, Invitation) == before


@FUZZ
@given(data=st.data(), method=st.sampled_from(["get", "post"]))
def test_the_unsubscribe_link(browser, cast, data, method):
    from emassess.reminders.services import UNSUBSCRIBE_SALT, unsubscribe_token

    real = unsubscribe_token(membership=cast.alice)
    # A mail client's one-click unsubscribe (RFC 8058) posts without a CSRF token: the view is
    # exempt on purpose, so this client enforces CSRF to prove it.
    visitor = browser(enforce_csrf_checks=True)
    token = data.draw(st.one_of(st.just(real), tokens(real, UNSUBSCRIBE_SALT, cast.sue.pk + 1000)), label="token")
    body = data.draw(bodies(["List-Unsubscribe", "membership"]), label="body")
    with undone(visitor):
        before, others = world(Membership), snapshot(Membership.objects.exclude(pk=cast.alice.pk))
        url = link("reminders_unsubscribe", token)
        response = post(visitor, url, body) if method == "post" else visitor.get(url)
        no_crash(response)
        alice = Membership.objects.get(pk=cast.alice.pk)
        if token != real:
            assert response.status_code == 404
            assert "This link does not work" in page_of(response)
            assert alice.nudges_unsubscribed_at is None
        else:
            assert response.status_code == 200
            assert (alice.nudges_unsubscribed_at is not None) == (method == "post")
        assert snapshot(Membership.objects.exclude(pk=cast.alice.pk)) == others
        assert world(Membership) == before


# ---------------------------------------------------------------------------------------------
# Logging in, and sharing a result


def any_case(email: str) -> st.SearchStrategy[str]:
    return st.lists(st.booleans(), min_size=len(email), max_size=len(email)).map(
        lambda upper: "".join(c.upper() if up else c for c, up in zip(email, upper, strict=True))
    )


def test_logging_in_with_a_very_long_address_says_it_is_wrong(browser, cast):
    """Found by this file: on PostgreSQL, django-axes recorded the failed login's username in a
    varchar(255), so a valid address over 255 characters was a 500."""
    visitor = browser()
    response = post(visitor, reverse("login"), {"username": "a" * 250 + "@example.com", "password": "wrong"})
    assert response.status_code == 200
    assert "Please enter a correct email address and password" in page_of(response)


@FUZZ
@given(data=st.data())
def test_the_login_form(browser, cast, data):
    visitor = browser()
    known = ["alice@acme.test", "bob@acme.test", "hana@acme.test", "sue@emassess.test", "gone@acme.test"]
    email = data.draw(
        st.one_of(st.just("alice@acme.test"), st.sampled_from(known).flatmap(any_case), emails(), huge_texts()),
        label="email",
    )
    padded = data.draw(st.sampled_from(["{}", " {} ", "\t{}\n"])).format(email)
    near_misses = st.sampled_from([PASSWORD.upper(), PASSWORD + " ", " " + PASSWORD, PASSWORD[:-1]])
    password = data.draw(st.one_of(st.just(PASSWORD), near_misses, texts(max_size=30), huge_texts()), label="password")
    following = data.draw(st.one_of(st.sampled_from(["/framework/", "//evil.test/", "https://evil.test/", "/\\evil",
                                                     "javascript:alert(1)"]), texts(max_size=20)))  # fmt: skip
    body = data.draw(bodies(["username", "password", "next"]), label="body")
    body |= {"username": padded, "password": password, "next": following}
    with undone(visitor):
        User.objects.filter(email="bob@acme.test").update(is_active=False)  # Bob has left: he cannot log in
        before = world()
        response = post(visitor, reverse("login"), body)
        can_log_in = User.objects.filter(email=email.strip().lower(), is_active=True).exists()
        if can_log_in and password == PASSWORD:
            assert response.status_code == 302
            location = response["Location"]  # where `next` says, but never off-site
            assert not urlsplit(location).netloc and not location.startswith(("//", "/\\", "\\")), location
            assert urlsplit(location).scheme == "", location
        else:
            assert response.status_code == 200
            assert says_why(response)
            assert "_auth_user_id" not in visitor.session
        assert world() == before


@FUZZ
@given(body=bodies(["shared"], ["0", "1", "true", "on", "yes"]), which=st.sampled_from(["result", "draft"]))
def test_the_share_toggle(browser, cast, result, draft, body, which):
    alice = browser(cast.alice.user)
    assessment = {"result": result, "draft": draft}[which]
    received = as_received(body)
    with undone(alice):
        before, others = world(Assessment), snapshot(Assessment.objects.exclude(pk=assessment.pk))
        mine = snapshot(Assessment.objects.filter(pk=assessment.pk))
        response = post(alice, reverse("assessment_share", args=[assessment.public_id]), body)
        if which == "draft":  # only a submitted result can be shared
            assert response.status_code == 404
            assert snapshot(Assessment.objects.filter(pk=assessment.pk)) == mine
        else:
            assert response.status_code == 302
            shared = Assessment.objects.get(pk=result.pk).shared_with_hr
            assert shared == (received.get("shared") == "1")  # only the form's own "1" shares
            told = page_of(alice.get(response["Location"]))
            assert ("HR of your organisation can now read this result." if shared else "private to you again") in told
        assert snapshot(Assessment.objects.exclude(pk=assessment.pk)) == others
        assert world(Assessment) == before


@FUZZ
@given(who=st.one_of(st.sampled_from(["alice", "bob", "adam", "gina"]), st.just("bob"), st.integers(0, 10**9)),
       data=st.data())  # fmt: skip
def test_erasing_a_person(browser, cast, draft, who, data):
    """Only someone who has left, named by their email typed again, is erased; anything else
    erases nothing and says why."""
    adam = browser(cast.adam.user)
    pk = getattr(cast, who).pk if isinstance(who, str) else who
    typed = data.draw(
        st.one_of(st.just("bob@acme.test"), st.sampled_from(["bob@acme.test", "alice@acme.test"]).flatmap(any_case),
                  st.sampled_from([" bob@acme.test ", "bob@acme.test\n", "adam@acme.test", ""]), emails()),
        label="confirm_email",
    )  # fmt: skip
    body = data.draw(bodies(["confirm_email"]), label="body") | {"confirm_email": typed}
    with undone(adam):
        User.objects.filter(pk=cast.bob.user_id).update(is_active=False)  # Bob has left
        person = Membership.objects.filter(pk=pk, organisation=cast.acme).select_related("user").first()
        before, rest = world(), world(User, Membership)
        others = snapshot(Membership.objects.exclude(pk=pk)), snapshot(User.objects.exclude(membership__pk=pk))
        response = post(adam, reverse("person_erase", args=[pk]), body)
        if person is None:  # another organisation's person, or nobody
            assert response.status_code == 404
        elif response.status_code == 302:
            assert response["Location"] == reverse("people")
            assert person.pk == cast.bob.pk and typed.strip().lower() == "bob@acme.test"
            assert not User.objects.filter(pk=person.user_id).exists()  # and with it the membership
            assert (snapshot(Membership.objects.all()), snapshot(User.objects.all())) == others
            assert world(User, Membership) == rest  # Bob had no answers; nobody else's changed
            return
        else:
            assert response.status_code == 200
            assert says_why(response)
        assert world() == before
