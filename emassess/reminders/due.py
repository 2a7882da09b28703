"""Who is due which reminder on a given day.

`reminders_for` is the rule, a pure function of what is known about one manager (and
`report_reminders_for` about one report, for the upward-feedback survey, with the same timing);
`due_reminders` gathers those facts for a whole organisation in a fixed number of queries.

The nudge counts its days from the person's own invitation to the cycle (the cycle-open email, as
it was sent), not from the cycle's first day: someone who joins in the middle of a cycle is invited
at once and nudged the configured number of days later, never in the same run.
"""

from __future__ import annotations

import datetime
import zoneinfo
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, Subquery

from emassess.assessments.selectors import submitted_in_cycle
from emassess.feedback.selectors import answered_in_cycle, answering_reports
from emassess.feedback.survey import current_survey
from emassess.orgs.cycles import Cycle, cycle_containing
from emassess.orgs.models import Organisation
from emassess.orgs.selectors import eligible_managers, role_anniversary
from emassess.reminders.models import Reminder
from emassess.reviews.selectors import due_review_year, reviewed_years

# A review reminder goes out in the weeks after the anniversary, not years later: someone who
# has led a team for five years when their organisation joins is not sent a "one-year" email.
REVIEW_REMINDER_WINDOW = datetime.timedelta(days=60)


@dataclass(frozen=True)
class ManagerFacts:
    membership_id: int
    email: str
    role_started_on: datetime.date | None
    # A result of the cycle, reopened or not: changing its answers keeps it submitted and counted.
    done_this_cycle: bool
    nudges_unsubscribed: bool
    reviewed_years: frozenset[int]  # role reviews submitted for the current role
    # The day (in the organisation's time zone) this cycle's invitation was sent; None until it has gone.
    invited_on: datetime.date | None = None


@dataclass(frozen=True)
class ReportFacts:
    """What the upward-feedback reminders of one report depend on."""

    membership_id: int
    email: str
    answered_this_cycle: bool  # about the manager they report to now
    nudges_unsubscribed: bool
    invited_on: datetime.date | None = None  # as ManagerFacts.invited_on, of the survey's invitation


@dataclass(frozen=True)
class DueReminder:
    membership_id: int
    email: str
    kind: str
    period: str


def reminders_for(
    facts: ManagerFacts, *, cycle: Cycle, nudge_after_days: int, today: datetime.date
) -> list[DueReminder]:
    due = []

    def remind(kind: str, period: str) -> None:
        due.append(DueReminder(facts.membership_id, facts.email, kind, period))

    if not facts.done_this_cycle:
        for kind in invitation_and_nudge(
            invited_on=facts.invited_on, unsubscribed=facts.nudges_unsubscribed, nudge_after_days=nudge_after_days,
            today=today, kinds=(Reminder.Kind.CYCLE_OPEN, Reminder.Kind.CYCLE_NUDGE),
        ):  # fmt: skip
            remind(kind, cycle.label)
    year = due_review_year(started_on=facts.role_started_on, submitted_years=facts.reviewed_years, today=today)
    if (
        year is not None
        and facts.role_started_on is not None
        and today - role_anniversary(facts.role_started_on, years=year) <= REVIEW_REMINDER_WINDOW
    ):
        remind(Reminder.Kind.ROLE_REVIEW, f"year-{year}")
    return due


def report_reminders_for(
    facts: ReportFacts, *, cycle: Cycle, nudge_after_days: int, today: datetime.date
) -> list[DueReminder]:
    """A report's invitation to the cycle's survey about their manager and its one nudge: the
    managers' timing, until they have answered."""
    if facts.answered_this_cycle:
        return []
    kinds = invitation_and_nudge(
        invited_on=facts.invited_on, unsubscribed=facts.nudges_unsubscribed, nudge_after_days=nudge_after_days,
        today=today, kinds=(Reminder.Kind.FEEDBACK_OPEN, Reminder.Kind.FEEDBACK_NUDGE),
    )  # fmt: skip
    return [DueReminder(facts.membership_id, facts.email, kind, cycle.label) for kind in kinds]


def invitation_and_nudge(
    *, invited_on: datetime.date | None, unsubscribed: bool, nudge_after_days: int, today: datetime.date,
    kinds: tuple[str, str],
) -> list[str]:  # fmt: skip
    """For someone who has not done the cycle's task yet: the invitation, and the one nudge once
    the delay has passed since their own invitation went, unless they opted out of nudges."""
    invitation, nudge = kinds
    nudged = (
        invited_on is not None
        and not unsubscribed
        and today >= nudge_day(invited_on=invited_on, nudge_after_days=nudge_after_days)
    )
    return [invitation, nudge] if nudged else [invitation]


def nudge_day(*, invited_on: datetime.date, nudge_after_days: int) -> datetime.date:
    """The day the one nudge is due: the configured number of days after the person's invitation."""
    return invited_on + datetime.timedelta(days=nudge_after_days)


def due_reminders(*, organisation: Organisation, today: datetime.date) -> list[DueReminder]:
    """Every reminder the organisation's managers and reports are due today (`today` in its time
    zone): five queries."""
    cycle = cycle_containing(today, organisation.cadence_months)
    done = submitted_in_cycle(cycle=cycle, manager=OuterRef("pk"))
    managers = eligible_managers(organisation=organisation, cycle=cycle).filter(
        Q(manager_role_started_on__isnull=True) | Q(manager_role_started_on__lte=today)
    )
    reviewed = reviewed_years(managers=managers)
    zone = zoneinfo.ZoneInfo(organisation.timezone)
    due: list[DueReminder] = []
    for row in managers.annotate(
        done_this_cycle=Exists(done), invited_at=_sent_on(Reminder.Kind.CYCLE_OPEN, cycle)
    ).values("pk", "user__email", "manager_role_started_on", "done_this_cycle", "nudges_unsubscribed_at", "invited_at"):
        facts = ManagerFacts(
            membership_id=row["pk"],
            email=row["user__email"],
            role_started_on=row["manager_role_started_on"],
            done_this_cycle=row["done_this_cycle"],
            nudges_unsubscribed=row["nudges_unsubscribed_at"] is not None,
            reviewed_years=reviewed.get(row["pk"], frozenset()),
            invited_on=row["invited_at"].astimezone(zone).date() if row["invited_at"] else None,
        )
        due += reminders_for(facts, cycle=cycle, nudge_after_days=organisation.nudge_after_days, today=today)
    return due + _report_reminders(organisation=organisation, cycle=cycle, today=today)


def _sent_on(kind: str, cycle: Cycle) -> Subquery:
    """For an annotation over people: when their reminder of `kind` for the cycle was sent."""
    sent = Reminder.objects.filter(person=OuterRef("pk"), kind=kind, period=cycle.label, status=Reminder.Status.SENT)
    return Subquery(sent.values("sent_at")[:1])


def _report_reminders(*, organisation: Organisation, cycle: Cycle, today: datetime.date) -> list[DueReminder]:
    """The reports' survey reminders (two queries), once a survey has been published to answer."""
    if current_survey() is None:
        return []
    reports = answering_reports(organisation=organisation).annotate(
        answered=Exists(answered_in_cycle(cycle=cycle.label, report=OuterRef("pk"), manager=OuterRef("reports_to"))),
        invited_at=_sent_on(Reminder.Kind.FEEDBACK_OPEN, cycle),
    )
    zone = zoneinfo.ZoneInfo(organisation.timezone)
    due: list[DueReminder] = []
    for row in reports.values("pk", "user__email", "answered", "nudges_unsubscribed_at", "invited_at"):
        facts = ReportFacts(
            membership_id=row["pk"],
            email=row["user__email"],
            answered_this_cycle=row["answered"],
            nudges_unsubscribed=row["nudges_unsubscribed_at"] is not None,
            invited_on=row["invited_at"].astimezone(zone).date() if row["invited_at"] else None,
        )
        due += report_reminders_for(facts, cycle=cycle, nudge_after_days=organisation.nudge_after_days, today=today)
    return due
