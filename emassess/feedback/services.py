"""Writes of upward feedback: a report's answers, and the release of a manager's team view."""

from __future__ import annotations

import datetime
import enum
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from emassess.feedback.models import Response, TeamViewRelease
from emassess.feedback.selectors import cycle_end, response_can_change, survey_status
from emassess.feedback.survey import DONT_KNOW, SCALE_MAX
from emassess.feedback.team import team_figures, threshold
from emassess.orgs.models import Membership, Organisation


class NotAnswerable(enum.StrEnum):
    """Why a report cannot answer now, in the words the survey page shows."""

    NO_MANAGER = (
        "You have nobody to answer about: no manager is recorded for you. Your organisation's admin can set it."
    )
    CLOSED = "This cycle has closed: your answers are kept as they were, and the next cycle's survey opens soon."
    NO_SURVEY = "The survey is not available yet. Please try again later."


@dataclass
class CannotAnswer(Exception):
    reason: NotAnswerable


def answer_problems(*, items: list[dict[str, Any]], answers: dict[str, Any]) -> list[str]:
    """Which items are unanswered or answered with something the scale does not hold."""
    allowed = {*range(SCALE_MAX + 1), DONT_KNOW}
    return [item["id"] for item in items if answers.get(item["id"]) not in allowed]


def response_submit(*, report: Membership, answers: dict[str, Any], now: datetime.datetime | None = None) -> Response:
    """Store the report's answers about their manager for this cycle, or change the ones they gave:
    one response per report, manager and cycle, however many tabs submit at once."""
    now = now or timezone.now()
    status = survey_status(report=report, now=now)
    if status.manager is None:
        raise CannotAnswer(NotAnswerable.NO_MANAGER)
    if status.version is None:
        raise CannotAnswer(NotAnswerable.NO_SURVEY)
    if not status.can_change:
        raise CannotAnswer(NotAnswerable.CLOSED)
    items = status.version.items
    if answer_problems(items=items, answers=answers):
        raise ValueError("every item needs an answer on the survey's scale")
    kept = {item["id"]: answers[item["id"]] for item in items}
    if status.response is not None:
        return _change(status.response, kept, now)
    try:
        with transaction.atomic():
            return Response.objects.create(
                report=report,
                manager=status.manager,
                version=status.version,
                cycle=status.cycle.label,
                answers=kept,
                submitted_at=now,
                closes_at=cycle_end(cycle=status.cycle.label, organisation_timezone=report.organisation.timezone),
            )
    except IntegrityError:
        # A second tab got there first: these answers change that response.
        response = Response.objects.select_related("manager__organisation", "version").get(
            report=report, manager=status.manager, cycle=status.cycle.label
        )
        if not response_can_change(response=response, now=now):
            raise CannotAnswer(NotAnswerable.CLOSED) from None
        return _change(response, kept, now)


def _change(response: Response, answers: dict[str, Any], now: datetime.datetime) -> Response:
    response.answers = answers
    response.changed_at = now
    response.save(update_fields=["answers", "changed_at"])
    return response


def team_view_release(
    *, manager: Membership, cycle: str, now: datetime.datetime | None = None
) -> TeamViewRelease | None:
    """The manager's team view of a cycle, released once: after the cycle has closed, from the
    answers given by then; withheld (no figures) when fewer reports answered than the threshold.
    None while the cycle is still open. Releasing again returns the first release unchanged."""
    now = now or timezone.now()
    released = TeamViewRelease.objects.filter(manager=manager, cycle=cycle).first()
    if released is not None:
        return released
    if now < cycle_end(cycle=cycle, organisation_timezone=manager.organisation.timezone):
        return None
    responses = list(Response.objects.filter(manager=manager, cycle=cycle).select_related("version"))
    view = _team_view(manager.pk, cycle, responses, needed=threshold(manager.organisation.anonymity_threshold))
    try:
        with transaction.atomic():
            view.save()
            return view
    except IntegrityError:
        return TeamViewRelease.objects.get(manager=manager, cycle=cycle)


def team_view_releases(
    *, organisation: Organisation, cycle: str, now: datetime.datetime | None = None
) -> dict[int, TeamViewRelease]:
    """The team views of a cycle of every manager in the organisation whose reports answered,
    released once as team_view_release does (a view already released stays as it was), in three
    queries whatever the organisation's size: what HR's release of a quarter counts blind spots
    from. Empty while the cycle is still open."""
    now = now or timezone.now()
    if now < cycle_end(cycle=cycle, organisation_timezone=organisation.timezone):
        return {}
    in_organisation = {"manager__organisation": organisation, "cycle": cycle}
    released = {view.manager_id: view for view in TeamViewRelease.objects.filter(**in_organisation)}
    answered: dict[int, list[Response]] = defaultdict(list)
    for response in (
        Response.objects.filter(**in_organisation).exclude(manager__in=list(released)).select_related("version")
    ):
        answered[response.manager_id].append(response)
    needed = threshold(organisation.anonymity_threshold)
    new = [_team_view(manager, cycle, responses, needed=needed) for manager, responses in answered.items()]
    # Another release at the same moment made some of them: theirs stand, and are read back below.
    TeamViewRelease.objects.bulk_create(new, ignore_conflicts=True)
    if new:
        released.update({view.manager_id: view for view in TeamViewRelease.objects.filter(**in_organisation)})
    return released


def _team_view(manager_id: int, cycle: str, responses: list[Response], *, needed: int) -> TeamViewRelease:
    """A manager's team view of a cycle from the answers given (not yet saved); withheld (no
    figures) when fewer reports answered than `needed`."""
    figures: dict[str, Any] = {}
    if responses:
        # Items are matched by id across versions; their words are those of the newest version answered.
        definition = max((r.version for r in responses), key=lambda version: version.number).definition
        figures = team_figures(definition, [r.answers for r in responses], needed=needed)
    return TeamViewRelease(
        manager_id=manager_id, cycle=cycle, respondents=len(responses), threshold=needed, figures=figures
    )
