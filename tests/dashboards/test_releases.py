"""Releasing a quarter's figures: once, at the close (or in batches of k), with withheld groups."""

import io
from unittest import mock

import pytest
from django.core.management import call_command

from emassess.dashboards.models import Release, ReleasedGroup
from emassess.dashboards.releases import figures_release_due, hidden_teams, quarter_release
from emassess.dashboards.selectors import released_figures
from emassess.dashboards.tasks import release_figures
from emassess.orgs.cycles import parse_quarter
from tests import factories
from tests.helpers import at

Q3 = parse_quarter("2026-Q3")


@pytest.mark.parametrize(
    ("organisation", "teams", "hidden"),
    [
        (9, {1: 4, 2: 3, 3: 2}, {2, 3}),  # 2 is too few; with the next smallest, 5 are withheld
        (10, {1: 5, 2: 5}, set()),  # nothing to hide
        (11, {1: 5, 2: 5}, {1}),  # one person in no team: the smallest team (the first) goes with them
        (2, {1: 2}, {1}),  # the organisation itself is too small: everything
        (6, {1: 3, 2: 3}, set()),
        (7, {1: 6}, {1}),  # one in no team: the organisation less the team would show them
        (5, {1: 2, 2: 2}, {1, 2}),
    ],
)
def test_which_teams_are_withheld(organisation, teams, hidden):
    assert hidden_teams(organisation_size=organisation, team_sizes=teams, threshold=3) == hidden


def test_what_is_withheld_never_counts_between_one_and_k_minus_one():
    for organisation in range(0, 30):
        for a in range(0, 8):
            for b in range(0, 8):
                if a + b > organisation:
                    continue
                hidden = hidden_teams(organisation_size=organisation, team_sizes={1: a, 2: b}, threshold=3)
                if organisation >= 3:
                    withheld = organisation - a - b + sum({1: a, 2: b}[team] for team in hidden)
                    assert withheld == 0 or withheld >= 3, (organisation, a, b, hidden)


@pytest.fixture
def nine_results(cast, managers_in, submit):
    return [submit(manager, "2026-Q3") for manager in managers_in(cast.alice.team, 9)]


def test_a_closed_quarter_is_released_once_however_often_it_is_asked(cast, nine_results):
    first = figures_release_due(now=at("2026-10-02"))
    assert [(r.organisation.slug, r.quarter, r.responses) for r in first] == [("acme", "2026-Q3", 9)]
    assert figures_release_due(now=at("2026-10-02")) == []
    assert figures_release_due(now=at("2026-10-12")) == []
    assert Release.objects.count() == 1


def test_an_open_quarter_is_not_released(cast, managers_in, submit):
    for manager in managers_in(cast.alice.team, 5):
        submit(manager, "2026-Q4", day=3)
    assert figures_release_due(now=at("2026-11-21")) == []
    assert figures_release_due(now=at("2027-01-01", hour=1))[0].quarter == "2026-Q4"


def test_a_release_another_dispatcher_made_at_the_same_moment_is_left_alone(cast, nine_results):
    # Both dispatchers found the quarter not released yet; the other one inserted it first.
    assert quarter_release(organisation=cast.acme, quarter=Q3, now=at("2026-10-02")) is not None
    # The second looked before the first had committed: "not released yet", "there are results".
    with mock.patch("django.db.models.query.QuerySet.exists", side_effect=[False, True]):
        assert quarter_release(organisation=cast.acme, quarter=Q3, now=at("2026-10-02")) is None
    assert Release.objects.count() == 1
    assert ReleasedGroup.objects.filter(team=None).count() == 1  # nothing half-written by the loser


def test_a_raised_threshold_withholds_at_once_and_the_task_stores_it(cast, nine_results):
    figures_release_due(now=at("2026-10-02"))
    assert not released_figures(organisation=cast.acme, quarters=["2026-Q3"])["2026-Q3"].hidden
    cast.acme.anonymity_threshold = 10
    cast.acme.save()
    assert released_figures(organisation=cast.acme, quarters=["2026-Q3"])["2026-Q3"].hidden  # before any task
    with mock.patch("django.utils.timezone.now", return_value=at("2026-10-03")):
        release_figures()
    assert ReleasedGroup.objects.get(team=None).hidden
    assert Release.objects.get().threshold == 10


def test_a_deleted_team_counts_with_the_people_in_no_team(cast, managers_in, submit):
    kept, gone = factories.TeamFactory(organisation=cast.acme), factories.TeamFactory(organisation=cast.acme)
    for manager in managers_in(kept, 5):
        submit(manager, "2026-Q3")
    for manager in managers_in(gone, 2):
        submit(manager, "2026-Q3")
    figures_release_due(now=at("2026-10-02"))
    gone.delete()  # its 2 people are now "no team" in the organisation's count of 7
    figures_release_due(now=at("2026-10-03"))  # nothing new is released...
    kept_figures = released_figures(organisation=cast.acme, quarters=["2026-Q3"], team=kept)["2026-Q3"]
    assert kept_figures.hidden  # ...and the team released as shown was already withheld with them


def test_the_command_releases_every_quarter_with_results(cast, managers_in, submit):
    for manager in managers_in(cast.alice.team, 3):
        submit(manager, "2025-Q1")
        submit(manager, "2026-Q2")
    out = io.StringIO()
    call_command("release_figures", "--all", stdout=out)
    assert "released acme 2025-Q1: 3 responses" in out.getvalue()
    assert "released acme 2026-Q2: 3 responses" in out.getvalue()
    call_command("release_figures", "--all", stdout=(again := io.StringIO()))
    assert "0 releases made." in again.getvalue()


def test_a_manager_in_no_team_counts_once_in_the_organisation(cast, managers_in, submit):
    in_team = managers_in(cast.alice.team, 3)
    teamless = [factories.ManagerFactory(organisation=cast.acme, team=None) for _ in range(2)]
    for manager in [*in_team, *teamless]:
        submit(manager, "2026-Q3", behaviour={"weekend-warrior": 4})
    (release,) = figures_release_due(now=at("2026-10-02"))
    organisation = ReleasedGroup.objects.get(release=release, team=None)
    assert release.responses == organisation.responses == 5
    assert organisation.figures.get(measure="flagged:weekend-warrior").count == 5
    team = ReleasedGroup.objects.get(release=release, team=cast.alice.team)
    assert (team.responses, team.hidden) == (3, True)  # the 2 in no team would be the difference


def test_one_organisation_that_fails_does_not_stop_the_others_release(cast, nine_results, caplog):
    from emassess.orgs.models import Organisation

    Organisation.objects.filter(slug="globex").update(timezone="Mars/Olympus_Mons")  # written behind the forms
    released = figures_release_due(now=at("2026-10-02"))
    assert [release.organisation.slug for release in released] == ["acme"]
    assert "could not be released" in caplog.text and "globex" in caplog.text
