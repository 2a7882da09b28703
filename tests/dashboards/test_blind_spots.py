"""HR's share of managers with a blind spot (issue 12 item 5): counted once, in the quarter's release,
from the team views that show to the managers themselves; of all responses, like every other
figure, and withheld with them."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from emassess.assessments.models import Assessment
from emassess.assessments.services import assessment_set_shared
from emassess.feedback.models import TeamViewRelease
from emassess.feedback.services import response_submit, team_view_release
from tests import factories
from tests.dashboards.reading import export_table
from tests.feedback.conftest import answers_of, at

BOTTLENECK = "Bottleneck Manager"


@pytest.fixture
def team_of_three(cast, managers_in, submit, survey):
    """Three managers of one team answered 2026-Q3. Ann sees no Bottleneck in herself, and her three
    reports see it all the time: a blind spot. Ben sees it in himself as his three reports do: none.
    Cat's two reports answered too few for a team view."""
    ann, ben, cat = managers_in(factories.TeamFactory(organisation=cast.acme, name="Platform"), 3)
    submit(ann, "2026-Q3", behaviour={"bottleneck-manager": 0})
    submit(ben, "2026-Q3", behaviour={"bottleneck-manager": 4})
    submit(cat, "2026-Q3", behaviour={"bottleneck-manager": 0})
    for manager, reports in ((ann, 3), (ben, 3), (cat, 2)):
        for _ in range(reports):
            report = factories.MembershipFactory(organisation=cast.acme, team=manager.team, reports_to=manager)
            response_submit(report=report, answers=answers_of(survey, 1, bottleneck_manager=4), now=at("2026-08-10"))
    return ann, ben, cat


def blind_spots_table(client) -> dict[str, list[str]]:
    """The overview's blind-spot table: {trap: [team sees it in watch or high, blind spot]}."""
    page = client.get(reverse("organisation_home"), {"quarter": "2026-Q3"}).content.decode()
    assert 'data-testid="blind-spots"' in page, "the release counted team views"
    table = page.split('data-testid="blind-spots"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r'fw-normal">([^<]+)</th>(.*?)</tr>', table, re.S)
    return {
        name: [share.split(" <span", 1)[0] for share in re.findall(r"<td>(.*?)</td>", cells)] for name, cells in rows
    }


def heatmap_row(client, team: str, **params) -> list[str]:
    page = client.get(reverse("organisation_home"), {"quarter": "2026-Q3", **params}).content.decode()
    heat = page.split('data-testid="heatmap"', 1)[1].split("</table>", 1)[0]
    row = heat.split(f">{team}</a>", 1)[1].split("</tr>", 1)[0]
    return [cell.split(" <span", 1)[0] for cell in re.findall(r'<td class="text-center heat-[^"]+">(.*?)</td>', row)]


def test_the_release_counts_each_blind_spot_of_all_who_answered(hr, cast, team_of_three, release):
    release()
    # Of the three results: Ann's and Ben's teams see it high; only Ann does not see it herself.
    assert blind_spots_table(hr)[BOTTLENECK] == ["67%", "33%"]
    row = next(r for r in export_table(hr.get(reverse("organisation_export"), {"quarter": "2026-Q3"}))
               if r["team"] == "" and r["quarter"] == "2026-Q3")  # fmt: skip
    assert row["team's view given count"] == "2"  # Ann's and Ben's; Cat's two reports are too few
    assert row[f"{BOTTLENECK} (blind spot) count"] == "1"
    assert row[f"{BOTTLENECK} (blind spot) %"] == "33"


def test_too_few_answers_count_no_team_view(hr, cast, managers_in, submit, survey, release):
    managers = managers_in(cast.alice.team, 3)
    for manager in managers:
        submit(manager, "2026-Q3", behaviour={"bottleneck-manager": 0})
        report = factories.MembershipFactory(organisation=cast.acme, team=manager.team, reports_to=manager)
        response_submit(report=report, answers=answers_of(survey, 4), now=at("2026-08-10"))
    release()
    page = hr.get(reverse("organisation_home"), {"quarter": "2026-Q3"}).content.decode()
    assert 'data-testid="prevalence"' in page and 'data-testid="blind-spots"' not in page


def test_a_team_view_the_manager_read_first_counts_the_same(hr, cast, team_of_three, release):
    ann, *_ = team_of_three
    read_first = team_view_release(manager=ann, cycle="2026-Q3", now=at("2026-10-02"))
    release()
    assert TeamViewRelease.objects.get(manager=ann) == read_first  # released once, not again for HR
    assert blind_spots_table(hr)[BOTTLENECK] == ["67%", "33%"]


def test_blind_spots_are_withheld_with_their_group(hr, cast, managers_in, submit, survey, release):
    small = factories.TeamFactory(organisation=cast.acme, name="Small")
    (lone,) = managers_in(small, 1)
    submit(lone, "2026-Q3", behaviour={"bottleneck-manager": 0})
    for _ in range(3):
        report = factories.MembershipFactory(organisation=cast.acme, team=small, reports_to=lone)
        response_submit(report=report, answers=answers_of(survey, 1, bottleneck_manager=4), now=at("2026-08-10"))
    for manager in managers_in(cast.alice.team, 3):
        submit(manager, "2026-Q3")
    release()
    rows = {r["team"]: r for r in export_table(hr.get(reverse("organisation_export"), {"quarter": "2026-Q3"}))
            if r["quarter"] == "2026-Q3"}  # fmt: skip
    assert rows["Small"]["withheld"] and rows["Small"][f"{BOTTLENECK} (blind spot) count"] == ""
    assert rows[""][f"{BOTTLENECK} (blind spot) count"] == "1"  # the four of the organisation


def test_the_heatmap_shows_the_managers_or_their_teams_view(hr, cast, team_of_three, release):
    release()
    bottleneck = 0  # the heatmap's first column, in framework order
    assert heatmap_row(hr, "Platform")[bottleneck] == "33%"  # Ben sees it in himself
    assert heatmap_row(hr, "Platform", seen_by="team")[bottleneck] == "67%"  # Ann's and Ben's teams see it
    assert heatmap_row(hr, "Platform", seen_by="anything")[bottleneck] == "33%"  # an unknown view: their own


def test_a_shared_result_gives_no_blind_spot_away(hr, cast, team_of_three, release):
    # HR can read Ann's result once she shares it; her team's blind spot must not then be readable
    # from Platform's figures, three results of which HR knows one: they protect only two people.
    ann, *_ = team_of_three
    assessment_set_shared(assessment=Assessment.objects.get(manager=ann, status="submitted"), shared=True, by=ann.user)
    release()
    rows = {r["team"]: r for r in export_table(hr.get(reverse("organisation_export"), {"quarter": "2026-Q3"}))
            if r["quarter"] == "2026-Q3"}  # fmt: skip
    for group in ("Platform", ""):  # the team, and the organisation: the same three results
        assert rows[group]["withheld"] == "not enough responses"
        assert rows[group][f"{BOTTLENECK} (blind spot) count"] == rows[group]["team's view given count"] == ""
    assert (
        'data-testid="blind-spots"' not in hr.get(reverse("organisation_home"), {"quarter": "2026-Q3"}).content.decode()
    )
