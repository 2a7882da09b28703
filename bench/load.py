"""Load test: locust (headless) against gunicorn on PostgreSQL, on 127.0.0.1 only. Managers fill in
and submit the self-assessment while HR users open the dashboards and a report user opens a trivial
logged-in page (the baseline every other page is compared with).

    python -m bench.load [--seconds 90] [--managers 50] [--hr 5] [--think 2] [--spawn-rate 2]
                         [--workers N] [--database emassess_load]

Takes --seconds plus about 20 s (a fresh database, migrations, seeding, start-up and shut-down):
about 110 s with the defaults. Prints one table (per request name: count, p50 and p99 of those that
succeeded, failures, and p50 against the baseline's) and writes it to var/bench/load.json for
`python -m bench.report`. Users start at --spawn-rate a second and each logs in first, 0.35 s of CPU
for the password hash: the pages are timed from the moment the last one had logged in, the logins
over the whole run. At 2 a second the logins take about 0.7 of the 2 cores while they last; at 10 a
second (all 57 within 6 s) they need twice the machine, pages queue behind them, and the first
second after the last login is spent working off that queue (the README says what that does to p99).
The plan, the request log, the logs and locust's own CSV files are left in var/bench/work/.

What runs: a fresh PostgreSQL database (dropped and created again), migrated, with the framework
and questionnaire loaded and one organisation seeded; `gunicorn emassess.wsgi --workers N` (one per core: WORKERS) on a
free port with the production settings (DEBUG off, as behind a TLS-terminating proxy: web_env);
`locust -f bench/locustfile.py`.
Every process started here is stopped at the end, whatever happens. bench/faults.py reuses the pieces.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import datetime
import heapq
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from statistics import fmean
from typing import TypeVar

from bench.report import OUT_DIR, Figure, format_table, percentile_ms, write_figures
from bench.setup import ROOT

# Plans, logs and locust's CSV files; OUT_DIR itself holds only the figures' JSON files.
WORK_DIR = OUT_DIR / "work"
PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")
PASSWORD = "load-test-password-1"
BASELINE = "baseline: trivial logged-in page (/report/)"


def fresh_database(name: str) -> str:
    """Drop and create database `name` on the local PostgreSQL; returns its DATABASE_URL."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def stop_process(process: subprocess.Popen, *, timeout: float = 20) -> None:
    """SIGTERM to the process's whole group (gunicorn's and celery's children too), SIGKILL if it lingers.
    Every process here is started with start_new_session=True, so its group id is its pid."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=timeout)
            return
        except subprocess.TimeoutExpired:
            continue


def spawn(command: list[str], *, env: dict[str, str], log: Path) -> subprocess.Popen:
    """A child in its own session (so stop_process reaches its children), output appended to `log`."""
    with log.open("ab") as out:
        return subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def stop_on_sigterm() -> None:
    """Turn SIGTERM into SystemExit, so the cleanup in `finally` and ExitStack runs."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))


def http_status(url: str, timeout: float = 5, headers: dict[str, str] | None = None) -> int:
    """The status of a GET (redirects not followed), or 0 when nothing answers."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: object, **kwargs: object) -> None:
            return None  # report the redirect itself

    try:
        request = urllib.request.Request(url, headers=headers or {})
        with urllib.request.build_opener(NoRedirect).open(request, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


def wait_until(check: Callable[[], bool], *, timeout: float, interval: float = 0.25) -> bool:
    """Poll `check` until it is true (True) or `timeout` seconds have passed (False)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(interval)
    return False


BASELINE_USERS = 2  # report users on the trivial page, sharing one login


@dataclass
class Plan:
    """What the locust users need (written as JSON for bench/locustfile.py) and where things are."""

    name: str
    path: Path
    managers: list[str]
    hr: list[str]
    report: str
    submitted_log: Path
    request_log: Path

    @property
    def users(self) -> int:
        return len(self.managers) + len(self.hr) + BASELINE_USERS


def prepare(*, name: str, managers: int, hr: int, think: float, hr_managers: int = 0, hr_quarters: int = 8) -> Plan:
    """Django on DATABASE_URL (migrated, content loaded), one organisation seeded, the plan written.

    With hr_managers, the HR users work in an organisation of their own of that many managers (in
    teams of 20), with hr_quarters of results, every closed quarter released, as bench/dashboards.py
    seeds it; otherwise in the managers' organisation. Call with DATABASE_URL already pointing at a
    fresh database. Everyone gets PASSWORD; the hash is computed once, as hashing it for each of 50
    people would take 20 s. ANALYZE runs after seeding."""
    from bench.setup import analyze, start_django

    start_django()
    from django.contrib.auth.hashers import make_password
    from django.db import connection

    from emassess.accounts.models import User
    from emassess.assessments.answer_sets import AnswerProfile, answers_for, as_posted
    from emassess.assessments.questionnaire import current_version
    from emassess.orgs.models import Membership, Organisation, Team

    organisation = Organisation.objects.create(name="Loadcorp", slug="loadcorp")
    teams = Team.objects.bulk_create(
        Team(organisation=organisation, name=f"Team {i:02d}") for i in range(max(1, managers // 10))
    )
    password = make_password(PASSWORD)
    # Less than a year in the role: no role review is due, so each manager is due only the cycle's reminders.
    started_on = datetime.date.today() - datetime.timedelta(days=200)
    manager_users = User.objects.bulk_create(
        User(email=f"manager{i}@load.test", full_name=f"Manager {i}", password=password) for i in range(managers)
    )
    memberships = Membership.objects.bulk_create(
        Membership(user=user, organisation=organisation, role=Membership.Role.MANAGER, team=teams[i % len(teams)],
                   manager_role="tlm" if i % 3 == 0 else "em", manager_role_started_on=started_on)
        for i, user in enumerate(manager_users)
    )  # fmt: skip
    hr_organisation, hr_teams = organisation, teams
    hr_label = f"hr ({managers:,} managers)"
    if hr_managers:
        import datetime as dt

        from django.utils import timezone

        from bench.dashboards import seed
        from emassess.dashboards.releases import figures_release_due

        begun = time.perf_counter()
        seeded = seed(slug="hrcorp", managers=hr_managers, teams=max(1, hr_managers // 20), quarters=hr_quarters,
                      rng=random.Random(10_000))  # fmt: skip
        figures_release_due(now=timezone.now(), every_quarter=True)
        hr_organisation = seeded.organisation
        hr_teams = list(Team.objects.filter(organisation=hr_organisation).order_by("pk")[:50])
        hr_label = f"hr ({hr_managers:,} managers, {seeded.teams:,} teams, {seeded.results:,} results)"
        print(f"seeded the HR organisation: {hr_label[4:-1]}, released, in {time.perf_counter() - begun:.0f} s "
              f"(today {dt.date.today()})", flush=True)  # fmt: skip
    hr_users = User.objects.bulk_create(
        User(email=f"hr{i}@load.test", full_name=f"HR {i}", password=password) for i in range(hr)
    )
    Membership.objects.bulk_create(
        Membership(user=user, organisation=hr_organisation, role=Membership.Role.HR) for user in hr_users
    )
    report = User.objects.create(email="report@load.test", full_name="Report", password=password)
    Membership.objects.create(user=report, organisation=organisation, role=Membership.Role.REPORT, team=teams[0],
                              reports_to=memberships[0])  # fmt: skip

    # A few different answer sets, posted step by step as a browser would.
    version = current_version()
    rng = random.Random(50)
    areas = ["hands_on_coding", "technical_leadership", "people_team", "process_delivery", "product", "organisation"]
    answer_sets = []
    for _ in range(8):
        cuts = sorted(rng.sample(range(1, 100), len(areas) - 1))
        week = dict(zip(areas, [b - a for a, b in zip([0, *cuts], [*cuts, 100], strict=True)], strict=True))
        profile = AnswerProfile(week=week, role=rng.choice(["em", "tlm"]), tlm_statements=rng.randint(0, 6),
                                practice=rng.randint(0, 4), best_judgement=rng.random() < 0.5)  # fmt: skip
        posted = as_posted(answers_for(version.definition, profile))
        # Only what is asked of this profile, as a browser posts it (a practice only some roles are asked is not).
        answer_sets.append([{q["id"]: posted[q["id"]] for q in section["questions"] if q["id"] in posted}
                            for section in version.sections])  # fmt: skip
    analyze()
    connection.close()

    WORK_DIR.mkdir(parents=True, exist_ok=True)
    plan = Plan(
        name=name,
        path=WORK_DIR / f"{name}-plan.json",
        managers=[user.email for user in manager_users],
        hr=[user.email for user in hr_users],
        report=report.email,
        submitted_log=WORK_DIR / f"{name}-submitted.txt",
        request_log=WORK_DIR / f"{name}-requests.tsv",
    )
    for log in (plan.submitted_log, plan.request_log):
        log.write_text("")
    content = {
        "password": PASSWORD,
        "managers": plan.managers,
        "hr": plan.hr,
        "report": plan.report,
        "baseline_users": BASELINE_USERS,
        "teams": [team.pk for team in hr_teams],
        "hr_label": hr_label,
        "answer_sets": answer_sets,
        # A compressed human: `think` seconds on average per page, a short pause between two assessments.
        "think_seconds": [0.5 * think, 1.5 * think],
        "manager_wait_seconds": [0.5, 1.5],
        "hr_wait_seconds": [1.0, 3.0],
        "submitted_log": str(plan.submitted_log),
        "request_log": str(plan.request_log),
    }
    plan.path.write_text(json.dumps(content, indent=1))
    return plan


def web_env(*, database_url: str, port: int, extra: dict[str, str] | None = None) -> dict[str, str]:
    """Production settings (bench.setup.production_env: DEBUG off), as behind a TLS-terminating
    proxy: the clients say X-Forwarded-Proto: https (bench/locustfile.py)."""
    from bench.setup import production_env

    production_env()
    env = os.environ | {"DATABASE_URL": database_url, "SITE_URL": f"https://127.0.0.1:{port}"}
    env.pop("CELERY_BROKER_URL", None)  # the load test has no worker; faults.py passes one in `extra`
    return env | (extra or {})


# One sync worker per core: a worker more only waits for a core the others hold (measured on the
# 2-core machines, which PostgreSQL and the load generator share: the README's "Workers").
WORKERS = os.cpu_count() or 2


def start_gunicorn(*, env: dict[str, str], port: int, log: Path, workers: int = WORKERS) -> subprocess.Popen:
    """gunicorn with sync workers on 127.0.0.1:port; returns once the login page answers 200.
    bench/gunicorn_hooks.py logs each request's time in the worker (wall, CPU, garbage collection)."""
    env = env | {"EMASSESS_BENCH_SERVER_LOG": str(log.with_suffix(".requests"))}
    for old in log.parent.glob(log.with_suffix(".requests").name + ".*"):
        old.unlink()
    process = spawn(
        [sys.executable, "-m", "gunicorn", "emassess.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
         "--timeout", "30", "--graceful-timeout", "5", "--config", "python:bench.gunicorn_hooks"],
        env=env, log=log,
    )  # fmt: skip
    secure = {"X-Forwarded-Proto": "https"}
    if not wait_until(lambda: http_status(f"http://127.0.0.1:{port}/accounts/login/", headers=secure) == 200,
                      timeout=60):  # fmt: skip
        stop_process(process)
        raise RuntimeError(f"gunicorn did not answer on 127.0.0.1:{port} within 60 s; see {log}")
    return process


def start_locust(*, plan: Plan, port: int, seconds: int, log: Path, spawn_rate: float = 10) -> subprocess.Popen:
    """locust headless for `seconds`, users ramping up at `spawn_rate` a second (their logins cost 0.35 s
    of CPU each)."""
    prefix = WORK_DIR / plan.name
    for old in WORK_DIR.glob(f"{plan.name}_*.csv"):
        old.unlink()
    return spawn(
        [sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
         "--users", str(plan.users), "--spawn-rate", str(spawn_rate), "--run-time", f"{seconds}s",
         "--stop-timeout", "10",
         "--host", f"http://127.0.0.1:{port}", "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING",
         "--exit-code-on-error", "0"],
        env=os.environ | {"EMASSESS_LOAD_PLAN": str(plan.path)}, log=log,
    )  # fmt: skip


def wait_locust(process: subprocess.Popen, *, seconds: int) -> None:
    """Locust stops itself after --run-time (+ up to 10 s for users to finish); never wait forever."""
    try:
        process.wait(timeout=seconds + 60)
    except subprocess.TimeoutExpired:
        stop_process(process)
        raise RuntimeError("locust did not stop by itself; stopped it") from None
    if process.returncode != 0:
        raise RuntimeError(f"locust exited with {process.returncode}")


LOGIN = "login: log in"
# The machine-stall probe (bench/pauses.py): how long it sleeps each time, and how late a wake-up
# must be to count as a stall.
PROBE_SLEEP_MS = 1.0
PROBE_LATE_MS = 15.0
# The disk probe (bench/flushes.py): how often it flushes, and how long a flush must take to count as slow.
FLUSH_EVERY_MS = 50.0
FLUSH_SLOW_MS = 15.0
# How long a request must have waited in its worker, beyond its own CPU, to count as held up.
HELD_UP_MS = 40.0


@dataclass(frozen=True)
class Sample:
    """One request, as bench/locustfile.py logged it."""

    started: float  # epoch seconds
    name: str
    ms: float
    error: str  # empty when it succeeded
    number: str  # the X-Bench-Request number it was sent with, which the worker logged too

    @property
    def ended(self) -> float:
        return self.started + self.ms / 1000


def read_requests(plan: Plan) -> list[Sample]:
    samples = []
    for line in read_lines(plan.request_log):
        started, name, ms, error, number = line.split("\t", 4)
        samples.append(Sample(float(started), name, float(ms), error, number))
    return samples


def logged_in_at(samples: list[Sample], users: int) -> float | None:
    """When the last of the `users` simulated users had logged in, or None if some never did."""
    logins = sorted(sample.ended for sample in samples if sample.name == LOGIN and not sample.error)
    return logins[users - 1] if len(logins) >= users else None


def load_figures(
    samples: list[Sample], *, users: int, submitted: int, label: str = "load", after_logins: bool = True
) -> tuple[list[Figure], str]:
    """One figure per request name: count and rate, p50 and p99 of the requests that succeeded (their
    p50 against the baseline's under the same load), failed requests. With after_logins, pages count
    only from the moment every user had logged in: all log in at the start, and hashing 57 passwords
    (0.35 s of CPU each) holds every page up meanwhile; the login rows cover the whole run."""
    if not samples:
        return [], "no requests were made"
    first, last = min(s.started for s in samples), max(s.ended for s in samples)
    ready = logged_in_at(samples, users) if after_logins else None
    since = ready or first
    groups: dict[str, list[Sample]] = collections.defaultdict(list)
    for sample in samples:
        if sample.name.startswith("login: "):
            groups[sample.name].append(sample)
        elif sample.started >= since:
            groups[sample.name].append(sample)
            groups["all pages"].append(sample)

    def row(name: str) -> tuple[int, float, float | None, float | None, int]:
        rows = groups[name]
        seconds = (last - first) if name.startswith("login: ") else (last - since)
        times = [sample.ms / 1000 for sample in rows if not sample.error]
        p50 = percentile_ms(times, 0.5) if times else None
        p99 = percentile_ms(times, 0.99) if times else None
        return len(rows), len(rows) / max(seconds, 1e-9), p50, p99, sum(1 for sample in rows if sample.error)

    base_p50 = row(BASELINE)[2] if groups[BASELINE] else None
    # The login rows cover the whole run, so their baseline does too: the trivial page over the whole run.
    whole = [sample.ms / 1000 for sample in samples if sample.name == BASELINE and not sample.error]
    whole_p50 = percentile_ms(whole, 0.5) if whole else None
    figures = []
    for name in [*sorted(name for name in groups if name != "all pages"), "all pages"]:
        count, rate, p50, p99, errors = row(name)
        login = name.startswith("login: ")
        against = whole_p50 if login else base_p50
        compared = name not in (BASELINE, "all pages") and against and p50 is not None
        window = "over the whole run" if login else "same window"
        figures.append(
            Figure(
                f"{label}: {name}",
                f"{count:,} requests, {rate:.1f}/s",
                f"trivial page p50 {against:.0f} ms, {window}" if compared else "",
                (p50 / against) if compared else None,
                p50,
                p99,
                errors,
                sum(1 for sample in groups[name] if not sample.error),
            )
        )
    per_minute = 60 * submitted / (last - first)
    figures.append(Figure(f"{label}: assessments submitted", f"{submitted:,} ({per_minute:.0f}/min)"))
    if ready is None:
        note = f"pages over the whole {last - first:.0f} s of load"
    else:
        note = (
            f"pages over the {last - ready:.0f} s after all {users} users had logged in (the first "
            f"{ready - first:.0f} s, while they started and logged in, set apart); login rows over the whole "
            f"{last - first:.0f} s"
        )
    return figures, note


class CpuWatch:
    """CPU time of the load generator, of gunicorn (master and workers) and of the whole machine,
    sampled once a second from /proc while the load runs (Linux only; silent elsewhere)."""

    def __init__(self, *, locust: int, gunicorn: int):
        import threading

        self.roots = {"locust": locust, "gunicorn": gunicorn}
        self.ticks: dict[str, dict[int, int]] = {"locust": {}, "gunicorn": {}}
        self.machine: list[tuple[int, int, int]] = []  # (busy, total, stolen) jiffies
        self.begun = time.monotonic()
        self.ended = self.begun
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    @staticmethod
    def _stat(pid: int) -> tuple[int, int] | None:  # (parent pid, utime + stime)
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            return None
        return int(fields[1]), int(fields[11]) + int(fields[12])

    def sample(self) -> None:
        processes = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit() and (stat := self._stat(int(entry.name))):
                processes[int(entry.name)] = stat
        for name, root in self.roots.items():
            for pid, (parent, ticks) in processes.items():
                if pid == root or parent == root:
                    self.ticks[name][pid] = max(ticks, self.ticks[name].get(pid, 0))
        with contextlib.suppress(OSError):
            values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
            idle = values[3] + (values[4] if len(values) > 4 else 0)
            stolen = values[7] if len(values) > 7 else 0  # the hypervisor ran something else
            self.machine.append((sum(values) - idle, sum(values), stolen))
        self.ended = time.monotonic()

    def run(self) -> None:
        with contextlib.suppress(Exception):
            self.sample()
            while not self.stopping.wait(1.0):
                self.sample()

    def stop(self) -> dict[str, float]:
        """Shares over the run: of one core for locust and gunicorn, of all cores for the machine and
        for the time stolen from it."""
        self.stopping.set()
        self.thread.join(timeout=5)
        seconds = max(self.ended - self.begun, 1e-9)
        hertz = os.sysconf("SC_CLK_TCK")
        shares = {name: sum(ticks.values()) / hertz / seconds for name, ticks in self.ticks.items()}
        if len(self.machine) >= 2:
            (busy0, total0, stolen0), (busy1, total1, stolen1) = self.machine[0], self.machine[-1]
            shares["machine"] = (busy1 - busy0) / max(total1 - total0, 1)
            shares["stolen"] = (stolen1 - stolen0) / max(total1 - total0, 1)
        return shares


class LockWatch:
    """How often a request waited on a row or table lock in PostgreSQL while the load ran: the
    database's sessions sampled every 100 ms (pg_stat_activity, wait_event_type 'Lock')."""

    def __init__(self, database_url: str):
        import threading

        self.database_url = database_url
        self.samples = 0
        self.waiting: list[int] = []  # sessions waiting on a lock, in each sample that had any
        self.failed = ""
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self) -> None:
        import psycopg

        try:
            with psycopg.connect(self.database_url, autocommit=True) as connection:
                while not self.stopping.wait(0.1):
                    row = connection.execute(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                        "AND wait_event_type = 'Lock'"
                    ).fetchone()
                    self.samples += 1
                    if row and row[0]:
                        self.waiting.append(row[0])
        except Exception as error:
            self.failed = " ".join(str(error).split())[:200] or type(error).__name__

    def stop(self) -> str:
        self.stopping.set()
        self.thread.join(timeout=5)
        if self.failed:
            return f"tail: locks: not watched, the watch failed after {self.samples} looks: {self.failed}"
        return (
            f"tail: locks: in {len(self.waiting)} of {self.samples} looks at the database, every 100 ms over the "
            f"load, a request was waiting on a lock (at most {max(self.waiting, default=0)} at once)"
        )


@dataclass(frozen=True)
class ServerSample:
    """One request as a gunicorn worker saw it (bench/gunicorn_hooks.py)."""

    started: float
    request: str
    wall_ms: float
    cpu_ms: float
    gc_ms: float
    number: str  # the client's X-Bench-Request number

    @property
    def ended(self) -> float:
        return self.started + self.wall_ms / 1000


def read_server_requests(log: Path) -> list[ServerSample]:
    samples = []
    for path in sorted(log.parent.glob(log.with_suffix(".requests").name + ".*")):
        for line in read_lines(path):
            started, request, wall, cpu, collected, number = line.split("\t")
            samples.append(ServerSample(float(started), request, float(wall), float(cpu), float(collected), number))
    return samples


SlowItem = TypeVar("SlowItem")


def slowest(items: list[SlowItem], key: Callable[[SlowItem], float], fraction: float = 0.01) -> list[SlowItem]:
    """The slowest `fraction` of `items` by `key` (at least one): the tail the notes describe."""
    return sorted(items, key=key)[-max(1, round(len(items) * fraction)) :]


@dataclass(frozen=True)
class Pause:
    """A moment a probe was held up, when, and for how long: the machine's (bench/pauses.py) could
    not run, though it was due to (no core was free for it, or the virtual machine itself was not
    running); the disk's (bench/flushes.py) waited long for a flush."""

    started: float
    ms: float

    @property
    def ended(self) -> float:
        return self.started + self.ms / 1000


def overlaps(started: float, ended: float, pauses: list[Pause]) -> bool:
    return any(pause.started < ended and pause.ended > started for pause in pauses)


def read_pauses(path: Path) -> list[Pause]:
    pauses = []
    for line in read_lines(path):
        started, ms = line.split("\t")
        pauses.append(Pause(float(started), float(ms)))
    return pauses


@dataclass(frozen=True)
class Split:
    """Where the clients' slowest requests spent their time, each request followed by its number
    from the client into the worker and back (all in milliseconds, means over the requests)."""

    requests: int
    total_ms: float
    before_ms: float  # sent, not yet taken by a worker: queueing for a free one (and connecting)
    in_worker_ms: float
    cpu_ms: float  # of in_worker_ms, the worker's own CPU
    after_ms: float  # the worker had sent its last byte; the load generator had not yet read it


def split_slowest(samples: list[Sample], server: list[ServerSample], fraction: float = 0.01) -> Split | None:
    """The slowest `fraction` of the client requests that a worker logged, split into before, in and
    after the worker; None when no request could be followed (an older log without numbers)."""
    by_number = {s.number: s for s in server if s.number}
    paired = [(c, by_number[c.number]) for c in samples if c.number in by_number]
    if not paired:
        return None
    tail = slowest(paired, key=lambda pair: pair[0].ms, fraction=fraction)
    return Split(
        requests=len(tail),
        total_ms=fmean([c.ms for c, _ in tail]),
        before_ms=fmean([1000 * (w.started - c.started) for c, w in tail]),
        in_worker_ms=fmean([w.wall_ms for _, w in tail]),
        cpu_ms=fmean([w.cpu_ms for _, w in tail]),
        after_ms=fmean([1000 * (c.ended - w.ended) for c, w in tail]),
    )


def independent_tail(walls_ms: list[float], *, rate: float, workers: int, requests: int = 100_000) -> float | None:
    """p99 over p50 of what the clients would have seen had each request's time in a worker been
    drawn at random from `walls_ms`, the requests arriving at random (Poisson) at `rate` a second and
    queueing for `workers` workers first come, first served. Set against the measured tail, it tells
    the spread of the times in the workers (waiting for a core included) from queueing behind
    slow-downs that strike every worker at once. None when the workers could not keep up at all."""
    if rate * sum(walls_ms) / len(walls_ms) / 1000 >= workers:
        return None
    rng = random.Random(14)
    free_at = [0.0] * workers  # a heap: when each worker is next free
    now, waited = 0.0, []
    for _ in range(requests):
        now += rng.expovariate(rate)
        start = max(now, heapq.heappop(free_at))
        end = start + rng.choice(walls_ms) / 1000
        heapq.heappush(free_at, end)
        waited.append(end - now)
    return percentile_ms(waited, 0.99) / percentile_ms(waited, 0.5)


def tail_notes(
    samples: list[Sample], server: list[ServerSample], cpu: dict[str, float], *, users: int, workers: int,
    load: tuple[float, float], pauses: list[Pause] | None = None, flushes: list[Pause] | None = None,
    flush_disk: str = "",
) -> list[str]:  # fmt: skip
    """Where the slowest pages' time went: each of the clients' slowest requests followed into its
    worker (queueing for a worker, in the worker, the load generator reading the answer), and in
    the workers, CPU against waiting and garbage collection; what the load generator and the
    machine used."""
    since = logged_in_at(samples, users) or min(sample.started for sample in samples)
    window = [s for s in samples if not s.error and not s.name.startswith("login: ") and s.started >= since]
    served = [s for s in server if s.started >= since and "/accounts/login/" not in s.request]
    if not window or not served:
        return ["tail: not enough requests to say"]

    def pct(values: list[float], fraction: float) -> float:
        return percentile_ms([v / 1000 for v in values], fraction)

    pages = [s.ms for s in window]
    p50, p99 = pct(pages, 0.5), pct(pages, 0.99)
    wall50, wall99 = pct([s.wall_ms for s in served], 0.5), pct([s.wall_ms for s in served], 0.99)
    slow_served = slowest(served, key=lambda s: s.wall_ms)
    slow_clients = slowest(window, key=lambda s: s.ms)  # the clients' slowest 1%, set against each probe
    slow_wall, slow_cpu = fmean([s.wall_ms for s in slow_served]), fmean([s.cpu_ms for s in slow_served])
    slow_gc = fmean([s.gc_ms for s in slow_served])
    all_gc = sum(s.gc_ms for s in served) / max(1.0, sum(s.wall_ms for s in served))
    notes = [
        f"tail: all pages p50 {p50:.0f} ms, p99 {p99:.0f} ms: p99 is {p99 / p50:.1f}x p50 "
        f"(goal at most 3x: {'met' if p99 <= 3 * p50 else 'NOT met'})",
        f"tail: inside the {workers} gunicorn workers (from the worker taking the request to its last byte) "
        f"p50 {wall50:.0f} ms, p99 {wall99:.0f} ms",
    ]
    split = split_slowest(window, served)
    if split is not None:
        notes.append(
            f"tail: the clients' slowest 1% ({split.requests} requests, {split.total_ms:.0f} ms on average), each "
            f"followed into its worker: {split.before_ms:.0f} ms before a worker took it (queueing for a free "
            f"worker), {split.in_worker_ms:.0f} ms in the worker ({split.cpu_ms:.0f} ms of it the worker's CPU), "
            f"{split.after_ms:.0f} ms after the worker had sent it (the load generator reading the answer)"
        )
    if pauses is not None:
        during = [p for p in pauses if p.started >= since]
        stalled = [c for c in slow_clients if overlaps(c.started, c.ended, during)]
        longest = max((p.ms for p in during), default=0.0)
        notes.append(
            f"tail: the machine stalled (a probe sleeping {PROBE_SLEEP_MS:g} ms at a time woke more than "
            f"{PROBE_LATE_MS:g} ms late: no core free for it, or the virtual machine not running) "
            f"{len(during)} times, the longest {longest:.0f} ms, {sum(p.ms for p in during):.0f} ms in all; "
            f"{len(stalled)} of the clients' slowest 1% were under way during one; time stolen by the "
            f"hypervisor: {100 * cpu.get('stolen', 0):.1f}% of the cores"
        )
    if flushes is not None:
        slow = [f for f in flushes if f.started >= since]
        flushed = [c for c in slow_clients if overlaps(c.started, c.ended, slow)]
        held = [s for s in served if s.wall_ms - s.cpu_ms > HELD_UP_MS]
        held_flushing = [s for s in held if overlaps(s.started, s.ended, slow)]
        notes.append(
            f"tail: the disk{flush_disk}: a probe writing 8 kB and waiting for the disk every {FLUSH_EVERY_MS:g} ms "
            f"waited more than {FLUSH_SLOW_MS:g} ms {len(slow)} times, the longest "
            f"{max((f.ms for f in slow), default=0.0):.0f} ms; {len(flushed)} of the clients' slowest 1% were under "
            f"way during one; of the {len(held)} requests that waited more than {HELD_UP_MS:g} ms in their worker "
            f"beyond its CPU, {sum(1 for s in held if s.request.startswith('POST '))} were writes (POST) and "
            f"{len(held_flushing)} were under way during a slow flush"
        )
    by_page: dict[str, list[ServerSample]] = collections.defaultdict(list)
    for sample in served:  # one page however many assessments and teams: ids out of its path
        by_page[re.sub(r"/\d+/", "/<n>/", re.sub(r"/[0-9a-f-]{36}/", "/<id>/", sample.request))].append(sample)
    common, same_page = max(by_page.items(), key=lambda item: len(item[1]))
    cpu50, cpu99 = pct([s.cpu_ms for s in same_page], 0.5), pct([s.cpu_ms for s in same_page], 0.99)
    notes.append(
        f"tail: the same work spreads too: the commonest request ({common}, {len(same_page)} times) took p50 "
        f"{cpu50:.0f} ms and p99 {cpu99:.0f} ms of the worker's own CPU ({cpu99 / cpu50:.1f}x), and p50 "
        f"{pct([s.wall_ms for s in same_page], 0.5):.0f} ms and p99 {pct([s.wall_ms for s in same_page], 0.99):.0f}"
        f" ms in the worker"
    )
    rate = len(window) / (max(s.ended for s in window) - since)
    alone = independent_tail([s.wall_ms for s in served], rate=rate, workers=workers)
    if alone is not None:
        gap = p99 / p50 - alone
        reading = (
            "the difference is queueing behind slow-downs that strike the workers together"
            if gap >= 0.5
            else "too close to the measured tail to tell queueing from the spread of the times themselves"
        )
        notes.append(
            f"tail: had the times measured in the workers (waiting for a core included) been independent of one "
            f"another, random arrivals at the same rate ({rate:.0f}/s) for {workers} workers would have given p99 "
            f"{alone:.1f}x p50, against {p99 / p50:.1f}x measured: {reading}"
        )
    notes += [
        f"tail: the slowest 1% in the workers ({len(slow_served)} requests): {slow_wall:.0f} ms on average, of "
        f"which the worker's CPU {slow_cpu:.0f} ms and garbage collection {slow_gc:.1f} ms (GC is "
        f"{100 * all_gc:.1f}% of all worker time, {max(s.gc_ms for s in served):.0f} ms at most in one request); "
        f"the rest, {max(0.0, slow_wall - slow_cpu):.0f} ms, waiting (for a core the "
        f"machine's other processes held, or the database)",
        f"tail: CPU over the load: the load generator (locust) {100 * cpu.get('locust', 0):.0f}% of a core, "
        f"gunicorn {100 * cpu.get('gunicorn', 0):.0f}% of a core, the machine {100 * cpu.get('machine', 0):.0f}% "
        f"of its {os.cpu_count()} cores busy (other sessions' processes included); load average (1 min) "
        f"{load[0]:.1f} before, {load[1]:.1f} after",
    ]
    if split is not None:
        parts = {
            "queueing for a free worker": split.before_ms,
            "the worker's own CPU": split.cpu_ms,
            "waiting inside the worker (for a core or the database)": split.in_worker_ms - split.cpu_ms,
            "the load generator reading the answer": split.after_ms,
        }
        biggest = max(parts, key=parts.__getitem__)
        notes.append(f"tail: the largest part of the clients' slowest 1%: {biggest}")
    return notes


def disk_of_database(folder: Path) -> str:
    """Whether `folder` is on the file system of PostgreSQL's data, as words for the notes ("" when
    it cannot be told: not allowed to read the setting or the folder)."""
    from django.db import DatabaseError, connection

    try:
        with connection.cursor() as cursor:
            cursor.execute("SHOW data_directory")
            data = cursor.fetchone()[0]
        same = os.stat(data).st_dev == os.stat(folder).st_dev
    except (DatabaseError, OSError):
        return ""
    return " (the file system PostgreSQL's data is on)" if same else " (not the file system of PostgreSQL's data)"


def read_lines(path: Path) -> list[str]:
    return [line for line in path.read_text().splitlines() if line.strip()] if path.exists() else []


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=90, help="how long the load runs (default 90)")
    parser.add_argument("--managers", type=int, default=50)
    parser.add_argument("--hr", type=int, default=5)
    # 2 s a page: 50 managers ask for about 30 requests a second in all; at 1 s, twice that, more than
    # the gunicorn workers on 2 cores serve, and every page mostly waits in the queue.
    parser.add_argument("--think", type=float, default=2.0, help="mean seconds a manager spends on a page")
    parser.add_argument("--database", default="emassess_load", help="dropped and created again")
    parser.add_argument("--hr-managers", type=int, default=10_000,
                        help="size of the HR users' organisation (0: the managers' own)")  # fmt: skip
    parser.add_argument("--workers", type=int, default=WORKERS, help="gunicorn sync workers")
    # People do not all log in within the same few seconds: 2 a second spreads the 57 logins over 28 s.
    parser.add_argument("--spawn-rate", type=float, default=2, help="users starting (and logging in) a second")
    args = parser.parse_args()
    stop_on_sigterm()
    begun = time.monotonic()

    database_url = fresh_database(args.database)
    os.environ["DATABASE_URL"] = database_url
    plan = prepare(name="load", managers=args.managers, hr=args.hr, think=args.think, hr_managers=args.hr_managers)
    port = free_port()
    gunicorn_log = WORK_DIR / "load-gunicorn.log"
    load_before = os.getloadavg()[0]
    with contextlib.ExitStack() as running:
        gunicorn = start_gunicorn(env=web_env(database_url=database_url, port=port), port=port, log=gunicorn_log,
                                  workers=args.workers)  # fmt: skip
        running.callback(stop_process, gunicorn)
        print(f"gunicorn ({args.workers} workers) on 127.0.0.1:{port}, {args.database}; locust: {args.managers} "
              f"managers, {args.hr} HR, {BASELINE_USERS} baseline users for {args.seconds} s")  # fmt: skip
        pauses_log = WORK_DIR / "load-pauses.tsv"
        probe = spawn([sys.executable, "-m", "bench.pauses", "--out", str(pauses_log), "--seconds",
                       str(args.seconds + 30), "--sleep-ms", str(PROBE_SLEEP_MS), "--late-ms", str(PROBE_LATE_MS)],
                      env=dict(os.environ), log=WORK_DIR / "load-pauses.log")  # fmt: skip
        running.callback(stop_process, probe)
        flushes_log = WORK_DIR / "load-flushes.tsv"
        flush_probe = spawn([sys.executable, "-m", "bench.flushes", "--file", str(WORK_DIR / "flush-probe"), "--out",
                             str(flushes_log), "--seconds", str(args.seconds + 30), "--every-ms", str(FLUSH_EVERY_MS),
                             "--slow-ms", str(FLUSH_SLOW_MS)],
                            env=dict(os.environ), log=WORK_DIR / "load-flushes.log")  # fmt: skip
        running.callback(stop_process, flush_probe)
        locust = start_locust(plan=plan, port=port, seconds=args.seconds, log=WORK_DIR / "load-locust.log",
                              spawn_rate=args.spawn_rate)  # fmt: skip
        running.callback(stop_process, locust)
        watch = CpuWatch(locust=locust.pid, gunicorn=gunicorn.pid)
        locks = LockWatch(database_url)
        wait_locust(locust, seconds=args.seconds)
        cpu = watch.stop()
        lock_note = locks.stop()
    load_after = os.getloadavg()[0]

    from emassess.assessments.models import Assessment

    submitted = len(read_lines(plan.submitted_log))
    in_database = Assessment.objects.filter(
        status=Assessment.Status.SUBMITTED, manager__organisation__slug="loadcorp"
    ).count()
    samples = read_requests(plan)
    figures, note = load_figures(samples, users=plan.users, submitted=submitted)
    notes = [
        f"gunicorn {args.workers} sync workers, locust on the same machine: {args.managers} managers, {args.hr} HR, "
        f"{BASELINE_USERS} baseline users starting at {args.spawn_rate:g} a second, {args.seconds} s; {note}",
        *tail_notes(samples, read_server_requests(gunicorn_log), cpu, users=plan.users, workers=args.workers,
                    load=(load_before, load_after), pauses=read_pauses(pauses_log), flushes=read_pauses(flushes_log),
                    flush_disk=disk_of_database(WORK_DIR)),
        lock_note,
    ]  # fmt: skip
    print(format_table(figures))
    print("\n".join(notes))
    print(f"submitted: {submitted} seen by the clients, {in_database} in the database")
    for sample in [sample for sample in samples if sample.error][:5]:
        print(f"failed: {sample.name}: {sample.error}")
    write_figures("load", figures, notes=notes)
    print(f"load test took {time.monotonic() - begun:.0f} s in all")
    return 0


if __name__ == "__main__":
    sys.exit(main())
