"""Reminder fan-out: 10,000 due reminders through a real Celery worker into a local SMTP server,
against sending the same messages over one SMTP connection directly, in one run.

    CELERY_BROKER_URL=redis://127.0.0.1:6379/0 DATABASE_URL=postgres://postgres@127.0.0.1/emassess_bench \\
        python -m bench.reminders [--managers 10000] [--concurrency 2]

Needs a broker (it is skipped without one) and a database the worker can reach too.
Takes about 4.5 minutes at the default size on 2 cores. Also writes its figures to var/bench/reminders.json.
"""

from __future__ import annotations

import argparse
import datetime
import os
import subprocess
import sys
import time

from bench.report import Figure, write_figures
from bench.setup import ROOT, start_django


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--managers", type=int, default=10_000)
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
    from emassess.reminders.services import reminder_message, reminders_dispatch
    from emassess.reminders.tasks import send_reminder
    from tests.smtp_sink import SmtpSink  # the same local SMTP server the tests use

    # Nudges only after 90 days: each manager is due exactly one reminder, the cycle's invitation.
    organisation = Organisation.objects.create(name="Fanout", slug="fanout", nudge_after_days=90)
    team = Team.objects.create(organisation=organisation, name="Everyone")
    users = User.objects.bulk_create(
        User(email=f"manager{i}@fanout.test", full_name=f"Manager {i}", password="!") for i in range(args.managers)
    )
    Membership.objects.bulk_create(
        Membership(user=user, organisation=organisation, role="manager", team=team, manager_role="em",
                   manager_role_started_on=datetime.date(2024, 1, 10))
        for user in users
    )  # fmt: skip

    sink = SmtpSink().start()
    database_url = os.environ["DATABASE_URL"]
    env = os.environ | {"EMAIL_URL": sink.url, "DATABASE_URL": database_url}
    celery_app.control.purge()
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "emassess", "worker", "--loglevel=WARNING",
         f"--concurrency={args.concurrency}", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        time.sleep(3)  # the worker starts up
        now = timezone.now()
        started = time.perf_counter()
        queued = 0
        while True:
            report = reminders_dispatch(now=now)
            if not report.claimed:
                break
            for reminder_id in report.claimed:
                send_reminder.delay(reminder_id)
            queued += len(report.claimed)
        deadline = time.monotonic() + 1800
        while Reminder.objects.filter(status="pending").exists() and time.monotonic() < deadline:
            time.sleep(0.5)
        through_worker = time.perf_counter() - started
        sent = Reminder.objects.filter(status="sent").count()
        arrived = len(sink.messages)
    finally:
        worker.terminate()
        worker.wait(timeout=60)

    # The baseline: the same messages, built the same way, over one SMTP connection.
    reminders = Reminder.objects.select_related("person__user", "person__organisation")
    messages = [reminder_message(reminder=reminder) for reminder in reminders]
    backend = get_connection("django.core.mail.backends.smtp.EmailBackend", host="127.0.0.1", port=sink.port,
                             use_tls=False, use_ssl=False, username="", password="")  # fmt: skip
    started = time.perf_counter()
    backend.send_messages(messages)
    direct = time.perf_counter() - started
    sink.stop()
    connection.close()

    through_rate, direct_rate = sent / through_worker, len(messages) / direct
    print(f"reminders queued {queued:,}, sent {sent:,}, arrived {arrived:,} (duplicates: {arrived - sent})")
    print(f"{'figure':<44}{'emails/s':>10}{'seconds':>10}")
    print(f"{'direct, one SMTP connection (baseline)':<44}{direct_rate:>10.0f}{direct:>10.1f}")
    print(f"{'dispatcher + worker + SMTP, one per message':<44}{through_rate:>10.0f}{through_worker:>10.1f}")
    print(f"ratio (worker / direct): {through_rate / direct_rate:.2f}")
    # Errors: copies beyond one per sent reminder, plus reminders that never went.
    errors = max(0, arrived - sent) + (queued - sent)
    write_figures("reminders", [
        Figure(f"reminders: fan-out of {queued:,} (dispatcher + {args.concurrency} workers + SMTP)",
               f"{through_rate:,.0f} emails/s", f"direct SMTP send, one connection: {direct_rate:,.0f} emails/s",
               through_rate / direct_rate, errors=errors),
    ])  # fmt: skip


if __name__ == "__main__":
    main()
