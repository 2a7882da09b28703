"""Celery tasks: they take ids, call a service, and are safe to run more than once."""

import functools

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from emassess.reminders.services import reminder_send, reminders_dispatch, reminders_send

# Claimed reminders are sent this many to a task, over one SMTP connection. A worker killed
# mid-batch loses nothing: the rows it had sent are marked, the others wait out their lease.
SEND_BATCH = 100


def in_batches(reminder_ids: list[int]) -> list[list[int]]:
    return [reminder_ids[i : i + SEND_BATCH] for i in range(0, len(reminder_ids), SEND_BATCH)]


@shared_task(name="reminders.dispatch")
def dispatch_due_reminders() -> int:
    """Periodic (see schedules.py): record what is due, then queue the sending of what was claimed,
    in batches."""
    report = reminders_dispatch(now=timezone.now())
    for batch in in_batches(report.claimed):
        transaction.on_commit(functools.partial(send_reminders.delay, batch))
    return len(report.claimed)


@shared_task(name="reminders.send_batch")
def send_reminders(reminder_ids: list[int]) -> dict[str, int]:
    """A claimed batch over one SMTP connection; says how many of each outcome."""
    outcomes: dict[str, int] = {}
    for result in reminders_send(reminder_ids=reminder_ids):
        outcomes[result.status] = outcomes.get(result.status, 0) + 1
    return outcomes


@shared_task(name="reminders.send")
def send_reminder(reminder_id: int) -> str:
    # No Celery retry here: a failed attempt leaves the row pending with a back-off, and the
    # dispatcher queues it again when that time comes (no long countdown tasks on the broker).
    return reminder_send(reminder_id=reminder_id).status
