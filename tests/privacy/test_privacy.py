"""Everything about a person, downloadable by them; erasing someone who left."""

import json

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.urls import reverse

from emassess.accounts.models import User
from emassess.assessments.models import Assessment, RiskScore
from emassess.assessments.services import assessment_reopen
from emassess.dashboards.selectors import organisation_overview
from emassess.orgs.cycles import parse_quarter
from emassess.orgs.models import AuditEvent, Membership
from emassess.reminders.models import Reminder
from emassess.reminders.services import reminders_dispatch
from tests import factories
from tests.helpers import TODAY, at


def download(client):
    response = client.get(reverse("my_data"))
    assert response["Content-Disposition"].startswith('attachment; filename="emassess-my-data-')
    return json.loads(response.content)


def test_a_manager_downloads_everything_held_about_them_and_nothing_else(client, cast, submit):
    result = submit(cast.alice, "2026-Q3")
    submit(cast.carol, "2026-Q3")
    reminders_dispatch(now=at("2026-10-20"))
    client.force_login(cast.alice.user)
    data = download(client)
    assert data["account"]["email"] == "alice@acme.test"
    assert data["membership"]["organisation"] == "Acme"
    assert len(data["assessments"]) == 1
    assert data["assessments"][0]["answers"] == result.answers
    assert data["assessments"][0]["result"]["closest"] == result.closest_archetype
    assert {r["email"] for r in data["reminders"]} == {"alice@acme.test"}
    assert "carol@acme.test" not in json.dumps(data)


def test_someone_without_an_organisation_gets_their_account(client, cast):
    client.force_login(cast.sue)
    data = download(client)
    assert data["account"]["email"] == "sue@emassess.test" and "membership" not in data


def test_anonymous_visitors_are_sent_to_log_in(client, db):
    assert client.get(reverse("my_data"))["Location"].startswith(reverse("login"))


@pytest.fixture
def leaver(cast, submit):
    """Four managers in Alice's team with results; one of them, Lee, has left."""
    team = cast.alice.team
    lee = factories.ManagerFactory(organisation=cast.acme, team=team, user__email="lee@acme.test")
    for manager in [lee, *[factories.ManagerFactory(organisation=cast.acme, team=team) for _ in range(3)]]:
        submit(manager, "2026-Q3", behaviour={"weekend-warrior": 4})
    submit(lee, "2026-Q2")
    lee.user.is_active = False
    lee.user.save()
    return lee


def test_erasing_someone_who_left_deletes_them_and_keeps_the_aggregates(client, cast, leaver):
    from emassess.assessments.services import assessment_set_shared

    assessment_set_shared(assessment=leaver.assessments.get(period="2026-Q2"), shared=True, by=leaver.user)
    assert leaver.assessments.get(period="2026-Q2").shared_at is not None
    q3 = parse_quarter("2026-Q3")
    before = organisation_overview(organisation=cast.acme, quarter=q3, today=TODAY).aggregates
    client.force_login(cast.adam.user)
    response = client.post(reverse("person_erase", args=[leaver.pk]), {"confirm_email": "LEE@acme.test "})
    assert response["Location"] == reverse("people")

    assert not User.objects.filter(email="lee@acme.test").exists()
    assert not Membership.objects.filter(pk=leaver.pk).exists()
    kept = Assessment.objects.filter(manager__user__email__endswith="@erased.invalid")
    assert kept.count() == 2
    assert all(
        a.answers == {} and a.outcome is None and not a.shared_with_hr and a.shared_at is None and a.plan == []
        for a in kept
    )
    assert RiskScore.objects.filter(assessment__in=kept).count() == 10  # two results, five traps each
    after = organisation_overview(organisation=cast.acme, quarter=q3, today=TODAY).aggregates
    assert after == before
    assert "lee@acme.test" not in json.dumps(list(AuditEvent.objects.values("actor_label", "subject_label", "detail")))
    assert AuditEvent.objects.filter(action="person_erased", actor=cast.adam.user).exists()
    page = client.get(reverse("people")).content.decode()
    assert "erased person" not in page and "@erased.invalid" not in page  # the placeholder is nobody to manage


def test_erasing_needs_the_email_typed_and_someone_who_left(client, cast, leaver):
    client.force_login(cast.adam.user)
    page = client.post(reverse("person_erase", args=[leaver.pk]), {"confirm_email": "someone@else"}, follow=True)
    assert b"Type the person&#x27;s email address exactly" in page.content
    assert User.objects.filter(email="lee@acme.test").exists()
    client.post(reverse("person_erase", args=[cast.alice.pk]), {"confirm_email": "alice@acme.test"})
    assert User.objects.filter(email="alice@acme.test").exists()  # still active: deactivate first


def test_another_organisations_admin_cannot_erase(client, cast, leaver):
    globex_admin = factories.MembershipFactory(organisation=cast.globex, role=Membership.Role.ORG_ADMIN)
    client.force_login(globex_admin.user)
    assert client.post(reverse("person_erase", args=[leaver.pk]), {"confirm_email": "lee@acme.test"}).status_code == 404
    assert User.objects.filter(email="lee@acme.test").exists()


def test_the_erased_are_sent_nothing_more(cast, leaver):
    reminders_dispatch(now=at("2026-10-20"))
    assert not Reminder.objects.filter(email__endswith="@erased.invalid").exists()


def test_erasing_leaves_no_trace_in_other_peoples_audit_entries_nor_in_the_login_records(client, cast, leaver):
    User.objects.filter(pk=leaver.user_id).update(full_name="Lee Tomás Ng")
    leaver.refresh_from_db()
    # While Lee still worked here: Bob was moved to report to Lee (an audited change naming Lee),
    # and Lee logged in once and mistyped a password once (django-axes keeps both).
    User.objects.filter(pk=leaver.user_id).update(is_active=True)
    client.post(reverse("login"), {"username": "lee@acme.test", "password": factories.PASSWORD})
    client.logout()
    client.post(reverse("login"), {"username": "lee@acme.test", "password": "not the password"})
    client.force_login(cast.adam.user)
    edit = {
        "full_name": "Bob Brown",
        "role": "report",
        "team": cast.bob.team_id,
        "manager_role": "",
        "manager_role_started_on": "",
    }
    # Only someone active can be chosen as a manager: Bob is moved to Lee before Lee leaves.
    assert client.post(reverse("person_edit", args=[cast.bob.pk]), edit | {"reports_to": leaver.pk}).status_code == 302
    User.objects.filter(pk=leaver.user_id).update(is_active=False)
    assert "Lee Tomás Ng" in json.dumps(list(AuditEvent.objects.values("detail")), ensure_ascii=False)
    assert AccessLog.objects.filter(username="lee@acme.test").exists()
    assert AccessAttempt.objects.filter(username="lee@acme.test").exists()

    client.post(reverse("person_erase", args=[leaver.pk]), {"confirm_email": "lee@acme.test"})

    everything = json.dumps(list(AuditEvent.objects.values()), default=str, ensure_ascii=False)
    assert "Lee Tomás Ng" not in everything and "lee@acme.test" not in everything
    assert "Lee Tomás Ng" not in client.get(reverse("audit_log")).content.decode()
    client.force_login(cast.bob.user)
    bobs_data = client.get(reverse("my_data")).content.decode()
    assert "Lee Tomás Ng" not in bobs_data and "erased person" in bobs_data
    for log in (AccessAttempt, AccessFailureLog, AccessLog):
        assert not log.objects.filter(username__iexact="lee@acme.test").exists()


def test_the_download_holds_the_answers_being_changed(client, cast, submit):
    result = submit(cast.alice, "2026-Q4")
    reopened = assessment_reopen(assessment=result, by=cast.alice.user, now=at("2026-11-01"))
    Assessment.objects.filter(pk=reopened.pk).update(reopened_answers={**result.answers, "reflection.energy": "x"})
    client.force_login(cast.alice.user)
    (mine,) = download(client)["assessments"]
    assert mine["answers"] == result.answers
    assert mine["answers_being_changed"]["reflection.energy"] == "x"


def test_erasing_someone_who_left_drops_the_answers_they_were_changing_and_superseded_results(client, cast, leaver):
    q3, q2 = (leaver.assessments.get(period=period) for period in ("2026-Q3", "2026-Q2"))
    assessment_reopen(assessment=q3, by=leaver.user, now=at("2026-09-01"))
    Assessment.objects.filter(pk=q2.pk).update(status=Assessment.Status.SUPERSEDED)
    client.force_login(cast.adam.user)
    client.post(reverse("person_erase", args=[leaver.pk]), {"confirm_email": "lee@acme.test"})
    (kept,) = Assessment.objects.filter(manager__user__email__endswith="@erased.invalid")
    assert kept.pk == q3.pk and kept.reopened_answers is None and kept.reopened_at is None and kept.answers == {}
    assert not Assessment.objects.filter(pk=q2.pk).exists()
