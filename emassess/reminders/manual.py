"""HR's "remind them now": at most one manual reminder per person and cycle, through the outbox.

A request records a row of kind MANUAL for the current cycle, unique per (person, kind, period)
like every reminder, so two clicks at once, a resubmitted form or a second HR person all end in
one row; the one request that created it records it in the audit log and queues its sending after
commit. Sending is the outbox's own (services.reminder_send): it claims the row only if it is still
pending and still needed (done since, opted out), and sends it once.
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from emassess.accounts.models import User
from emassess.assessments.selectors import submitted_in_cycle
from emassess.orgs.audit import audit_record
from emassess.orgs.cycles import Cycle, cycle_containing
from emassess.orgs.models import AuditEvent, Membership, Organisation
from emassess.orgs.selectors import eligible_managers
from emassess.reminders.models import Reminder
from emassess.reminders.services import LEASE
from emassess.reminders.tasks import send_reminder

# What HR reads when a person cannot be reminded (one wording, for the page and the tests).
ALREADY_REMINDED = "already reminded this cycle"
COMPLETED = "has completed this cycle"
OPTED_OUT = "opted out of reminders"


@dataclass
class ManualReminders:
    cycle: Cycle
    queued: list[Membership] = field(default_factory=list)  # reminded now
    refused: list[tuple[Membership, str]] = field(default_factory=list)  # (person, why not), as above
    unknown: int = 0  # asked for people who are not this organisation's managers expected this cycle


def manual_reminders_request(
    *, organisation: Organisation, membership_ids: list[int], by: User, now: datetime.datetime | None = None
) -> ManualReminders:
    """Remind these managers of the current cycle now, each at most once per cycle (one query per
    person, and one more for those queued)."""
    now = now or timezone.now()
    cycle = cycle_containing(organisation.today(), organisation.cadence_months)
    report = ManualReminders(cycle)
    wanted = set(membership_ids)
    people = list(
        eligible_managers(organisation=organisation, cycle=cycle)
        .filter(pk__in=wanted)
        .annotate(done=Exists(submitted_in_cycle(cycle=cycle, manager=OuterRef("pk"))))
        .select_related("user")
        .order_by("user__full_name", "pk")
    )
    report.unknown = len(wanted) - len(people)
    for person in people:
        if person.done:
            report.refused.append((person, COMPLETED))
        elif person.nudges_unsubscribed_at is not None:
            report.refused.append((person, OPTED_OUT))
        else:
            # The unique constraint decides: a concurrent request inserting the same row waits for
            # this one and then finds it (get_or_create retries the read after the IntegrityError).
            reminder, created = Reminder.objects.get_or_create(
                person=person,
                kind=Reminder.Kind.MANUAL,
                period=cycle.label,
                defaults={"email": person.user.email, "next_attempt_at": now + LEASE},
            )
            if not created:
                report.refused.append((person, ALREADY_REMINDED))
                continue
            audit_record(action=AuditEvent.Action.REMINDER_REQUESTED, organisation=organisation, actor=by,
                         subject=person, detail={"cycle": cycle.label})  # fmt: skip
            # Leased from the start (next_attempt_at above): the dispatcher leaves it to this send,
            # and takes it over only if the send never happens (the lease runs out).
            transaction.on_commit(functools.partial(send_reminder.delay, reminder.pk))
            report.queued.append(person)
    return report


def manually_reminded(*, cycle: Cycle) -> Exists:
    """For an annotation over managers (OuterRef("pk")): HR has reminded them this cycle."""
    return Exists(Reminder.objects.filter(person=OuterRef("pk"), kind=Reminder.Kind.MANUAL, period=cycle.label))
