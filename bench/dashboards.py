"""Dashboards at scale: two organisations, of 10,000 managers in 500 teams and 50,000 in 2,500,
with 20 quarters of results each; every closed quarter released into the roll-up; then the
overview (the quarter HR lands on, and the last released one), a team page and both exports timed
against a trivial logged-in page, in one run, with the number of queries of each at both sizes.
HR's pages are worked out once and kept until something on them changes (emassess.orgs.live): the
rows named "after a change" time the first overview and team page after a change, worked out
afresh. The release of one quarter at each size is timed too.

    python -m bench.dashboards [--sizes 10000:500,50000:2500] [--quarters 20] [--rounds 30]

Seeding writes rows directly (PostgreSQL's COPY, or bulk inserts on SQLite) with the numbers
submit would leave, because timing the dashboards is the point, not timing a million submits; the
archetype fits, which no dashboard reads, are left out. VACUUM ANALYZE runs after seeding, so the
planner sees the tables as they are (autovacuum is off on the machines' PostgreSQL). About 6
minutes on PostgreSQL at the default sizes, most of it seeding. Also writes its figures to
var/bench/dashboards.json.
"""

from __future__ import annotations

import argparse
import datetime
import random
import time
import uuid
from dataclasses import dataclass

from bench.report import Figure, percentile_ms, write_figures
from bench.setup import describe, https_client, start_django

BANDS = ((65, "high"), (40, "watch"), (0, "low"))
# HR's pages are worked out once and kept until something on them changes (emassess.orgs.live):
# the rows so named time the first page after a change, worked out afresh.
AFTER_A_CHANGE = "after a change: "


@dataclass
class Seeded:
    label: str
    managers: int
    teams: int
    results: int
    hr_user: object
    team: object
    organisation: object


def _band(risk: int) -> str:
    return next(band for floor, band in BANDS if risk >= floor)


def seed(*, slug: str, managers: int, teams: int, quarters: int, rng: random.Random) -> Seeded:
    from django.db import connection

    from emassess.accounts.models import User
    from emassess.assessments.models import Assessment, RiskScore
    from emassess.assessments.questionnaire import current_version
    from emassess.orgs.cycles import cycle_containing, shift
    from emassess.orgs.models import Membership, Organisation, Team

    version = current_version()
    framework = version.definition["framework"]
    archetypes = [a["slug"] for a in framework["archetypes"]]
    anti_patterns = [a["slug"] for a in framework["anti_patterns"]]
    organisation = Organisation.objects.create(name=f"Megacorp {slug}", slug=slug)
    team_rows = Team.objects.bulk_create(
        (Team(organisation=organisation, name=f"Team {i:04d}") for i in range(teams)), batch_size=5000
    )
    users = User.objects.bulk_create(
        (User(email=f"manager{i}@{slug}.test", full_name=f"Manager {i}", password="!") for i in range(managers)),
        batch_size=5000,
    )
    memberships = Membership.objects.bulk_create(
        (
            Membership(
                user=user,
                organisation=organisation,
                role=Membership.Role.MANAGER,
                team=team_rows[i % teams],
                manager_role=rng.choice(["em", "tlm"]),
                manager_role_started_on=datetime.date(2020, 1, 1) + datetime.timedelta(days=rng.randrange(2500)),
            )
            for i, user in enumerate(users)
        ),
        batch_size=5000,
    )
    hr_user = User.objects.create_user(email=f"hr@{slug}.test", password="bench-password-1")
    Membership.objects.create(user=hr_user, organisation=organisation, role=Membership.Role.HR)

    current = cycle_containing(datetime.date.today())
    labels = [shift(current, -back) for back in range(quarters - 1, -1, -1)]  # the current one last
    first_id = (Assessment.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    assessments: list[tuple] = []
    risks: list[tuple] = []
    now = datetime.datetime.now(datetime.UTC)
    next_id = first_id
    for quarter in labels:
        start = datetime.datetime.combine(quarter.start, datetime.time(12), tzinfo=datetime.UTC)
        for membership in memberships:
            if rng.random() < 0.1:
                continue  # some quarters are missed
            submitted = min(start + datetime.timedelta(days=rng.randrange(80)), now - datetime.timedelta(hours=1))
            statements = rng.randint(0, 6)
            assessments.append((
                next_id, uuid.uuid4(), membership.pk, version.pk, "submitted", "{}", 7, 7, submitted, submitted,
                submitted, quarter.label, "1.0", "{}", rng.choice(archetypes), membership.manager_role, statements,
                statements >= 3, rng.randint(0, 100), False, False, membership.team_id, "[]", "[]",
            ))  # fmt: skip
            for slug_ in anti_patterns:
                risk = rng.randint(0, 100)
                risks.append((next_id, slug_, risk, _band(risk)))
            next_id += 1
    columns = (
        "id, public_id, manager_id, version_id, status, answers, furthest_step, current_step, started_at, "
        "updated_at, submitted_at, period, engine_version, outcome, closest_archetype, held_role, "
        "tlm_statements, tlm_may_fit, judgement, shared_with_hr, known_to_hr, team_id, plan, plan_from"
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            raw = cursor.cursor
            with raw.copy(f"COPY {Assessment._meta.db_table} ({columns}) FROM STDIN") as copy:
                for row in assessments:
                    copy.write_row(row)
            with raw.copy(
                f"COPY {RiskScore._meta.db_table} (assessment_id, anti_pattern, risk, band) FROM STDIN"
            ) as copy:
                for row in risks:
                    copy.write_row(row)
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{Assessment._meta.db_table}', 'id'), %s)", [next_id - 1]
            )
    else:
        fields = [name.strip() for name in columns.split(",")]
        Assessment.objects.bulk_create(
            (Assessment(**dict(zip(fields, row, strict=True))) for row in assessments), batch_size=2000
        )
        RiskScore.objects.bulk_create(
            (RiskScore(assessment_id=a, anti_pattern=s, risk=r, band=b) for a, s, r, b in risks), batch_size=5000
        )
    with connection.cursor() as cursor:
        # As autovacuum would have by then: fresh statistics, and pages marked all-visible, so the
        # planner sees the tables as they are and index-only scans need not visit the rows.
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return Seeded(f"{managers:,} managers", managers, teams, len(assessments), hr_user, team_rows[0], organisation)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000:500,50000:2500", help="managers:teams, comma-separated")
    parser.add_argument("--quarters", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    start_django()

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from emassess.accounts.models import User
    from emassess.dashboards.releases import figures_release_due, quarter_release
    from emassess.orgs.cycles import cycle_containing, shift
    from emassess.orgs.live import live_counts_changed
    from emassess.orgs.models import Membership

    rng = random.Random(50_000)
    sizes = [tuple(int(part) for part in size.split(":")) for size in args.sizes.split(",")]
    seeded = []
    for index, (managers, teams) in enumerate(sizes):
        started = time.perf_counter()
        organisation = seed(slug=f"megacorp{index}", managers=managers, teams=teams, quarters=args.quarters, rng=rng)
        seeded.append(organisation)
        print(f"seeded {organisation.label} in {teams:,} teams, {organisation.results:,} results over "
              f"{args.quarters} quarters in {time.perf_counter() - started:.0f} s")  # fmt: skip

    now = timezone.now()
    current = cycle_containing(datetime.date.today())
    last_closed = shift(current, -1)
    release_times: dict[str, float] = {}
    for organisation in seeded:
        begun = time.perf_counter()
        release = quarter_release(organisation=organisation.organisation, quarter=last_closed, now=now)
        release_times[organisation.label] = time.perf_counter() - begun
        assert release is not None
    started = time.perf_counter()
    figures_release_due(now=now, every_quarter=True)  # the other quarters, untimed
    print(f"released every quarter in {time.perf_counter() - started:.0f} s")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")

    # The trivial page: a report's home, logged in, in the first organisation.
    report_user = User.objects.create_user(email="report@megacorp.test", password="bench-password-1")
    Membership.objects.create(user=report_user, organisation=seeded[0].organisation, role=Membership.Role.REPORT)
    report_client = https_client()
    report_client.force_login(report_user)

    def pages_of(organisation: Seeded) -> dict[str, str]:
        released = f"?quarter={last_closed.label}"
        return {
            "organisation overview, the quarter HR lands on": reverse("organisation_home"),
            "organisation overview, the last released quarter": reverse("organisation_home") + released,
            "team page": reverse("team_dashboard", args=[organisation.team.pk]) + released,
            "CSV export of the overview": reverse("organisation_export") + released,
            "CSV export of a team": reverse("team_export", args=[organisation.team.pk]) + released,
            AFTER_A_CHANGE + "organisation overview, the quarter HR lands on": reverse("organisation_home"),
            AFTER_A_CHANGE + "team page": reverse("team_dashboard", args=[organisation.team.pk]) + released,
        }

    def request(organisation: Seeded, name: str, url: str) -> tuple[float, int, int]:
        """Seconds, status and queries of one request; a page named AFTER_A_CHANGE comes right after
        something on it changed (the version moved on, outside the clock), so it is worked out afresh."""
        if name.startswith(AFTER_A_CHANGE):
            live_counts_changed(organisation_id=organisation.organisation.pk)
        with CaptureQueriesContext(connection) as captured:
            begun = time.perf_counter()
            response = clients[organisation.label].get(url)
            elapsed = time.perf_counter() - begun
        return elapsed, response.status_code, len(captured.captured_queries)

    clients = {}
    for organisation in seeded:
        client = https_client()
        client.force_login(organisation.hr_user)
        clients[organisation.label] = client
        for url in pages_of(organisation).values():
            assert client.get(url).status_code == 200  # warm up
    assert report_client.get(reverse("report_home")).status_code == 200

    queries: dict[tuple[str, str], int] = {}
    timings: dict[tuple[str, str], list[float]] = {("", "trivial logged-in page (baseline)"): []}
    for _ in range(args.rounds):
        with CaptureQueriesContext(connection):  # as every page is timed
            begun = time.perf_counter()
            assert report_client.get(reverse("report_home")).status_code == 200
            timings[("", "trivial logged-in page (baseline)")].append(time.perf_counter() - begun)
        for organisation in seeded:
            # The last round's changes moved the version on: the kept pages are worked out again
            # outside the clock, as the first HR page after any change is (timed below, by its name).
            for name, url in pages_of(organisation).items():
                if not name.startswith(AFTER_A_CHANGE):
                    clients[organisation.label].get(url)
            for name, url in pages_of(organisation).items():
                elapsed, status, count = request(organisation, name, url)
                assert status == 200, name
                timings.setdefault((organisation.label, name), []).append(elapsed)
                queries[(organisation.label, name)] = count

    baseline = describe(timings[("", "trivial logged-in page (baseline)")])["p50_ms"]
    rows: list[Figure] = []
    print(f"{'figure':<76}{'queries':>8}{'p50 ms':>9}{'p99 ms':>9}{'ratio':>7}")
    for (label, name), samples in timings.items():
        figures = describe(samples)
        ratio = figures["p50_ms"] / baseline
        count = queries.get((label, name))
        title = f"dashboards: {label + ': ' if label else ''}{name}"
        print(f"{title:<76}{count if count is not None else '':>8}{figures['p50_ms']:>9.1f}"
              f"{percentile_ms(samples, 0.99):>9.1f}{ratio:>7.2f}")  # fmt: skip
        value = f"{len(samples)} requests" + (f", {count} queries" if count is not None else "")
        rows.append(Figure(
            title, value, "" if not label else f"trivial logged-in page p50 {baseline:.1f} ms",
            ratio, figures["p50_ms"], percentile_ms(samples, 0.99), 0, len(samples),
        ))  # fmt: skip
    for label, seconds in release_times.items():
        print(f"release of {last_closed.label} at {label}: {seconds:.2f} s")
        rows.append(Figure(f"dashboards: release of one quarter, {label}", f"{seconds:.2f} s"))
    flat = all(
        queries[(seeded[0].label, name)] == queries[(organisation.label, name)]
        for organisation in seeded
        for name in pages_of(organisation)
    )
    print("the same number of queries at every size:", "yes" if flat else "NO")
    rows.append(Figure("dashboards: the same number of queries at every size", "yes" if flat else "NO"))
    write_figures("dashboards", rows)
    if not flat:
        raise SystemExit("query counts differ between sizes")


if __name__ == "__main__":
    main()
