"""The manager's team view: nothing from fewer than max(3, k) answers, nothing before the cycle
closes, one release that never changes, no single answer anywhere, and blind spots by our rule."""

from __future__ import annotations

import pytest
from django.urls import reverse

from emassess.feedback.models import Response, TeamViewRelease
from emassess.feedback.services import team_view_release
from emassess.feedback.team import team_figures
from emassess.orgs.models import Organisation
from tests.feedback.conftest import answers_of, at


def team_page(client, manager, when="2026-10-05", time_machine=None):
    if time_machine is not None:
        time_machine.move_to(at(when))
    client.force_login(manager.user)
    return client.get(reverse("feedback_team_view")).content.decode()


def test_two_answers_of_three_show_the_manager_nothing(client, cast, answer, alices_reports, time_machine):
    for report in alices_reports[:2]:
        answer(report, "2026-08-10", level=4)
    page = team_page(client, cast.alice, time_machine=time_machine)
    assert 'data-testid="team-view-cycle"' not in page
    assert "no closed cycle in which at least three of your reports answered" in page
    assert TeamViewRelease.objects.get().withheld  # released once, withheld for good


def test_three_answers_show_nothing_until_the_cycle_closes(client, cast, answer, alices_reports, time_machine):
    for report in alices_reports[:3]:
        answer(report, "2026-08-10", level=4)
    assert 'data-testid="team-view-cycle"' not in team_page(client, cast.alice, "2026-09-30", time_machine)
    assert not TeamViewRelease.objects.exists()  # nothing released while the cycle is open
    assert 'data-testid="team-view-cycle"' in team_page(client, cast.alice, "2026-10-01", time_machine)


def test_the_organisations_threshold_counts_when_it_is_higher(client, cast, answer, alices_reports, time_machine):
    Organisation.objects.filter(pk=cast.acme.pk).update(anonymity_threshold=5)
    for report in alices_reports[:4]:
        answer(report, "2026-08-10", level=4)
    assert 'data-testid="team-view-cycle"' not in team_page(client, cast.alice, time_machine=time_machine)


def test_a_threshold_raised_after_the_release_withholds_it(client, cast, answer, alices_reports, time_machine):
    for report in alices_reports[:3]:
        answer(report, "2026-08-10", level=4)
    assert 'data-testid="team-view-cycle"' in team_page(client, cast.alice, time_machine=time_machine)
    Organisation.objects.filter(pk=cast.acme.pk).update(anonymity_threshold=4)
    assert 'data-testid="team-view-cycle"' not in team_page(client, cast.alice, time_machine=time_machine)


def test_the_release_is_made_once_and_never_changes(cast, answer, alices_reports):
    for report in alices_reports[:3]:
        answer(report, "2026-08-10", level=1)
    first = team_view_release(manager=cast.alice, cycle="2026-Q3", now=at("2026-10-02"))
    # Whatever happens to the answers afterwards (here, written straight into the database), the
    # release stays what it was.
    Response.objects.update(answers=answers_of(alices_reports[0].feedback_given.first().version, 4))
    again = team_view_release(manager=cast.alice, cycle="2026-Q3", now=at("2026-12-02"))
    assert again.pk == first.pk and again.figures == first.figures
    assert TeamViewRelease.objects.count() == 1


def test_figures_by_hand(survey):
    """Three reports; the Bottleneck items answered 4, 4 and 1 (towards the trap), so each is
    100 * 9 / 12 = 75. One Weekend Warrior item is "I don't know" for two of them: with only one
    answer it is left out, and the construct is the mean of its other two items."""
    sets = [answers_of(survey, 1, bottleneck_manager=4), answers_of(survey, 1, bottleneck_manager=4),
            answers_of(survey, 1, bottleneck_manager=1)]  # fmt: skip
    for answers in sets[:2]:
        answers["worked_weekend"] = "dont_know"
    sets[2]["code_after_hours"] = 3  # weekend items: (1+1+3)/12 -> 42; messages 25; worked_weekend left out
    figures = team_figures(survey.definition, sets, needed=3)
    constructs = {c["slug"]: c["score"] for c in figures["constructs"]}
    assert constructs["bottleneck-manager"] == 75
    assert constructs["weekend-warrior"] == round((25 + 42) / 2)
    assert "worked_weekend" not in {item["id"] for item in figures["items"]}
    assert constructs["lgtm-machine"] == 25
    assert team_figures(survey.definition, sets[:2], needed=3) == {}


def test_a_blind_spot_and_a_hidden_strength_are_named(client, cast, submit, answer, alices_reports, time_machine):
    # Alice sees herself at 0 on Bottleneck and at 100 on Weekend Warrior (25 elsewhere); her team
    # sees Bottleneck at 100 and Weekend Warrior at 0, and the rest as she does.
    submit(cast.alice, "2026-Q3", behaviour={"bottleneck-manager": 0, "weekend-warrior": 4})
    for report in alices_reports[:3]:
        answer(report, "2026-08-20", level=1, bottleneck_manager=4, weekend_warrior=0)
    page = team_page(client, cast.alice, time_machine=time_machine)
    assert "Blind spot: Bottleneck Manager.</strong> You see yourself at 0; your team sees 100." in page
    assert "Hidden strength: Weekend Warrior.</strong> You see yourself at 100; your team sees only 0." in page
    assert page.count('data-testid="blind-spot"') == 1 and page.count('data-testid="hidden-strength"') == 1
    assert "more than a third of the scale apart" in page and "Our rule" in page


@pytest.mark.parametrize(("team_level", "named"), [(2, False), (3, True)])
def test_a_wide_gap_is_named_and_a_narrow_one_is_not(
    client, cast, submit, answer, alices_reports, time_machine, team_level, named
):
    """Self at 25 (the default); a team at 50 is 25 apart, within the rule; at 75, 50 apart, over it."""
    submit(cast.alice, "2026-Q3")
    for report in alices_reports[:3]:
        answer(report, "2026-08-20", level=1, lgtm_machine=team_level)
    page = team_page(client, cast.alice, time_machine=time_machine)
    assert ("Blind spot: LGTM Machine." in page) == named


def test_no_page_shows_who_answered_or_a_single_answer(client, cast, answer, alices_reports, time_machine):
    for n, report in enumerate(alices_reports[:3]):
        answer(report, "2026-08-10", level=n)  # 0, 1 and 2: no two alike
    pages = {
        "manager": team_page(client, cast.alice, time_machine=time_machine),
        "manager home": client.get(reverse("manager_home")).content.decode(),
    }
    for admin_or_hr in (cast.hana, cast.adam):
        client.force_login(admin_or_hr.user)
        pages[admin_or_hr.role] = client.get(reverse("home"), follow=True).content.decode()
        assert client.get(reverse("feedback_team_view")).status_code == 403
    for name, page in pages.items():
        for report in alices_reports[:3]:
            if name == "manager home":
                continue  # it lists her reports by name, as before: who they are, not who answered
            assert report.user.full_name not in page, name
    # Each item's figure is the mean of three answers (0, 1, 2 -> 25), never one answer's 0 or 50.
    release = TeamViewRelease.objects.get()
    assert {item["score"] for item in release.figures["items"]} == {25}


def test_a_third_of_the_scale_is_the_line():
    from emassess.feedback.team import is_wide_gap

    assert [is_wide_gap(gap) for gap in (33, 34, -33, -34, 0)] == [False, True, False, True, False]


def test_the_team_view_queries_grow_with_cycles_shown_not_with_reports(
    client, cast, submit, answer, alices_reports, time_machine
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    submit(cast.alice, "2026-Q3")
    for report in alices_reports[:3]:
        answer(report, "2026-08-10", level=2)
    team_page(client, cast.alice, time_machine=time_machine)  # released on the first reading
    with CaptureQueriesContext(connection) as one_cycle_of_three:
        client.get(reverse("feedback_team_view"))
    submit(cast.alice, "2026-Q4")
    for report in alices_reports:
        answer(report, "2026-11-10", level=2)  # all five in 2026-Q4
    assert team_page(client, cast.alice, "2027-01-05", time_machine).count('data-testid="team-view-cycle"') == 2
    with CaptureQueriesContext(connection) as two_cycles_of_five:
        client.get(reverse("feedback_team_view"))
    # Per cycle shown: its release, the self-assessment of the cycle and its risks; nothing per report.
    per_cycle = 3
    assert len(two_cycles_of_five) == len(one_cycle_of_three) + per_cycle, [
        q["sql"] for q in two_cycles_of_five.captured_queries
    ]
