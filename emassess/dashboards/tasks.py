"""Celery tasks of the dashboards."""

from celery import shared_task
from django.utils import timezone

from emassess.dashboards.releases import figures_release_due


@shared_task(name="dashboards.release_figures")
def release_figures() -> int:
    """Periodic (see emassess/reminders/schedules.py): release every quarter's figures that are due.
    Safe to run at the same time as another copy, and to run again."""
    return len(figures_release_due(now=timezone.now()))
