"""The outbox HR reads, the unsubscribe link, and the beat schedule."""

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from emassess.reminders.models import Reminder
from emassess.reminders.schedules import SCHEDULES, install_schedules
from emassess.reminders.services import reminder_send, reminders_dispatch, unsubscribe_token
from tests.helpers import at
from tests.reminders.conftest import send_invitations, smtp_settings
from tests.smtp_sink import free_port


@pytest.fixture
def dispatched(cast, settings):
    """Reminders for October 2026: the invitations went on the 1st; then SMTP went down, and every
    send of the nudges on the 20th was refused."""
    send_invitations("2026-10-01")
    smtp_settings(settings, free_port())
    now = at("2026-10-20")
    for reminder_id in reminders_dispatch(now=now).claimed:
        reminder_send(reminder_id=reminder_id, now=now)
    Reminder.objects.filter(email="carol@acme.test", kind="cycle_nudge").update(status="failed", attempts=5)


def test_the_outbox_shows_what_went_to_whom_and_why_it_failed(client, cast, dispatched):
    client.force_login(cast.hana.user)
    page = client.get(reverse("reminder_outbox")).content.decode()
    assert "alice@acme.test" in page and "carol@acme.test" in page
    assert "gus@globex.test" not in page  # another organisation's
    assert "ConnectionRefusedError" in page
    failed = client.get(reverse("reminder_outbox"), {"status": "failed"}).content.decode()
    assert failed.count("<tr><td>") == 1 and "carol@acme.test" in failed
    nudges = client.get(reverse("reminder_outbox"), {"kind": "cycle_nudge"}).content.decode()
    assert "Reassessment open" not in nudges.split("<tbody>")[1]


def test_the_outbox_ignores_unknown_filters(client, cast, dispatched):
    client.force_login(cast.adam.user)
    response = client.get(reverse("reminder_outbox"), {"status": "<script>", "kind": "nope", "page": "x"})
    assert response.status_code == 200
    assert response.content.decode().count("<tr><td>") == 4


def test_unsubscribing_stops_nudges_and_hr_is_told(client, cast):
    url = reverse("reminders_unsubscribe", args=[unsubscribe_token(membership=cast.alice)])
    page = client.get(url).content.decode()
    assert "Stop the nudges" in page
    cast.alice.refresh_from_db()
    assert cast.alice.nudges_unsubscribed_at is None  # a GET (a link scanner) changes nothing
    assert b"no more nudges" in client.post(url).content
    cast.alice.refresh_from_db()
    assert cast.alice.nudges_unsubscribed_at is not None

    due = {(r.email, r.kind) for r in _dispatch_due(at("2026-10-20"))}
    assert ("alice@acme.test", "cycle_open") in due
    assert ("alice@acme.test", "cycle_nudge") not in due

    client.force_login(cast.hana.user)
    assert "Alice Able" in client.get(reverse("reminder_outbox")).content.decode().split("Opted out of nudges")[1]


def _dispatch_due(now):
    return reminders_dispatch(now=now, dry_run=True).due


def test_one_click_unsubscribe_needs_no_csrf_token(cast):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    url = reverse("reminders_unsubscribe", args=[unsubscribe_token(membership=cast.alice)])
    assert client.post(url, {"List-Unsubscribe": "One-Click"}).status_code == 200
    cast.alice.refresh_from_db()
    assert cast.alice.nudges_unsubscribed_at is not None


def test_a_tampered_unsubscribe_link_is_refused(client, cast):
    token = unsubscribe_token(membership=cast.alice)
    response = client.post(reverse("reminders_unsubscribe", args=[token[:-2] + "xx"]))
    assert response.status_code == 404
    assert b"does not work" in response.content
    cast.alice.refresh_from_db()
    assert cast.alice.nudges_unsubscribed_at is None


def test_no_migration_installs_schedules_and_the_deploy_step_does(db):
    assert not PeriodicTask.objects.exists()
    call_command("install_schedules")
    tasks = {task.name: (task.task, task.crontab.minute) for task in PeriodicTask.objects.all()}
    assert tasks == {
        "Dispatch due reminders": ("reminders.dispatch", "*/10"),
        "Release figures": ("dashboards.release_figures", "*/10"),
    }
    assert [s.name for s in SCHEDULES] == ["Dispatch due reminders", "Release figures"]


def test_installing_again_never_overwrites_what_an_admin_edited(db):
    call_command("install_schedules")
    task = PeriodicTask.objects.get(name="Dispatch due reminders")
    task.crontab = CrontabSchedule.objects.create(minute="0", hour="*/2")
    task.enabled = False
    task.save()
    call_command("install_schedules")
    task.refresh_from_db()
    assert (task.crontab.minute, task.crontab.hour, task.enabled) == ("0", "*/2", False)

    task.delete()
    assert install_schedules() == ["Dispatch due reminders"]  # the other one is still there
    assert PeriodicTask.objects.get(name="Dispatch due reminders").enabled
