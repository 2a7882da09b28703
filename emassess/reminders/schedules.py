"""The periodic tasks, defined in one place. `install_schedules` adds the missing ones to
django-celery-beat's tables and never changes one that exists, so an admin's edits stay."""

from __future__ import annotations

from dataclasses import dataclass

from django_celery_beat.models import CrontabSchedule, PeriodicTask


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
    # Every ten minutes as well: a quarter's figures go out within ten minutes of its close, and a
    # changed threshold or shared result is worked in as soon.
    # The task lives in emassess.dashboards; the schedules stay in this one place.
    Schedule(
        name="Release figures",
        task="dashboards.release_figures",
        minute="*/10",
        description="Releases the result figures that are due into the roll-up HR's dashboards read.",
    ),
)


def install_schedules() -> list[str]:
    """Create the schedules that do not exist yet (by name); returns the names created. A deploy
    step (`manage.py install_schedules`, which `make run` calls too), not a migration: a migration
    must not import live app code, and nothing here may overwrite what an admin edited."""
    created = []
    for schedule in SCHEDULES:
        if PeriodicTask.objects.filter(name=schedule.name).exists():
            continue
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute=schedule.minute, hour=schedule.hour, day_of_week="*", day_of_month="*", month_of_year="*",
            timezone="UTC",
        )  # fmt: skip
        PeriodicTask.objects.create(
            name=schedule.name, task=schedule.task, crontab=crontab, description=schedule.description
        )
        created.append(schedule.name)
    return created
