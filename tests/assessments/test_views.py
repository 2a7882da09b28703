"""The questionnaire in the browser's shoes: every step, every error, every permission."""

import datetime

import pytest
from django.urls import reverse

from emassess.assessments.engine import applies
from emassess.assessments.models import ArchetypeScore, Assessment, RiskScore
from emassess.assessments.services import assessment_start, assessment_submit
from tests.helpers import checked, fill_all, posted_answers_to, section_data, step_url, week

# The week these tests type in: 20% coding and 30% people (the pages show "30" and "115%" from it).
WEEK = week(hands_on_coding=20, people_team=30)


@pytest.fixture
def answers(version):
    return posted_answers_to(version.definition, week=WEEK, behaviour={"bottleneck-manager": 3})


def test_start_creates_one_draft_with_what_the_organisation_knows(alice_client, cast, version):
    response = alice_client.post(reverse("assessment_start"))
    draft = Assessment.objects.get(manager=cast.alice)
    assert response["Location"] == step_url(draft, 1)
    assert draft.version == version
    assert draft.answers["role.current"] == "em"
    assert draft.answers["role.reports"] == "1"  # Bob
    assert draft.answers["role.team_kind"] == "product"
    alice_client.post(reverse("assessment_start"))
    assert Assessment.objects.filter(manager=cast.alice).count() == 1


def test_start_without_a_published_questionnaire_explains(alice_client, framework):
    response = alice_client.post(reverse("assessment_start"), follow=True)
    assert b"not available yet" in response.content


def test_each_step_shows_progress_and_its_questions(alice_client, cast, version):
    draft = assessment_start(manager=cast.alice)
    draft.furthest_step = len(version.sections)
    draft.save()
    for step, section in enumerate(version.sections, start=1):
        page = alice_client.get(step_url(draft, step)).content.decode()
        assert f"Step {step} of 7" in page
        assert section["title"] in page
        for question in section["questions"]:
            asked = applies(version.definition, question, draft.answers)
            assert (f'name="{question["id"]}"' in page) == asked, question["id"]
        assert ("Back</button>" in page) == (step > 1)
        assert ("Submit and see my result" in page) == (step == 7)


def test_the_whole_questionnaire_leads_to_one_stored_result(alice_client, cast, version, answers):
    draft = assessment_start(manager=cast.alice)
    response = fill_all(alice_client, draft, version, answers)
    assert response["Location"] == reverse("assessment_result", args=[draft.public_id])
    draft.refresh_from_db()
    assert draft.status == Assessment.Status.SUBMITTED
    assert draft.engine_version == "2.0"
    assert draft.period and draft.submitted_at
    assert ArchetypeScore.objects.filter(assessment=draft).count() == 6
    assert RiskScore.objects.filter(assessment=draft).count() == 5  # seed 000's four and the people side
    page = alice_client.get(response["Location"]).content.decode()
    assert "You work closest to" in page
    assert page.count('data-testid="anti-pattern-card"') == 5


def test_submitting_twice_creates_one_result(alice_client, cast, version, answers):
    draft = assessment_start(manager=cast.alice)
    fill_all(alice_client, draft, version, answers)
    first = Assessment.objects.get(pk=draft.pk)
    # a double click, or the back button and submit again
    again = alice_client.post(step_url(draft, 7), section_data(version, 7, answers))
    assert again["Location"] == reverse("assessment_result", args=[draft.public_id])
    # a second tab's stale copy of the draft
    assessment_submit(assessment=draft)
    assert Assessment.objects.filter(manager=cast.alice).count() == 1
    assert ArchetypeScore.objects.filter(assessment=draft).count() == 6
    assert Assessment.objects.get(pk=draft.pk).submitted_at == first.submitted_at
    # and starting again in the same cycle leads to the result, not to a second assessment
    response = alice_client.post(reverse("assessment_start"))
    assert response["Location"] == reverse("assessment_result", args=[draft.public_id])
    assert Assessment.objects.filter(manager=cast.alice).count() == 1


def test_a_week_that_does_not_add_up_says_so_and_keeps_what_was_typed(alice_client, cast, version, answers):
    draft = assessment_start(manager=cast.alice)
    alice_client.post(step_url(draft, 1), section_data(version, 1, answers))
    data = section_data(version, 2, answers)
    data["week.product"] = "25"  # 115 in all
    response = alice_client.post(step_url(draft, 2), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Your week adds up to 115%" in page
    assert 'data-testid="error-summary"' in page
    assert 'value="25"' in page and 'value="30"' in page
    draft.refresh_from_db()
    assert draft.current_step == 2
    assert draft.answers["week.product"] == "25"  # kept in the draft too


def test_a_missing_answer_is_named_and_the_others_are_kept(alice_client, cast, version, answers):
    draft = assessment_start(manager=cast.alice)
    draft.furthest_step = 4
    draft.save()
    data = section_data(version, 4, answers)
    first, *others = [q["id"] for q in version.sections[3]["questions"]]
    del data[first]
    response = alice_client.post(step_url(draft, 4), data)
    page = response.content.decode()
    assert "There is a problem on this page" in page
    assert "This field is required." in page
    assert checked(page, first) == []
    for qid in others:
        assert checked(page, qid) == [answers[qid]]


def test_wrong_types_get_a_clear_message(alice_client, cast, version, answers):
    draft = assessment_start(manager=cast.alice)
    data = section_data(version, 1, answers)
    data["role.months"] = "a while"
    data["role.current"] = "cto"
    page = alice_client.post(step_url(draft, 1), data).content.decode()
    assert "Enter a whole number." in page
    assert "Select a valid choice." in page
    assert 'value="a while"' in page


def test_back_keeps_answers_without_checking_them(alice_client, cast, version, answers):
    draft = assessment_start(manager=cast.alice)
    alice_client.post(step_url(draft, 1), section_data(version, 1, answers))
    data = section_data(version, 2, answers, action="back")
    data["week.people_team"] = "99"
    response = alice_client.post(step_url(draft, 2), data)
    assert response["Location"] == step_url(draft, 1)
    draft.refresh_from_db()
    assert draft.answers["week.people_team"] == "99"
    assert draft.furthest_step == 2
    page = alice_client.get(step_url(draft, 2)).content.decode()
    assert 'value="99"' in page


def test_save_and_finish_later_then_resume_from_home(alice_client, cast, version, answers):
    draft = assessment_start(manager=cast.alice)
    alice_client.post(step_url(draft, 1), section_data(version, 1, answers))
    response = alice_client.post(step_url(draft, 2), section_data(version, 2, answers, action="save"))
    assert response["Location"] == reverse("manager_home")
    home = alice_client.get(reverse("manager_home")).content.decode()
    assert step_url(draft, 2) in home
    assert "Continue where you left off" in home


def test_an_expired_session_loses_nothing(client, cast, version, answers):
    client.force_login(cast.alice.user)
    draft = assessment_start(manager=cast.alice)
    client.post(step_url(draft, 1), section_data(version, 1, answers))
    client.post(step_url(draft, 2), section_data(version, 2, answers))
    client.session.flush()
    client.cookies.clear()
    assert client.get(step_url(draft, 3))["Location"].startswith(reverse("login"))
    client.force_login(cast.alice.user)
    home = client.get(reverse("manager_home")).content.decode()
    assert step_url(draft, 3) in home
    page = client.get(step_url(draft, 2)).content.decode()
    assert f'value="{answers["week.people_team"]}"' in page


def test_steps_ahead_of_progress_redirect_and_unknown_steps_are_404(alice_client, cast, version):
    draft = assessment_start(manager=cast.alice)
    assert alice_client.get(step_url(draft, 5))["Location"] == step_url(draft, 1)
    assert alice_client.get(step_url(draft, 8)).status_code == 404
    assert alice_client.get(step_url(draft, 0)).status_code == 404


def test_a_submitted_assessment_cannot_be_edited(alice_client, cast, version, answers):
    draft = assessment_start(manager=cast.alice)
    fill_all(alice_client, draft, version, answers)
    response = alice_client.get(step_url(draft, 2))
    assert response["Location"] == reverse("assessment_result", args=[draft.public_id])
    data = section_data(version, 2, answers)
    data["week.product"] = "0"
    alice_client.post(step_url(draft, 2), data)
    assert Assessment.objects.get(pk=draft.pk).answers["week.product"] == answers["week.product"]


def test_submitting_with_an_earlier_step_unanswered_sends_the_manager_back_to_it(alice_client, cast, version, answers):
    draft = assessment_start(manager=cast.alice)
    fill = [1, 2, 4, 5, 6, 7]  # step 3 answered with nothing
    draft.furthest_step = 7
    draft.save()
    for step in fill:
        response = alice_client.post(step_url(draft, step), section_data(version, step, answers))
    assert response["Location"] == step_url(draft, 3)
    assert Assessment.objects.get(pk=draft.pk).status == "draft"


def test_nobody_else_can_open_or_change_a_draft(client, cast, version, answers):
    draft = assessment_start(manager=cast.alice)
    client.force_login(cast.carol.user)  # another manager of the same organisation
    assert client.get(step_url(draft, 1)).status_code == 404
    assert client.post(step_url(draft, 1), section_data(version, 1, answers)).status_code == 404
    assert client.get(reverse("assessment_result", args=[draft.public_id])).status_code == 404
    draft.refresh_from_db()
    assert draft.current_step == 1
    assert "role.paired_tech_lead" not in draft.answers  # nothing of Carol's post was saved


def test_the_result_compares_with_the_previous_quarter(alice_client, cast, version, answers):
    from datetime import UTC, datetime

    earlier = assessment_start(manager=cast.alice)
    earlier.answers = posted_answers_to(version.definition, week=WEEK, behaviour={"bottleneck-manager": 4})
    earlier.save()
    assessment_submit(assessment=earlier, now=datetime(2026, 7, 15, tzinfo=UTC))
    latest = assessment_start(manager=cast.alice)
    fill_all(alice_client, latest, version, answers)
    page = alice_client.get(reverse("assessment_result", args=[latest.public_id])).content.decode()
    assert "compared with 2026-Q3" in page
    assert "down 25 since last time" in page  # bottleneck 100 -> 75
    history = alice_client.get(reverse("assessment_history")).content.decode()
    assert "2026-Q3" in history and latest.period in history


def test_an_old_result_still_renders_after_a_new_version(alice_client, cast, version, answers):
    from emassess.assessments.questionnaire import questionnaire_publish

    draft = assessment_start(manager=cast.alice)
    fill_all(alice_client, draft, version, answers)
    changed = {**version.definition, "bands": {"watch": 30, "high": 50}}
    changed["framework"] = {**changed["framework"], "archetypes": changed["framework"]["archetypes"][::-1]}
    _, created = questionnaire_publish(definition=changed)
    assert created
    response = alice_client.get(reverse("assessment_result", args=[draft.public_id]))
    assert response.status_code == 200
    assert Assessment.objects.get(pk=draft.pk).version == version


def _submitted(manager, answers, year: int, month: int):
    moment = datetime.datetime(year, month, 10, tzinfo=datetime.UTC)
    draft = assessment_start(manager=manager, now=moment)
    draft.answers = answers
    draft.save()
    return assessment_submit(assessment=draft, now=moment)


@pytest.mark.parametrize("url_name", ["assessment_result", "assessment_history"])
def test_result_and_history_use_the_same_number_of_queries_however_long_the_history(
    alice_client, cast, version, answers, django_assert_max_num_queries, url_name
):
    latest = _submitted(cast.alice, answers, 2026, 10)
    _submitted(cast.alice, answers, 2026, 7)  # the quarter the result compares with
    url = reverse(url_name, args=[latest.public_id]) if url_name == "assessment_result" else reverse(url_name)
    alice_client.get(url)  # warm up anything cached per process

    with django_assert_max_num_queries(10) as small:
        assert alice_client.get(url).status_code == 200
    for year, month in [(year, month) for year in (2023, 2024, 2025) for month in (1, 4, 7, 10)] + [(2026, 1)]:
        _submitted(cast.alice, answers, year, month)
    assert Assessment.objects.filter(manager=cast.alice, status="submitted").count() == 15
    with django_assert_max_num_queries(10) as large:
        assert alice_client.get(url).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)


def test_autosave_keeps_what_was_typed_without_moving_on(alice_client, cast, version, answers):
    draft = assessment_start(manager=cast.alice)
    data = section_data(version, 1, answers, action="autosave")
    data["role.months"] = "not sure"  # half-typed, invalid: kept as typed all the same
    response = alice_client.post(step_url(draft, 1), data)
    assert response.status_code == 204
    draft.refresh_from_db()
    assert draft.answers["role.months"] == "not sure"
    assert draft.current_step == 1 and draft.furthest_step == 1
