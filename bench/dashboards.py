"""Dashboards at scale: seeds a large organisation, then times the overview, a team page and the
CSV export against a trivial logged-in page, in one run.

    python -m bench.dashboards [--managers 10000] [--teams 500] [--quarters 20] [--rounds 5]

Seeding writes scores directly (bulk inserts with stored numbers, as submit would leave them),
because timing the dashboards is the point, not timing 200,000 submits.
Takes about 2.5 minutes at the default size on PostgreSQL (seeding is most of it). Also writes its
figures to var/bench/dashboards.json.
"""

from __future__ import annotations

import argparse
import datetime
import random
import time

from bench.report import Figure, percentile_ms, write_figures
from bench.setup import describe, start_django


def seed(*, managers: int, teams: int, quarters: int) -> tuple:
    """Returns (HR user, report user, a team, the last seeded quarter)."""
    from emassess.accounts.models import User
    from emassess.assessments.models import ArchetypeScore, Assessment, RiskScore
    from emassess.assessments.questionnaire import current_version
    from emassess.orgs.cycles import cycle_containing, shift
    from emassess.orgs.models import Membership, Organisation, Team

    rng = random.Random(10_000)
    version = current_version()
    framework = version.definition["framework"]
    archetypes = [a["slug"] for a in framework["archetypes"]]
    anti_patterns = [a["slug"] for a in framework["anti_patterns"]]
    organisation = Organisation.objects.create(name="Megacorp", slug="megacorp")
    team_rows = Team.objects.bulk_create(Team(organisation=organisation, name=f"Team {i:03d}") for i in range(teams))
    users = User.objects.bulk_create(
        User(email=f"manager{i}@megacorp.test", full_name=f"Manager {i}", password="!") for i in range(managers)
    )
    memberships = Membership.objects.bulk_create(
        Membership(
            user=user,
            organisation=organisation,
            role=Membership.Role.MANAGER,
            team=team_rows[i % teams],
            manager_role=rng.choice(["em", "tlm"]),
            manager_role_started_on=datetime.date(2020, 1, 1) + datetime.timedelta(days=rng.randrange(2500)),
        )
        for i, user in enumerate(users)
    )
    hr_user = User.objects.create_user(email="hr@megacorp.test", password="bench-password-1")
    Membership.objects.create(user=hr_user, organisation=organisation, role=Membership.Role.HR)
    report_user = User.objects.create_user(email="report@megacorp.test", password="bench-password-1")
    Membership.objects.create(user=report_user, organisation=organisation, role=Membership.Role.REPORT,
                              team=team_rows[0], reports_to=memberships[0])  # fmt: skip

    current = cycle_containing(datetime.date.today())
    labels = [shift(current, -back) for back in range(quarters, 0, -1)]
    batch: list[Assessment] = []

    def flush() -> None:
        created = Assessment.objects.bulk_create(batch)
        ArchetypeScore.objects.bulk_create(
            ArchetypeScore(assessment=a, archetype=slug, fit=rng.randint(30, 100))
            for a in created
            for slug in archetypes
        )
        RiskScore.objects.bulk_create(
            RiskScore(assessment=a, anti_pattern=slug, risk=(risk := rng.randint(0, 100)),
                      band="high" if risk >= 65 else "watch" if risk >= 40 else "low")
            for a in created for slug in anti_patterns
        )  # fmt: skip
        batch.clear()

    for quarter in labels:
        for membership in memberships:
            if rng.random() < 0.1:
                continue  # some quarters are missed
            moment = datetime.datetime.combine(quarter.start, datetime.time(12), tzinfo=datetime.UTC)
            batch.append(
                Assessment(
                    manager=membership,
                    version=version,
                    status=Assessment.Status.SUBMITTED,
                    submitted_at=moment + datetime.timedelta(days=rng.randrange(80)),
                    period=quarter.label,
                    engine_version="1.0",
                    outcome={},
                    closest_archetype=rng.choice(archetypes),
                    held_role=membership.manager_role,
                    tlm_statements=(statements := rng.randint(0, 6)),
                    tlm_may_fit=statements >= 3,
                    judgement=rng.randint(0, 100),
                )
            )
            if len(batch) >= 5000:
                flush()
    flush()
    return hr_user, report_user, team_rows[0], labels[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--managers", type=int, default=10_000)
    parser.add_argument("--teams", type=int, default=500)
    parser.add_argument("--quarters", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    start_django()

    from django.test import Client
    from django.urls import reverse

    from emassess.assessments.models import Assessment

    started = time.perf_counter()
    hr_user, report_user, team, last_quarter = seed(managers=args.managers, teams=args.teams, quarters=args.quarters)
    seeded = Assessment.objects.count()
    print(
        f"seeded {args.managers:,} managers in {args.teams} teams, {seeded:,} results over {args.quarters} quarters "
        f"in {time.perf_counter() - started:.0f} s"
    )

    client = Client(SERVER_NAME="localhost")
    client.force_login(hr_user)
    report_client = Client(SERVER_NAME="localhost")
    report_client.force_login(report_user)
    quarter = f"?quarter={last_quarter.label}"
    pages = {
        "trivial logged-in page (baseline)": reverse("report_home"),
        "organisation overview": reverse("organisation_home") + quarter,
        "team page": reverse("team_dashboard", args=[team.pk]) + quarter,
        "CSV export of the overview": reverse("organisation_export") + quarter,
    }
    timings: dict[str, list[float]] = {name: [] for name in pages}

    def client_for(name: str) -> Client:
        return report_client if name.startswith("trivial") else client

    for name, url in pages.items():
        assert client_for(name).get(url).status_code == 200, name  # warm up
    for _ in range(args.rounds):
        for name, url in pages.items():
            begun = time.perf_counter()
            response = client_for(name).get(url)
            timings[name].append(time.perf_counter() - begun)
            assert response.status_code == 200, name

    baseline = describe(timings["trivial logged-in page (baseline)"])["p50_ms"]
    print(f"{'figure':<36}{'p50 ms':>10}{'p95 ms':>10}{'ratio p50':>11}")
    rows: list[Figure] = []
    for name, samples in timings.items():
        figures = describe(samples)
        print(f"{name:<36}{figures['p50_ms']:>10.1f}{figures['p95_ms']:>10.1f}{figures['p50_ms'] / baseline:>11.1f}")
        rows.append(Figure(
            f"dashboards: {name}", f"{args.managers:,} managers, {seeded:,} results, {args.rounds} requests",
            "" if name.startswith("trivial") else f"trivial logged-in page p50 {baseline:.1f} ms",
            figures["p50_ms"] / baseline, figures["p50_ms"], percentile_ms(samples, 0.99), 0,
        ))  # fmt: skip
    write_figures("dashboards", rows)


if __name__ == "__main__":
    main()
