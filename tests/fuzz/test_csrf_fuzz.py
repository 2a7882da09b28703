"""Every form of the project, posted without its CSRF token or with a wrong one: refused, and
nothing saved; the same post with the token goes through. Also the list of every form, so a new
one gets fuzzed."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from emassess.accounts.emails import password_reset_url
from emassess.accounts.models import User
from tests import factories
from tests.factories import PASSWORD
from tests.fuzz.posting import EXAMPLES, FUZZ, no_crash, page_of, post, undone, world
from tests.fuzz.strategies import GOOD_CSV, texts
from tests.helpers import step_url

pytestmark = pytest.mark.fuzz


CSRF_SECRET = "fuzzcsrf" * 4  # a well-formed 32-character secret for the cookie


FORMS = ["assessment_step", "assessment_start", "assessment_share", "assessment_reopen", "assessment_plan",
         "role_review", "people_invite", "person_edit", "person_deactivate", "person_reactivate", "invitation_revoke",
         "invitation_resend", "people_import (upload)", "people_import (confirm)", "organisation_settings",
         "invitation_accept", "login", "logout", "person_erase", "follow_up_remind", "my_account", "password_change",
         "password_reset", "password_reset_confirm", "teams", "team_edit", "team_archive", "team_restore",
         "feedback_survey"]  # fmt: skip


# The project's pages that take no form: what they get from a POST is no concern of the fuzzing.
PAGES_WITHOUT_FORMS = {"home", "manager_home", "report_home", "organisation_home", "organisation_export",
                       "team_dashboard", "team_export", "shared_result", "framework_guide", "assessment_history",
                       "assessment_result", "role_review_result", "people", "reminder_outbox", "audit_log",
                       "my_data", "follow_up", "password_reset_done", "password_reset_complete",
                       "feedback_answers", "feedback_team_view"}  # fmt: skip


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
        "assessment_reopen": (scene["open_result"].manager.user,
                              reverse("assessment_reopen", args=[scene["open_result"].public_id]),
                              {"action": "reopen"}, {}),
        "assessment_plan": (alice, reverse("assessment_plan", args=[result.public_id]),
                            {"practices": [p["slug"] for p in result.outcome["practices"][:1]]}, {}),
        "role_review": (alice, reverse("role_review"), {"action": "save", "notes": "Changed"}, {}),
        "people_invite": (adam, reverse("people_invite"),
                          {"email": "new@acme.test", "full_name": "New Person", "role": "report"}, {}),
        "person_edit": (adam, reverse("person_edit", args=[cast.bob.pk]), {"full_name": "Bob Brown", "role": "hr"}, {}),
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
        "follow_up_remind": (cast.hana.user, reverse("follow_up_remind", args=["not-started"]),
                             {"person": cast.alice.pk}, {}),
        "my_account": (alice, reverse("my_account"), {"full_name": "Alice Renamed"}, {}),
        "password_change": (alice, reverse("password_change"),
                            {"old_password": PASSWORD, "new_password1": password, "new_password2": password}, {}),
        "password_reset": (None, reverse("password_reset"), {"email": "alice@acme.test"}, {}),
        "password_reset_confirm": (None, scene["reset_link"], {"new_password1": password, "new_password2": password},
                                   {}),
        "teams": (adam, reverse("teams"), {"name": "Brand new", "kind": "data"}, {}),
        "team_edit": (adam, reverse("team_edit", args=[cast.alice.team_id]), {"name": "Renamed", "kind": "data"}, {}),
        "team_archive": (adam, reverse("team_archive", args=[cast.alice.team_id]), {}, {}),
        "team_restore": (adam, reverse("team_restore", args=[scene["archived_team"].pk]), {}, {}),
        "feedback_survey": (scene["rita"].user, reverse("feedback_survey"),
                            {item["id"]: "1" for item in scene["survey"].items}, {}),
        # Not here: reminders_unsubscribe, exempt on purpose (RFC 8058 one-click unsubscribe from
        # mail clients posts without a token); test_the_unsubscribe_link covers it.
    }  # fmt: skip


# They write nothing watched; checked by status. (A reset link posted to moves its token into the
# session and sends the browser on to the form; asking for a reset only queues an email.)
READ_ONLY = {"people_import (upload)", "login", "logout", "password_reset", "password_reset_confirm"}


@pytest.fixture
def scene(cast, draft, result, open_result, review_due, invitation, survey):
    """Everything the forms act on; Bob has left (deactivated), so reactivating him changes something."""
    from emassess.orgs.invitation_emails import invitation_token

    User.objects.filter(pk=cast.bob.user_id).update(is_active=False)
    return {
        "draft": draft,
        "result": result,
        "open_result": open_result,
        "invitation": invitation,
        "token": invitation_token(invitation=invitation),
        "reset_link": password_reset_url(user=cast.carol.user).removeprefix(django_settings.SITE_URL),
        "archived_team": factories.TeamFactory(organisation=cast.acme, name="Old days", archived_at=timezone.now()),
        "survey": survey,
        # Bob has left: Rita, another of Alice's reports, answers the survey.
        "rita": factories.MembershipFactory(
            organisation=cast.acme, reports_to=cast.alice, user__email="rita@acme.test"
        ),
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
@settings(FUZZ, max_examples=max(EXAMPLES // 7, 3))  # eighteen forms
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
