"""Shared fixtures. The cast, after healthchecks' tests:

- Alice manages a product team at Acme; Bob is one of her reports.
- Carol is another manager at Acme: she must never see Alice's things.
- Hana is HR at Acme and Adam its org admin.
- Gina is HR at Globex: nothing of Acme is hers to see; Gus is a manager there.
- Sue is a superuser with no organisation.

Fixtures used in more than one folder live here, each once; a folder's own are in its conftest.
What is not a fixture (logging in as a role, weeks and answers, fixed days) is in tests/helpers.py.
"""

from __future__ import annotations

import datetime
import os
import shutil
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.db import transaction

from emassess.accounts.models import User
from emassess.assessments.questionnaire import (
    build_definition,
    framework_snapshot,
    questionnaire_publish,
    read_questionnaire,
)
from emassess.assessments.services import assessment_reopen, assessment_start, assessment_submit
from emassess.celery import app as celery_app
from emassess.dashboards.releases import figures_release_due
from emassess.framework.loading import load_framework, read_content
from emassess.orgs import services as org_services
from emassess.orgs.cycles import parse_quarter
from emassess.orgs.models import Invitation, Membership, Organisation
from tests import factories
from tests.helpers import TODAY, posted_answers_to


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache():
    """What the dashboards keep (emassess.dashboards.selectors.kept) is keyed by organisation id, and
    SQLite hands a rolled-back test's ids out again: every test starts with nothing kept."""
    cache.clear()


@pytest.fixture(autouse=True)
def _published_versions_read_afresh():
    """What each process keeps of a published version (its definition, the fields that check its
    answers) is keyed by the version's id and publication time, which never come back in a real
    database. A test database hands ids out again, and a test may freeze the clock: each test
    starts with nothing kept."""
    from emassess.assessments import forms, selectors

    selectors._DEFINITIONS.clear()
    forms._CHECKING_FIELDS.clear()
    forms._RENDERED_ANSWERS.clear()


@pytest.fixture(autouse=True, scope="session")
def _no_stray_database_sessions(django_db_setup, django_db_blocker):
    """Before the test database is dropped, end any session still attached to it on PostgreSQL
    (a live-server thread or a worker process that has not quite gone), so the drop succeeds and
    the next run starts clean. Says which ones it ended."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid, application_name, state, left(query, 80) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        for pid, application, state, query in cursor.fetchall():
            print(f"\nending a database session left open: pid {pid} {application!r} {state}: {query}")
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])


@pytest.fixture(autouse=True, scope="session")
def _celery_eager():
    """Tasks queued by code under test run in-process, even when CI sets a real broker URL;
    the tests marked `worker` talk to a real worker through the broker explicitly."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def framework(db):
    """The real framework content, loaded as `make run` loads it."""
    return load_framework(read_content())


@pytest.fixture(scope="session")
def definition(django_db_setup, django_db_blocker) -> dict:
    """The real questionnaire definition, built once: the framework is loaded in a transaction
    that is rolled back, so no test sees its rows unless it asks for them."""
    with django_db_blocker.unblock(), transaction.atomic():
        load_framework(read_content())
        built = build_definition(read_questionnaire(), framework_snapshot())
        transaction.set_rollback(True)
    return built


@pytest.fixture
def version(framework):
    """The questionnaire published as `make run` publishes it."""
    published, _ = questionnaire_publish(definition=build_definition(read_questionnaire(), framework_snapshot()))
    return published


@pytest.fixture
def survey(framework):
    """The upward-feedback survey published as `make run` publishes it."""
    from emassess.feedback.survey import build_definition as survey_definition
    from emassess.feedback.survey import read_survey, survey_publish

    published, _ = survey_publish(definition=survey_definition(read_survey()))
    return published


@pytest.fixture
def submit_on(version):
    """submit_on(manager, datetime.date(2026, 1, 10), behaviour={...}): a result submitted at noon
    UTC that day, answered as tests.helpers.answers_to describes (on week() unless week= is given)."""

    def make(manager, day: datetime.date, **profile):
        moment = datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC)
        draft = assessment_start(manager=manager, now=moment)
        draft.answers = posted_answers_to(version.definition, **profile)
        draft.save()
        return assessment_submit(assessment=draft, now=moment)

    return make


@pytest.fixture
def resubmit_on(version):
    """resubmit_on(result, datetime.date(2026, 8, 20), behaviour={...}): the manager reopens their
    result that day at noon UTC (or at the moment given), answers as tests.helpers.answers_to
    describes and resubmits: the same row, re-scored in place."""

    def make(result, when: datetime.date | datetime.datetime, **profile):
        moment = (
            when
            if isinstance(when, datetime.datetime)
            else datetime.datetime.combine(when, datetime.time(12), tzinfo=datetime.UTC)
        )
        reopened = assessment_reopen(assessment=result, by=result.manager.user, now=moment)
        reopened.reopened_answers = posted_answers_to(version.definition, **profile)
        reopened.save()
        return assessment_submit(assessment=reopened, now=moment)

    return make


@pytest.fixture
def release(db):
    """release(): release every quarter's figures due by noon UTC of TODAY (or the day given), as
    `manage.py release_figures --all` does. Returns the releases made."""

    def make(day: datetime.date = TODAY):
        return figures_release_due(
            now=datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC), every_quarter=True
        )

    return make


@pytest.fixture
def submit(submit_on):
    """submit(manager, "2026-Q3", behaviour={...}, tlm_statements=4): a result submitted `day` days
    (10 unless given) into that quarter."""

    def make(manager, quarter: str, day: int = 10, **profile):
        return submit_on(manager, parse_quarter(quarter).start + datetime.timedelta(days=day), **profile)

    return make


@dataclass
class Cast:
    acme: Organisation
    globex: Organisation
    alice: Membership
    bob: Membership
    carol: Membership
    hana: Membership
    adam: Membership
    gina: Membership
    sue: User


@pytest.fixture
def cast(db) -> Cast:
    acme = factories.OrganisationFactory(name="Acme", slug="acme")
    globex = factories.OrganisationFactory(name="Globex", slug="globex")
    alice = factories.ManagerFactory(user__email="alice@acme.test", user__full_name="Alice Able", organisation=acme)
    carol = factories.ManagerFactory(
        user__email="carol@acme.test",
        user__full_name="Carol Cole",
        organisation=acme,
        manager_role=Membership.ManagerRole.TLM,
    )
    bob = factories.MembershipFactory(
        user__email="bob@acme.test", user__full_name="Bob Brown", organisation=acme, team=alice.team, reports_to=alice
    )
    # Every name fixed, so a search or a page's text never meets a random name ("Lori Brown" found by "brown").
    hana = factories.MembershipFactory(
        user__email="hana@acme.test", user__full_name="Hana Hill", organisation=acme, role=Membership.Role.HR
    )
    adam = factories.MembershipFactory(
        user__email="adam@acme.test", user__full_name="Adam Admin", organisation=acme, role=Membership.Role.ORG_ADMIN
    )
    gina = factories.MembershipFactory(
        user__email="gina@globex.test", user__full_name="Gina Gray", organisation=globex, role=Membership.Role.HR
    )
    factories.ManagerFactory(user__email="gus@globex.test", user__full_name="Gus Green", organisation=globex)
    sue = User.objects.create_superuser(email="sue@emassess.test", password=factories.PASSWORD)
    return Cast(acme, globex, alice, bob, carol, hana, adam, gina, sue)


@pytest.fixture
def alice_client(client, cast):
    """The test client, logged in as Alice (Acme's manager)."""
    client.force_login(cast.alice.user)
    return client


@pytest.fixture
def invitation(cast) -> Invitation:
    """Adam has invited Nina to join Acme as a TLM in Alice's team, typing her address in mixed
    case (it is stored in lower case). Its email is not sent: the test's transaction never commits."""
    return org_services.invitation_create(
        organisation=cast.acme,
        invited_by=cast.adam.user,
        email="Nina@Acme.test",
        full_name="Nina New",
        role=Membership.Role.MANAGER,
        team=cast.alice.team,
        manager_role=Membership.ManagerRole.TLM,
        manager_role_started_on=datetime.date(2025, 6, 1),
    )


# Browser tests run when Chromium is installed and the run says plainly when they were
# skipped. CI sets EMASSESS_REQUIRE_BROWSER=1 (and EMASSESS_REQUIRE_WORKER=1 where a broker is
# set) so that skipping them fails the run instead.
CHROMIUM = os.environ.get("EMASSESS_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
REQUIRED_MARKERS = {
    marker
    for marker, variable in (("browser", "EMASSESS_REQUIRE_BROWSER"), ("worker", "EMASSESS_REQUIRE_WORKER"))
    if os.environ.get(variable) == "1"
}
_skipped: dict[str, list[str]] = {"browser": [], "worker": []}


def chromium_available() -> bool:
    return os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)


def pytest_collection_modifyitems(config, items):
    # pytest-django sets up the test database only if a collected test asks for one. The engine's
    # tests ask only for `definition`, which is built in the database too: run alone, they would
    # build it in the development database (db.sqlite3). Each of them asks for the test database.
    for item in items:
        if "definition" in getattr(item, "fixturenames", ()) and not item.get_closest_marker("django_db"):
            item.add_marker(pytest.mark.django_db)
    if chromium_available():
        return
    skip = pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM}")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


def pytest_runtest_logreport(report):
    if report.skipped and report.when in ("setup", "call"):
        for marker, nodeids in _skipped.items():
            if marker in report.keywords:
                nodeids.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    if any(_skipped[marker] for marker in REQUIRED_MARKERS) and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter):
    for marker, nodeids in _skipped.items():
        if not nodeids:
            continue
        if marker in REQUIRED_MARKERS:
            terminalreporter.write_line(
                f"FAILED: {len(nodeids)} {marker} test(s) were skipped, and this run requires them.", red=True
            )
        elif marker == "browser":
            terminalreporter.write_line(
                f"NOTE: {len(nodeids)} browser test(s) SKIPPED: Chromium not found at {CHROMIUM} "
                "(install it with `apt-get install chromium` to run them).",
                yellow=True,
            )
        else:
            terminalreporter.write_line(
                f"NOTE: {len(nodeids)} worker test(s) SKIPPED: set CELERY_BROKER_URL (and a PostgreSQL "
                "DATABASE_URL) to run them against a real Celery worker.",
                yellow=True,
            )
