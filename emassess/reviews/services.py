"""Writes of the role review: start the due year's draft, keep what was typed, submit once."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from emassess.orgs.models import Membership
from emassess.reviews.models import RoleReview
from emassess.reviews.recommendation import recommend
from emassess.reviews.selectors import role_assessments


def role_review_start(*, manager: Membership, year: int) -> RoleReview:
    """The manager's review of `year` for their current role: the one there is (draft or
    submitted; the caller decides what a submitted one means), or a new draft."""
    lookup = {"manager": manager, "role_started_on": manager.manager_role_started_on, "year": year}
    review = RoleReview.objects.filter(**lookup).first()
    if review is not None:
        return review
    try:
        with transaction.atomic():
            return RoleReview.objects.create(**lookup)
    except IntegrityError:
        # A second tab created it at the same moment: the unique constraint keeps one, use it.
        return RoleReview.objects.get(**lookup)


def role_review_save_draft(*, review: RoleReview, answers: dict[str, Any]) -> bool:
    """Keep what was typed, valid or not. A review already submitted is never overwritten (a
    late second tab); returns whether the draft was saved."""
    # Merged into what was saved before: a post that leaves an answer out (a second tab opened
    # earlier) must not wipe it.
    answers = {**review.answers, **answers}
    saved = RoleReview.objects.filter(pk=review.pk, status=RoleReview.Status.DRAFT).update(
        answers=answers, updated_at=timezone.now()
    )
    if saved:
        review.answers = answers
    return saved == 1


def role_review_submit(
    *, review: RoleReview, answers: dict[str, Any], now: datetime.datetime | None = None
) -> RoleReview:
    """Compare the first assessment in the role with the latest, recommend, and store it all,
    exactly once however many times it is called (double clicks, a second tab, the back
    button): the first call claims the draft with a conditional UPDATE, the others get its result.

    `answers` are the form's typed answers."""
    now = now or timezone.now()
    review.refresh_from_db()  # a second tab's copy may be stale: the database decides
    if review.status == RoleReview.Status.SUBMITTED:
        return review
    first, latest = role_assessments(manager=review.manager)
    # With a single assessment there is nothing to compare: the rules see only the latest.
    distinct_first = first if first is not None and latest is not None and first.pk != latest.pk else None
    outcome = recommend(
        year=review.year,
        answers=answers,
        first=distinct_first.outcome if distinct_first else None,
        latest=latest.outcome if latest else None,
    )
    RoleReview.objects.filter(pk=review.pk, status=RoleReview.Status.DRAFT).update(
        status=RoleReview.Status.SUBMITTED,
        answers=answers,
        first_assessment=first,
        latest_assessment=latest,
        recommendation=outcome.recommendation,
        outcome=outcome.to_json(),
        submitted_at=now,
        updated_at=now,
    )
    review.refresh_from_db()
    return review
