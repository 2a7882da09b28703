"""Faults under load: with the locust load of bench/load.py running against gunicorn, and reminders
fanning out through a real Celery worker into a local SMTP server, it kills the worker (SIGKILL)
and starts a new one, restarts Redis (its queue is lost: nosave), and makes PostgreSQL refuse
connections for a few seconds. Then it checks and prints that

- every assessment the load test saw submitted (a final submit answered with the redirect to its
  result) is submitted in the database;
- every reminder was sent exactly once (one email per Message-ID in the SMTP server), none is
  pending, failed or missing, and every reminder due has its row;
- the app answers (login page, logged-in pages) after the faults, without any restart, and web
  requests stopped failing within a few seconds of the last fault.

    python -m bench.faults [--seconds 90] [--managers 50] [--hr 5] [--reminder-managers 600]

Takes --seconds plus about 30 s (a fresh database, start-up, then re-queueing what the faults left
pending and waiting for it to be sent): about 2 minutes with the defaults. Exits 1 if a check
fails, 2 if the run itself broke. Everything runs on 127.0.0.1; it uses the database
emassess_faults (dropped and created again) and Redis database 2 as the broker, stops every
process it started, and leaves Redis and PostgreSQL running and accepting connections
(it restarts Redis, and lets connections in again, if a step failed midway).
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import datetime
import email.utils
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.load import (
    PASSWORD,
    PG_ADMIN_URL,
    WORK_DIR,
    free_port,
    fresh_database,
    load_figures,
    prepare,
    read_lines,
    read_requests,
    spawn,
    start_gunicorn,
    start_locust,
    stop_on_sigterm,
    stop_process,
    wait_locust,
    wait_until,
    web_env,
)
from bench.report import format_table

# BENCH_REDIS_PORT: a Redis of this run's own on another port (started here, shut down at the end),
# so that restarting it disturbs nobody else's Redis; the default is the machine's, on 6379.
REDIS_HOST, REDIS_PORT = "127.0.0.1", os.environ.get("BENCH_REDIS_PORT", "6379")
PRIVATE_REDIS = REDIS_PORT != "6379"
# Not database 0: a worker someone else runs on 127.0.0.1 would take our tasks (and not find the rows).
BROKER_URL = f"redis://{REDIS_HOST}:{REDIS_PORT}/2"
# After the last fault, web requests may fail this long (requests that were in flight) and no longer.
GRACE_SECONDS = 3.0
MESSAGE_ID = re.compile(r"<reminder-(\d+)@")


def redis_ping() -> bool:
    try:
        answer = subprocess.run(["redis-cli", "-h", REDIS_HOST, "-p", REDIS_PORT, "ping"],
                                capture_output=True, text=True, timeout=5)  # fmt: skip
    except subprocess.TimeoutExpired:
        return False
    return answer.stdout.strip() == "PONG"


def start_redis() -> None:
    """Redis on 127.0.0.1:6379 without persistence: a restart loses whatever was queued."""
    subprocess.run(
        ["redis-server", "--daemonize", "yes", "--bind", REDIS_HOST, "--port", REDIS_PORT, "--save", "",
         "--appendonly", "no"],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=15,
    )  # fmt: skip
    if not wait_until(redis_ping, timeout=20):
        raise RuntimeError("Redis did not answer PING within 20 s of starting")


def restart_redis() -> str:
    subprocess.run(["redis-cli", "-h", REDIS_HOST, "-p", REDIS_PORT, "shutdown", "nosave"],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=15)  # fmt: skip
    if not wait_until(lambda: not redis_ping(), timeout=15):
        raise RuntimeError("Redis did not shut down")
    start_redis()
    return "shutdown nosave, started again, PING answered"


def stop_private_redis() -> None:
    subprocess.run(["redis-cli", "-h", REDIS_HOST, "-p", REDIS_PORT, "shutdown", "nosave"],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=15)  # fmt: skip


def ensure_redis() -> None:
    """Cleanup: whatever happened, leave a Redis answering."""
    if not redis_ping():
        start_redis()


def set_allow_connections(database: str, allowed: bool) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        statement = "ALTER DATABASE {} WITH ALLOW_CONNECTIONS " + ("true" if allowed else "false")
        admin.execute(sql.SQL(statement).format(sql.Identifier(database)))


def refuse_connections(database: str, seconds: float) -> str:
    """PostgreSQL refuses new connections to `database` and drops the open ones, for `seconds`.
    Run from a superuser connection to the `postgres` database, which stays up."""
    import psycopg

    set_allow_connections(database, False)
    try:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            terminated = admin.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = %s", [database]
            ).fetchone()[0]
        time.sleep(seconds)
    finally:
        set_allow_connections(database, True)
    return f"ALLOW_CONNECTIONS false for {seconds:.0f} s, {terminated} sessions terminated"


@dataclass
class Step:
    at: float  # seconds after the load started
    label: str
    action: Callable[[], str]
    is_fault: bool = False
    started: float = 0.0
    ended: float = 0.0
    detail: str = ""
    failed: bool = False


class Faults:
    """The processes and the reminder side of the run; `steps()` is the timeline."""

    def __init__(self, *, database: str, env: dict[str, str], reminder_managers: int, outage: float, seconds: int):
        self.database = database
        self.env = env
        self.outage = outage
        self.seconds = seconds
        self.workers: list[subprocess.Popen] = []
        self.wave_size = max(1, reminder_managers // 3)
        self.waves = 0
        self.queued = 0

    def start_worker(self) -> subprocess.Popen:
        worker = spawn(
            [sys.executable, "-m", "celery", "-A", "emassess", "worker", "--loglevel=WARNING", "--pool=prefork",
             "--concurrency=2", "--without-gossip", "--without-mingle", "--without-heartbeat"],
            env=self.env, log=WORK_DIR / "faults-worker.log",
        )  # fmt: skip
        self.workers.append(worker)
        return worker

    def stop_workers(self) -> None:
        for worker in self.workers:
            stop_process(worker)

    def kill_worker(self) -> str:
        worker = self.workers[-1]
        os.killpg(worker.pid, signal.SIGKILL)  # the worker and its pool children, as when a machine dies
        worker.wait(timeout=15)
        self.start_worker()
        return f"SIGKILL to worker {worker.pid} and its children; worker {self.workers[-1].pid} started"

    def reminder_wave(self) -> str:
        """New managers (who never take part in the load) become due, the dispatcher records and
        claims their reminders, and their sending is queued: emails in flight when the next fault hits."""
        from django.db import connection

        from emassess.accounts.models import User
        from emassess.orgs.models import Membership, Organisation, Team

        organisation, _ = Organisation.objects.get_or_create(slug="remindercorp", defaults={"name": "Remindercorp"})
        team, _ = Team.objects.get_or_create(organisation=organisation, name="Everyone")
        first = self.waves * self.wave_size
        users = User.objects.bulk_create(
            User(email=f"person{i}@remindercorp.test", full_name=f"Person {i}", password="!")
            for i in range(first, first + self.wave_size)
        )
        started_on = datetime.date.today() - datetime.timedelta(days=200)  # no role review due
        Membership.objects.bulk_create(
            Membership(user=user, organisation=organisation, role=Membership.Role.MANAGER, team=team,
                       manager_role="em", manager_role_started_on=started_on)
            for user in users
        )  # fmt: skip
        self.waves += 1
        created, queued = self.dispatch_and_queue()
        connection.close()  # the PostgreSQL fault terminates connections: never keep one between steps
        return f"{self.wave_size} managers due; dispatcher recorded {created}, queued {queued}"

    def dispatch_and_queue(self, *, later: datetime.timedelta = datetime.timedelta(0)) -> tuple[int, int]:
        """Run the dispatcher as of now + `later` and queue the sending of what it claimed."""
        from django.utils import timezone

        from emassess.reminders.services import reminders_dispatch
        from emassess.reminders.tasks import in_batches, send_reminders

        report = reminders_dispatch(now=timezone.now() + later)
        for batch in in_batches(report.claimed):  # as the periodic task does: batches over one SMTP connection
            send_reminders.delay(batch)
        self.queued += len(report.claimed)
        return report.created, len(report.claimed)

    def steps(self) -> list[Step]:
        """Each fault comes 3 s after a wave of reminders, so emails are being sent when it hits."""
        t = self.seconds
        return [
            Step(0.12 * t, "reminders, wave 1", self.reminder_wave),
            Step(0.12 * t + 3, "(a) kill -9 the Celery worker, start another", self.kill_worker, True),
            Step(0.32 * t, "reminders, wave 2", self.reminder_wave),
            Step(0.32 * t + 3, "(b) restart Redis", restart_redis, True),
            Step(0.52 * t, "reminders, wave 3", self.reminder_wave),
            Step(0.52 * t + 3, "(c) PostgreSQL refuses connections",
                 lambda: refuse_connections(self.database, self.outage), True),
        ]  # fmt: skip

    def resend_leftovers(self) -> str:
        """After the faults: what they left pending (tasks lost with the worker or with Redis's queue,
        sends that hit the refusing database) is claimed again by a dispatcher running as of a time
        past the LEASE, as the periodic dispatcher would 15 minutes later. At most 4 rounds."""
        from django.db import connection

        from emassess.reminders.models import Reminder
        from emassess.reminders.services import LEASE

        def settle(*, timeout: float = 60, still: float = 5) -> int:
            """Wait until nothing is pending, or the number pending stopped falling for `still` seconds."""
            deadline, last, changed = time.monotonic() + timeout, -1, time.monotonic()
            while True:
                pending = Reminder.objects.filter(status=Reminder.Status.PENDING).count()
                connection.close()
                now = time.monotonic()
                if pending != last:
                    last, changed = pending, now
                if pending == 0 or now >= deadline or now - changed >= still:
                    return pending
                time.sleep(1)

        rounds: list[str] = []
        while settle() and len(rounds) < 4:
            _, queued = self.dispatch_and_queue(later=LEASE + datetime.timedelta(minutes=1))
            rounds.append(str(queued))
            connection.close()
        return f"re-queued {' + '.join(rounds) or 'nothing'} after the lease"


@dataclass
class Check:
    passed: bool
    what: str
    detail: str


def check_submitted(submitted_log: Path) -> Check:
    from emassess.assessments.models import Assessment

    seen = read_lines(submitted_log)
    # A manager who has taken this cycle's assessment reopens it and submits it again
    # (bench/locustfile.py), so one assessment may be answered with its result several times.
    ids = set(seen)
    found = Assessment.objects.filter(public_id__in=ids, status=Assessment.Status.SUBMITTED).count()
    total = Assessment.objects.filter(status=Assessment.Status.SUBMITTED).count()
    return Check(
        found == len(ids),
        "no submitted assessment is missing",
        f"{len(seen)} final submits (of {len(ids)} assessments, resubmitted after reopening) answered with the "
        f"result, {found} of those assessments submitted in the database ({total} submitted in all: a submit "
        f"whose answer was lost to a fault may have gone through)",
    )


def check_reminders(sink_messages: list, *, load_started: float) -> list[Check]:
    from django.utils import timezone

    from emassess.reminders.models import Reminder
    from emassess.reminders.services import reminders_dispatch

    status = dict(Reminder.objects.values_list("pk", "status"))
    counts = collections.Counter(status.values())
    copies: collections.Counter[int] = collections.Counter()
    sent_at: dict[int, list[str]] = collections.defaultdict(list)  # when each copy left, from its Date header
    for message in sink_messages:
        match = MESSAGE_ID.search(message.get("Message-ID", ""))
        pk = int(match[1]) if match else -1
        copies[pk] += 1
        with contextlib.suppress(TypeError, ValueError):
            moment = email.utils.parsedate_to_datetime(message["Date"]).timestamp()
            sent_at[pk].append(f"{moment - load_started:.0f} s")
    unresolved = [pk for pk, state in status.items() if state not in (Reminder.Status.SENT, Reminder.Status.SKIPPED)]
    never_arrived = [pk for pk, state in status.items() if state == Reminder.Status.SENT and copies[pk] == 0]
    twice = sorted(pk for pk, n in copies.items() if n > 1)
    # A copy for a skipped row: a worker died after the send and before its commit, then the manager submitted.
    unrecorded = sorted(pk for pk, n in copies.items() if n and status.get(pk) != Reminder.Status.SENT)
    recorded = set(Reminder.objects.values_list("person_id", "kind", "period"))
    due = reminders_dispatch(now=timezone.now(), dry_run=True).due
    unrecorded_due = [d for d in due if (d.membership_id, d.kind, d.period) not in recorded]
    breakdown = ", ".join(f"{n} {state}" for state, n in sorted(counts.items()))
    # Both copies carry the row's Message-ID: the window README names (the worker, or its database
    # connection, died after the SMTP server accepted the message and before the row was committed).
    copies_at = "; ".join(f"reminder {pk} at {' and '.join(sent_at[pk])}" for pk in twice[:10])
    return [
        Check(
            not unresolved and not never_arrived and not unrecorded_due,
            "no reminder was lost",
            f"{len(status)} reminders ({breakdown}; skipped = the manager had submitted meanwhile); "
            f"left pending or failed: {len(unresolved)}, marked sent but never arrived: {len(never_arrived)}, "
            f"due without a row: {len(unrecorded_due)}",
        ),
        Check(
            not twice,
            "no reminder was sent twice",
            f"{len(sink_messages)} emails arrived for {sum(1 for n in copies.values() if n)} reminders; "
            f"more than one copy (same Message-ID; sent, then the row's commit was lost): {copies_at or 'none'}; "
            f"a copy for a row not marked sent: {unrecorded[:10] or 'none'}",
        ),
    ]


def check_app(*, port: int, gunicorn: subprocess.Popen, hr_email: str, manager_email: str) -> Check:
    """The same gunicorn (never restarted) answers the login page and logged-in pages."""
    import requests

    base = f"http://127.0.0.1:{port}"
    answers: list[str] = []
    for login_email, page in ((hr_email, "/organisation/"), (manager_email, "/manager/")):
        with requests.Session() as session:
            # As bench/locustfile.py's users: through a TLS-terminating proxy, Secure cookies sent back.
            session.headers.update({"X-Forwarded-Proto": "https", "Origin": base.replace("http://", "https://")})

            def insecure(session: requests.Session = session) -> requests.Session:
                for cookie in session.cookies:
                    cookie.secure = False
                return session

            login_page = insecure().get(f"{base}/accounts/login/", timeout=15)
            token = session.cookies.get("csrftoken")
            data = {"username": login_email, "password": PASSWORD, "csrfmiddlewaretoken": token}
            login = insecure().post(f"{base}/accounts/login/", data=data, allow_redirects=False, timeout=15)
            logged_in = insecure().get(base + page, allow_redirects=False, timeout=15)
        codes = (login_page.status_code, login.status_code, logged_in.status_code)
        answers.append(f"login page {codes[0]}, log in {codes[1]}, {page} {codes[2]}")
    alive = gunicorn.poll() is None
    ok = alive and all(a.startswith("login page 200, log in 302,") and a.endswith(" 200") for a in answers)
    state = f"gunicorn {gunicorn.pid} running since the start" if alive else "gunicorn is gone"
    return Check(ok, "the app answers after the faults, without a restart", f"{state}; " + "; ".join(answers))


def check_recovered(failures: list[float], *, last_fault_end: float, load_end: float) -> Check:
    since = last_fault_end + GRACE_SECONDS
    later = [moment for moment in failures if moment > since]
    watched = load_end - since
    return Check(
        not later and watched > 0,
        "web requests succeed again after the last fault",
        f"{len(failures)} failed requests in all, {len(later)} of them more than {GRACE_SECONDS:.0f} s after the "
        f"last fault (watched {max(0.0, watched):.0f} s of load after it)",
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=90, help="how long the load runs (default 90)")
    parser.add_argument("--managers", type=int, default=50)
    parser.add_argument("--hr", type=int, default=5)
    parser.add_argument("--reminder-managers", type=int, default=600, help="outside the load, in 3 waves")
    parser.add_argument("--outage", type=float, default=5.0, help="seconds PostgreSQL refuses connections")
    parser.add_argument("--database", default="emassess_faults", help="dropped and created again")
    args = parser.parse_args()
    if args.seconds < 30:
        parser.error("--seconds must be at least 30: the faults and the recovery after them need room")
    stop_on_sigterm()
    begun = time.monotonic()

    from tests.smtp_sink import SmtpSink  # the local SMTP server the tests use (aiosmtpd)

    with contextlib.ExitStack() as running:
        # Runs last: leave Redis and PostgreSQL as they should be (a Redis of our own: gone).
        running.callback(stop_private_redis if PRIVATE_REDIS else ensure_redis)
        ensure_redis()
        database_url = fresh_database(args.database)
        running.callback(set_allow_connections, args.database, True)
        sink = SmtpSink().start()
        running.callback(sink.stop)
        port = free_port()
        env = web_env(database_url=database_url, port=port,
                      extra={"CELERY_BROKER_URL": BROKER_URL, "EMAIL_URL": sink.url})  # fmt: skip
        os.environ.update(DATABASE_URL=database_url, CELERY_BROKER_URL=BROKER_URL, EMAIL_URL=sink.url,
                          SITE_URL=env["SITE_URL"])  # fmt: skip
        plan = prepare(name="faults", managers=args.managers, hr=args.hr, think=2.0)

        from django.db import connection

        from emassess.celery import app as celery_app

        celery_app.control.purge()  # tasks a previous run left on our broker database
        faults = Faults(database=args.database, env=env, reminder_managers=args.reminder_managers,
                        outage=args.outage, seconds=args.seconds)  # fmt: skip
        running.callback(faults.stop_workers)
        faults.start_worker()
        gunicorn = start_gunicorn(env=env, port=port, log=WORK_DIR / "faults-gunicorn.log")
        running.callback(stop_process, gunicorn)
        print(f"gunicorn on 127.0.0.1:{port}, a Celery worker, SMTP on {sink.url}, {args.database}; "
              f"locust: {args.managers} managers, {args.hr} HR for {args.seconds} s")  # fmt: skip
        locust = start_locust(plan=plan, port=port, seconds=args.seconds, log=WORK_DIR / "faults-locust.log")
        running.callback(stop_process, locust)
        load_started = time.time()

        steps = faults.steps()
        for step in steps:
            time.sleep(max(0.0, load_started + step.at - time.time()))  # at most --seconds in all
            step.started = time.time()
            try:
                step.detail = step.action()
            except Exception as error:  # a broken step is reported, and the run goes on
                step.failed, step.detail = True, f"{type(error).__name__}: {error}"
            step.ended = time.time()
            connection.close()  # a step may leave a broken connection behind (the PostgreSQL fault does)
            print(f"  {step.started - load_started:5.1f} s  {step.label}: {step.detail}", flush=True)
        wait_locust(locust, seconds=args.seconds)
        load_ended = time.time()
        resent = faults.resend_leftovers()

        samples = read_requests(plan)
        failures = [sample.ended for sample in samples if sample.error]  # when each failed request failed
        print("\ntimeline (seconds from the start of the load; web errors = failed requests from then until 3 s after)")
        print(f"{'at s':>6} {'took s':>7} {'web errors':>10}  step")
        for step, following in zip(steps, [*steps[1:], None], strict=True):
            until = step.ended + GRACE_SECONDS
            if following is not None:  # an error belongs to the step it followed
                until = min(until, following.started)
            errors = sum(1 for moment in failures if step.started <= moment < until)
            mark = "  FAILED: " + step.detail if step.failed else ""
            at, took = step.started - load_started, step.ended - step.started
            print(f"{at:6.1f} {took:7.1f} {errors:>10}  {step.label}{mark}")
        ended = f"load ended; {resent}; {faults.queued} sends queued in all"
        print(f"{load_ended - load_started:6.1f} {'':>7} {'':>10}  {ended}")

        print("\nload during the faults")
        figures, note = load_figures(samples, users=plan.users, submitted=len(read_lines(plan.submitted_log)),
                                     label="faults", after_logins=False)  # fmt: skip
        print(format_table(figures))
        print(note)

        all_ran = not any(step.failed for step in steps)
        checks = [Check(all_ran, "every step ran (reminder waves and faults)", "see the timeline")]
        checks.append(check_submitted(plan.submitted_log))
        checks += check_reminders(sink.messages, load_started=load_started)
        checks.append(check_app(port=port, gunicorn=gunicorn, hr_email=plan.hr[0], manager_email=plan.managers[0]))
        last_fault = max(step.ended for step in steps if step.is_fault)
        checks.append(check_recovered(failures, last_fault_end=last_fault, load_end=load_ended))

    print("\nchecks")
    for check in checks:
        print(f"  {'PASS' if check.passed else 'FAIL'}  {check.what}: {check.detail}")
    redis = f"its own Redis on port {REDIS_PORT} shut down" if PRIVATE_REDIS else f"Redis answers PING: {redis_ping()}"
    print(f"faults run took {time.monotonic() - begun:.0f} s; {redis}")
    return 0 if all(check.passed for check in checks) else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (RuntimeError, OSError) as error:
        print(f"faults run broke: {error}", file=sys.stderr)
        sys.exit(2)
