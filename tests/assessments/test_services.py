"""The writes behind the questionnaire: drafts, submission, the quarter a result belongs to."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from emassess.assessments.models import Assessment
from emassess.assessments.services import IncompleteAnswers, assessment_start, assessment_submit
from emassess.orgs.cycles import quarter_of
from tests.helpers import posted_answers_to

UTC = datetime.UTC


@pytest.mark.parametrize(
    ("moment", "zone", "quarter"),
    [
        (datetime.datetime(2026, 12, 31, 23, 30, tzinfo=UTC), "Europe/London", "2026-Q4"),
        (datetime.datetime(2026, 12, 31, 23, 30, tzinfo=UTC), "Asia/Tokyo", "2027-Q1"),
        (datetime.datetime(2026, 4, 1, 2, 0, tzinfo=UTC), "America/New_York", "2026-Q1"),
        (datetime.datetime(2026, 3, 29, 1, 30, tzinfo=UTC), "Europe/London", "2026-Q1"),  # the spring DST change
        (datetime.datetime(2024, 2, 29, 12, 0, tzinfo=UTC), "UTC", "2024-Q1"),
        (datetime.datetime(2026, 7, 1, 0, 0, tzinfo=UTC), "UTC", "2026-Q3"),
    ],
)
def test_quarter_of_is_read_in_the_organisations_time_zone(moment, zone, quarter):
    assert quarter_of(moment, zone) == quarter


def test_a_manager_has_at_most_one_draft(cast, version):
    first = assessment_start(manager=cast.alice)
    assert assessment_start(manager=cast.alice) == first
    with pytest.raises(IntegrityError), transaction.atomic():
        Assessment.objects.create(manager=cast.alice, version=version)


def test_submit_stores_the_period_in_the_organisations_time_zone(cast, version):
    cast.acme.timezone = "Asia/Tokyo"
    cast.acme.save()
    draft = assessment_start(manager=cast.alice)
    draft.answers = posted_answers_to(version.definition)
    draft.save()
    submitted = assessment_submit(assessment=draft, now=datetime.datetime(2026, 12, 31, 20, 0, tzinfo=UTC))
    assert submitted.period == "2027-Q1"
    assert submitted.outcome["closest"] == submitted.closest_archetype


def test_submit_refuses_incomplete_answers_and_leaves_the_draft(cast, version):
    draft = assessment_start(manager=cast.alice)
    answers = posted_answers_to(version.definition)
    del answers["week.product"]
    draft.answers = answers
    draft.save()
    with pytest.raises(IncompleteAnswers) as incomplete:
        assessment_submit(assessment=draft)
    assert incomplete.value.step == 2
    assert Assessment.objects.get(pk=draft.pk).status == "draft"


def test_the_next_draft_starts_from_the_last_answer_about_a_tech_lead(cast, version):
    draft = assessment_start(manager=cast.alice, now=datetime.datetime(2026, 10, 5, tzinfo=UTC))
    answers = posted_answers_to(version.definition, paired_tech_lead=True)
    draft.answers = answers
    draft.save()
    assessment_submit(assessment=draft, now=datetime.datetime(2026, 10, 5, tzinfo=UTC))
    next_cycle = assessment_start(manager=cast.alice, now=datetime.datetime(2027, 1, 4, tzinfo=UTC))
    assert next_cycle.answers["role.paired_tech_lead"] == "yes"
