"""Reads of role reviews: which review is due, the assessments a review compares, and a
manager's own reviews (anyone else's is a 404)."""

from __future__ import annotations

import datetime
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import F, QuerySet
from django.http import Http404

from emassess.assessments.models import Assessment
from emassess.orgs.models import Membership
from emassess.orgs.selectors import role_anniversary
from emassess.reviews.models import RoleReview
from emassess.reviews.questions import (
    ENERGY_SOURCES,
    ENJOYMENT_LABELS,
    GIVE_UP_NONE,
    GIVE_UP_NONE_LABEL,
    RESPONSIBILITIES,
    WANTS_NEXT,
    labels_of,
)
from emassess.reviews.recommendation import REVIEW_TITLES, REVIEW_YEARS


def due_review_year(
    *, started_on: datetime.date | None, submitted_years: frozenset[int] | set[int], today: datetime.date
) -> int | None:
    """The highest review year whose anniversary has come, unless that year is already submitted.

    An earlier year left undone is not asked for once a later anniversary has come: someone two
    years in gets the two-year check-in, not a late one-year review, and once they submit it
    nothing older is due either.
    """
    if started_on is None:
        return None
    for year in sorted(REVIEW_YEARS, reverse=True):
        if role_anniversary(started_on, years=year) <= today:
            return None if year in submitted_years else year
    return None


def next_review(*, started_on: datetime.date | None, today: datetime.date) -> tuple[int, datetime.date] | None:
    """The next review year whose anniversary is still to come, with its date; None after three years."""
    if started_on is None:
        return None
    for year in REVIEW_YEARS:
        anniversary = role_anniversary(started_on, years=year)
        if anniversary > today:
            return year, anniversary
    return None


def years_reviewed_in_role(reviews: Iterable[RoleReview], *, started_on: datetime.date | None) -> frozenset[int]:
    """The rule: the years of the submitted reviews of the role that began on `started_on`. A new
    role, with another start date, starts its reviews again."""
    return frozenset(
        review.year
        for review in reviews
        if review.status == RoleReview.Status.SUBMITTED and review.role_started_on == started_on
    )


def reviewed_years(*, managers: QuerySet[Membership]) -> dict[int, frozenset[int]]:
    """For each of `managers` (by id), the review years submitted for the role they hold now. One query."""
    by_manager: dict[int, list[RoleReview]] = defaultdict(list)
    current_start: dict[int, datetime.date | None] = {}
    for review in (
        RoleReview.objects.filter(manager__in=managers, status=RoleReview.Status.SUBMITTED)
        .only("manager_id", "year", "role_started_on", "status")
        .annotate(current_start=F("manager__manager_role_started_on"))
    ):
        by_manager[review.manager_id].append(review)
        current_start[review.manager_id] = review.current_start
    return {
        manager_id: years_reviewed_in_role(reviews, started_on=current_start[manager_id])
        for manager_id, reviews in by_manager.items()
    }


def reviewed_years_of(*, manager: Membership) -> frozenset[int]:
    return reviewed_years(managers=Membership.objects.filter(pk=manager.pk)).get(manager.pk, frozenset())


def review_year_due(*, manager: Membership, today: datetime.date) -> int | None:
    """The review year (1, 2 or 3) due for the manager's current role on `today` (a date in the
    organisation's time zone), or None: not a manager, no start date recorded, or nothing due.
    One query at most."""
    if manager.role != Membership.Role.MANAGER or manager.manager_role_started_on is None:
        return None
    started_on = manager.manager_role_started_on
    if role_anniversary(started_on, years=REVIEW_YEARS[0]) > today:
        return None  # nothing can be due yet: spare the query
    return due_review_year(started_on=started_on, submitted_years=reviewed_years_of(manager=manager), today=today)


@dataclass(frozen=True)
class ReviewOverview:
    """What the manager's home page and the review page say about role reviews."""

    due_year: int | None
    draft: RoleReview | None  # the due year's draft, when one was saved
    next_year: int | None  # the next review still to come, when none is due
    next_on: datetime.date | None
    last_submitted: RoleReview | None
    submitted: list[RoleReview]  # newest first, every role the manager held

    @property
    def due_title(self) -> str:
        return REVIEW_TITLES[self.due_year] if self.due_year else ""

    @property
    def next_title(self) -> str:
        return REVIEW_TITLES[self.next_year] if self.next_year else ""


def review_overview(*, manager: Membership, today: datetime.date) -> ReviewOverview:
    """Due year, draft, next date and past reviews of a manager in one query: a manager has a
    handful of reviews at most, so they are read together and sorted out here."""
    started_on = manager.manager_role_started_on
    reviews = list(manager.role_reviews.order_by("-submitted_at", "-year"))
    submitted = [review for review in reviews if review.status == RoleReview.Status.SUBMITTED]
    due = (
        due_review_year(
            started_on=started_on, submitted_years=years_reviewed_in_role(reviews, started_on=started_on), today=today
        )
        if manager.role == Membership.Role.MANAGER
        else None
    )
    draft = next(
        (
            review
            for review in reviews
            if review.status == RoleReview.Status.DRAFT and review.year == due and review.role_started_on == started_on
        ),
        None,
    )
    upcoming = None if due else next_review(started_on=started_on, today=today)
    return ReviewOverview(
        due_year=due,
        draft=draft,
        next_year=upcoming[0] if upcoming else None,
        next_on=upcoming[1] if upcoming else None,
        last_submitted=submitted[0] if submitted else None,
        submitted=submitted,
    )


def review_of_manager(*, manager: Membership, pk: int) -> RoleReview:
    """The manager's own review; anyone else's, or one that does not exist, is a 404 alike."""
    review = (
        RoleReview.objects.select_related("first_assessment", "latest_assessment", "manager__user")
        .filter(manager=manager, pk=pk)
        .first()
    )
    if review is None:
        raise Http404("No such review.")
    return review


def review_draft(*, manager: Membership, year: int) -> RoleReview | None:
    if manager.manager_role_started_on is None:
        return None  # no role start recorded, so no review is due
    return RoleReview.objects.filter(
        manager=manager,
        role_started_on=manager.manager_role_started_on,
        year=year,
        status=RoleReview.Status.DRAFT,
    ).first()


def role_assessments(*, manager: Membership) -> tuple[Assessment | None, Assessment | None]:
    """(first, latest) submitted assessments of the manager's current role.

    The first is the earliest submitted on or after the day the role began (midnight in the
    organisation's time zone); when every assessment predates the role, the earliest of all
    stands in for it. The latest is the most recent. Both are None when the manager never
    assessed; they are the same assessment when there is only one.
    """
    submitted = Assessment.objects.filter(manager=manager, status=Assessment.Status.SUBMITTED)
    latest = submitted.order_by("-submitted_at").first()
    if latest is None:
        return None, None
    first = None
    started_on = manager.manager_role_started_on
    if started_on is not None:
        role_began = datetime.datetime.combine(
            started_on, datetime.time(), tzinfo=zoneinfo.ZoneInfo(manager.organisation.timezone)
        )
        first = submitted.filter(submitted_at__gte=role_began).order_by("submitted_at").first()
    if first is None:
        first = submitted.order_by("submitted_at").first()
    return first, latest


@dataclass(frozen=True)
class AnswerRow:
    question: str
    answer: list[str]  # one line per chosen option or typed text


@dataclass(frozen=True)
class ReviewPage:
    review: RoleReview
    title: str
    outcome: dict
    comparison: dict | None
    answers: list[AnswerRow]


def _answer_rows(answers: dict) -> list[AnswerRow]:
    """The stored answers in the words the form used, for the result page and its printout."""
    enjoyment = answers.get("enjoy_people")
    give_up = answers.get("give_up") or []
    rows = [
        AnswerRow(
            "How much you enjoy the people side",
            [f"{ENJOYMENT_LABELS[enjoyment]} ({enjoyment} of 5)"] if enjoyment in ENJOYMENT_LABELS else [],
        ),
        AnswerRow(
            "What energises you",
            [*labels_of(answers.get("energises") or [], ENERGY_SOURCES), answers.get("energises_other") or ""],
        ),
        AnswerRow(
            "What drains you",
            [*labels_of(answers.get("drains") or [], ENERGY_SOURCES), answers.get("drains_other") or ""],
        ),
        AnswerRow(
            "What you would give up",
            labels_of(give_up, RESPONSIBILITIES) + ([GIVE_UP_NONE_LABEL] if GIVE_UP_NONE in give_up else []),
        ),
        AnswerRow("What you want next", [WANTS_NEXT.get(answers.get("wants_next") or "", "")]),
        AnswerRow("Your notes", [answers.get("notes") or ""]),
    ]
    return [AnswerRow(row.question, [line for line in row.answer if line]) for row in rows]


def review_page(*, review: RoleReview) -> ReviewPage:
    """Everything the result page shows, from what was stored on submit: an old review reads as
    it was, whatever the rules say today."""
    outcome = review.outcome or {}
    return ReviewPage(
        review=review,
        title=REVIEW_TITLES[review.year],
        outcome=outcome,
        comparison=outcome.get("comparison"),
        answers=_answer_rows(review.answers),
    )
