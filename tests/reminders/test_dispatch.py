"""Dispatching and sending: each due reminder is recorded once and arrives once, SMTP failures
are retried with back-off and end as failures HR can see."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from emassess.reminders.models import Reminder
from emassess.reminders.services import (
    BACKOFF,
    LEASE,
    MAX_ATTEMPTS,
    reminder_send,
    reminders_claim,
    reminders_dispatch,
    reminders_send,
)
from tests.helpers import at, review_answers
from tests.reminders.conftest import send_invitations

pytestmark = pytest.mark.django_db


def send_claimed(report, now):
    return [reminder_send(reminder_id=reminder_id, now=now).status for reminder_id in report.claimed]


def test_dispatching_twice_records_each_reminder_once(cast):
    first = reminders_dispatch(now=at("2026-10-20"))
    second = reminders_dispatch(now=at("2026-10-20") + datetime.timedelta(minutes=10))
    assert first.created == 3  # Alice, Carol and Globex's Gus: an invitation each (the nudge waits for it)
    assert second.created == 0
    assert Reminder.objects.filter(kind="cycle_open", period="2026-Q4").count() == 3
    assert second.claimed == []  # what the first claimed is leased, not handed out again


def test_claimed_reminders_are_claimed_again_once_the_lease_is_over(cast):
    now = at("2026-10-20")
    first = reminders_dispatch(now=now)
    assert reminders_claim(now=now + LEASE - datetime.timedelta(seconds=1)) == []
    assert sorted(reminders_claim(now=now + LEASE)) == sorted(first.claimed)


def test_each_reminder_is_sent_once_however_often_sending_is_asked(cast):
    now = at("2026-10-20")
    report = reminders_dispatch(now=now)
    assert set(send_claimed(report, now)) == {"sent"}
    assert send_claimed(report, now) == ["not pending"] * len(report.claimed)  # a redelivered task
    reminders_dispatch(now=now + datetime.timedelta(days=1))
    assert len(mail.outbox) == len(report.claimed)
    assert sorted(message.to[0] for message in mail.outbox) == sorted(Reminder.objects.values_list("email", flat=True))


def test_the_invitation_and_the_nudge(cast, settings):
    settings.SITE_URL = "https://emassess.example.com"
    send_invitations("2026-10-01")
    now = at("2026-10-20")  # 19 days after the invitation: past the default 14 days, so the nudge is due
    send_claimed(reminders_dispatch(now=now), now)
    alice = [m for m in mail.outbox if m.to == ["alice@acme.test"]]
    assert [m.subject for m in alice] == [
        "Your 2026-Q4 self-assessment is open", "A reminder: your 2026-Q4 self-assessment",
    ]  # fmt: skip
    invitation, nudge = alice
    assert "https://emassess.example.com/manager/" in invitation.body
    html = invitation.alternatives[0][0]
    assert 'href="https://emassess.example.com/manager/"' in html
    assert "List-Unsubscribe" not in invitation.extra_headers  # the invitation itself has no opt-out
    unsubscribe = nudge.extra_headers["List-Unsubscribe"]
    assert unsubscribe.startswith("<https://emassess.example.com/reminders/unsubscribe/")
    assert nudge.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe.strip("<>") in nudge.body
    assert invitation.extra_headers["Message-ID"].startswith("<reminder-")
    for message in (invitation, nudge):  # the due date, in words and in the HTML
        assert "Due by Thursday 31 December 2026, the last day of 2026-Q4." in message.body
        assert "Due by Thursday 31 December 2026</strong>, the last day of 2026-Q4." in message.alternatives[0][0]


def test_nothing_goes_to_someone_who_completed_after_it_was_recorded(cast, submit):
    report = reminders_dispatch(now=at("2026-10-01"))
    submit(cast.alice, "2026-Q4")  # between recording her invitation and sending it
    assert send_claimed(report, at("2026-10-01")).count("skipped") == 1  # Alice's invitation
    skipped = Reminder.objects.filter(status="skipped")
    assert {(r.email, r.kind) for r in skipped} == {("alice@acme.test", "cycle_open")}
    assert {r.last_error for r in skipped} == {"Already completed this cycle."}
    assert not [m for m in mail.outbox if m.to == ["alice@acme.test"]]


def test_a_nudge_recorded_before_someone_completed_is_skipped(cast, submit):
    send_invitations("2026-10-01")
    mail.outbox.clear()
    now = at("2026-10-20")
    report = reminders_dispatch(now=now)
    submit(cast.carol, "2026-Q4")
    assert send_claimed(report, now).count("skipped") == 1
    assert Reminder.objects.get(status="skipped").kind == "cycle_nudge"
    assert not [m for m in mail.outbox if m.to == ["carol@acme.test"]]
    assert [m.to for m in mail.outbox if m.to == ["alice@acme.test"]] == [["alice@acme.test"]]


def test_smtp_down_is_retried_with_back_off_and_ends_as_a_failure(cast, smtp_down):
    now = at("2026-10-03")  # before the nudge: one invitation each
    report = reminders_dispatch(now=now)
    assert set(send_claimed(report, now)) == {"retry"}
    reminder = Reminder.objects.get(email="alice@acme.test")
    assert reminder.status == "pending" and reminder.attempts == 1
    assert reminder.next_attempt_at == now + BACKOFF[0]
    assert "ConnectionRefusedError" in reminder.last_error

    moment = now
    for attempt in range(2, MAX_ATTEMPTS + 1):
        assert reminders_claim(now=moment + BACKOFF[attempt - 2] - datetime.timedelta(seconds=1)) == []
        moment = moment + BACKOFF[attempt - 2]
        claimed = reminders_claim(now=moment)
        assert reminder.pk in claimed
        for reminder_id in claimed:
            reminder_send(reminder_id=reminder_id, now=moment)
    reminder.refresh_from_db()
    assert reminder.status == "failed" and reminder.attempts == MAX_ATTEMPTS
    assert reminders_claim(now=moment + datetime.timedelta(days=1)) == []


def test_smtp_down_for_a_while_then_every_email_arrives_once(cast, settings, sink):
    from tests.reminders.conftest import smtp_settings

    sink.stop()  # SMTP is down
    smtp_settings(settings, sink.port)
    now = at("2026-10-03")
    report = reminders_dispatch(now=now)
    assert set(send_claimed(report, now)) == {"retry"}

    sink.start()  # SMTP is back on the same port
    later = now + BACKOFF[0]
    for _ in range(2):  # the dispatcher runs again, and again
        report = reminders_dispatch(now=later)
        send_claimed(report, later)
    expected = set(Reminder.objects.values_list("email", flat=True))
    assert sorted(sink.recipients()) == sorted(expected)
    assert Reminder.objects.filter(status="sent", attempts=2).count() == len(expected)


def test_the_command_dry_run_writes_and_sends_nothing(cast):
    send_invitations("2026-10-01")
    recorded, sent = list(Reminder.objects.values_list("pk", "status")), len(mail.outbox)
    out = io.StringIO()
    call_command("send_due_reminders", "--date", "2026-10-20", "--dry-run", stdout=out)
    output = out.getvalue()
    assert "cycle_open   2026-Q4  alice@acme.test" in output
    assert "cycle_nudge  2026-Q4  alice@acme.test" in output
    assert "dry run" in output
    assert list(Reminder.objects.values_list("pk", "status")) == recorded and len(mail.outbox) == sent


def test_the_command_sends_and_prints_what_it_sent(cast):
    out = io.StringIO()
    call_command("send_due_reminders", "--date", "2026-10-03", stdout=out)
    output = out.getvalue()
    assert "sent     cycle_open   2026-Q4  alice@acme.test" in output
    assert "3 new reminders recorded; 3 sent." in output
    assert len(mail.outbox) == 3
    again = io.StringIO()
    call_command("send_due_reminders", "--date", "2026-10-03", stdout=again)
    assert "0 new reminders recorded; nothing to send." in again.getvalue()
    assert len(mail.outbox) == 3


def test_the_command_uses_today_without_a_date(cast, time_machine):
    time_machine.move_to(at("2027-01-05"))
    out = io.StringIO()
    call_command("send_due_reminders", "--dry-run", stdout=out)
    assert "2027-Q1" in out.getvalue() and "2026-Q4" not in out.getvalue()


def test_the_command_refuses_a_bad_date(db):
    with pytest.raises(CommandError, match="--date must look like"):
        call_command("send_due_reminders", "--date", "next tuesday")


def test_a_year_into_the_role_the_review_email_goes_once_and_not_after_the_review(cast, settings):
    from emassess.reviews.services import role_review_start, role_review_submit

    settings.SITE_URL = "https://emassess.example.com"
    cast.alice.manager_role_started_on = datetime.date(2025, 11, 1)
    cast.alice.save()
    now = at("2026-11-10")
    send_claimed(reminders_dispatch(now=now), now)
    review_mail = [m for m in mail.outbox if m.to == ["alice@acme.test"] and "review" in m.subject]
    assert [m.subject for m in review_mail] == ["A year in your role: time for your one-year review"]
    assert "https://emassess.example.com/reviews/" in review_mail[0].body
    assert "do you enjoy the people side?" in review_mail[0].body
    assert "Due since Sunday 1 November 2026, a year after your role began." in review_mail[0].body
    assert "Due since Sunday 1 November 2026</strong>" in review_mail[0].alternatives[0][0]

    # Submitted before a second dispatcher run: nothing more about it.
    role_review_submit(review=role_review_start(manager=cast.alice, year=1), answers=review_answers())
    later = now + datetime.timedelta(days=2)
    assert not any(d.kind == "role_review" for d in reminders_dispatch(now=later, dry_run=True).due)


def test_a_review_done_between_recording_and_sending_is_skipped(cast):
    from emassess.reviews.services import role_review_start, role_review_submit

    cast.alice.manager_role_started_on = datetime.date(2025, 11, 1)
    cast.alice.save()
    now = at("2026-11-10")
    report = reminders_dispatch(now=now)
    role_review_submit(review=role_review_start(manager=cast.alice, year=1), answers=review_answers())
    send_claimed(report, now)
    reminder = Reminder.objects.get(kind="role_review")
    assert (reminder.status, reminder.last_error) == ("skipped", "Review already done.")


def test_the_periodic_task_queues_the_claimed_reminders_in_batches_after_commit(
    cast, django_capture_on_commit_callbacks, time_machine, monkeypatch
):
    from emassess.reminders import tasks

    monkeypatch.setattr(tasks, "SEND_BATCH", 2)
    time_machine.move_to(at("2026-10-03"))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert tasks.dispatch_due_reminders() == 3
    assert len(callbacks) == 2  # batches of 2 and 1, queued only once the claim is committed
    assert sorted(m.to[0] for m in mail.outbox) == ["alice@acme.test", "carol@acme.test", "gus@globex.test"]
    assert set(Reminder.objects.values_list("status", flat=True)) == {"sent"}


# Transactional: like a worker, with no test transaction around it for the recovery to break.
@pytest.mark.django_db(transaction=True)
def test_a_database_dropped_after_the_email_went_does_not_send_it_twice(cast, smtp_to_sink, monkeypatch):
    from django.core.mail import EmailMultiAlternatives
    from django.db import OperationalError, connection

    # Alice is due her first role review too: it goes the locked way (lock, check, send, mark),
    # the cycle's invitations the claimed way (claim, send, commit).
    cast.alice.manager_role_started_on = datetime.date(2025, 11, 1)
    cast.alice.save()
    now = at("2026-11-10")
    report = reminders_dispatch(now=now)
    assert {reminder.kind for reminder in Reminder.objects.all()} == {"cycle_open", "role_review"}
    went = []
    original_send, original_commit = EmailMultiAlternatives.send, connection._commit

    def send(self, *args, **kwargs):
        went.append(original_send(self, *args, **kwargs))
        return went[-1]

    def commit_lost():
        if not went:
            return original_commit()
        went.clear()  # the email went; the database goes away before the row is committed as sent
        connection.rollback()
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(EmailMultiAlternatives, "send", send)
    monkeypatch.setattr(connection, "_commit", commit_lost)
    assert set(send_claimed(report, now)) == {"sent"}
    monkeypatch.undo()
    assert set(Reminder.objects.values_list("status", "attempts")) == {("sent", 1)}
    assert send_claimed(report, now) == ["not pending"] * len(report.claimed)
    assert len(smtp_to_sink.messages) == len(report.claimed) == 4


def test_a_batch_goes_over_one_smtp_connection(cast, smtp_to_sink):
    report = reminders_dispatch(now=at("2026-10-03"))
    results = reminders_send(reminder_ids=report.claimed, now=at("2026-10-03"))
    assert [result.status for result in results] == ["sent"] * len(report.claimed) == ["sent"] * 3
    assert len(smtp_to_sink.messages) == 3
    assert len(smtp_to_sink.handler.sessions) == 1


def test_an_smtp_error_mid_batch_fails_that_reminder_only_and_the_rest_go_over_a_new_connection(cast, smtp_to_sink):
    now = at("2026-10-03")
    report = reminders_dispatch(now=now)
    refused = Reminder.objects.get(pk=report.claimed[1])
    smtp_to_sink.handler.refuse = {refused.email}
    results = reminders_send(reminder_ids=report.claimed, now=now)
    assert [result.status for result in results] == ["sent", "retry", "sent"]
    refused.refresh_from_db()
    assert (refused.status, refused.attempts, refused.next_attempt_at) == ("pending", 1, now + BACKOFF[0])
    assert "SMTPRecipientsRefused" in refused.last_error
    assert sorted(m["To"] for m in smtp_to_sink.messages) == sorted(
        Reminder.objects.filter(status="sent").values_list("email", flat=True)
    )
    assert len(smtp_to_sink.handler.sessions) == 2  # the connection was closed after the error, and reopened


def test_a_batch_reads_its_reminders_once_and_claims_each_in_one_statement(cast, smtp_to_sink):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests import factories

    for _ in range(7):
        factories.ManagerFactory(organisation=cast.acme, team=cast.alice.team)
    now = at("2026-10-03")
    report = reminders_dispatch(now=now)
    assert len(report.claimed) == 10
    with CaptureQueriesContext(connection) as queries:
        results = reminders_send(reminder_ids=report.claimed, now=now)
    assert [result.status for result in results] == ["sent"] * 10
    # The batch's reminders with their people, once; then per reminder its transaction (a savepoint
    # in a test), the claim that marks it sent if it is still pending and still needed, and the commit.
    assert len(queries.captured_queries) == 1 + 3 * 10, [query["sql"][:80] for query in queries.captured_queries]
    assert len(smtp_to_sink.messages) == 10
