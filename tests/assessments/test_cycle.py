"""One assessment per person per cycle: a second one is refused, a result can be reopened and its
answers changed until its quarter closes, and resubmitting re-scores the same row."""

import datetime
import threading

import pytest
from django.db import IntegrityError, connection, transaction

from emassess.assessments.models import ArchetypeScore, Assessment, RiskScore
from emassess.assessments.selectors import can_change, cycle_status, draft_of
from emassess.assessments.services import (
    AlreadyDone,
    ResultClosed,
    assessment_keep,
    assessment_reopen,
    assessment_save_section,
    assessment_set_shared,
    assessment_start,
    assessment_submit,
)
from emassess.orgs.models import AuditEvent, Membership
from tests.helpers import posted_answers_to

UTC = datetime.UTC
OCT_10 = datetime.datetime(2026, 10, 10, 12, tzinfo=UTC)
NOV_20 = datetime.datetime(2026, 11, 20, 12, tzinfo=UTC)
# Late on the quarter's last day in UTC; Q4 closes at midnight.
DEC_31_LATE = datetime.datetime(2026, 12, 31, 23, 59, tzinfo=UTC)
JAN_2 = datetime.datetime(2027, 1, 2, 12, tzinfo=UTC)
WEEKEND_HIGH = {"behaviour": {"weekend-warrior": 4}}
WEEKEND_NONE = {"behaviour": {"weekend-warrior": 0}}


def risk_of(result: Assessment, slug: str) -> int:
    return RiskScore.objects.get(assessment=result, anti_pattern=slug).risk


@pytest.fixture
def result(cast, version):
    """Alice's 2026-Q4 result, submitted on 10 October, high on Weekend Warrior."""
    draft = assessment_start(manager=cast.alice, now=OCT_10)
    draft.answers = posted_answers_to(version.definition, **WEEKEND_HIGH)
    draft.save()
    return assessment_submit(assessment=draft, now=OCT_10)


def change_answers(result: Assessment, version, *, now: datetime.datetime, **profile) -> Assessment:
    """Reopen, change every answer as the profile says (as the pages would, section by section)."""
    reopened = assessment_reopen(assessment=result, by=result.manager.user, now=now)
    answers = posted_answers_to(version.definition, **profile)
    for step, section in enumerate(version.sections, start=1):
        data = {q["id"]: answers[q["id"]] for q in section["questions"] if q["id"] in answers}
        assessment_save_section(assessment=reopened, step=step, data=data, next_step=step)
    return reopened


# --- One per cycle ------------------------------------------------------------------------------


def test_a_second_assessment_of_the_cycle_is_refused_and_names_the_first(cast, result):
    with pytest.raises(AlreadyDone) as done:
        assessment_start(manager=cast.alice, now=NOV_20)
    assert done.value.result == result
    assert Assessment.objects.filter(manager=cast.alice).count() == 1
    # The next cycle opens a new one.
    assert assessment_start(manager=cast.alice, now=JAN_2).status == Assessment.Status.DRAFT


def test_a_half_yearly_cycle_takes_one_assessment_in_its_two_quarters(cast, version):
    cast.acme.cadence_months = 6
    cast.acme.save()
    july = datetime.datetime(2026, 7, 20, 12, tzinfo=UTC)
    draft = assessment_start(manager=cast.alice, now=july)
    draft.answers = posted_answers_to(version.definition)
    draft.save()
    first = assessment_submit(assessment=draft, now=july)
    assert first.period == "2026-Q3"
    with pytest.raises(AlreadyDone):
        assessment_start(manager=cast.alice, now=NOV_20)  # 2026-Q4 is in the same 2026-H2
    status = cycle_status(manager=cast.alice, now=NOV_20)
    assert status.cycle.label == "2026-H2" and status.result == first
    assert status.next_opens_on == datetime.date(2027, 1, 1)
    # Its quarter has closed, and with it the chance to change it (its figures may be out).
    assert not status.change.open
    with pytest.raises(ResultClosed):
        assessment_reopen(assessment=first, by=cast.alice.user, now=NOV_20)


def test_a_draft_left_over_cannot_become_a_second_result_of_the_cycle(cast, version, result):
    """A draft from before the rule (a second one was started after submitting) is refused on submit."""
    leftover = Assessment.objects.create(
        manager=cast.alice, version=version, answers=posted_answers_to(version.definition)
    )
    with pytest.raises(AlreadyDone) as done:
        assessment_submit(assessment=leftover, now=NOV_20)
    assert done.value.result == result
    assert Assessment.objects.get(pk=leftover.pk).status == Assessment.Status.DRAFT


def test_the_database_holds_one_result_per_manager_and_quarter(cast, version, result):
    with pytest.raises(IntegrityError), transaction.atomic():
        Assessment.objects.create(manager=cast.alice, version=version, status="submitted", period=result.period)


def at_once(action, count: int = 2) -> list:
    """Run `action` in `count` threads released together, each on its own database connection;
    returns what each returned, and fails with any error one of them raised."""
    start = threading.Barrier(count)
    returned: list = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            start.wait()
            returned.append(action())
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    return returned


ON_POSTGRESQL = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite's shared in-memory test database locks tables"
)


@pytest.mark.django_db(transaction=True)
@ON_POSTGRESQL
def test_two_submits_of_one_draft_at_the_same_moment_store_one_result(cast, version):
    draft = assessment_start(manager=cast.alice, now=OCT_10)
    draft.answers = posted_answers_to(version.definition)
    draft.save()
    # each tab with its own copy of the draft
    returned = at_once(lambda: assessment_submit(assessment=Assessment.objects.get(pk=draft.pk), now=OCT_10).pk)
    assert returned == [draft.pk, draft.pk]
    assert Assessment.objects.filter(manager=cast.alice).count() == 1
    assert ArchetypeScore.objects.filter(assessment=draft).count() == 6
    assert RiskScore.objects.filter(assessment=draft).count() == 5


@pytest.mark.django_db(transaction=True)
@ON_POSTGRESQL
def test_two_resubmits_at_the_same_moment_re_score_once(cast, version, result):
    change_answers(Assessment.objects.get(pk=result.pk), version, now=NOV_20, **WEEKEND_NONE)
    returned = at_once(lambda: assessment_submit(assessment=Assessment.objects.get(pk=result.pk), now=NOV_20).pk)
    assert returned == [result.pk, result.pk]
    assert AuditEvent.objects.filter(action=AuditEvent.Action.RESULT_RESUBMITTED).count() == 1
    assert RiskScore.objects.filter(assessment=result).count() == 5
    assert risk_of(result, "weekend-warrior") == 0


# --- Reopen and resubmit ------------------------------------------------------------------------


def test_while_reopened_the_submitted_result_stays_in_force(cast, version, result):
    before = (result.answers, result.outcome, sorted(RiskScore.objects.filter(assessment=result).values_list("risk")))
    reopened = change_answers(Assessment.objects.get(pk=result.pk), version, now=NOV_20, **WEEKEND_NONE)
    assert reopened.pk == result.pk and reopened.is_reopened
    stored = Assessment.objects.get(pk=result.pk)
    assert stored.status == Assessment.Status.SUBMITTED
    after = (stored.answers, stored.outcome, sorted(RiskScore.objects.filter(assessment=result).values_list("risk")))
    assert after == before
    assert stored.reopened_answers != stored.answers  # the changes are kept apart
    assert cycle_status(manager=cast.alice, now=NOV_20).result == result  # still done this cycle
    # Reopening it again (a second tab) changes nothing and records nothing more.
    assessment_reopen(assessment=result, by=cast.alice.user, now=NOV_20)
    assert Assessment.objects.get(pk=result.pk).reopened_answers == stored.reopened_answers
    assert AuditEvent.objects.filter(action=AuditEvent.Action.RESULT_REOPENED).count() == 1


def test_resubmitting_re_scores_the_same_row(cast, version, result):
    assessment_set_shared(assessment=result, shared=True, by=cast.alice.user)
    assert risk_of(result, "weekend-warrior") > 0
    first = Assessment.objects.get(pk=result.pk)
    reopened = change_answers(result, version, now=NOV_20, **WEEKEND_NONE)
    changed = assessment_submit(assessment=reopened, now=NOV_20)
    assert changed.pk == result.pk
    assert Assessment.objects.filter(manager=cast.alice).count() == 1
    assert risk_of(result, "weekend-warrior") == 0
    assert changed.outcome["anti_patterns"] != first.outcome["anti_patterns"]
    assert ArchetypeScore.objects.filter(assessment=result).count() == 6
    assert RiskScore.objects.filter(assessment=result).count() == 5
    # What the result is filed under stays: its quarter, its team, its first submission, its share.
    assert (changed.period, changed.team, changed.submitted_at) == (first.period, first.team, first.submitted_at)
    assert changed.shared_with_hr and changed.known_to_hr
    assert changed.resubmitted_at == NOV_20 and not changed.is_reopened and changed.reopened_answers is None
    assert changed.answers != first.answers
    actions = list(AuditEvent.objects.filter(subject=cast.alice).values_list("action", "detail"))
    assert (AuditEvent.Action.RESULT_REOPENED, {"result": "2026-Q4"}) in actions
    assert (AuditEvent.Action.RESULT_RESUBMITTED, {"result": "2026-Q4"}) in actions


def test_resubmitting_twice_re_scores_once(cast, version, result):
    reopened = change_answers(result, version, now=NOV_20, **WEEKEND_NONE)
    stale = Assessment.objects.get(pk=result.pk)  # a second tab's copy, still reopened
    assessment_submit(assessment=reopened, now=NOV_20)
    assert assessment_submit(assessment=stale, now=NOV_20).pk == result.pk
    assert AuditEvent.objects.filter(action=AuditEvent.Action.RESULT_RESUBMITTED).count() == 1
    assert RiskScore.objects.filter(assessment=result).count() == 5


def test_keeping_the_submitted_answers_drops_the_changes(cast, version, result):
    result = Assessment.objects.get(pk=result.pk)
    change_answers(Assessment.objects.get(pk=result.pk), version, now=NOV_20, **WEEKEND_NONE)
    assessment_keep(assessment=result)
    kept = Assessment.objects.get(pk=result.pk)
    assert not kept.is_reopened and kept.reopened_answers is None
    assert kept.answers == result.answers and kept.outcome == result.outcome
    # and resubmitting now is the plain "already submitted": nothing changes
    assert assessment_submit(assessment=kept, now=NOV_20).outcome == result.outcome


def test_a_result_can_change_until_its_quarter_closes_in_the_organisations_time_zone(cast, version, result):
    assert can_change(assessment=result, now=DEC_31_LATE)
    assert not can_change(assessment=result, now=datetime.datetime(2027, 1, 1, tzinfo=UTC))
    with pytest.raises(ResultClosed):
        assessment_reopen(assessment=result, by=cast.alice.user, now=JAN_2)
    assert not Assessment.objects.get(pk=result.pk).is_reopened
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.RESULT_REOPENED).exists()


def test_changes_not_resubmitted_before_the_close_are_never_applied(cast, version, result):
    reopened = change_answers(Assessment.objects.get(pk=result.pk), version, now=DEC_31_LATE, **WEEKEND_NONE)
    with pytest.raises(ResultClosed):
        assessment_submit(assessment=reopened, now=JAN_2)
    stored = Assessment.objects.get(pk=result.pk)
    assert stored.outcome == result.outcome and risk_of(result, "weekend-warrior") > 0
    # The next cycle's assessment starts afresh and the stale changes are dropped.
    draft = assessment_start(manager=cast.alice, now=JAN_2)
    assert draft.pk != result.pk
    assert Assessment.objects.get(pk=result.pk).reopened_answers is None


def test_a_time_zone_moved_west_after_the_close_does_not_reopen_the_quarter(cast, version, result):
    """Acme counts in UTC: Q4 closes at midnight UTC and may be released. The admin then moves the
    time zone to Honolulu, where it is still 31 December: the result stays closed all the same."""
    cast.acme.timezone = "Pacific/Honolulu"
    cast.acme.save()
    result.refresh_from_db()
    early_jan_1 = datetime.datetime(2027, 1, 1, 2, tzinfo=UTC)  # 31 December, 16:00 in Honolulu
    assert not can_change(assessment=result, now=early_jan_1)
    with pytest.raises(ResultClosed):
        assessment_reopen(assessment=result, by=cast.alice.user, now=early_jan_1)


def test_the_draft_and_the_result_come_with_their_versions_definition_read_once(cast, version, result,
                                                                               django_assert_num_queries):  # fmt: skip
    """Both read their version in the same query but not its 55 kB definition, which the process
    reads once and keeps: the manager's home shows both on every visit."""
    manager = Membership.objects.select_related("organisation").get(pk=cast.alice.pk)
    Assessment.objects.filter(pk=result.pk).update(status=Assessment.Status.DRAFT, submitted_at=None)
    with django_assert_num_queries(2):
        draft = draft_of(manager=manager)
        assert draft is not None and draft.version.definition == version.definition
    Assessment.objects.filter(pk=result.pk).update(status=Assessment.Status.SUBMITTED, submitted_at=OCT_10)
    with django_assert_num_queries(1):
        status = cycle_status(manager=manager, now=NOV_20)
        assert status.result is not None and status.result.version.definition == version.definition


def test_the_cycle_status_reads_the_result_and_not_its_manager_again(cast, result, django_assert_num_queries):
    """The manager's home asks for it on every visit: one query for the result; its change window
    takes the organisation from the manager in hand (two more queries before issue 14), and its
    version's definition is the copy the process keeps (read on the first visit only)."""
    manager = Membership.objects.select_related("organisation").get(pk=cast.alice.pk)
    with django_assert_num_queries(2):  # the first visit in the process: the result, the definition
        cycle_status(manager=manager, now=NOV_20)
    with django_assert_num_queries(1):
        status = cycle_status(manager=manager, now=NOV_20)
    assert status.result == result and status.change is not None and status.change.open
