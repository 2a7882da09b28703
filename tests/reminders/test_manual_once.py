"""HR's "remind them now" arrives exactly once: two HR clicks at the same moment record one row and
send one email, on PostgreSQL (its unique index decides between the two transactions) and with a
real worker, Redis and an SMTP server (when CELERY_BROKER_URL is set, as in CI)."""

from __future__ import annotations

import html
import threading
import time

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse

from emassess.celery import app as celery_app
from emassess.orgs.models import AuditEvent
from emassess.reminders.models import Reminder
from tests.workers import Worker, needs_broker

pytestmark = pytest.mark.django_db(transaction=True)

needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="two transactions at once need PostgreSQL (CI runs it)"
)


def click_at_once(users, person) -> list[list[str]]:
    """Each user's browser posts "remind now" for `person` at the same moment; what each page then
    said (read from the page itself: the test client's captured contexts are shared by threads)."""
    clients = []
    for user in users:
        client = Client()
        client.force_login(user)
        clients.append(client)
    start = threading.Barrier(len(clients))
    said: list[list[str]] = []
    errors: list[BaseException] = []

    def click(client: Client) -> None:
        try:
            start.wait()
            url = reverse("follow_up_remind", args=["not-started"])
            response = client.post(url, {"person": person.pk}, follow=True)
            page = html.unescape(response.content.decode())
            said.append([message for message in SAYINGS if message in page])
        except BaseException as error:  # reported below, in the test's own thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=click, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    return said


SAYINGS = ("Reminder on its way to Alice Able", "No reminder to Alice Able: already reminded this cycle.")


def assert_told_once_sent_once_refused(said: list[list[str]]) -> None:
    assert sorted(said) == [[SAYINGS[1]], [SAYINGS[0]]], said


@needs_postgresql
def test_two_concurrent_clicks_record_one_reminder_and_send_one_email(cast):
    said = click_at_once([cast.hana.user, cast.adam.user], cast.alice)
    assert_told_once_sent_once_refused(said)
    assert list(Reminder.objects.values_list("kind", "email", "status")) == [("manual", "alice@acme.test", "sent")]
    assert [m.to for m in mail.outbox] == [["alice@acme.test"]]
    assert AuditEvent.objects.filter(action="reminder_requested").count() == 1


@pytest.fixture
def through_the_broker():
    """As in test_worker.py: tasks go through the broker to the worker process, not run in-process."""
    celery_app.control.purge()
    celery_app.conf.task_always_eager = False
    yield
    celery_app.conf.task_always_eager = True


@pytest.mark.worker
@needs_broker
def test_remind_now_through_the_real_worker_arrives_once(cast, sink, through_the_broker):
    worker = Worker(concurrency=2, extra_env={"EMAIL_URL": sink.url})
    try:
        said = click_at_once([cast.hana.user, cast.adam.user], cast.alice)
        assert_told_once_sent_once_refused(said)
        deadline = time.monotonic() + 90
        while not Reminder.objects.filter(kind="manual", status="sent").exists():
            assert time.monotonic() < deadline, list(Reminder.objects.values("status", "last_error"))
            time.sleep(0.2)
        # A third click after it went: refused, and nothing more arrives.
        assert_told = click_at_once([cast.hana.user], cast.alice)
        assert assert_told == [["No reminder to Alice Able: already reminded this cycle."]]
        time.sleep(2)  # time for a duplicate to turn up, if one were coming
        reminder = Reminder.objects.get(kind="manual")
        assert [m["To"] for m in sink.messages] == ["alice@acme.test"]
        assert sink.messages[0]["Message-ID"].startswith(f"<reminder-{reminder.pk}@")
        assert "is due by" in sink.messages[0]["Subject"]
    finally:
        worker.stop()
