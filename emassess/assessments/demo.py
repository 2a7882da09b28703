"""Past quarterly assessments for the demo managers, so trends and deltas show on first login.

Each demo manager gets a short history that tells a story (a TLM climbing out of weekend
coding, a TLM drifting into delivery work...). Their current quarter is left open for them.
"""

from __future__ import annotations

import datetime

from django.db import transaction

from emassess.assessments.answer_sets import AnswerProfile, answers_for, as_posted
from emassess.assessments.questionnaire import current_version
from emassess.assessments.services import assessment_start, assessment_submit
from emassess.orgs.models import Membership

AREAS = ("hands_on_coding", "technical_leadership", "people_team", "process_delivery", "product", "organisation")


def week(*shares: int) -> dict[str, int]:
    assert sum(shares) == 100, shares
    return dict(zip(AREAS, shares, strict=True))


def habits(bottleneck: int, weekend: int, architect: int, lgtm: int) -> dict[str, int]:
    return {
        "bottleneck-manager": bottleneck,
        "weekend-warrior": weekend,
        "architect-in-exile": architect,
        "lgtm-machine": lgtm,
    }


# Oldest first; the last one is last quarter.
DEMO_HISTORIES: dict[str, list[AnswerProfile]] = {
    # Tomás, TLM of an infrastructure team: coding nights and weekends a year ago, getting better.
    "tlm@acme.test": [
        AnswerProfile(role="tlm", team_kind="infrastructure", reports=3, week=week(45, 20, 15, 10, 5, 5),
                      tlm_statements=4, behaviour=habits(3, 4, 1, 2), practice=1, best_judgement=False,
                      energy="code", comfort="coding"),
        AnswerProfile(role="tlm", team_kind="infrastructure", reports=3, week=week(40, 20, 20, 10, 5, 5),
                      tlm_statements=4, behaviour=habits(3, 3, 1, 2), practice=2, best_judgement=False,
                      energy="both", comfort="coding"),
        AnswerProfile(role="tlm", team_kind="infrastructure", reports=3, week=week(30, 25, 25, 10, 5, 5),
                      tlm_statements=4, behaviour=habits(2, 2, 1, 1), practice=2, energy="both", comfort="coding"),
    ],
    # Emma, EM of a product team: a Team Lead EM whose reviewing habit is creeping up.
    "em@acme.test": [
        AnswerProfile(role="em", reports=6, week=week(0, 15, 45, 20, 10, 10), tlm_statements=1,
                      behaviour=habits(1, 0, 1, 1), practice=3),
        AnswerProfile(role="em", reports=6, week=week(5, 20, 40, 15, 10, 10), tlm_statements=1,
                      behaviour=habits(2, 0, 1, 1), practice=3),
        AnswerProfile(role="em", reports=6, week=week(5, 25, 35, 15, 10, 10), tlm_statements=2,
                      behaviour=habits(3, 1, 1, 1), practice=2, practices={"advisory-code-review": 1},
                      best_judgement=False),
    ],
    # Priya, five months in: one assessment so far.
    "priya@acme.test": [
        AnswerProfile(role="em", team_kind="data", reports=4, months=2, week=week(15, 25, 30, 15, 10, 5),
                      tlm_statements=3, behaviour=habits(2, 1, 2, 1), practice=2, energy="both"),
    ],
    # Marco, a TLM whose week has drifted into process and stakeholders.
    "marco@acme.test": [
        AnswerProfile(role="tlm", reports=2, week=week(25, 25, 20, 15, 10, 5), tlm_statements=4,
                      behaviour=habits(1, 2, 1, 1), practice=2, energy="both"),
        AnswerProfile(role="tlm", reports=2, week=week(10, 20, 20, 35, 10, 5), tlm_statements=3,
                      behaviour=habits(1, 1, 2, 2), practice=2, energy="people"),
    ],
    "lena@globex.test": [
        AnswerProfile(role="em", reports=5, week=week(0, 10, 30, 20, 35, 5), behaviour=habits(1, 0, 2, 1),
                      practice=3),
        AnswerProfile(role="em", reports=5, week=week(0, 10, 25, 20, 40, 5), behaviour=habits(1, 0, 3, 1),
                      practice=2, practices={"pair-on-hard-problems": 0}),
    ],
    "kai@globex.test": [
        AnswerProfile(role="tlm", team_kind="infrastructure", reports=3, week=week(35, 30, 20, 5, 5, 5),
                      tlm_statements=5, behaviour=habits(2, 1, 0, 0), practice=3, energy="both"),
    ],
}  # fmt: skip


def quarter_start(day: datetime.date, quarters_back: int) -> datetime.date:
    index = day.year * 4 + (day.month - 1) // 3 - quarters_back
    return datetime.date(index // 4, (index % 4) * 3 + 1, 1)


@transaction.atomic
def load_demo_assessments(*, today: datetime.date) -> int:
    """Submit each demo manager's history, once: managers who have any assessment are left alone.
    Returns how many assessments were created."""
    version = current_version()
    if version is None:
        return 0
    created = 0
    for email, profiles in DEMO_HISTORIES.items():
        manager = Membership.objects.filter(user__email=email, role=Membership.Role.MANAGER).first()
        if manager is None or manager.assessments.exists():
            continue
        for quarters_back, profile in zip(range(len(profiles), 0, -1), profiles, strict=True):
            submitted = quarter_start(today, quarters_back) + datetime.timedelta(days=40)
            draft = assessment_start(manager=manager)
            draft.answers = as_posted(answers_for(version.definition, profile))
            draft.save(update_fields=["answers"])
            moment = datetime.datetime.combine(submitted, datetime.time(10), tzinfo=datetime.UTC)
            assessment_submit(assessment=draft, now=moment)
            created += 1
    return created
