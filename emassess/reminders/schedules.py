"""The periodic tasks, defined in one place. `install_schedules` adds the missing ones to
django-celery-beat's tables and never changes one that exists, so an admin's edits stay."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Schedule:
    name: str
    task: str
    minute: str
    hour: str = "*"
    description: str = ""


SCHEDULES = (
    # Every ten minutes: cheap (a few queries per organisation), and it is also what retries
    # failed sends after their back-off and re-queues reminders whose worker died.
    Schedule(
        name="Dispatch due reminders",
        task="reminders.dispatch",
        minute="*/10",
        description="Records the reminders managers are due and queues the ones ready to send.",
    ),
)


def install_schedules(periodic_task_model, crontab_model) -> list[str]:
    """Create the schedules that do not exist yet (by name); returns the names created. Takes the
    models as arguments so that a migration can pass its historical ones."""
    created = []
    for schedule in SCHEDULES:
        if periodic_task_model.objects.filter(name=schedule.name).exists():
            continue
        crontab, _ = crontab_model.objects.get_or_create(
            minute=schedule.minute, hour=schedule.hour, day_of_week="*", day_of_month="*", month_of_year="*",
            timezone="UTC",
        )  # fmt: skip
        periodic_task_model.objects.create(
            name=schedule.name, task=schedule.task, crontab=crontab, description=schedule.description
        )
        created.append(schedule.name)
    return created
