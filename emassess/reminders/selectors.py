"""Reads of the outbox for HR and org admins."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from emassess.orgs.models import Membership, Organisation
from emassess.reminders.models import Reminder


def outbox_list(*, organisation: Organisation, status: str = "", kind: str = "") -> QuerySet[Reminder]:
    reminders = Reminder.objects.filter(person__organisation=organisation).select_related("person__user")
    if status:
        reminders = reminders.filter(status=status)
    if kind:
        reminders = reminders.filter(kind=kind)
    return reminders.order_by("-created_at", "-pk")


def outbox_counts(*, organisation: Organisation) -> dict[str, int]:
    rows = Reminder.objects.filter(person__organisation=organisation).values("status").annotate(n=Count("pk"))
    return {row["status"]: row["n"] for row in rows}


def nudge_opt_outs(*, organisation: Organisation) -> QuerySet[Membership]:
    return (
        organisation.memberships.filter(nudges_unsubscribed_at__isnull=False)
        .select_related("user", "team")
        .order_by("-nudges_unsubscribed_at")
    )
