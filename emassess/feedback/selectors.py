"""Reads of upward feedback: what a report answers and when, and their own past answers."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import OuterRef, QuerySet

from emassess.assessments.selectors import cycle_at
from emassess.feedback.models import Response, SurveyVersion, TeamViewRelease
from emassess.feedback.survey import DONT_KNOW, current_survey
from emassess.feedback.team import threshold
from emassess.orgs.cycles import Cycle, parse_cycle
from emassess.orgs.models import Membership, Organisation


def manager_to_answer_about(*, report: Membership) -> Membership | None:
    """Whom a report answers the survey about: the person they report to, when that is an active
    manager. Only reports answer (not managers of managers' managers, HR or admins: not yet).
    answering_reports() is the same rule for many people at once."""
    manager = report.reports_to
    if report.role != Membership.Role.REPORT or manager is None:
        return None
    if manager.role != Membership.Role.MANAGER or not manager.user.is_active:
        return None
    return manager


def answering_reports(*, organisation: Organisation) -> QuerySet[Membership]:
    """The organisation's active people who have a survey to answer about their manager (each
    row's reports_to): manager_to_answer_about's rule as one query."""
    return organisation.memberships.filter(
        role=Membership.Role.REPORT,
        user__is_active=True,
        reports_to__role=Membership.Role.MANAGER,
        reports_to__user__is_active=True,
    )


def answered_in_cycle(
    *, cycle: str, report: Membership | OuterRef, manager: Membership | OuterRef
) -> QuerySet[Response]:
    """The report's response about the manager in the cycle (at most one). For an annotation over
    reports, report=OuterRef("pk") and manager=OuterRef("reports_to")."""
    return Response.objects.filter(report=report, manager=manager, cycle=cycle)


def cycle_end(*, cycle: str, organisation_timezone: str) -> datetime.datetime:
    return parse_cycle(cycle).bounds(organisation_timezone)[1]


def response_can_change(*, response: Response, now: datetime.datetime) -> bool:
    """Answers change until their cycle closes: at the close in the organisation's time zone when
    they were first given, or in its time zone now, whichever comes first (as a result's do), and
    never once the team view of that cycle has been released."""
    end_now = cycle_end(cycle=response.cycle, organisation_timezone=response.manager.organisation.timezone)
    if now >= min(end_now, response.closes_at):
        return False
    return not TeamViewRelease.objects.filter(manager_id=response.manager_id, cycle=response.cycle).exists()


@dataclass(frozen=True)
class SurveyStatus:
    """What a report has to answer now: about whom, in which cycle, and what they answered so far."""

    manager: Membership | None  # None: nobody to answer about
    cycle: Cycle
    version: SurveyVersion | None  # the version they answer (their response's, or the current one)
    response: Response | None
    can_change: bool  # no response yet, or one they may still change

    @property
    def open(self) -> bool:
        return self.manager is not None and self.version is not None and self.can_change


def survey_status(*, report: Membership, now: datetime.datetime) -> SurveyStatus:
    cycle = cycle_at(organisation=report.organisation, now=now)
    manager = manager_to_answer_about(report=report)
    response = (
        Response.objects.select_related("version", "manager__organisation")
        .filter(report=report, manager=manager, cycle=cycle.label)
        .first()
        if manager is not None
        else None
    )
    if response is not None:
        return SurveyStatus(manager, cycle, response.version, response, response_can_change(response=response, now=now))
    released = (
        manager is not None and TeamViewRelease.objects.filter(manager=manager, cycle=cycle.label).exists()
    )  # only after a time zone moved west past a close: that cycle's view is out, so it takes no more
    return SurveyStatus(manager, cycle, current_survey(), None, not released)


def responses_given(*, report: Membership) -> QuerySet[Response]:
    """A report's own answers, newest first: theirs to read (and in their data download), nobody else's."""
    return report.feedback_given.select_related("version", "manager__user").order_by("-cycle", "-submitted_at")


@dataclass(frozen=True)
class AnsweredItem:
    text: str
    answer: str


def answered_items(*, response: Response) -> list[AnsweredItem]:
    """The response as the report gave it: each item with the words of the answer they chose."""
    definition = response.version.definition
    labels = definition["scale"]["labels"]
    dont_know = definition["scale"]["dont_know"]
    return [
        AnsweredItem(
            item["text"],
            dont_know if response.answers.get(item["id"]) == DONT_KNOW else labels[response.answers[item["id"]]],
        )
        for item in definition["items"]
        if item["id"] in response.answers
    ]


@dataclass(frozen=True)
class FeedbackProgress:
    """How many of a manager's reports answered the survey of the cycle under way, no names: the
    exact count once at least `needed` have answered, and only "fewer than `needed`" before (see
    README, "Upward feedback": under the threshold, a count that moves one answer at a time would
    let its timing say who answered)."""

    cycle: Cycle
    asked: int  # the reports who have a survey to answer about the manager, and any who answered since they moved
    answered: int | None  # None: fewer than `needed`, not told apart from none
    needed: int

    @property
    def too_few_to_ever_show(self) -> bool:
        """Even if every report answered, the team's view would stay withheld."""
        return self.asked < self.needed


def feedback_progress(*, manager: Membership, now: datetime.datetime) -> FeedbackProgress:
    """Two queries: who answered about the manager this cycle, and who has the survey to answer."""
    cycle = cycle_at(organisation=manager.organisation, now=now)
    needed = threshold(manager.organisation.anonymity_threshold)
    answered = set(Response.objects.filter(manager=manager, cycle=cycle.label).values_list("report_id", flat=True))
    asked = set(
        answering_reports(organisation=manager.organisation).filter(reports_to=manager).values_list("pk", flat=True)
    )
    return FeedbackProgress(
        cycle=cycle,
        asked=len(asked | answered),
        answered=len(answered) if len(answered) >= needed else None,
        needed=needed,
    )
