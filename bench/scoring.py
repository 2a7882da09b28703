"""How many assessments the scoring engine scores per second (pure Python, no database).

python -m bench.scoring [--seconds 3]
"""

from __future__ import annotations

import argparse
import random
import time

from bench.setup import start_django


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    start_django()

    from emassess.assessments.answer_sets import AnswerProfile, answers_for
    from emassess.assessments.engine import score
    from emassess.assessments.questionnaire import current_version

    definition = current_version().definition
    rng = random.Random(2026)
    anti_patterns = ["bottleneck-manager", "weekend-warrior", "architect-in-exile", "lgtm-machine"]
    answer_sets = []
    for _ in range(200):
        cuts = sorted(rng.sample(range(1, 100), 5))
        shares = [b - a for a, b in zip([0, *cuts], [*cuts, 100], strict=True)]
        week = dict(zip(["hands_on_coding", "technical_leadership", "people_team", "process_delivery", "product",
                         "organisation"], shares, strict=True))  # fmt: skip
        profile = AnswerProfile(
            week=week,
            role=rng.choice(["em", "tlm"]),
            tlm_statements=rng.randint(0, 6),
            behaviour={slug: rng.randint(0, 4) for slug in anti_patterns},
            practice=rng.randint(0, 4),
            best_judgement=rng.random() < 0.5,
        )
        answer_sets.append(answers_for(definition, profile))

    scored = 0
    started = time.perf_counter()
    deadline = started + args.seconds
    while time.perf_counter() < deadline:
        for answers in answer_sets:
            score(definition, answers)
        scored += len(answer_sets)
    elapsed = time.perf_counter() - started
    print(f"{'figure':<34}{'value':>14}")
    print(f"{'scoring: results per second':<34}{scored / elapsed:>14,.0f}")
    print(f"{'scoring: microseconds per result':<34}{1e6 * elapsed / scored:>14,.1f}")


if __name__ == "__main__":
    main()
