"""Reads of the outbox for HR and org admins."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from emassess.orgs.models import Membership, Organisation
from emassess.reminders.models import FEEDBACK_KINDS, Reminder

# The kinds HR's outbox lists: not the reports' survey reminders (see FEEDBACK_KINDS).
OUTBOX_KINDS = [(value, label) for value, label in Reminder.Kind.choices if value not in FEEDBACK_KINDS]


def _outbox(organisation: Organisation) -> QuerySet[Reminder]:
    return Reminder.objects.filter(person__organisation=organisation).exclude(kind__in=FEEDBACK_KINDS)


def outbox_list(*, organisation: Organisation, status: str = "", kind: str = "") -> QuerySet[Reminder]:
    """What HR reads in the outbox: every reminder but the reports' survey reminders."""
    reminders = _outbox(organisation).select_related("person__user")
    if status:
        reminders = reminders.filter(status=status)
    if kind:
        reminders = reminders.filter(kind=kind)
    return reminders.order_by("-created_at", "-pk")


def outbox_counts(*, organisation: Organisation) -> dict[str, int]:
    rows = _outbox(organisation).values("status").annotate(n=Count("pk"))
    return {row["status"]: row["n"] for row in rows}


def nudge_opt_outs(*, organisation: Organisation) -> QuerySet[Membership]:
    return (
        organisation.memberships.filter(nudges_unsubscribed_at__isnull=False)
        .select_related("user", "team")
        .order_by("-nudges_unsubscribed_at")
    )
