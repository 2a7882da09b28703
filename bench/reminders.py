"""Reminder fan-out: due reminders through the dispatcher and a real Celery worker into a local SMTP
server, against the same messages built and sent over one SMTP connection directly, in one run.

    CELERY_BROKER_URL=redis://127.0.0.1:6379/0 DATABASE_URL=postgres://postgres@127.0.0.1/emassess_bench \\
        python -m bench.reminders [--managers 10000] [--rounds 5] [--concurrency 2]

Needs a broker (it is skipped without one) and a database the worker can reach too. The managers
come in --rounds waves, each an organisation of its own that becomes due at once; each wave is
timed three ways, one after the other, so the three see the same machine:

- the pipeline: the dispatcher records and claims the wave's reminders and queues them in batches
  (as the periodic task does), the worker (--concurrency processes) sends each batch over one SMTP
  connection, each reminder locked, checked, sent and marked on its own; until none is pending;
- bare SMTP, message building inside the clock: the same reminders read, their messages built by
  the same function, and sent over one SMTP connection (the baseline of the ratio);
- SMTP alone: the same messages, already built, sent over one SMTP connection.

Between waves the previous organisation is deleted, so each dispatcher run sees one wave. Takes
about 3 minutes at the default size on 2 cores. Also writes its figures to var/bench/reminders.json.
"""

from __future__ import annotations

import argparse
import datetime
import os
import subprocess
import sys
import time

from bench.report import Figure, write_figures
from bench.setup import ROOT, analyze, start_django


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--managers", type=int, default=5_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=2)
    args = parser.parse_args()
    if not os.environ.get("CELERY_BROKER_URL"):
        print("reminder fan-out: skipped (set CELERY_BROKER_URL to a Redis broker to run it)")
        return
    start_django()

    from django.core.mail import get_connection
    from django.db import connection
    from django.utils import timezone

    from emassess.accounts.models import User
    from emassess.celery import app as celery_app
    from emassess.orgs.models import Membership, Organisation, Team
    from emassess.reminders.models import Reminder
    from emassess.reminders.services import CLAIM_BATCH, reminder_message, reminders_claim, reminders_dispatch
    from emassess.reminders.tasks import SEND_BATCH, in_batches, send_reminders
    from tests.smtp_sink import SmtpSink  # the same local SMTP server the tests use

    sink = SmtpSink().start()
    env = os.environ | {"EMAIL_URL": sink.url, "DATABASE_URL": os.environ["DATABASE_URL"]}
    celery_app.control.purge()
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "emassess", "worker", "--loglevel=WARNING",
         f"--concurrency={args.concurrency}", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip

    def direct(*, build: bool, messages: list | None = None) -> tuple[int, float]:
        backend = get_connection("django.core.mail.backends.smtp.EmailBackend", host="127.0.0.1", port=sink.port,
                                 use_tls=False, use_ssl=False, username="", password="")  # fmt: skip
        started = time.perf_counter()
        if build:
            reminders = Reminder.objects.filter(person__organisation=organisation).select_related(
                "person__user", "person__organisation"
            )
            messages = [reminder_message(reminder=reminder) for reminder in reminders]
        assert messages is not None
        backend.send_messages(messages)
        return len(messages), time.perf_counter() - started

    per_round = args.managers // args.rounds
    totals = {"pipeline": [0, 0.0], "built and sent": [0, 0.0], "sent only": [0, 0.0]}
    queued = sent = arrived = 0
    organisation = None
    try:
        time.sleep(3)  # the worker starts up
        for round_ in range(args.rounds):
            if organisation is not None:
                organisation.delete()  # its memberships and reminders too: the dispatcher sees one wave
            # Each manager is due the cycle's invitation and, once 60 days of it have passed, its nudge.
            organisation = Organisation.objects.create(name=f"Fanout {round_}", slug=f"fanout{round_}",
                                                       nudge_after_days=60)  # fmt: skip
            team = Team.objects.create(organisation=organisation, name="Everyone")
            users = User.objects.bulk_create(
                User(email=f"manager{i}@fanout{round_}.test", full_name=f"Manager {i}", password="!")
                for i in range(per_round)
            )
            Membership.objects.bulk_create(
                Membership(user=user, organisation=organisation, role="manager", team=team, manager_role="em",
                           manager_role_started_on=datetime.date(2024, 1, 10))
                for user in users
            )  # fmt: skip
            analyze()

            before = len(sink.messages)
            now = timezone.now()
            started = time.perf_counter()
            ids = reminders_dispatch(now=now).claimed
            claimed = 0
            while ids:
                for batch in in_batches(ids):
                    send_reminders.delay(batch)
                claimed += len(ids)
                ids = reminders_claim(now=now) if len(ids) == CLAIM_BATCH else []  # the dispatcher's next runs
            deadline = time.monotonic() + 1800
            while Reminder.objects.filter(status="pending").exists() and time.monotonic() < deadline:
                time.sleep(0.05)
            elapsed = time.perf_counter() - started
            round_sent = Reminder.objects.filter(person__organisation=organisation, status="sent").count()
            queued, sent = queued + claimed, sent + round_sent
            arrived += len(sink.messages) - before
            totals["pipeline"][0] += round_sent
            totals["pipeline"][1] += elapsed

            count, seconds = direct(build=True)
            totals["built and sent"][0] += count
            totals["built and sent"][1] += seconds
            reminders = Reminder.objects.filter(person__organisation=organisation).select_related(
                "person__user", "person__organisation"
            )
            messages = [reminder_message(reminder=reminder) for reminder in reminders]
            count, seconds = direct(build=False, messages=messages)
            totals["sent only"][0] += count
            totals["sent only"][1] += seconds
            print(f"wave {round_ + 1}/{args.rounds}: {round_sent:,} sent, pipeline {elapsed:.1f} s", flush=True)
    finally:
        worker.terminate()
        worker.wait(timeout=60)
        sink.stop()
    connection.close()

    rate = {name: count / seconds for name, (count, seconds) in totals.items()}
    print(f"reminders queued {queued:,}, sent {sent:,}, arrived {arrived:,} (duplicates: {arrived - sent})")
    print(f"{'figure':<60}{'emails/s':>10}{'seconds':>10}")
    for name, (count, seconds) in totals.items():
        print(f"{name:<60}{count / seconds:>10.0f}{seconds:>10.1f}")
    print(f"ratio (pipeline / built and sent directly): {rate['pipeline'] / rate['built and sent']:.2f}")
    errors = max(0, arrived - sent) + (queued - sent)  # copies beyond one per reminder, and ones that never went
    waves = f"{args.rounds} waves of {per_round:,}"
    write_figures("reminders", [
        Figure(f"reminders: fan-out of {queued:,} (dispatcher + {args.concurrency} workers, batches of "
               f"{SEND_BATCH} over one SMTP connection each)", f"{rate['pipeline']:,.0f} emails/s ({waves})",
               f"built and sent over one SMTP connection: {rate['built and sent']:,.0f} emails/s",
               rate["pipeline"] / rate["built and sent"], errors=errors),
        Figure("reminders: the same messages built and sent over one SMTP connection (baseline)",
               f"{rate['built and sent']:,.0f} emails/s", "", 1.0),
        Figure("reminders: the same messages, already built, over one SMTP connection (SMTP alone)",
               f"{rate['sent only']:,.0f} emails/s", f"built and sent: {rate['built and sent']:,.0f} emails/s",
               rate["sent only"] / rate["built and sent"]),
    ])  # fmt: skip


if __name__ == "__main__":
    main()
