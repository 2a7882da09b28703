"""Dispatching and sending reminders, so that each due email arrives once.

- The dispatcher records every due reminder as a row, unique per (person, kind, period): running
  it twice, or two at once, cannot make a second row.
- It then claims the rows whose time has come (new ones, retries, and ones whose worker
  vanished: see LEASE) and hands their ids out to be sent.
- Sending a reminder is one transaction: a claim, one UPDATE that marks the row sent only if it
  is still pending and still needed and locks it (the row only), then the send, then the commit.
  Until the commit nobody else sees it sent, and another claim of it waits; an SMTP error or a
  worker's death rolls the claim back, so the row is pending again. (A role review and a report's
  feedback reminder, whose "still needed" is worked out in Python, and a reminder the claim does
  not take go the older way: lock the row, check, send, mark.) A claimed batch goes over one SMTP
  connection (reminders_send), its rows read in one query, each still with its own claim, send and
  commit. An SMTP error records the attempt and a back-off; after MAX_ATTEMPTS it is failed, for
  HR to see in the outbox.

If the database drops the worker's connection after the SMTP server accepted a message, the
worker keeps trying to record it as sent for a minute (RECORD_SENT_PATIENCE). The one window left
is a worker that dies after the SMTP server accepted the message and before the row is committed
as sent: that reminder would go again. Each message carries a Message-ID
derived from its row, so mail systems see the two copies as one message.
"""

from __future__ import annotations

import datetime
import logging
import smtplib
import time
import zoneinfo
from dataclasses import dataclass, field

from django.conf import settings
from django.core import signing
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.db import DatabaseError, connection, transaction
from django.db.models import Exists, F, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone

from emassess.assessments.selectors import submitted_in_cycle
from emassess.feedback.selectors import answered_in_cycle, manager_to_answer_about
from emassess.feedback.team import threshold
from emassess.lib.emails import build_email
from emassess.orgs.cycles import parse_cycle
from emassess.orgs.models import Membership, Organisation
from emassess.orgs.selectors import role_anniversary
from emassess.reminders.due import DueReminder, due_reminders
from emassess.reminders.models import FEEDBACK_KINDS, Reminder
from emassess.reviews.selectors import due_review_year, reviewed_years_of

MAX_ATTEMPTS = 5
# After a failed attempt, wait this long before the next (the last one is the final failure).
BACKOFF = (
    datetime.timedelta(minutes=2),
    datetime.timedelta(minutes=10),
    datetime.timedelta(minutes=30),
    datetime.timedelta(hours=2),
)
# A claimed reminder not sent within this time is claimed again: its worker may have died.
LEASE = datetime.timedelta(minutes=15)
CLAIM_BATCH = 5000
# How long a worker keeps trying to record a delivered email as sent while the database is away.
RECORD_SENT_PATIENCE = datetime.timedelta(seconds=60)
UNSUBSCRIBE_SALT = "emassess.reminders.unsubscribe"
# The reminders about a reassessment cycle (their period is the cycle), and those of them that
# nudge: these carry an unsubscribe link and respect it.
CYCLE_KINDS = (Reminder.Kind.CYCLE_OPEN, Reminder.Kind.CYCLE_NUDGE, Reminder.Kind.MANUAL)
NUDGE_KINDS = (Reminder.Kind.CYCLE_NUDGE, Reminder.Kind.MANUAL, Reminder.Kind.FEEDBACK_NUDGE)

logger = logging.getLogger(__name__)


@dataclass
class DispatchReport:
    due: list[DueReminder] = field(default_factory=list)
    created: int = 0
    claimed: list[int] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # organisations whose due reminders could not be worked out


def reminders_dispatch(*, now: datetime.datetime, dry_run: bool = False) -> DispatchReport:
    """Record what is due in every organisation (each in its own time zone) and claim what is
    ready to send. With dry_run, only says what is due and writes nothing.

    One organisation whose reminders cannot be worked out (whatever its data holds) is logged and
    named in the report; the others still get theirs."""
    report = DispatchReport()
    for organisation in Organisation.objects.all():
        try:
            with transaction.atomic():  # a savepoint: a database error leaves the others' work usable
                today = timezone.localtime(now, timezone=_zone(organisation)).date()
                report.due += due_reminders(organisation=organisation, today=today)
        except Exception:
            logger.exception("Due reminders of organisation %s (%s) could not be worked out", organisation.pk,
                             organisation.slug)  # fmt: skip
            report.failed.append(organisation.slug)
    if dry_run:
        return report
    before = Reminder.objects.count()
    Reminder.objects.bulk_create(
        (
            Reminder(person_id=due.membership_id, kind=due.kind, period=due.period, email=due.email,
                     next_attempt_at=now)
            for due in report.due
        ),
        ignore_conflicts=True,  # the unique constraint keeps each reminder once, however many dispatchers run
        batch_size=1000,
    )  # fmt: skip
    report.created = Reminder.objects.count() - before
    report.claimed = reminders_claim(now=now)
    return report


def reminders_claim(*, now: datetime.datetime) -> list[int]:
    """Claim pending reminders whose time has come, pushing their next attempt a lease away.

    Rows another dispatcher is claiming at the same moment are skipped (SKIP LOCKED), so two
    dispatchers hand out disjoint sets; even if one were handed out twice, sending is idempotent.
    """
    with transaction.atomic():
        ready = Reminder.objects.select_for_update(skip_locked=True).filter(
            status=Reminder.Status.PENDING, next_attempt_at__lte=now
        )
        ids = list(ready.order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:CLAIM_BATCH])
        Reminder.objects.filter(pk__in=ids).update(next_attempt_at=now + LEASE)
    return ids


@dataclass(frozen=True)
class SendResult:
    status: str  # "sent", "skipped", "retry", "failed", "not pending"
    detail: str = ""


def reminders_send(*, reminder_ids: list[int], now: datetime.datetime | None = None) -> list[SendResult]:
    """Send a claimed batch over one SMTP connection: each reminder is still claimed, checked, sent
    and marked in a transaction of its own (reminder_send), so a worker that dies mid-batch leaves
    those already sent recorded as sent and the rest pending, to be claimed again after their lease.
    The batch's rows, with the people and organisations their messages name, are read in one query.
    After an SMTP error the connection is closed, and the next reminder opens a new one."""
    mail = get_connection()
    # Only an SMTP connection is worth keeping open; the other backends (files, memory, console)
    # open and close themselves around each message, as without a batch.
    keep = isinstance(mail, SmtpBackend)
    batch = _with_recipients(Reminder.objects.filter(pk__in=reminder_ids)).in_bulk()
    claims = _Claims()  # built once per kind and cycle in the batch
    results = []
    try:
        for reminder_id in reminder_ids:
            if keep:
                try:
                    mail.open()  # a no-op while it is open
                except (smtplib.SMTPException, OSError):
                    mail.close()  # the send opens it again, fails, and records the attempt
            result = _send(batch.get(reminder_id), reminder_id=reminder_id, now=now or timezone.now(), mail=mail,
                           claims=claims)  # fmt: skip
            if result.status in ("retry", "failed"):
                mail.close()  # in an unknown state after an error: a fresh one for the next
            results.append(result)
    finally:
        mail.close()
    return results


def reminder_send(
    *, reminder_id: int, now: datetime.datetime | None = None, mail: BaseEmailBackend | None = None
) -> SendResult:
    """Send one reminder if it is still pending and still needed; safe to call any number of times.
    `mail` is an email connection to send it over (reminders_send keeps one for a batch); by
    default the message opens and closes its own."""
    reminder = _with_recipients(Reminder.objects.filter(pk=reminder_id)).first()
    return _send(reminder, reminder_id=reminder_id, now=now or timezone.now(), mail=mail, claims=_Claims())


def _with_recipients(reminders: QuerySet[Reminder]) -> QuerySet[Reminder]:
    return reminders.select_related("person__user", "person__organisation")


def _send(
    reminder: Reminder | None,
    *,
    reminder_id: int,
    now: datetime.datetime,
    mail: BaseEmailBackend | None,
    claims: _Claims,
) -> SendResult:
    """The reminder as read before its claim (`reminder`: None when it is gone): claim it, send it,
    and commit it as sent, in one transaction.

    The claim is one statement: the row becomes sent only if it is still pending and still needed
    (the person is still an active manager who has not completed the cycle, nor opted out of a
    nudge), and it stays locked until the send is committed, or rolled back by an SMTP error or the
    worker's death: another worker's claim of the same row waits for that, then finds it sent, or
    pending again. A reminder the claim does not take, a role review and a report's feedback
    reminder (whether those are still needed is worked out in Python) go the slower way: lock,
    check, send, mark (_send_locked)."""
    if reminder is None or reminder.status != Reminder.Status.PENDING:
        return SendResult("not pending")  # a status other than pending never becomes pending again
    if reminder.kind not in CYCLE_KINDS:
        return _send_locked(reminder_id=reminder_id, now=now, mail=mail)
    delivered = False
    try:
        with transaction.atomic():
            claimed = (
                claims.of(reminder)
                .filter(pk=reminder_id)
                .update(status=Reminder.Status.SENT, sent_at=now, attempts=F("attempts") + 1, last_error="")
            )
            if claimed == 1:
                message = reminder_message(reminder=reminder)
                if mail is not None:
                    message.connection = mail
                message.send()  # an SMTP error rolls the claim back: the row is pending again
                delivered = True
    except (smtplib.SMTPException, OSError) as error:
        return _record_failure(reminder_id=reminder_id, now=now, error=error)
    except DatabaseError:
        if not delivered:
            raise  # nothing went out: the row stays pending and is claimed again after its lease
        # The email went but the database dropped us before the row said so: keep trying to
        # record it, or the next claim would send it a second time.
        _record_sent_despite_database_errors(reminder_id=reminder_id, now=now)
    if not delivered:
        return _send_locked(reminder_id=reminder_id, now=now, mail=mail)  # gone, or no longer needed: why
    return SendResult("sent")


class _Claims:
    """The reminders a claim may take: pending and still needed, as _no_longer_needed says of a
    reminder about a cycle, as conditions on its row. Built once per kind of reminder (a nudge or
    not) and cycle, then narrowed to each reminder of a batch."""

    def __init__(self) -> None:
        self._built: dict[tuple[bool, str], QuerySet[Reminder]] = {}

    def of(self, reminder: Reminder) -> QuerySet[Reminder]:
        key = (reminder.kind in NUDGE_KINDS, reminder.period)
        if key not in self._built:
            nudge, period = key
            person = Membership.objects.filter(
                pk=OuterRef("person_id"), role=Membership.Role.MANAGER, user__is_active=True
            )
            if nudge:
                person = person.filter(nudges_unsubscribed_at__isnull=True)
            completed = submitted_in_cycle(cycle=parse_cycle(period), manager=OuterRef("person_id"))
            pending = Reminder.objects.filter(status=Reminder.Status.PENDING)
            self._built[key] = pending.filter(Exists(person), ~Exists(completed))
        return self._built[key]


def _record_failure(*, reminder_id: int, now: datetime.datetime, error: Exception) -> SendResult:
    """An SMTP error: the attempt and its back-off, or after MAX_ATTEMPTS the final failure."""
    with transaction.atomic():
        reminder = Reminder.objects.select_for_update().filter(pk=reminder_id).first()
        if reminder is None or reminder.status != Reminder.Status.PENDING:
            return SendResult("not pending")
        return _failed(reminder, now=now, error=error)


def _failed(reminder: Reminder, *, now: datetime.datetime, error: Exception) -> SendResult:
    reminder.attempts += 1
    reminder.last_error = f"{type(error).__name__}: {error}"[:1000]
    if reminder.attempts >= MAX_ATTEMPTS:
        reminder.status = Reminder.Status.FAILED
    else:
        reminder.next_attempt_at = now + BACKOFF[reminder.attempts - 1]
    reminder.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
    status = "failed" if reminder.status == Reminder.Status.FAILED else "retry"
    return SendResult(status, reminder.last_error)


def _send_locked(*, reminder_id: int, now: datetime.datetime, mail: BaseEmailBackend | None) -> SendResult:
    """Lock the row, skip it unless it is still pending and still needed, send, and mark it sent."""
    delivered = False
    try:
        with transaction.atomic():
            reminder = (
                # Only the reminder's row: without `of`, PostgreSQL would lock the joined membership,
                # user and organisation rows too, and every worker sending to one organisation would
                # wait for the others' sends.
                Reminder.objects.select_for_update(of=("self",))
                .select_related("person__user", "person__organisation", "person__reports_to__user")
                .filter(pk=reminder_id)
                .first()
            )
            if reminder is None or reminder.status != Reminder.Status.PENDING:
                return SendResult("not pending")
            reason = _no_longer_needed(reminder, now)
            if reason:
                reminder.status = Reminder.Status.SKIPPED
                reminder.last_error = reason
                reminder.save(update_fields=["status", "last_error"])
                return SendResult("skipped", reason)
            try:
                message = reminder_message(reminder=reminder)
                if mail is not None:
                    message.connection = mail
                message.send()
            except (smtplib.SMTPException, OSError) as error:
                return _failed(reminder, now=now, error=error)
            delivered = True
            reminder.attempts += 1
            reminder.status = Reminder.Status.SENT
            reminder.sent_at = now
            reminder.last_error = ""
            reminder.save(update_fields=["attempts", "status", "sent_at", "last_error"])
    except DatabaseError:
        if not delivered:
            raise  # nothing went out: the row stays pending and is claimed again after its lease
        _record_sent_despite_database_errors(reminder_id=reminder_id, now=now)
    return SendResult("sent")


def _record_sent_despite_database_errors(*, reminder_id: int, now: datetime.datetime) -> None:
    deadline = time.monotonic() + RECORD_SENT_PATIENCE.total_seconds()
    while True:
        try:
            connection.close_if_unusable_or_obsolete()  # a broken connection; the next query opens a new one
            Reminder.objects.filter(pk=reminder_id, status=Reminder.Status.PENDING).update(
                status=Reminder.Status.SENT, sent_at=now, attempts=F("attempts") + 1, last_error=""
            )
            return
        except DatabaseError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def _zone(organisation: Organisation) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(organisation.timezone)


def _no_longer_needed(reminder: Reminder, now: datetime.datetime) -> str:
    """Why a reminder should not go after all (empty when it should): the person left, finished
    in the meantime, or opted out of nudges after it was recorded."""
    person = reminder.person
    if reminder.kind in FEEDBACK_KINDS:
        return _feedback_no_longer_needed(reminder)
    if not person.user.is_active or person.role != Membership.Role.MANAGER:
        return "No longer an active manager."
    if reminder.kind in CYCLE_KINDS:
        cycle = parse_cycle(reminder.period)
        if submitted_in_cycle(cycle=cycle, manager=person).exists():
            return "Already completed this cycle."
        if reminder.kind in NUDGE_KINDS and person.nudges_unsubscribed_at is not None:
            return "Unsubscribed from nudges."
    if reminder.kind == Reminder.Kind.ROLE_REVIEW:
        reviewed = reviewed_years_of(manager=person)
        today = timezone.localtime(now, timezone=_zone(person.organisation)).date()
        due = due_review_year(started_on=person.manager_role_started_on, submitted_years=reviewed, today=today)
        if f"year-{due}" != reminder.period:
            return "Review already done."
    return ""


def _feedback_no_longer_needed(reminder: Reminder) -> str:
    """A report's survey reminder: not once they have left, have nobody to answer about, or have
    answered about the manager they report to now."""
    report = reminder.person
    manager = manager_to_answer_about(report=report)
    if not report.user.is_active or manager is None:
        return "No longer a report with a manager to answer about."
    if answered_in_cycle(cycle=reminder.period, report=report, manager=manager).exists():
        return "Already answered this cycle."
    if reminder.kind in NUDGE_KINDS and report.nudges_unsubscribed_at is not None:
        return "Unsubscribed from nudges."
    return ""


def unsubscribe_token(*, membership: Membership) -> str:
    return signing.dumps({"membership": membership.pk}, salt=UNSUBSCRIBE_SALT)


def membership_from_unsubscribe_token(token: str) -> Membership | None:
    try:
        payload = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    membership_id = payload.get("membership") if isinstance(payload, dict) else None
    if not isinstance(membership_id, int):
        return None
    return Membership.objects.select_related("user", "organisation").filter(pk=membership_id).first()


def nudges_unsubscribe(*, membership: Membership, now: datetime.datetime | None = None) -> None:
    Membership.objects.filter(pk=membership.pk, nudges_unsubscribed_at=None).update(
        nudges_unsubscribed_at=now or timezone.now()
    )


def reminder_message(*, reminder: Reminder):
    person = reminder.person
    organisation = person.organisation
    context = {
        "person": person,
        "name": person.user.get_short_name(),
        "organisation": organisation,
        "period": reminder.period,
        "start_url": settings.SITE_URL + reverse("manager_home"),
    }
    if reminder.kind in CYCLE_KINDS or reminder.kind in FEEDBACK_KINDS:
        context["due_on"] = parse_cycle(reminder.period).due_on
    if reminder.kind in FEEDBACK_KINDS and person.reports_to is not None:
        context["manager_name"] = person.reports_to.user.get_full_name()
        context["survey_url"] = settings.SITE_URL + reverse("feedback_survey")
        context["needed"] = threshold(organisation.anonymity_threshold)
    if reminder.kind == Reminder.Kind.ROLE_REVIEW:
        context["review_url"] = settings.SITE_URL + reverse("role_review")
        context["year"] = reminder.period.removeprefix("year-")
        if person.manager_role_started_on is not None:
            context["due_on"] = role_anniversary(person.manager_role_started_on, years=int(context["year"]))
    headers = {"Message-ID": f"<reminder-{reminder.pk}@{_domain()}>"}
    if reminder.kind in NUDGE_KINDS:
        url = settings.SITE_URL + reverse("reminders_unsubscribe", args=[unsubscribe_token(membership=person)])
        context["unsubscribe_url"] = url
        headers["List-Unsubscribe"] = f"<{url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    names: dict[str, str] = {
        Reminder.Kind.CYCLE_OPEN: "reminder-cycle-open",
        Reminder.Kind.CYCLE_NUDGE: "reminder-cycle-nudge",
        Reminder.Kind.ROLE_REVIEW: "reminder-role-review",
        Reminder.Kind.MANUAL: "reminder-manual",
        Reminder.Kind.FEEDBACK_OPEN: "reminder-feedback-open",
        Reminder.Kind.FEEDBACK_NUDGE: "reminder-feedback-nudge",
    }
    return build_email(
        names[reminder.kind], context, to=reminder.email, timezone_name=organisation.timezone, headers=headers
    )


def _domain() -> str:
    return settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "emassess"
