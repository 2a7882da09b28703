"""A plan, not just a result: the manager picks up to three of the practices their result advises,
their home page shows them, and the next cycle's questionnaire asks how each went.

The question about each practice is not part of the questionnaire version (it depends on the
manager's own previous result), so it is added to the reflection step of the draft that follows a
result with a plan; the engine does not score it, and the result shows it back.
"""

from __future__ import annotations

from typing import Any

from emassess.assessments.models import Assessment

PLAN_LIMIT = 3
PLAN_SECTION = "reflection"  # the step that asks how the plan went
HOW_IT_WENT = {
    "kept": "I kept it up",
    "tried": "I tried it now and then",
    "not_yet": "I did not get to it",
}


def plan_question_id(slug: str) -> str:
    return f"plan.{slug}"


def plan_questions(assessment: Assessment) -> list[dict[str, Any]]:
    """The questions about the previous result's plan, one per practice, as questionnaire questions."""
    return [
        {
            "id": plan_question_id(practice["slug"]),
            "kind": "choice",
            "text": f"Last time you planned to work on “{practice['name']}”. How did it go?",
            "options": [{"value": value, "label": label} for value, label in HOW_IT_WENT.items()],
        }
        for practice in assessment.plan_from
    ]


def asked_section(assessment: Assessment, step: int) -> dict[str, Any]:
    """The section of `step` (1-based) as this assessment asks it: its reflection step with the
    questions about the previous plan, if there was one."""
    section = assessment.version.sections[step - 1]
    if section["slug"] != PLAN_SECTION or not assessment.plan_from:
        return section
    return {**section, "questions": [*section["questions"], *plan_questions(assessment)]}


def plan_review(assessment: Assessment) -> list[tuple[str, str]]:
    """How the plan the manager took into this assessment went, in their own answers: (practice
    name, answer label) for each practice they answered about."""
    answers = assessment.answers
    return [
        (practice["name"], HOW_IT_WENT[answers[plan_question_id(practice["slug"])]])
        for practice in assessment.plan_from
        if answers.get(plan_question_id(practice["slug"])) in HOW_IT_WENT
    ]
