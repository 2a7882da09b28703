"""Exactly once for the reports' survey reminders too, with the real parts: a `celery worker`
process, Redis, PostgreSQL and an SMTP server. Runs whenever CELERY_BROKER_URL is set (CI sets it)."""

from __future__ import annotations

import datetime
import threading
import time

import pytest
from django.db import connection

from emassess.reminders.models import Reminder
from emassess.reminders.services import LEASE, reminder_send, reminders_dispatch
from tests import factories
from tests.helpers import at
from tests.reminders.test_worker import (
    assert_each_arrived_once,
    dispatch_and_queue,
    dispatch_and_queue_batches,
    wait_until_all_sent,
)
from tests.workers import Worker, needs_broker

pytestmark = [pytest.mark.worker, needs_broker, pytest.mark.django_db(transaction=True)]

MANAGERS, REPORTS_EACH = 3, 3
INVITED, NUDGED = at("2026-10-01"), at("2026-10-20")  # the nudge is due 14 days after the invitation


@pytest.fixture
def teams(cast, survey):
    """Three more Acme managers with three reports each, and the survey published. Started in 2025,
    so nobody is due a role review."""
    reports = []
    for _ in range(MANAGERS):
        manager = factories.ManagerFactory(organisation=cast.acme, team=cast.alice.team)
        reports += [
            factories.MembershipFactory(organisation=cast.acme, reports_to=manager) for _ in range(REPORTS_EACH)
        ]
    return reports


def invite_everyone() -> None:
    """The cycle's invitations, sent in this process on its first day: the nudges count from them."""
    for reminder_id in reminders_dispatch(now=INVITED).claimed:
        reminder_send(reminder_id=reminder_id, now=INVITED)


def test_two_dispatchers_at_once_send_each_reports_invitation_and_nudge_once(teams, sink, through_the_broker):
    worker = Worker(concurrency=2, extra_env={"EMAIL_URL": sink.url})
    try:
        start = threading.Barrier(2)
        claimed: list[int] = []

        def beat(now: datetime.datetime) -> None:
            try:
                start.wait()
                claimed.append(dispatch_and_queue(now))
            finally:
                connection.close()

        for now in (INVITED, NUDGED):  # the invitations, and then the nudges, by two dispatchers at once
            threads = [threading.Thread(target=beat, args=(now,)) for _ in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            wait_until_all_sent()
            dispatch_and_queue(now)  # a third run later hands out nothing again
            # The worker stamps the real time; the nudges count from the day the invitations went.
            Reminder.objects.filter(sent_at__isnull=False).update(sent_at=now)

        reports = len(teams) + 1  # and the cast's Bob, Alice's report
        for kind in ("feedback_open", "feedback_nudge"):
            assert Reminder.objects.filter(kind=kind, period="2026-Q4").count() == reports
        assert sum(claimed) == Reminder.objects.count()  # the dispatchers claimed disjoint sets
        assert_each_arrived_once(sink)
        to_reports = {r.user.email for r in teams} | {"bob@acme.test"}
        assert len([m for m in sink.messages if m["To"] in to_reports]) == 2 * reports
    finally:
        worker.stop()


def test_a_worker_killed_mid_batch_of_nudges_loses_none_and_sends_none_twice(teams, sink, through_the_broker):
    """The invitations went (in this process, not through the sink); the nudges, the reports' and
    the managers', go in one batch over one SMTP connection, the fourth hangs in SMTP and the worker
    is killed: the three before it stay sent, the rest go after their lease, each once."""
    invite_everyone()
    delivered = 3
    sink.handler.stall_after, sink.handler.stall_seconds = delivered, 5
    first = Worker(extra_env={"EMAIL_URL": sink.url})
    second = None
    try:
        total = dispatch_and_queue_batches(NUDGED)
        nudges = Reminder.objects.filter(kind__in=("feedback_nudge", "cycle_nudge"))
        assert total == nudges.count() and nudges.filter(kind="feedback_nudge").count() == len(teams) + 1
        assert sink.handler.stalled.wait(60), "the worker never reached the fourth message"
        first.kill()
        sink.handler.stall_seconds = 0
        assert len(sink.messages) == delivered  # the interrupted message was never accepted
        assert nudges.filter(status="sent").count() == delivered
        assert set(nudges.filter(status="pending").values_list("attempts", flat=True)) == {0}

        second = Worker(extra_env={"EMAIL_URL": sink.url})
        assert dispatch_and_queue_batches(NUDGED) == 0  # still leased: nothing handed out twice
        assert dispatch_and_queue_batches(NUDGED + LEASE) == total - delivered
        wait_until_all_sent()
        time.sleep(2)  # time for a duplicate to turn up, if one were coming
        assert sorted(m["To"] for m in sink.messages) == sorted(nudges.values_list("email", flat=True))
        assert len({m["Message-ID"] for m in sink.messages}) == len(sink.messages) == total
    finally:
        first.stop()
        if second is not None:
            second.stop()
