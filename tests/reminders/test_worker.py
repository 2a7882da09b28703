"""Exactly once, with the real parts: a `celery worker` process, Redis, PostgreSQL and an SMTP
server on 127.0.0.1. Runs whenever CELERY_BROKER_URL is set (CI sets it)."""

from __future__ import annotations

import datetime
import threading
import time

import pytest
from django.db import connection
from django.utils import timezone

from emassess.reminders.models import Reminder
from emassess.reminders.services import BACKOFF, LEASE, reminders_dispatch
from emassess.reminders.tasks import in_batches, send_reminder, send_reminders
from tests import factories
from tests.smtp_sink import SmtpSink
from tests.workers import Worker, needs_broker

pytestmark = [pytest.mark.worker, needs_broker, pytest.mark.django_db(transaction=True)]

MANAGERS = 12


@pytest.fixture
def managers(cast):
    team = cast.alice.team
    # Started in 2025, so nobody is due a role review: only the cycle's reminders.
    return [factories.ManagerFactory(organisation=cast.acme, team=team) for _ in range(MANAGERS)]


def dispatch_and_queue(now: datetime.datetime) -> int:
    """What the periodic task does: dispatch, then queue each claimed reminder's sending."""
    report = reminders_dispatch(now=now)
    for reminder_id in report.claimed:
        send_reminder.delay(reminder_id)
    return len(report.claimed)


def dispatch_and_queue_batches(now: datetime.datetime) -> int:
    """The same, sending in batches over one SMTP connection each, as the periodic task does."""
    report = reminders_dispatch(now=now)
    for batch in in_batches(report.claimed):
        send_reminders.delay(batch)
    return len(report.claimed)


def wait_until_all_sent(timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not Reminder.objects.exclude(status="sent").exists():
            return
        time.sleep(0.2)
    raise AssertionError(list(Reminder.objects.exclude(status="sent").values("email", "kind", "status", "last_error")))


def assert_each_arrived_once(sink: SmtpSink) -> None:
    time.sleep(2)  # time for a duplicate to turn up, if one were coming
    expected = sorted(f"{r.email}|{r.kind}" for r in Reminder.objects.all())
    arrived = sorted(f"{m['To']}|{m['Message-ID']}" for m in sink.messages)
    assert len(arrived) == len(expected), arrived
    assert len({m["Message-ID"] for m in sink.messages}) == len(expected)
    assert sorted(m["To"] for m in sink.messages) == sorted(r.email for r in Reminder.objects.all())


def test_two_dispatchers_at_once_send_every_email_once(managers, sink, through_the_broker):
    worker = Worker(concurrency=2, extra_env={"EMAIL_URL": sink.url})
    try:
        now = timezone.now()
        start = threading.Barrier(2)
        claimed: list[int] = []

        def beat() -> None:
            try:
                start.wait()
                claimed.append(dispatch_and_queue(now))
            finally:
                connection.close()

        threads = [threading.Thread(target=beat) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        total = Reminder.objects.count()
        assert total >= MANAGERS + 2  # every manager's invitation, at least, recorded once
        assert sum(claimed) == total  # the two dispatchers claimed disjoint sets
        dispatch_and_queue(now)  # and a third run later hands out nothing again
        wait_until_all_sent()
        assert_each_arrived_once(sink)
    finally:
        worker.stop()


def test_a_worker_killed_mid_send_loses_nothing_and_sends_nothing_twice(managers, sink, through_the_broker):
    sink.handler.stall_seconds = 5  # the first message hangs in SMTP, so the kill lands mid-send
    first = Worker(extra_env={"EMAIL_URL": sink.url})
    second = None
    try:
        now = timezone.now()
        dispatch_and_queue(now)
        assert sink.handler.stalled.wait(60), "the worker never reached the SMTP server"
        first.kill()
        sink.handler.stall_seconds = 0
        assert sink.messages == []  # the interrupted message was never accepted

        second = Worker(extra_env={"EMAIL_URL": sink.url})
        # The killed worker's reminder stays pending (its transaction died with it) until its
        # lease runs out; then the next dispatcher run hands it out again.
        deadline = time.monotonic() + 60
        while Reminder.objects.filter(status="pending").count() > 1 and time.monotonic() < deadline:
            time.sleep(0.2)
        stuck = Reminder.objects.get(status="pending")
        assert stuck.attempts == 0
        assert dispatch_and_queue(now + LEASE) == 1
        wait_until_all_sent()
        assert_each_arrived_once(sink)
    finally:
        first.stop()
        if second is not None:
            second.stop()


def test_smtp_down_for_a_while_every_email_still_arrives_once(managers, sink, through_the_broker):
    sink.stop()  # SMTP is down
    worker = Worker(extra_env={"EMAIL_URL": sink.url})
    try:
        now = timezone.now()
        queued = dispatch_and_queue(now)
        deadline = time.monotonic() + 60
        while Reminder.objects.filter(attempts=1).count() < queued and time.monotonic() < deadline:
            time.sleep(0.2)
        assert Reminder.objects.filter(status="pending", attempts=1).count() == queued
        assert "ConnectionRefusedError" in Reminder.objects.first().last_error

        sink.start()  # back up
        assert dispatch_and_queue(timezone.now() + BACKOFF[0]) == queued  # the back-off has passed
        wait_until_all_sent()
        assert_each_arrived_once(sink)
        assert set(Reminder.objects.values_list("attempts", flat=True)) == {2}
    finally:
        worker.stop()


def test_a_worker_killed_mid_batch_loses_nothing_and_sends_nothing_twice(managers, sink, through_the_broker):
    """One batch, one SMTP connection: the sixth message hangs in SMTP and the worker is killed.
    The five before it were each committed as sent on their own; the rest stay pending until their
    lease runs out, and the next dispatcher run sends them, each once."""
    delivered = 5
    sink.handler.stall_after, sink.handler.stall_seconds = delivered, 5
    first = Worker(extra_env={"EMAIL_URL": sink.url})
    second = None
    try:
        now = timezone.now()
        total = dispatch_and_queue_batches(now)
        assert total <= 100  # one batch
        assert sink.handler.stalled.wait(60), "the worker never reached the sixth message"
        first.kill()
        sink.handler.stall_seconds = 0
        assert len(sink.messages) == delivered  # the interrupted message was never accepted
        assert Reminder.objects.filter(status="sent").count() == delivered
        left = Reminder.objects.filter(status="pending")
        assert left.count() == total - delivered
        assert set(left.values_list("attempts", flat=True)) == {0}

        second = Worker(extra_env={"EMAIL_URL": sink.url})
        assert dispatch_and_queue_batches(now) == 0  # still leased: nothing handed out twice
        assert dispatch_and_queue_batches(now + LEASE) == total - delivered
        wait_until_all_sent()
        assert_each_arrived_once(sink)
    finally:
        first.stop()
        if second is not None:
            second.stop()
