"""The manager's home says how many of their reports answered this cycle's survey: the exact count
from max(3, k) answers, "fewer than three" before, and never who."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from emassess.feedback.selectors import feedback_progress
from emassess.orgs.models import Membership, Organisation
from tests import factories
from tests.feedback.conftest import at


def progress_line(client, manager, time_machine, day="2026-11-20") -> str:
    time_machine.move_to(at(day))
    client.force_login(manager.user)
    page = client.get(reverse("manager_home")).content.decode()
    line = re.search(r'data-testid="feedback-progress">(.*?)</p>', page, re.S)
    assert line is not None
    return " ".join(re.sub(r"<[^>]+>", "", line.group(1)).split())


def test_under_the_threshold_the_count_is_not_told_apart_from_none(client, cast, answer, alices_reports, time_machine):
    assert progress_line(client, cast.alice, time_machine) == (
        "Fewer than three of your 5 reports have answered the 2026-Q4 survey about you so far."
    )
    for report in alices_reports[:2]:
        answer(report, "2026-11-10")
    assert progress_line(client, cast.alice, time_machine) == (
        "Fewer than three of your 5 reports have answered the 2026-Q4 survey about you so far."
    )


def test_from_the_threshold_the_exact_count_and_no_names(client, cast, answer, alices_reports, time_machine):
    for report in alices_reports[:3]:
        answer(report, "2026-11-10")
    assert progress_line(client, cast.alice, time_machine) == (
        "3 of 5 of your reports answered the 2026-Q4 survey about you so far."
    )
    answer(alices_reports[3], "2026-11-11")
    answer(alices_reports[3], "2026-11-12")  # changing one's answers counts once
    assert progress_line(client, cast.alice, time_machine) == (
        "4 of 5 of your reports answered the 2026-Q4 survey about you so far."
    )
    # Last quarter's answers count for last quarter, not this one.
    assert progress_line(client, cast.alice, time_machine, "2027-01-05") == (
        "Fewer than three of your 5 reports have answered the 2027-Q1 survey about you so far."
    )


def test_the_organisations_higher_threshold_counts(client, cast, answer, alices_reports, time_machine):
    Organisation.objects.filter(pk=cast.acme.pk).update(anonymity_threshold=5)
    for report in alices_reports[:4]:
        answer(report, "2026-11-10")
    assert progress_line(client, cast.alice, time_machine).startswith("Fewer than five of your 5 reports")


def test_a_manager_with_too_few_reports_is_told_their_view_cannot_be_shown(client, cast, survey, time_machine):
    factories.MembershipFactory(organisation=cast.acme, reports_to=cast.alice)
    assert progress_line(client, cast.alice, time_machine) == (
        "Fewer than three of your 2 reports have answered the 2026-Q4 survey about you so far. "
        "With two, your team's view cannot be shown: it needs at least three answers."
    )
    assert "None of your reports" in progress_line(client, cast.carol, time_machine)


def test_someone_who_answered_and_then_moved_away_still_counts(cast, answer, alices_reports):
    """The count is of the answers the cycle's team view will be worked out from."""
    for report in alices_reports[:3]:
        answer(report, "2026-11-10")
    Membership.objects.filter(pk=alices_reports[0].pk).update(reports_to=cast.carol)
    progress = feedback_progress(manager=cast.alice, now=at("2026-11-20"))
    assert (progress.answered, progress.asked) == (3, 5)


@pytest.mark.parametrize("answered", [0, 3])
def test_the_count_takes_two_queries_however_many_reports(
    cast, answer, alices_reports, answered, django_assert_num_queries
):
    for report in alices_reports[:answered]:
        answer(report, "2026-11-10")
    manager = Membership.objects.select_related("organisation").get(pk=cast.alice.pk)
    # The responses of the cycle about her; the reports who have the survey to answer about her.
    with django_assert_num_queries(2):
        feedback_progress(manager=manager, now=at("2026-11-20"))
