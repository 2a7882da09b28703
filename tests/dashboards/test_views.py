"""The dashboard pages and exports: scoped to the organisation, suppressed, and flat in queries."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.text import slugify

from tests import factories
from tests.dashboards.reading import export_table


def test_overview_shows_completion_aggregates_and_follow_ups(hr, cast, managers_in, submit, release):
    for manager in managers_in(cast.alice.team, 3):
        submit(manager, "2026-Q3", behaviour={"bottleneck-manager": 4})
    release()
    page = hr.get(reverse("organisation_home"), {"quarter": "2026-Q3"}).content.decode()
    assert "Completion of 2026-Q3" in page
    assert "Released when 2026-Q3 closed: 3 responses." in page
    assert 'data-testid="archetype-mix"' in page
    assert "100% <span" in page  # every one of the three in watch or high for the Bottleneck Manager
    assert "Alice Able" in page  # never assessed
    assert cast.globex.name not in page


def test_the_current_quarter_shows_live_completion_and_no_live_figures(hr, cast, managers_in, submit, release):
    for manager in managers_in(cast.alice.team, 3):
        submit(manager, "2026-Q4", behaviour={"bottleneck-manager": 4})
    release()
    page = hr.get(reverse("organisation_home")).content.decode()
    assert "Completion of 2026-Q4" in page and "3 of 5 managers done" in page
    assert "Result figures for 2026-Q4 appear when the quarter closes" in page
    assert 'data-testid="archetype-mix"' not in page and "100% <span" not in page


def test_a_quarter_can_be_chosen_and_a_bad_one_is_explained(hr, cast):
    assert "Completion of 2026-Q3" in hr.get(reverse("organisation_home"), {"quarter": "2026-Q3"}).content.decode()
    page = hr.get(reverse("organisation_home"), {"quarter": "last year"}).content.decode()
    assert "is not a quarter" in page and "Completion of 2026-Q4" in page
    page = hr.get(reverse("organisation_home"), {"quarter": "2027-Q2"}).content.decode()
    assert "has not started yet" in page


def test_the_team_page_drills_into_one_team(hr, cast, managers_in, submit):
    team = cast.alice.team
    for manager in managers_in(team, 3):
        submit(manager, "2026-Q4")
    page = hr.get(reverse("team_dashboard", args=[team.pk])).content.decode()
    assert team.name in page
    assert 'data-testid="team-managers"' in page
    assert "Alice Able" in page and "Not started" in page


def test_another_organisations_team_is_404(client, cast):
    client.force_login(cast.gina.user)
    team = cast.alice.team
    assert client.get(reverse("team_dashboard", args=[team.pk])).status_code == 404
    assert client.get(reverse("team_export", args=[team.pk])).status_code == 404


def test_the_export_has_what_the_page_shows_with_the_same_suppression(hr, cast, managers_in, submit, release):
    small_team = factories.TeamFactory(organisation=cast.acme, name="Small")
    big_team = factories.TeamFactory(organisation=cast.acme, name="Big")
    for manager in managers_in(cast.alice.team, 4):
        submit(manager, "2026-Q3", behaviour={"lgtm-machine": 4})
    for manager in managers_in(big_team, 3):
        submit(manager, "2026-Q3")
    for manager in managers_in(small_team, 2):
        submit(manager, "2026-Q3")
    release()
    response = hr.get(reverse("organisation_export"), {"quarter": "2026-Q3"})
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == 'attachment; filename="emassess-acme-overview-2026-Q3.csv"'
    table = export_table(response)
    organisation = {row["quarter"]: row for row in table if not row["team"]}
    assert organisation["2026-Q3"]["responses"] == "9" and organisation["2026-Q3"]["withheld"] == ""
    teams = {row["team"]: row for row in table if row["team"]}
    assert teams["Small"]["withheld"] == "not enough responses"
    assert teams["Small"]["LGTM Machine (watch or high) count"] == ""  # no number leaks beside the suppression
    assert teams["Small"]["LGTM Machine (watch or high) %"] == ""
    assert teams[cast.alice.team.name]["LGTM Machine (watch or high) %"] == "100"
    assert teams["Big"]["withheld"] == "not enough responses"  # it would give Small away
    assert organisation["2026-Q2"]["responses"] == "0" and organisation["2026-Q2"]["withheld"] != ""


def test_the_export_quotes_formulas_typed_into_names(hr, cast, managers_in, submit, release):
    evil = factories.TeamFactory(organisation=cast.acme, name='=HYPERLINK("http://x")')
    for manager in managers_in(evil, 3):
        submit(manager, "2026-Q3")
    release()
    table = export_table(hr.get(reverse("organisation_export"), {"quarter": "2026-Q3"}))
    teams = [row["team"] for row in table if row["team"]]
    assert any(team.startswith("'=HYPERLINK") for team in teams)
    assert not any(cell.startswith("=") for row in table for cell in row.values())


def test_team_export(hr, cast, managers_in, submit):
    team = cast.alice.team
    for manager in managers_in(team, 3):
        submit(manager, "2026-Q4")
    response = hr.get(reverse("team_export", args=[team.pk]))
    assert (
        response["Content-Disposition"] == f'attachment; filename="emassess-acme-team-{slugify(team.name)}-2026-Q4.csv"'
    )
    table = export_table(response)
    assert {row["team"] for row in table} == {team.name}  # no other team's row: no heatmap
    alice = next(row for row in table if row["manager"] == "Alice Able")
    assert alice["status"] == "not started" and alice["quarter"] == "2026-Q4"


def _add_managers(team, count: int, submit, quarter: str) -> None:
    for _ in range(count):
        submit(factories.ManagerFactory(organisation=team.organisation, team=team), quarter)


@pytest.mark.parametrize("kept", [False, True], ids=["counted", "kept"])
@pytest.mark.parametrize("url_name", ["organisation_home", "organisation_export", "team_dashboard", "team_export"])
def test_dashboards_use_the_same_number_of_queries_for_5_and_200_managers(
    client, cast, submit, release, url_name, kept
):
    """Whether the page is counted afresh (the first after a change) or kept (emassess.dashboards.selectors.kept)."""
    # Small: Globex, 5 managers in one team. Large: Acme, 200 managers in 11 teams, 2026-Q3 released for both.
    globex_team = factories.TeamFactory(organisation=cast.globex)
    _add_managers(globex_team, 4, submit, "2026-Q3")
    _add_managers(cast.alice.team, 48, submit, "2026-Q3")
    for _ in range(10):
        _add_managers(factories.TeamFactory(organisation=cast.acme), 15, submit, "2026-Q3")
    assert cast.acme.memberships.filter(role="manager").count() == 200
    assert cast.globex.memberships.filter(role="manager").count() == 5  # with Gus
    release()

    def queries(viewer, team) -> int:
        client.force_login(viewer.user)
        args = [team.pk] if url_name.startswith("team") else []
        url = reverse(url_name, args=args) + "?quarter=2026-Q3"
        client.get(url)
        if not kept:
            cache.clear()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured.captured_queries)

    assert queries(cast.hana, cast.alice.team) == queries(cast.gina, globex_team)


def test_hr_reads_a_result_only_where_it_was_shared_or_the_organisation_allows(client, cast, submit):
    result = submit(cast.alice, "2026-Q4")
    url = reverse("shared_result", args=[result.public_id])
    client.force_login(cast.hana.user)
    assert client.get(url).status_code == 404

    client.force_login(cast.alice.user)
    client.post(reverse("assessment_share", args=[result.public_id]), {"shared": "1"})
    client.force_login(cast.hana.user)
    page = client.get(url)
    assert page.status_code == 200 and b"because they shared it with you" in page.content

    client.force_login(cast.gina.user)  # HR of another organisation
    assert client.get(url).status_code == 404

    client.force_login(cast.alice.user)
    client.post(reverse("assessment_share", args=[result.public_id]), {"shared": "0"})
    client.force_login(cast.hana.user)
    assert client.get(url).status_code == 404
    cast.acme.hr_sees_individual_results = True
    cast.acme.save()
    assert client.get(url).status_code == 200


def test_a_draft_can_neither_be_shared_nor_read_by_hr(client, cast, version):
    from emassess.assessments.services import assessment_start

    draft = assessment_start(manager=cast.alice)
    client.force_login(cast.alice.user)
    assert client.post(reverse("assessment_share", args=[draft.public_id]), {"shared": "1"}).status_code == 404
    cast.acme.hr_sees_individual_results = True
    cast.acme.save()
    client.force_login(cast.hana.user)
    assert client.get(reverse("shared_result", args=[draft.public_id])).status_code == 404


def test_withheld_figures_are_said_once_instead_of_in_every_row(hr, cast, managers_in, submit, release):
    small = factories.TeamFactory(organisation=cast.acme, name="Small")
    for manager in managers_in(small, 2):
        submit(manager, "2026-Q3")
    release()
    page = hr.get(reverse("team_dashboard", args=[small.pk]), {"quarter": "2026-Q3"}).content.decode()
    assert 'data-testid="figures-notice"' in page
    assert "figures: they appear at 3 responses, and 2026-Q3 had 2." in page
    assert 'data-testid="prevalence"' not in page  # no table of "not enough responses"
    # Each withheld quarter of the trend is one cell, not one per measure; and one point is no line.
    assert page.count("not enough responses") == 1  # 2026-Q3: released, too few
    assert page.count("not released yet") == 7
    assert 'data-testid="no-trend"' in page and 'data-testid="trend-chart"' not in page


def test_the_heatmap_has_a_key_and_grey_withheld_cells(hr, cast, managers_in, submit, release):
    for manager in managers_in(cast.alice.team, 3):
        submit(manager, "2026-Q3", behaviour={"bottleneck-manager": 4})
    release()
    page = hr.get(reverse("organisation_home"), {"quarter": "2026-Q3"}).content.decode()
    assert 'data-testid="heat-legend"' in page and "80 to 100%" in page
    assert '<td class="text-center heat-4">100%' in page  # Alice's team, every one flagged
    assert '<td class="text-center heat-none">' in page  # Carol's team: no responses
    assert 'data-testid="heatmap-notice"' not in page  # one of two teams withheld is not most


def test_the_navigation_marks_where_you_are(hr, cast):
    page = hr.get(reverse("organisation_home")).content.decode()
    assert f'<a class="nav-link active" aria-current="page" href="{reverse("organisation_home")}">Dashboard</a>' in page
    team = hr.get(reverse("team_dashboard", args=[cast.alice.team.pk])).content.decode()
    assert f'<a class="nav-link active" aria-current="true" href="{reverse("organisation_home")}">Dashboard</a>' in team
    assert team.count("aria-current=") == 2  # the nav's Dashboard and the breadcrumb's team
