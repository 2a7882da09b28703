"""Who may open what: every URL of the project against every role (where home sends each role is
in tests/home/test_routing.py)."""

import pytest
from django.conf import settings
from django.urls import reverse

from emassess.accounts.emails import password_reset_url
from emassess.assessments.services import assessment_set_shared, assessment_start, assessment_submit
from emassess.reminders.services import unsubscribe_token
from emassess.reviews.services import role_review_start, role_review_submit
from tests import factories
from tests.helpers import LOGIN, MANAGERS_ONLY_OWN, ROLES, assert_status, login_as, posted_answers_to, review_answers

ADMIN_LOGIN = "admin_login"
# Acme's objects (a team, a result Alice shared): HR and admins of Acme only; Globex's HR gets 404.
ACME_HR_ONLY = {
    "anonymous": LOGIN,
    "report": 403,
    "manager": 403,
    "other_manager": 403,
    "hr": 200,
    "other_org_hr": 404,
    "org_admin": 200,
    "superuser": 403,
}
REPORT_ONLY = {
    "anonymous": LOGIN, "report": 200, "manager": 403, "other_manager": 403,
    "hr": 403, "other_org_hr": 403, "org_admin": 403, "superuser": 403,
}  # fmt: skip
# For each page, the status each role gets; "login" = redirected to the login page. Alice
# ("manager") owns the assessments; Carol ("other_manager") is a manager of the same organisation.
EXPECTED = {
    "manager_home": {
        "anonymous": LOGIN, "report": 403, "manager": 200, "other_manager": 200,
        "hr": 403, "other_org_hr": 403, "org_admin": 403, "superuser": 403,
    },
    "report_home": {
        "anonymous": LOGIN, "report": 200, "manager": 403, "other_manager": 403,
        "hr": 403, "other_org_hr": 403, "org_admin": 403, "superuser": 403,
    },
    "organisation_home": {
        "anonymous": LOGIN, "report": 403, "manager": 403, "other_manager": 403,
        "hr": 200, "other_org_hr": 200, "org_admin": 200, "superuser": 403,
    },
    "framework_guide": {
        "anonymous": LOGIN, "report": 200, "manager": 200, "other_manager": 200,
        "hr": 200, "other_org_hr": 200, "org_admin": 200, "superuser": 200,
    },
    "assessment_history": {
        "anonymous": LOGIN, "report": 403, "manager": 200, "other_manager": 200,
        "hr": 403, "other_org_hr": 403, "org_admin": 403, "superuser": 403,
    },
    "assessment_start": {
        "anonymous": LOGIN, "report": 403, "manager": 302, "other_manager": 302,
        "hr": 403, "other_org_hr": 403, "org_admin": 403, "superuser": 403,
    },
    "assessment_step (draft)": MANAGERS_ONLY_OWN,
    "assessment_step (post)": MANAGERS_ONLY_OWN | {"manager": 302},
    "assessment_result (draft)": MANAGERS_ONLY_OWN | {"manager": 302},
    "assessment_result (submitted)": MANAGERS_ONLY_OWN,
    "organisation_export": {
        "anonymous": LOGIN, "report": 403, "manager": 403, "other_manager": 403,
        "hr": 200, "other_org_hr": 200, "org_admin": 200, "superuser": 403,
    },
    "team_dashboard": ACME_HR_ONLY,
    "team_export": ACME_HR_ONLY,
    # Each organisation's HR sees its own list; a list that does not exist is a 404 for them.
    "follow_up (overdue)": {
        "anonymous": LOGIN, "report": 403, "manager": 403, "other_manager": 403,
        "hr": 200, "other_org_hr": 200, "org_admin": 200, "superuser": 403,
    },
    "follow_up (never-assessed)": {
        "anonymous": LOGIN, "report": 403, "manager": 403, "other_manager": 403,
        "hr": 200, "other_org_hr": 200, "org_admin": 200, "superuser": 403,
    },
    "follow_up (one-year-reviews)": {
        "anonymous": LOGIN, "report": 403, "manager": 403, "other_manager": 403,
        "hr": 200, "other_org_hr": 200, "org_admin": 200, "superuser": 403,
    },
    "follow_up (not-started)": {
        "anonymous": LOGIN, "report": 403, "manager": 403, "other_manager": 403,
        "hr": 200, "other_org_hr": 200, "org_admin": 200, "superuser": 403,
    },
    "follow_up (in-progress)": {
        "anonymous": LOGIN, "report": 403, "manager": 403, "other_manager": 403,
        "hr": 200, "other_org_hr": 200, "org_admin": 200, "superuser": 403,
    },
    # A POST naming Alice: Acme's HR and admin remind her and come back to the list; Globex's HR
    # comes back to its own list with "not a manager expected here", and nobody is reminded.
    "follow_up_remind (not-started)": {
        "anonymous": LOGIN, "report": 403, "manager": 403, "other_manager": 403,
        "hr": 302, "other_org_hr": 302, "org_admin": 302, "superuser": 403,
    },
    "follow_up_remind (overdue)": {
        "anonymous": LOGIN, "report": 403, "manager": 403, "other_manager": 403,
        "hr": 404, "other_org_hr": 404, "org_admin": 404, "superuser": 403,
    },
    "follow_up (no-such-list)": {
        "anonymous": LOGIN, "report": 403, "manager": 403, "other_manager": 403,
        "hr": 404, "other_org_hr": 404, "org_admin": 404, "superuser": 403,
    },
    "shared_result": ACME_HR_ONLY,
    "assessment_share": MANAGERS_ONLY_OWN | {"manager": 302},
    "assessment_reopen": MANAGERS_ONLY_OWN | {"manager": 302},
    "assessment_plan": MANAGERS_ONLY_OWN | {"manager": 302},
    "reminder_outbox": {
        "anonymous": LOGIN, "report": 403, "manager": 403, "other_manager": 403,
        "hr": 200, "other_org_hr": 200, "org_admin": 200, "superuser": 403,
    },
    "reminders_unsubscribe": dict.fromkeys(ROLES, 200),  # public: the signed token is the key
    "role_review": {
        "anonymous": LOGIN, "report": 403, "manager": 200, "other_manager": 200,
        "hr": 403, "other_org_hr": 403, "org_admin": 403, "superuser": 403,
    },
    "role_review_result": MANAGERS_ONLY_OWN,
    # Upward feedback: a report's own survey and answers; a manager's own team view (no id in the
    # address, so nobody can ask for another's).
    "feedback_survey": REPORT_ONLY,
    "feedback_survey (post)": REPORT_ONLY,  # an empty post: the page again, saying what is missing
    "feedback_answers": REPORT_ONLY,
    "feedback_team_view": {
        "anonymous": LOGIN, "report": 403, "manager": 200, "other_manager": 200,
        "hr": 403, "other_org_hr": 403, "org_admin": 403, "superuser": 403,
    },
    "audit_log": {
        "anonymous": LOGIN, "report": 403, "manager": 403, "other_manager": 403,
        "hr": 403, "other_org_hr": 403, "org_admin": 200, "superuser": 403,
    },
    "my_data": dict.fromkeys(ROLES, 200) | {"anonymous": LOGIN},
    "person_erase": {
        "anonymous": LOGIN, "report": 403, "manager": 403, "other_manager": 403,
        "hr": 403, "other_org_hr": 403, "org_admin": 200, "superuser": 403,
    },
    # One's own account: everyone logged in; the new-password pages are public (the emailed link is the key).
    "my_account": dict.fromkeys(ROLES, 200) | {"anonymous": LOGIN},
    "password_change": dict.fromkeys(ROLES, 200) | {"anonymous": LOGIN},
    "password_reset": dict.fromkeys(ROLES, 200),
    "password_reset_done": dict.fromkeys(ROLES, 200),
    "password_reset_confirm": dict.fromkeys(ROLES, 302),  # to the same page without the token in its address
    "password_reset_complete": dict.fromkeys(ROLES, 200),
    "admin:index": {
        "anonymous": ADMIN_LOGIN, "report": ADMIN_LOGIN, "manager": ADMIN_LOGIN,
        "other_manager": ADMIN_LOGIN, "hr": ADMIN_LOGIN, "other_org_hr": ADMIN_LOGIN,
        "org_admin": ADMIN_LOGIN, "superuser": 200,
    },
}  # fmt: skip


def _submitted(cast, version):
    draft = assessment_start(manager=cast.alice)
    draft.answers = posted_answers_to(version.definition)
    draft.save()
    result = assessment_submit(assessment=draft)
    assessment_set_shared(assessment=result, shared=True, by=cast.alice.user)
    return result


def request_for(page: str, cast, version) -> tuple[str, str, dict]:
    """(method, url, data) of a page, making Alice's assessments where the page needs them."""
    if page in ("team_dashboard", "team_export"):
        return "get", reverse(page, args=[cast.alice.team.pk]), {}
    if page.startswith("follow_up_remind"):
        kind = page.split("(")[1].rstrip(")")
        return "post", reverse("follow_up_remind", args=[kind]), {"person": cast.alice.pk}
    if page.startswith("follow_up"):
        return "get", reverse("follow_up", args=[page.split("(")[1].rstrip(")")]), {}
    if page in ("shared_result", "assessment_share", "assessment_reopen", "assessment_plan"):
        result = _submitted(cast, version)
        if page == "assessment_plan":
            return "post", reverse(page, args=[result.public_id]), {"practices": []}
        if page == "assessment_share":
            return "post", reverse(page, args=[result.public_id]), {"shared": "1"}
        if page == "assessment_reopen":
            return "post", reverse(page, args=[result.public_id]), {"action": "reopen"}
        return "get", reverse(page, args=[result.public_id]), {}
    if page.startswith(("assessment_step", "assessment_result")):
        draft = (
            _submitted(cast, version)
            if page == "assessment_result (submitted)"
            else assessment_start(manager=cast.alice)
        )
        name = page.split(" ")[0]
        url = reverse(name, args=[draft.public_id, 1] if name == "assessment_step" else [draft.public_id])
        if page == "assessment_step (post)":
            return "post", url, {"action": "save"}
        return "get", url, {}
    if page == "person_erase":
        return "get", reverse(page, args=[cast.bob.pk]), {}
    if page == "role_review_result":
        review = role_review_start(manager=cast.alice, year=1)
        role_review_submit(review=review, answers=review_answers())
        return "get", reverse(page, args=[review.pk]), {}
    if page == "reminders_unsubscribe":
        return "get", reverse(page, args=[unsubscribe_token(membership=cast.alice)]), {}
    if page == "password_reset_confirm":
        # A link as its email carries it, for someone who is not logging in here (logging in spends
        # a link); Django then moves the token out of the address.
        someone = factories.UserFactory(email="reset@acme.test")
        return "get", password_reset_url(user=someone).removeprefix(settings.SITE_URL), {}
    if page == "assessment_start":
        return "post", reverse(page), {}
    if page == "feedback_survey (post)":
        return "post", reverse("feedback_survey"), {}
    return "get", reverse(page), {}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", sorted(EXPECTED))
def test_every_url_checks_who_is_asking(client, cast, version, survey, page, role):
    method, url, data = request_for(page, cast, version)
    login_as(client, cast, role)
    response = getattr(client, method)(url, data)
    expected = EXPECTED[page][role]
    if expected == ADMIN_LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
    else:
        assert_status(response, expected, url)


@pytest.mark.parametrize("role", ROLES)
def test_only_acmes_hr_and_admin_can_have_alice_reminded(client, cast, version, role):
    from emassess.reminders.models import Reminder

    _, url, data = request_for("follow_up_remind (not-started)", cast, version)
    login_as(client, cast, role)
    client.post(url, data)
    assert Reminder.objects.filter(kind="manual").exists() == (role in ("hr", "org_admin"))


def test_every_url_of_the_project_is_in_the_matrix():
    from django.urls import get_resolver

    names = {name for name in get_resolver().reverse_dict if isinstance(name, str)}
    project_names = {name for name in names if not name.startswith(("admin", "django"))} - {"login", "logout", "home"}
    from tests.orgs.test_access import EXPECTED as ORGANISATION_ADMIN_PAGES

    covered = {page.split(" ")[0] for page in EXPECTED | ORGANISATION_ADMIN_PAGES}
    assert project_names <= covered, project_names - covered


@pytest.mark.parametrize("role", ["hr", "org_admin"])
def test_organisation_page_shows_only_the_viewers_organisation(client, cast, role):
    login_as(client, cast, role)
    page = client.get(reverse("organisation_home")).content.decode()
    assert "Alice Able" in page
    assert "gus@globex.test" not in page
    assert cast.globex.name not in page


def test_other_organisations_hr_sees_none_of_acme(client, cast):
    login_as(client, cast, "other_org_hr")
    page = client.get(reverse("organisation_home")).content.decode()
    assert "Globex" in page
    assert "Alice Able" not in page
    assert "Acme" not in page
