"""A report answers the survey about their own manager: once per cycle, changeable until the cycle
closes; the page keeps what was chosen when something is missing; their home says what to answer,
by when and what happens with it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from emassess.feedback.models import Response
from emassess.feedback.services import CannotAnswer, NotAnswerable
from emassess.feedback.survey import DONT_KNOW
from emassess.orgs.models import Membership
from tests import factories
from tests.feedback.conftest import answers_of, at


def posted(survey, level=1, **by_construct):
    return {key: str(value) for key, value in answers_of(survey, level, **by_construct).items()}


def test_bob_answers_about_alice_and_finds_it_done_on_his_home(client, cast, survey, time_machine):
    time_machine.move_to(at("2026-08-10"))
    client.force_login(cast.bob.user)
    home = client.get(reverse("report_home")).content.decode()
    assert "Sixteen short questions about Alice Able, due by Wednesday 30 September 2026" in home
    assert "at least three of their reports answered" in home
    page = client.get(reverse("feedback_survey")).content.decode()
    assert "About your manager: Alice Able" in page and "I don&#x27;t know" in page

    response = client.post(reverse("feedback_survey"), posted(survey, 2, lgtm_machine=DONT_KNOW))
    assert response.status_code == 302 and response["Location"] == reverse("report_home")
    stored = Response.objects.get()
    assert (stored.report, stored.manager, stored.cycle, stored.version) == (cast.bob, cast.alice, "2026-Q3", survey)
    assert stored.answers["pr_waited"] == 2
    assert stored.answers["bare_approval"] == DONT_KNOW
    assert stored.answers["useful_review"] == DONT_KNOW
    assert stored.answers["knew_the_code"] == 2  # reverse: 4 - 2
    home = client.get(reverse("report_home")).content.decode()
    assert 'data-testid="survey-done"' in home and "Change my answers" in home


def test_answering_again_changes_the_one_response_of_the_cycle(client, cast, survey, time_machine):
    time_machine.move_to(at("2026-08-10"))
    client.force_login(cast.bob.user)
    client.post(reverse("feedback_survey"), posted(survey, 1))
    page = client.get(reverse("feedback_survey"))
    assert page.context["form"].initial["pr_waited"] == "1"  # it opens on what he answered
    client.post(reverse("feedback_survey"), posted(survey, 3))
    stored = Response.objects.get()
    assert stored.answers["pr_waited"] == 3 and stored.changed_at is not None


def test_a_missing_answer_is_named_and_nothing_chosen_is_lost(client, cast, survey, time_machine):
    time_machine.move_to(at("2026-08-10"))
    client.force_login(cast.bob.user)
    data = posted(survey, 2)
    del data["talk_put_off"]
    data["pr_waited"] = "7"
    response = client.post(reverse("feedback_survey"), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"talk_put_off", "pr_waited"}
    assert "Choose an answer, or “I don't know” if you did not see it." in form.errors["talk_put_off"]
    assert form["followed_up"].value() == data["followed_up"]  # the rest stays chosen
    assert 'data-testid="error-summary"' in response.content.decode()
    assert not Response.objects.exists()


def test_a_new_cycle_takes_new_answers_and_the_closed_ones_stay(cast, survey, answer):
    answer(cast.bob, "2026-09-29", level=1)
    answer(cast.bob, "2026-10-01", level=4)  # 2026-Q4 has opened: a response of its own
    assert Response.objects.get(cycle="2026-Q3").answers["pr_waited"] == 1
    assert Response.objects.get(cycle="2026-Q4").answers["pr_waited"] == 4


def test_moving_the_time_zone_west_after_the_close_reopens_nothing(client, cast, survey, answer, alices_reports):
    """At 01:00 UTC on 1 October 2026-Q3 has closed in UTC, and Alice's team view of it is out; the
    organisation then moves to Los Angeles, where it is still 30 September. Neither a change nor a
    late answer gets into the released quarter."""
    from emassess.feedback.services import team_view_release

    bob, late = alices_reports[0], alices_reports[1]
    answer(bob, "2026-09-30", level=1)
    assert team_view_release(manager=cast.alice, cycle="2026-Q3", now=at("2026-10-01")) is not None
    cast.acme.timezone = "America/Los_Angeles"
    cast.acme.save()
    bob.refresh_from_db()
    late.refresh_from_db()
    moment = at("2026-10-01").replace(hour=1)
    for report in (bob, late):
        with pytest.raises(CannotAnswer) as refused:
            from emassess.feedback.services import response_submit

            response_submit(report=report, answers=answers_of(survey, 4), now=moment)
        assert refused.value.reason == NotAnswerable.CLOSED
    assert Response.objects.get().answers["pr_waited"] == 1


def test_one_response_per_report_manager_and_cycle_in_the_database(cast, survey, answer):
    from django.db import IntegrityError, transaction

    first = answer(cast.bob, "2026-08-10")
    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.create(
            report=cast.bob, manager=cast.alice, version=survey, cycle="2026-Q3", answers=first.answers,
            submitted_at=first.submitted_at, closes_at=first.closes_at,
        )  # fmt: skip


def test_a_report_with_no_manager_is_told_so_and_cannot_answer(client, cast, survey, answer):
    Membership.objects.filter(pk=cast.bob.pk).update(reports_to=None)
    cast.bob.refresh_from_db()
    with pytest.raises(CannotAnswer) as refused:
        answer(cast.bob, "2026-08-10")
    assert refused.value.reason == NotAnswerable.NO_MANAGER
    client.force_login(cast.bob.user)
    assert "no manager is recorded for you" in client.get(reverse("feedback_survey")).content.decode()
    assert client.post(reverse("feedback_survey"), posted(survey)).status_code == 200
    assert not Response.objects.exists()


def test_reporting_to_someone_who_is_not_a_manager_means_no_survey(client, cast, survey):
    Membership.objects.filter(pk=cast.bob.pk).update(reports_to=cast.hana)
    client.force_login(cast.bob.user)
    assert "who is not recorded as a manager" in client.get(reverse("report_home")).content.decode()


def test_a_report_reads_their_own_past_answers_and_nobody_elses(client, cast, survey, answer):
    other = factories.MembershipFactory(organisation=cast.acme, reports_to=cast.alice, user__email="oz@acme.test")
    answer(cast.bob, "2026-08-10", level=2)
    answer(other, "2026-08-10", level=4)
    client.force_login(cast.bob.user)
    page = client.get(reverse("feedback_answers")).content.decode()
    assert page.count('data-testid="given-response"') == 1
    assert "2026-Q3: about Alice Able" in page
    assert "About once a week" in page and "Almost every day" not in page
