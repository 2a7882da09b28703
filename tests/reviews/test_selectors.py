"""Which review is due, which assessments a review compares, and the home page's overview."""

from __future__ import annotations

import datetime

import pytest
from django.http import Http404

from emassess.reviews.models import RoleReview
from emassess.reviews.selectors import (
    due_review_year,
    next_review,
    review_of_manager,
    review_overview,
    review_year_due,
    role_assessments,
)
from tests import factories

D = datetime.date
LEAP_START = D(2024, 2, 29)


@pytest.mark.parametrize(
    ("started", "today", "due"),
    [
        (D(2025, 11, 21), D(2026, 11, 20), None),  # the day before the first anniversary
        (D(2025, 11, 21), D(2026, 11, 21), 1),  # on it
        (D(2025, 11, 21), D(2027, 11, 20), 1),  # all through the first year after it
        (D(2025, 11, 21), D(2027, 11, 21), 2),
        (D(2025, 11, 21), D(2028, 11, 21), 3),
        (D(2025, 11, 21), D(2033, 1, 1), 3),  # the three-year check-in stays due until done
        (LEAP_START, D(2025, 2, 27), None),
        (LEAP_START, D(2025, 2, 28), 1),  # no 29 February in 2025: the 28th
        (LEAP_START, D(2026, 2, 27), 1),
        (LEAP_START, D(2026, 2, 28), 2),
        (LEAP_START, D(2027, 2, 28), 3),
        (None, D(2026, 11, 21), None),
    ],
)
def test_the_due_year_follows_the_anniversaries(started, today, due):
    assert due_review_year(started_on=started, submitted_years=frozenset(), today=today) == due


@pytest.mark.parametrize(
    ("submitted", "today", "due"),
    [
        ({1}, D(2026, 12, 1), None),  # the one-year review is done
        ({1}, D(2027, 11, 21), 2),  # and the two-year check-in comes round
        (set(), D(2027, 11, 21), 2),  # a missed one-year review is not asked for late
        ({2}, D(2028, 1, 1), None),  # nor once the two-year check-in is done
        ({1, 2}, D(2028, 11, 21), 3),
        ({1, 2, 3}, D(2030, 1, 1), None),
    ],
)
def test_a_submitted_review_settles_its_year(submitted, today, due):
    assert due_review_year(started_on=D(2025, 11, 21), submitted_years=frozenset(submitted), today=today) == due


@pytest.mark.parametrize(
    ("started", "today", "expected"),
    [
        (D(2025, 11, 21), D(2026, 6, 1), (1, D(2026, 11, 21))),
        (D(2025, 11, 21), D(2026, 11, 21), (2, D(2027, 11, 21))),
        (LEAP_START, D(2026, 3, 1), (3, D(2027, 2, 28))),
        (D(2025, 11, 21), D(2028, 11, 21), None),
        (None, D(2026, 11, 21), None),
    ],
)
def test_the_next_review_is_the_next_anniversary_to_come(started, today, expected):
    assert next_review(started_on=started, today=today) == expected


def _review(manager, year: int, *, status=RoleReview.Status.SUBMITTED, started_on=None, submitted_at=None):
    return RoleReview.objects.create(
        manager=manager,
        year=year,
        role_started_on=started_on or manager.manager_role_started_on,
        status=status,
        recommendation="carry_on" if status == RoleReview.Status.SUBMITTED else "",
        submitted_at=submitted_at
        or (datetime.datetime(2026, 3, 5, tzinfo=datetime.UTC) if status == RoleReview.Status.SUBMITTED else None),
    )


def test_review_year_due_reads_the_managers_submitted_reviews(cast, django_assert_num_queries):
    alice = cast.alice  # her role began on 1 March 2025
    with django_assert_num_queries(1):
        assert review_year_due(manager=alice, today=D(2026, 11, 21)) == 1
    _review(alice, 1, status=RoleReview.Status.DRAFT)  # a draft is not a review done
    _review(cast.carol, 1)  # nor is someone else's
    _review(alice, 1, started_on=D(2023, 1, 1))  # nor one of a role she held before
    assert review_year_due(manager=alice, today=D(2026, 11, 21)) == 1
    RoleReview.objects.filter(manager=alice, status=RoleReview.Status.DRAFT).update(status=RoleReview.Status.SUBMITTED)
    with django_assert_num_queries(1):
        assert review_year_due(manager=alice, today=D(2026, 11, 21)) is None
    assert review_year_due(manager=alice, today=D(2027, 3, 1)) == 2


def test_a_role_begun_on_29_february_is_reviewed_on_28_february(cast):
    cast.alice.manager_role_started_on = LEAP_START
    cast.alice.save()
    assert review_year_due(manager=cast.alice, today=D(2025, 2, 27)) is None
    assert review_year_due(manager=cast.alice, today=D(2025, 2, 28)) == 1
    _review(cast.alice, 1)
    assert review_year_due(manager=cast.alice, today=D(2025, 3, 1)) is None
    assert review_year_due(manager=cast.alice, today=D(2026, 2, 28)) == 2


def test_nothing_is_due_for_non_managers_or_without_a_start_date(cast, django_assert_num_queries):
    newcomer = factories.ManagerFactory(organisation=cast.acme, manager_role_started_on=None)
    with django_assert_num_queries(0):
        for person in (cast.bob, cast.hana, cast.adam, cast.gina, newcomer):
            assert review_year_due(manager=person, today=D(2030, 1, 1)) is None
    with django_assert_num_queries(0):  # before the first anniversary nothing can be due
        assert review_year_due(manager=cast.alice, today=D(2026, 2, 28)) is None


def test_the_overview_is_one_query_whatever_the_history(cast, django_assert_num_queries):
    _review(cast.alice, 1, started_on=D(2021, 1, 1), submitted_at=datetime.datetime(2022, 1, 5, tzinfo=datetime.UTC))
    _review(cast.alice, 2, started_on=D(2021, 1, 1), submitted_at=datetime.datetime(2023, 1, 5, tzinfo=datetime.UTC))
    draft = _review(cast.alice, 1, status=RoleReview.Status.DRAFT)
    with django_assert_num_queries(1):
        overview = review_overview(manager=cast.alice, today=D(2026, 11, 21))
        assert overview.due_year == 1
        assert overview.due_title == "Your one-year review"
        assert overview.draft == draft
        assert overview.next_year is None
        assert overview.last_submitted.year == 2  # the newest, of the role she held before
        assert [review.year for review in overview.submitted] == [2, 1]


def test_the_overview_says_when_the_next_review_comes(cast):
    overview = review_overview(manager=cast.alice, today=D(2026, 1, 10))
    assert (overview.due_year, overview.draft, overview.last_submitted) == (None, None, None)
    assert (overview.next_year, overview.next_on) == (1, D(2026, 3, 1))
    _review(cast.alice, 1)
    overview = review_overview(manager=cast.alice, today=D(2026, 11, 21))
    assert overview.due_year is None
    assert (overview.next_title, overview.next_on) == ("Your two-year check-in", D(2027, 3, 1))


def test_a_review_belongs_to_its_manager_only(cast):
    review = _review(cast.alice, 1)
    assert review_of_manager(manager=cast.alice, pk=review.pk) == review
    with pytest.raises(Http404):
        review_of_manager(manager=cast.carol, pk=review.pk)
    with pytest.raises(Http404):
        review_of_manager(manager=cast.alice, pk=review.pk + 100)


# ---------------------------------------------------------------- first and latest assessment in the role


def test_first_and_latest_assessments_in_the_role(cast, assessed):
    alice = cast.alice  # role began 1 March 2025
    assert role_assessments(manager=alice) == (None, None)
    before = assessed(alice, D(2025, 1, 10))
    assert role_assessments(manager=alice) == (before, before)  # only one, from before the role: it stands in
    first = assessed(alice, D(2025, 4, 10))
    assessed(alice, D(2025, 7, 10))
    latest = assessed(alice, D(2025, 10, 10))
    assessed(cast.carol, D(2025, 12, 10))  # someone else's never counts
    assert role_assessments(manager=alice) == (first, latest)


def test_the_role_begins_at_midnight_in_the_organisations_time_zone(cast, assessed):
    # Acme is in Europe/London: 1 June 2025 began at 23:00 UTC on 31 May (summer time).
    cast.alice.manager_role_started_on = D(2025, 6, 1)
    cast.alice.save()
    assessed(cast.alice, D(2025, 3, 10))
    in_role = assessed(cast.alice, D(2025, 5, 31))
    in_role.submitted_at = datetime.datetime(2025, 5, 31, 23, 30, tzinfo=datetime.UTC)
    in_role.save()
    latest = assessed(cast.alice, D(2025, 9, 10))
    assert role_assessments(manager=cast.alice) == (in_role, latest)
    in_role.submitted_at = datetime.datetime(2025, 5, 31, 22, 30, tzinfo=datetime.UTC)  # 23:30 in London
    in_role.save()
    assert role_assessments(manager=cast.alice) == (latest, latest)


def test_without_a_start_date_the_earliest_assessment_is_the_first(cast, assessed):
    cast.alice.manager_role_started_on = None
    cast.alice.save()
    first = assessed(cast.alice, D(2025, 1, 10))
    latest = assessed(cast.alice, D(2025, 4, 10))
    assert role_assessments(manager=cast.alice) == (first, latest)
