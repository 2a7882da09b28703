"""A plan, not just a result: up to three practices from the result, shown on home, asked about in
the next cycle's questionnaire and shown back on its result."""

import datetime

import pytest
from django.urls import reverse

from emassess.assessments.models import Assessment
from emassess.assessments.services import assessment_start, assessment_submit
from tests.helpers import fill_all, posted_answers_to, section_data, step_url

UTC = datetime.UTC


@pytest.fixture
def q3_result(cast, version):
    """Alice's 2026-Q3 result, high on the Weekend Warrior, so it advises practices."""
    draft = assessment_start(manager=cast.alice, now=datetime.datetime(2026, 8, 10, 12, tzinfo=UTC))
    draft.answers = posted_answers_to(version.definition, behaviour={"weekend-warrior": 4})
    draft.save()
    return assessment_submit(assessment=draft, now=datetime.datetime(2026, 8, 10, 12, tzinfo=UTC))


def advised(result):
    return [p["slug"] for p in result.outcome["practices"]]


def test_a_manager_keeps_up_to_three_advised_practices_as_a_plan(alice_client, q3_result):
    assert len(advised(q3_result)) >= 4
    first_two = advised(q3_result)[:2]
    response = alice_client.post(reverse("assessment_plan", args=[q3_result.public_id]), {"practices": first_two})
    assert response.status_code == 302 and response["Location"].endswith("#plan")
    q3_result.refresh_from_db()
    assert [p["slug"] for p in q3_result.plan] == first_two
    assert all(p["name"] for p in q3_result.plan)
    home = alice_client.get(reverse("manager_home")).content.decode()
    assert 'data-testid="home-plan"' in home
    assert all(p["name"] in home for p in q3_result.plan)


def test_more_than_three_is_refused_on_the_page_and_the_choice_kept(alice_client, q3_result):
    four = advised(q3_result)[:4]
    response = alice_client.post(reverse("assessment_plan", args=[q3_result.public_id]), {"practices": four})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Pick at most 3 practices" in page
    assert page.count("checked") >= 4  # nothing ticked is lost
    q3_result.refresh_from_db()
    assert q3_result.plan == []


def test_only_practices_the_result_advises_can_be_planned(alice_client, q3_result):
    response = alice_client.post(
        reverse("assessment_plan", args=[q3_result.public_id]), {"practices": ["skip-one-to-ones-deliberately"]}
    )
    assert response.status_code == 400
    q3_result.refresh_from_db()
    assert q3_result.plan == []


def test_the_next_cycle_asks_how_each_practice_went_and_the_result_shows_it(alice_client, cast, version, q3_result):
    planned = advised(q3_result)[:2]
    alice_client.post(reverse("assessment_plan", args=[q3_result.public_id]), {"practices": planned})
    draft = assessment_start(manager=cast.alice)  # 2026-Q4, the next cycle
    assert [p["slug"] for p in draft.plan_from] == planned
    reflection = len(version.sections)
    draft.furthest_step = reflection
    draft.save()
    page = alice_client.get(step_url(draft, reflection)).content.decode()
    assert page.count("How did it go?") == 2
    answers = posted_answers_to(version.definition)
    how_it_went = {f"plan.{planned[0]}": "kept", f"plan.{planned[1]}": "not_yet"}
    for step in range(1, reflection + 1):
        data = section_data(version, step, answers) | (how_it_went if step == reflection else {})
        alice_client.post(step_url(draft, step), data)
    result = Assessment.objects.get(pk=draft.pk)
    assert result.is_submitted
    page = alice_client.get(reverse("assessment_result", args=[result.public_id])).content.decode()
    assert 'data-testid="plan-review"' in page
    names = {p["slug"]: p["name"] for p in q3_result.outcome["practices"]}
    assert f"<strong>{names[planned[0]]}</strong>: i kept it up." in page
    assert f"<strong>{names[planned[1]]}</strong>: i did not get to it." in page


def test_the_plan_questions_must_be_answered_like_any_other(alice_client, cast, version, q3_result):
    planned = advised(q3_result)[:1]
    alice_client.post(reverse("assessment_plan", args=[q3_result.public_id]), {"practices": planned})
    draft = assessment_start(manager=cast.alice)
    response = fill_all(alice_client, draft, version, posted_answers_to(version.definition))
    assert response.status_code == 200  # the reflection step again, with its error
    assert "This field is required" in response.content.decode()
    assert Assessment.objects.get(pk=draft.pk).status == Assessment.Status.DRAFT
