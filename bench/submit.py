"""Server time of the final submit of a self-assessment, against a trivial logged-in page, in one run.

    python -m bench.submit [--rounds 200]

Both are timed in-process through Django's test client (full middleware, sessions, CSRF off),
so the figures are server time without network; the ratio is what to watch.
Takes about 15 s with the default 200 rounds. Also writes its figures to var/bench/submit.json.
"""

from __future__ import annotations

import argparse
import time

from bench.report import Figure, percentile_ms, write_figures
from bench.setup import analyze, describe, https_client, start_django


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    start_django()

    from django.urls import reverse

    from emassess.accounts.models import User
    from emassess.assessments.answer_sets import AnswerProfile, answers_for, as_posted
    from emassess.assessments.models import Assessment
    from emassess.assessments.questionnaire import current_version
    from emassess.assessments.services import assessment_start
    from emassess.orgs.models import Membership, Organisation, Team

    version = current_version()
    organisation = Organisation.objects.create(name="Bench", slug="bench")
    team = Team.objects.create(organisation=organisation, name="Bench team")
    manager_user = User.objects.create_user(email="manager@bench.test", password="bench-password-1")
    manager = Membership.objects.create(
        user=manager_user, organisation=organisation, role="manager", team=team, manager_role="em"
    )
    report_user = User.objects.create_user(email="report@bench.test", password="bench-password-1")
    Membership.objects.create(user=report_user, organisation=organisation, role="report", team=team, reports_to=manager)

    week = {"hands_on_coding": 15, "technical_leadership": 25, "people_team": 30, "process_delivery": 15,
            "product": 10, "organisation": 5}  # fmt: skip
    answers = as_posted(answers_for(version.definition, AnswerProfile(week=week)))
    last = version.sections[-1]
    analyze()
    final_post = {**{q["id"]: answers[q["id"]] for q in last["questions"]}, "action": "next"}

    manager_client = https_client()
    report_client = https_client()
    manager_client.force_login(manager_user)
    report_client.force_login(report_user)
    trivial_url = reverse("report_home")

    submit_times, trivial_times = [], []
    for _ in range(args.rounds):
        # One result per cycle: each round's first submission is timed after the last round's is gone.
        Assessment.objects.filter(manager=manager).delete()
        draft = assessment_start(manager=manager)
        draft.answers = answers
        draft.furthest_step = draft.current_step = len(version.sections)
        draft.save()
        url = reverse("assessment_step", args=[draft.public_id, len(version.sections)])

        started = time.perf_counter()
        response = manager_client.post(url, final_post)
        submit_times.append(time.perf_counter() - started)
        assert response.status_code == 302 and "/step/" not in response["Location"], response

        started = time.perf_counter()
        assert report_client.get(trivial_url).status_code == 200
        trivial_times.append(time.perf_counter() - started)

    assert Assessment.objects.filter(manager=manager, status="submitted").count() == 1  # the last round's
    submit, trivial = describe(submit_times), describe(trivial_times)
    print(f"{'figure':<36}{'p50 ms':>10}{'p95 ms':>10}{'ratio p50':>11}")
    print(f"{'trivial logged-in page (baseline)':<36}{trivial['p50_ms']:>10.2f}{trivial['p95_ms']:>10.2f}{1:>11.1f}")
    ratio = submit["p50_ms"] / trivial["p50_ms"]
    print(f"{'final submit of an assessment':<36}{submit['p50_ms']:>10.2f}{submit['p95_ms']:>10.2f}{ratio:>11.1f}")
    baseline = f"trivial logged-in page p50 {trivial['p50_ms']:.1f} ms"
    write_figures("submit", [
        Figure("submit: trivial logged-in page (baseline)", f"{args.rounds} requests", "", 1.0,
               percentile_ms(trivial_times, 0.5), percentile_ms(trivial_times, 0.99), 0, len(trivial_times)),
        Figure("submit: final submit of an assessment", f"{args.rounds} submits", baseline, ratio,
               percentile_ms(submit_times, 0.5), percentile_ms(submit_times, 0.99), 0, len(submit_times)),
    ])  # fmt: skip


if __name__ == "__main__":
    main()
