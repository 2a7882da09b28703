"""The aggregates behind the dashboards, computed in the database and suppressed below the threshold."""

import datetime

import pytest

from emassess.assessments.services import assessment_start
from emassess.dashboards.selectors import completion, follow_ups, heatmap, organisation_overview, team_page
from emassess.orgs.cycles import parse_quarter
from tests import factories
from tests.helpers import TODAY

Q3, Q4 = parse_quarter("2026-Q3"), parse_quarter("2026-Q4")


@pytest.fixture
def team(cast):
    return cast.alice.team


def test_completion_counts_each_status_in_the_current_cycle(cast, team, managers_in, submit):
    done, drafting, _idle = managers_in(team, 3)
    submit(done, "2026-Q4")
    assessment_start(manager=drafting)
    result = team_page(team=team, quarter=Q4, today=TODAY).completion
    # Alice is in the team too: not started.
    assert (result.done, result.in_progress, result.not_started, result.overdue) == (1, 1, 2, 0)
    assert result.percent_done == 25


def test_once_a_cycle_is_over_everyone_not_done_is_overdue(cast, team, managers_in, submit):
    done, drafting = managers_in(team, 2)
    submit(done, "2026-Q3")
    assessment_start(manager=drafting)
    result = team_page(team=team, quarter=Q3, today=TODAY).completion
    assert (result.done, result.in_progress, result.not_started, result.overdue) == (1, 0, 0, 2)


@pytest.mark.parametrize("quarter", [Q3, Q4], ids=["cycle over", "cycle open"])
def test_a_teams_completion_counts_its_managers_as_the_organisations_does(db, submit, managers_in, quarter):
    """A team's completion comes from the rows of its page, the organisation's from one counting
    query: in an organisation of one team both must say the same."""
    team = factories.TeamFactory()
    done, also_done, drafting, _idle, _also_idle = managers_in(team, 5)
    submit(done, quarter.label)
    submit(also_done, quarter.label)
    assessment_start(manager=drafting)
    of_team = team_page(team=team, quarter=quarter, today=TODAY).completion
    of_organisation = completion(organisation=team.organisation, cycle=quarter, today=TODAY)
    assert of_team == of_organisation
    done, in_progress, not_started, overdue = (2, 0, 0, 3) if quarter is Q3 else (2, 1, 2, 0)
    assert (of_team.done, of_team.in_progress, of_team.not_started, of_team.overdue) == (
        done,
        in_progress,
        not_started,
        overdue,
    )


def test_people_who_left_or_started_later_are_not_expected(cast, team, managers_in):
    gone, newcomer = managers_in(team, 2)
    gone.user.is_active = False
    gone.user.save()
    newcomer.manager_role_started_on = datetime.date(2026, 10, 5)
    newcomer.save()
    assert team_page(team=team, quarter=Q3, today=TODAY).completion.total == 1  # Alice
    assert team_page(team=team, quarter=Q4, today=TODAY).completion.total == 2


def test_aggregates_under_the_threshold_are_suppressed(cast, team, managers_in, submit, release):
    first, second = managers_in(team, 2)
    submit(first, "2026-Q3", behaviour={"lgtm-machine": 4})
    submit(second, "2026-Q3", behaviour={"lgtm-machine": 4})
    release()
    page = organisation_overview(organisation=cast.acme, quarter=Q3, today=TODAY)
    assert page.aggregates.responses == 2
    assert page.aggregates.suppressed
    assert all(value.suppressed and value.percent is None for _, value in page.aggregates.flagged)
    assert page.aggregates.tlm_fit.suppressed
    assert all(value.suppressed for _, value in page.aggregates.archetype_mix)


def test_aggregates_at_the_threshold_are_shown(cast, team, managers_in, submit, release):
    for index, manager in enumerate(managers_in(team, 3)):
        submit(manager, "2026-Q3", behaviour={"lgtm-machine": 4 if index < 2 else 0}, tlm_statements=3 * index)
    release()
    aggregates = organisation_overview(organisation=cast.acme, quarter=Q3, today=TODAY).aggregates
    lgtm = dict((named.slug, value) for named, value in aggregates.flagged)["lgtm-machine"]
    assert (lgtm.count, lgtm.total, lgtm.percent) == (2, 3, 67)
    assert (aggregates.tlm_fit.count, aggregates.tlm_fit.total) == (2, 3)  # 3 and 6 of 6 statements
    assert sum(value.count for _, value in aggregates.archetype_mix) == 3


def test_a_higher_threshold_suppresses_more(cast, team, managers_in, submit, release):
    for manager in managers_in(team, 3):
        submit(manager, "2026-Q3")
    cast.acme.anonymity_threshold = 4
    cast.acme.save()
    release()
    assert organisation_overview(organisation=cast.acme, quarter=Q3, today=TODAY).aggregates.suppressed


def test_changed_answers_replace_the_first_result_of_the_quarter(cast, team, managers_in, submit, resubmit_on, release):
    managers = managers_in(team, 3)
    results = [submit(manager, "2026-Q3", behaviour={"weekend-warrior": 4}) for manager in managers]
    resubmit_on(results[0], datetime.date(2026, 7, 21), behaviour={"weekend-warrior": 0})
    release()
    aggregates = organisation_overview(organisation=cast.acme, quarter=Q3, today=TODAY).aggregates
    assert aggregates.responses == 3
    weekend = dict((named.slug, value) for named, value in aggregates.flagged)["weekend-warrior"]
    assert weekend.count == 2


def test_trends_cover_eight_quarters_each_suppressed_on_its_own(cast, team, managers_in, submit, release):
    managers = managers_in(team, 3)
    for manager in managers:
        submit(manager, "2026-Q3")
    submit(managers[0], "2026-Q2")
    release()
    trends = organisation_overview(organisation=cast.acme, quarter=Q3, today=TODAY).aggregates.trends
    assert [point.quarter for point in trends] == [
        "2024-Q4", "2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3",
    ]  # fmt: skip
    assert trends[-1].responses == 3 and not trends[-1].tlm_fit.suppressed
    assert trends[-2].responses == 1 and trends[-2].tlm_fit.suppressed


def test_heatmap_cells_are_suppressed_per_team_and_so_is_the_team_that_would_give_them_away(
    cast, team, managers_in, submit, release
):
    omega = factories.TeamFactory(organisation=cast.acme, name="Omega")
    zeta = factories.TeamFactory(organisation=cast.acme, name="Zeta")
    for group, size in ((team, 4), (omega, 3), (zeta, 2)):
        for manager in managers_in(group, size):
            submit(manager, "2026-Q3", behaviour={"bottleneck-manager": 4})
    release()
    anti_patterns = organisation_overview(organisation=cast.acme, quarter=Q3, today=TODAY).anti_patterns
    rows = {row.team.name: row for row in heatmap(organisation=cast.acme, quarter=Q3, anti_patterns=anti_patterns).rows}
    assert rows[team.name].cells[0].percent == 100
    assert all(cell.suppressed for cell in rows["Zeta"].cells)  # 2 people
    # Omega has 3, but the organisation (9) less the shown teams would give Zeta's 2 away: the
    # smallest shown team is withheld too, so that what is withheld counts 5.
    assert all(cell.suppressed for cell in rows["Omega"].cells)


def test_other_organisations_results_never_count(cast, team, managers_in, submit, release):
    globex_team = factories.TeamFactory(organisation=cast.globex)
    for manager in managers_in(globex_team, 3):
        submit(manager, "2026-Q3")
    release()
    assert organisation_overview(organisation=cast.acme, quarter=Q3, today=TODAY).aggregates.responses == 0
    assert organisation_overview(organisation=cast.globex, quarter=Q3, today=TODAY).aggregates.responses == 3


def test_team_page_shows_bands_only_where_hr_may_see_them(cast, team, managers_in, submit):
    shared, private = managers_in(team, 2)
    result = submit(shared, "2026-Q4", behaviour={"lgtm-machine": 4})
    result.shared_with_hr = True
    result.save()
    submit(private, "2026-Q4", behaviour={"lgtm-machine": 4})
    rows = {row.membership: row for row in team_page(team=team, quarter=Q4, today=TODAY).managers}
    assert rows[shared].latest == result and rows[shared].bands[3] == "high"  # the LGTM Machine, fourth
    assert rows[private].latest is None and rows[private].bands == ["", "", "", "", ""]
    assert rows[shared].status == "done" and rows[cast.alice].status == "not started"

    cast.acme.hr_sees_individual_results = True
    cast.acme.save()
    rows = {row.membership: row for row in team_page(team=team, quarter=Q4, today=TODAY).managers}
    assert rows[private].latest is not None


def test_follow_up_lists(cast, team, managers_in, submit):
    missed, caught_up, on_time = managers_in(team, 3)
    submit(caught_up, "2026-Q4")
    submit(on_time, "2026-Q3")
    submit(missed, "2026-Q2")
    cast.carol.manager_role_started_on = datetime.date(2025, 12, 10)  # a year on 10 December: in the window
    cast.carol.save()
    lists = follow_ups(organisation=cast.acme, today=TODAY)
    assert lists.previous.label == "2026-Q3" and lists.current.label == "2026-Q4"
    assert set(lists.overdue.first) == {missed, cast.alice, cast.carol} and lists.overdue.count == 3
    assert lists.one_year_reviews.first == [(cast.carol, datetime.date(2026, 12, 10))]
    assert set(lists.never_assessed.first) == {cast.alice, cast.carol} and lists.never_assessed.count == 2


@pytest.mark.parametrize(
    ("started", "today", "due"),
    [
        (datetime.date(2024, 2, 29), datetime.date(2025, 2, 10), datetime.date(2025, 2, 28)),
        (datetime.date(2025, 11, 21), datetime.date(2026, 11, 21), datetime.date(2026, 11, 21)),
        (datetime.date(2025, 12, 21), datetime.date(2026, 11, 21), datetime.date(2026, 12, 21)),
    ],
)
def test_one_year_reviews_fall_on_the_anniversary(cast, started, today, due):
    cast.alice.manager_role_started_on = started
    cast.alice.save()
    assert (cast.alice, due) in follow_ups(organisation=cast.acme, today=today).one_year_reviews.first


def test_a_review_outside_the_window_is_not_listed(cast):
    cast.alice.manager_role_started_on = datetime.date(2025, 12, 22)  # due in 31 days
    cast.alice.save()
    assert follow_ups(organisation=cast.acme, today=TODAY).one_year_reviews.count == 0


def test_a_half_yearly_organisation_counts_completion_over_the_half(cast, team, managers_in, submit):
    cast.acme.cadence_months = 6
    cast.acme.save()
    (manager,) = managers_in(team, 1)
    submit(manager, "2026-Q3")  # July counts for the second half
    done = team_page(team=team, quarter=Q4, today=TODAY).completion
    assert done.cycle.label == "2026-H2" and done.done == 1


# --- Saying once what is withheld ---------------------------------------------------------------


def test_figures_that_show_need_no_notice(cast, team, managers_in, submit, release):
    for manager in managers_in(team, 3):
        submit(manager, "2026-Q3")
    release()
    assert organisation_overview(organisation=cast.acme, quarter=Q3, today=TODAY).notice is None
    assert team_page(team=team, quarter=Q3, today=TODAY).notice is None


def test_a_quarter_still_open_says_how_far_completion_is(cast, team, managers_in, submit, release):
    done, _waiting = managers_in(team, 2)
    submit(done, "2026-Q4")
    release()
    notice = team_page(team=team, quarter=Q4, today=TODAY).notice
    assert notice is not None and not notice.released
    assert (notice.threshold, notice.done, notice.total) == (3, 1, 3)  # Alice is in the team too


def test_a_released_quarter_with_too_few_responses_says_how_many_it_had(cast, team, managers_in, submit, release):
    for manager in managers_in(team, 2):
        submit(manager, "2026-Q3")
    cast.acme.anonymity_threshold = 5
    cast.acme.save()
    release()
    notice = organisation_overview(organisation=cast.acme, quarter=Q3, today=TODAY).notice
    assert notice is not None and notice.released and notice.too_few
    assert (notice.responses, notice.threshold) == (2, 5)


def test_a_team_withheld_to_protect_a_smaller_one_is_not_said_to_have_too_few(cast, team, managers_in, submit, release):
    omega = factories.TeamFactory(organisation=cast.acme, name="Omega")
    zeta = factories.TeamFactory(organisation=cast.acme, name="Zeta")
    for group, size in ((team, 4), (omega, 3), (zeta, 2)):
        for manager in managers_in(group, size):
            submit(manager, "2026-Q3")
    release()
    omega_notice = team_page(team=omega, quarter=Q3, today=TODAY).notice  # withheld: it would give Zeta away
    assert omega_notice is not None and omega_notice.released and not omega_notice.too_few
    zeta_notice = team_page(team=zeta, quarter=Q3, today=TODAY).notice
    assert zeta_notice is not None and zeta_notice.too_few and zeta_notice.responses == 2


def test_the_heatmap_counts_the_teams_that_show_nothing(cast, team, managers_in, submit, release):
    factories.TeamFactory(organisation=cast.acme, name="Omega")
    for manager in managers_in(team, 3):
        submit(manager, "2026-Q3")
    release()
    heat = organisation_overview(organisation=cast.acme, quarter=Q3, today=TODAY).heatmap
    # Alice's team shows; Carol's and Omega have no responses.
    assert heat.withheld == len(heat.rows) - 1 == 2
    assert heat.mostly_withheld


def test_a_heatmap_where_most_teams_show_is_not_mostly_withheld(cast, team, managers_in, submit, release):
    omega = factories.TeamFactory(organisation=cast.acme, name="Omega")
    for group in (team, omega):
        for manager in managers_in(group, 3):
            submit(manager, "2026-Q3")
    release()
    heat = organisation_overview(organisation=cast.acme, quarter=Q3, today=TODAY).heatmap
    assert heat.withheld == 1 and len(heat.rows) == 3  # Carol's team alone
    assert not heat.mostly_withheld


def test_trend_points_say_whether_their_quarter_was_released(cast, team, managers_in, submit, release):
    for manager in managers_in(team, 3):
        submit(manager, "2026-Q3")
    release()
    trends = team_page(team=team, quarter=Q4, today=TODAY).aggregates.trends
    assert not trends[-1].released and trends[-1].withheld  # 2026-Q4 is open
    assert trends[-2].released and not trends[-2].withheld
