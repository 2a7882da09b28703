"""Celery tasks: they take ids, call a service, and are safe to run more than once."""

import functools

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from emassess.reminders.services import reminder_send, reminders_dispatch


@shared_task(name="reminders.dispatch")
def dispatch_due_reminders() -> int:
    """Periodic (see schedules.py): record what is due, then queue each claimed reminder's sending."""
    report = reminders_dispatch(now=timezone.now())
    for reminder_id in report.claimed:
        transaction.on_commit(functools.partial(send_reminder.delay, reminder_id))
    return len(report.claimed)


@shared_task(name="reminders.send")
def send_reminder(reminder_id: int) -> str:
    # No Celery retry here: a failed attempt leaves the row pending with a back-off, and the
    # dispatcher queues it again when that time comes (no long countdown tasks on the broker).
    return reminder_send(reminder_id=reminder_id).status
