"""Who is due which reminder on a given day.

`reminders_for` is the rule, a pure function of what is known about one manager; `due_reminders`
gathers those facts for a whole organisation in a fixed number of queries.

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
        remind(Reminder.Kind.CYCLE_OPEN, cycle.label)
        invited_on = facts.invited_on
        if (
            invited_on is not None
            and not facts.nudges_unsubscribed
            and today >= nudge_day(invited_on=invited_on, nudge_after_days=nudge_after_days)
        ):
            remind(Reminder.Kind.CYCLE_NUDGE, cycle.label)
    year = due_review_year(started_on=facts.role_started_on, submitted_years=facts.reviewed_years, today=today)
    if (
        year is not None
        and facts.role_started_on is not None
        and today - role_anniversary(facts.role_started_on, years=year) <= REVIEW_REMINDER_WINDOW
    ):
        remind(Reminder.Kind.ROLE_REVIEW, f"year-{year}")
    return due


def nudge_day(*, invited_on: datetime.date, nudge_after_days: int) -> datetime.date:
    """The day the one nudge is due: the configured number of days after the person's invitation."""
    return invited_on + datetime.timedelta(days=nudge_after_days)


def due_reminders(*, organisation: Organisation, today: datetime.date) -> list[DueReminder]:
    """Every reminder the organisation's managers are due today (`today` in its time zone): two queries."""
    cycle = cycle_containing(today, organisation.cadence_months)
    done = submitted_in_cycle(cycle=cycle, manager=OuterRef("pk"))
    managers = eligible_managers(organisation=organisation, cycle=cycle).filter(
        Q(manager_role_started_on__isnull=True) | Q(manager_role_started_on__lte=today)
    )
    reviewed = reviewed_years(managers=managers)
    invited = Reminder.objects.filter(
        person=OuterRef("pk"), kind=Reminder.Kind.CYCLE_OPEN, period=cycle.label, status=Reminder.Status.SENT
    ).values("sent_at")[:1]
    zone = zoneinfo.ZoneInfo(organisation.timezone)
    due: list[DueReminder] = []
    for row in managers.annotate(done_this_cycle=Exists(done), invited_at=Subquery(invited)).values(
        "pk", "user__email", "manager_role_started_on", "done_this_cycle", "nudges_unsubscribed_at", "invited_at"
    ):
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
    return due
