"""How many assessments the scoring engine scores per second (pure Python, no database).

python -m bench.scoring [--seconds 3]

Takes about 15 s (start-up and content loading, then --seconds of scoring). Also writes its
figures to var/bench/scoring.json for `python -m bench.report`.
"""

from __future__ import annotations

import argparse
import random
import time

from bench.report import Figure, percentile_ms, write_figures
from bench.setup import start_django


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    start_django()

    from emassess.assessments.answer_sets import AnswerProfile, answers_for
    from emassess.assessments.engine import score
    from emassess.assessments.questionnaire import current_version
    from emassess.framework.loading import ANTI_PATTERN_SLUGS, FOCUS_AREA_SLUGS

    definition = current_version().definition
    rng = random.Random(2026)
    answer_sets = []
    for _ in range(200):
        cuts = sorted(rng.sample(range(1, 100), 5))
        shares = [b - a for a, b in zip([0, *cuts], [*cuts, 100], strict=True)]
        week = dict(zip(FOCUS_AREA_SLUGS, shares, strict=True))
        profile = AnswerProfile(
            week=week,
            role=rng.choice(["em", "tlm"]),
            tlm_statements=rng.randint(0, 6),
            behaviour={slug: rng.randint(0, 4) for slug in ANTI_PATTERN_SLUGS},
            practice=rng.randint(0, 4),
            best_judgement=rng.random() < 0.5,
        )
        answer_sets.append(answers_for(definition, profile))

    scored = 0
    each: list[float] = []  # seconds per result, for p50 and p99
    started = time.perf_counter()
    deadline = started + args.seconds
    while time.perf_counter() < deadline:
        for answers in answer_sets:
            begun = time.perf_counter()
            score(definition, answers)
            each.append(time.perf_counter() - begun)
        scored += len(answer_sets)
    elapsed = time.perf_counter() - started
    print(f"{'figure':<34}{'value':>14}")
    print(f"{'scoring: results per second':<34}{scored / elapsed:>14,.0f}")
    print(f"{'scoring: microseconds per result':<34}{1e6 * elapsed / scored:>14,.1f}")
    figure = Figure(
        "scoring engine",
        f"{scored / elapsed:,.0f} results/s ({1e6 * elapsed / scored:,.0f} µs each)",
        p50_ms=percentile_ms(each, 0.5),
        p99_ms=percentile_ms(each, 0.99),
        errors=0,
        samples=len(each),
    )
    write_figures("scoring", [figure])


if __name__ == "__main__":
    main()
