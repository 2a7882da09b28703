"""The demo organisations that `make run` loads."""

import datetime
import io

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.utils import timezone

from emassess.accounts.models import User
from emassess.assessments.models import Assessment, RiskScore
from emassess.demo.organisations import DEMO_PASSWORD, load_demo, months_before
from emassess.orgs.cycles import quarter_of
from emassess.orgs.models import Membership, Organisation, Team

TODAY = datetime.date(2026, 11, 21)


@pytest.fixture
def demo(db):
    return load_demo(today=TODAY)


def test_the_promised_logins_exist_with_their_roles(demo):
    roles = dict(Membership.objects.values_list("user__email", "role"))
    assert roles["hr@acme.test"] == Membership.Role.HR
    assert roles["admin@acme.test"] == Membership.Role.ORG_ADMIN
    assert roles["tlm@acme.test"] == Membership.Role.MANAGER
    assert roles["em@acme.test"] == Membership.Role.MANAGER
    assert roles["hr@globex.test"] == Membership.Role.HR
    assert Membership.objects.get(user__email="tlm@acme.test").organisation.name == "Acme"
    assert Membership.objects.get(user__email="hr@globex.test").organisation.name == "Globex"


def test_the_tlm_started_thirteen_months_ago(demo):
    tlm = Membership.objects.get(user__email="tlm@acme.test")
    assert tlm.manager_role == Membership.ManagerRole.TLM
    assert tlm.manager_role_started_on == datetime.date(2025, 10, 21)
    assert tlm.months_in_role(TODAY) == 13
    assert Membership.objects.get(user__email="em@acme.test").manager_role == Membership.ManagerRole.EM


def test_acme_has_several_managers_and_reports_in_at_least_three_teams(demo):
    acme = Organisation.objects.get(slug="acme")
    assert Team.objects.filter(organisation=acme, memberships__role=Membership.Role.MANAGER).distinct().count() >= 3
    assert acme.memberships.filter(role=Membership.Role.MANAGER).count() >= 4
    assert acme.memberships.filter(role=Membership.Role.REPORT).count() >= 6
    assert Organisation.objects.get(slug="globex").memberships.filter(role=Membership.Role.MANAGER).exists()


def test_every_demo_login_works_with_the_demo_password(demo, rf):
    for login in demo:
        request = rf.post("/accounts/login/")
        assert authenticate(request, username=login.email, password=DEMO_PASSWORD) is not None, login.email


def test_loading_twice_duplicates_nothing(demo):
    counts = (User.objects.count(), Membership.objects.count(), Team.objects.count(), Organisation.objects.count())
    load_demo(today=TODAY + datetime.timedelta(days=40))
    assert (User.objects.count(), Membership.objects.count(), Team.objects.count(), Organisation.objects.count()) == (
        counts
    )
    # A second load leaves what was there alone, start dates included.
    assert Membership.objects.get(user__email="tlm@acme.test").manager_role_started_on == datetime.date(2025, 10, 21)


def test_the_command_prints_the_logins_and_the_password(db, capsys, settings):
    settings.SITE_URL = "http://127.0.0.1:8102"  # make run PORT=8102
    call_command("load_demo")
    call_command("load_demo")
    output = capsys.readouterr().out
    assert "tlm@acme.test" in output
    assert "hr@globex.test" in output
    assert DEMO_PASSWORD in output
    assert "Log in at http://127.0.0.1:8102 as:" in output


def test_no_migration_loads_demo_data(db):
    # The test database is built by the migrations alone.
    assert not Organisation.objects.exists()
    assert not User.objects.exists()


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (datetime.date(2026, 11, 21), 13, datetime.date(2025, 10, 21)),
        (datetime.date(2026, 3, 31), 1, datetime.date(2026, 2, 28)),
        (datetime.date(2024, 3, 29), 1, datetime.date(2024, 2, 29)),
        (datetime.date(2026, 1, 15), 1, datetime.date(2025, 12, 15)),
        (datetime.date(2026, 1, 15), 0, datetime.date(2026, 1, 15)),
    ],
)
def test_months_before(day, months, expected):
    assert months_before(day, months) == expected


def test_make_run_gives_demo_managers_past_quarters_and_leaves_this_one_open(db):
    for command in ("load_framework", "load_questionnaire", "load_demo", "load_demo"):
        call_command(command, stdout=io.StringIO())
    tlm = Membership.objects.get(user__email="tlm@acme.test")
    periods = list(tlm.assessments.filter(status="submitted").order_by("submitted_at").values_list("period", flat=True))
    assert len(periods) == 3 and len(set(periods)) == 3
    assert quarter_of(timezone.now(), "UTC") not in periods
    risks = [
        a.risk_scores.get(anti_pattern="weekend-warrior").risk
        for a in tlm.assessments.filter(status="submitted").order_by("submitted_at")
    ]
    assert risks == sorted(risks, reverse=True) and risks[0] > risks[-1]  # getting better
    once = Assessment.objects.filter(status="submitted").count()
    call_command("load_demo", stdout=io.StringIO())
    assert Assessment.objects.filter(status="submitted").count() == once  # loaded once, not twice
    # Enough history for the HR dashboards: several managers in each Acme team, this quarter too.
    this_quarter = Assessment.objects.filter(
        manager__organisation__slug="acme", period=quarter_of(timezone.now(), "UTC")
    )
    assert this_quarter.count() >= 3
    assert not Assessment.objects.filter(manager__role="hr").exists()


def test_the_demo_figures_look_like_an_organisation_not_a_crisis(db):
    """Outside testing found 89% of the demo's managers flagged for Weekend Warrior: no trap should
    flag more than half of them, and the people side is measured for each."""
    for command in ("load_framework", "load_questionnaire", "load_demo"):
        call_command(command, stdout=io.StringIO())
    results = Assessment.objects.filter(status="submitted")
    total = results.count()
    assert total >= 30
    for anti_pattern in ("bottleneck-manager", "weekend-warrior", "architect-in-exile", "lgtm-machine"):
        flagged = RiskScore.objects.filter(
            assessment__in=results, anti_pattern=anti_pattern, band__in=["watch", "high"]
        )
        assert flagged.count() <= total / 2, anti_pattern
    assert RiskScore.objects.filter(assessment__in=results, anti_pattern="out-of-reach-manager").count() == total


def test_the_demo_reports_answered_so_tomas_sees_his_team_and_priya_too_few(
    client, demo, framework, version, time_machine
):
    from django.urls import reverse

    from emassess.demo.feedback import load_demo_feedback
    from emassess.demo.history import load_demo_assessments
    from emassess.feedback.models import Response
    from emassess.feedback.survey import build_definition, read_survey, survey_publish

    load_demo_assessments(today=TODAY)
    survey_publish(definition=build_definition(read_survey()))
    created = load_demo_feedback(today=TODAY)
    assert created == (3 + 4 + 2) * 2  # two past quarters
    assert load_demo_feedback(today=TODAY) == 0  # nothing twice
    assert set(Response.objects.values_list("cycle", flat=True)) == {"2026-Q2", "2026-Q3"}
    time_machine.move_to(datetime.datetime(2026, 11, 21, 12, tzinfo=datetime.UTC))
    client.force_login(User.objects.get(email="tlm@acme.test"))
    tomas = client.get(reverse("feedback_team_view")).content.decode()
    assert tomas.count('data-testid="team-view-cycle"') == 2
    assert "Blind spot: Out-of-Reach Manager." in tomas
    client.force_login(User.objects.get(email="em@acme.test"))
    assert "Hidden strength: Bottleneck Manager." in client.get(reverse("feedback_team_view")).content.decode()
    client.force_login(User.objects.get(email="priya@acme.test"))
    assert 'data-testid="team-view-cycle"' not in client.get(reverse("feedback_team_view")).content.decode()
    client.force_login(User.objects.get(email="ines@acme.test"))
    assert client.get(reverse("feedback_answers")).content.decode().count('data-testid="given-response"') == 2
