"""Build, check and publish questionnaire versions.

A version's definition is content/questionnaire.toml joined with a snapshot of the framework
as it stands in the database (so admin edits to the framework reach the next version, and an
old version keeps the profiles its answers were scored against).
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from emassess.accounts.models import User
from emassess.assessments.engine import CONDITIONS, FACTS
from emassess.assessments.models import Questionnaire, QuestionnaireVersion
from emassess.framework import models as fm
from emassess.orgs.audit import audit_record
from emassess.orgs.models import AuditEvent

CONTENT_FILE = Path(__file__).resolve().parent / "content" / "questionnaire.toml"
SECTION_SLUGS = ("role", "week", "tlm_fit", "behaviours", "practices", "judgement", "reflection")
KINDS = {"choice", "integer", "yes_no", "percent", "frequency", "scenario", "text"}
REQUIRED_IDS = {
    "role.current": "choice",
    "role.months": "integer",
    "role.team_kind": "choice",
    "role.reports": "integer",
    "role.paired_tech_lead": "yes_no",
    "reflection.energy": "choice",
    "reflection.comfort": "choice",
}
# Van Sonderen et al. (2013): reverse-worded items phrased by negation hurt reliability.
NEGATION = re.compile(r"\b(not|never|don't|doesn't|isn't|aren't|won't|can't|cannot)\b", re.IGNORECASE)
MIN_ITEMS_PER_ANTI_PATTERN = 4
MIN_SCENARIOS = 3


class QuestionnaireError(ValueError):
    """The questionnaire breaks a rule of content/SCHEMA.md."""


def read_questionnaire(path: Path = CONTENT_FILE) -> dict[str, Any]:
    with path.open("rb") as file:
        return tomllib.load(file)


def framework_snapshot() -> dict[str, Any]:
    """The framework content the engine and the result page need, as plain data."""
    archetypes = fm.Archetype.objects.prefetch_related("focus__area")
    practices = fm.Practice.objects.prefetch_related("counters")
    return {
        "focus_areas": [{"slug": a.slug, "name": a.name} for a in fm.FocusArea.objects.all()],
        "archetypes": [
            {
                "slug": a.slug,
                "name": a.name,
                "kind": a.kind,
                "summary": a.summary,
                "profile": {focus.area.slug: focus.percent for focus in a.focus.all()},
            }
            for a in archetypes
        ],
        "checklist": [{"slug": c.slug, "statement": c.statement} for c in fm.TlmChecklistItem.objects.all()],
        "anti_patterns": [
            {"slug": a.slug, "name": a.name, "summary": a.summary, "source": a.source.slug}
            for a in fm.AntiPattern.objects.select_related("source")
        ],
        "practices": [
            {
                "slug": p.slug,
                "name": p.name,
                "summary": p.summary,
                "how": p.how,
                "counters": [c.slug for c in p.counters.all()],
            }
            for p in practices
        ],
        "step_back_questions": [{"question": q.question, "why": q.why} for q in fm.StepBackQuestion.objects.all()],
    }


def build_definition(questionnaire: dict[str, Any], framework: dict[str, Any]) -> dict[str, Any]:
    definition = {key: value for key, value in questionnaire.items()}
    definition["framework"] = framework
    return definition


def definition_problems(definition: dict[str, Any]) -> list[str]:
    """Every way the definition breaks the rules (empty when it can be published)."""
    problems: list[str] = []
    framework = definition.get("framework", {})
    sections = definition.get("sections", [])
    if tuple(section.get("slug") for section in sections) != SECTION_SLUGS:
        return [f"sections must be {list(SECTION_SLUGS)}"]
    questions = [question for section in sections for question in section.get("questions", [])]
    ids = Counter(question.get("id") for question in questions)
    problems += [f"duplicate question id {qid!r}" for qid, count in ids.items() if count > 1]
    by_id = {question["id"]: question for question in questions}
    problems += [f"question {q['id']}: unknown kind {q.get('kind')!r}" for q in questions if q.get("kind") not in KINDS]
    for qid, kind in REQUIRED_IDS.items():
        if by_id.get(qid, {}).get("kind") != kind:
            problems.append(f"needs a {kind} question {qid}")
    section = {s["slug"]: s["questions"] for s in sections}

    areas = [area["slug"] for area in framework.get("focus_areas", [])]
    if [q.get("area") for q in section["week"]] != areas or any(q["kind"] != "percent" for q in section["week"]):
        problems.append("week: one percent question per focus area, in order")
    for archetype in framework.get("archetypes", []):
        if set(archetype["profile"]) != set(areas) or sum(archetype["profile"].values()) != 100:
            problems.append(f"archetype {archetype['slug']}: profile must cover the focus areas and sum to 100")
    if not {"tlm"} <= {a["slug"] for a in framework.get("archetypes", [])}:
        problems.append("the framework needs the tlm archetype")

    checklist = [item["slug"] for item in framework.get("checklist", [])]
    if [q.get("checklist_item") for q in section["tlm_fit"]] != checklist:
        problems.append("tlm_fit: one yes_no question per checklist statement, in order")

    anti_patterns = [a["slug"] for a in framework.get("anti_patterns", [])]
    items = Counter(q.get("anti_pattern") for q in section["behaviours"])
    reverse = Counter(q.get("anti_pattern") for q in section["behaviours"] if q.get("reverse"))
    for slug in anti_patterns:
        if items[slug] < MIN_ITEMS_PER_ANTI_PATTERN:
            problems.append(f"behaviours: {slug} needs at least {MIN_ITEMS_PER_ANTI_PATTERN} items")
        if reverse[slug] > 1:
            problems.append(f"behaviours: {slug} has more than one reverse-worded item")
    for question in section["behaviours"]:
        if question.get("kind") != "frequency" or question.get("anti_pattern") not in anti_patterns:
            problems.append(f"behaviours: {question['id']} must be a frequency item of a known anti-pattern")
        if NEGATION.search(question.get("text", "")):
            problems.append(f"behaviours: {question['id']} is worded by negation")

    practices = {p["slug"] for p in framework.get("practices", [])}
    for question in section["practices"]:
        if question.get("kind") != "frequency" or question.get("practice") not in practices:
            problems.append(f"practices: {question['id']} must be a frequency item of a known practice")
        if question.get("applies_if") or question.get("roles"):
            problems.append(f"practices: {question['id']} is asked of whom its practice's advice rule says")
    scales = definition.get("scales", {})
    for question in questions:
        if question.get("scale") and question["scale"] not in scales:
            problems.append(f"question {question['id']}: unknown scale {question['scale']!r}")
        if question.get("allow_na") and question.get("kind") != "frequency":
            problems.append(f"question {question['id']}: only frequency items can be answered “does not apply”")
        problems += [f"question {question['id']}: unknown fact {name!r}" for name in question.get("applies_if", [])
                     if name not in FACTS]  # fmt: skip
    behaviour_ids = {q["id"] for q in section["behaviours"]}
    for slug, rule in definition.get("advice", {}).items():
        if slug not in practices:
            problems.append(f"advice: unknown practice {slug!r}")
        problems += [
            f"advice {slug}: unknown fact {name!r}" for name in rule.get("applies_if", []) if name not in FACTS
        ]
        if rule.get("requires") and rule["requires"] not in CONDITIONS:
            problems.append(f"advice {slug}: unknown condition {rule['requires']!r}")
        problems += [f"advice {slug}: unknown item {qid!r}" for qid in rule.get("addresses", [])
                     if qid not in behaviour_ids]  # fmt: skip

    scenarios = section["judgement"]
    if len(scenarios) < MIN_SCENARIOS:
        problems.append(f"judgement: needs at least {MIN_SCENARIOS} scenarios")
    for scenario in scenarios:
        scores = [option.get("score") for option in scenario.get("options", [])]
        if scenario.get("kind") != "scenario" or scores.count(3) != 1 or not all(0 <= s <= 3 for s in scores):
            problems.append(f"judgement: {scenario['id']} needs options scored 0-3 with exactly one best")
        # A test-taker who picks the longest option should not find the answer by it.
        longest_other = max((len(o["label"]) for o in scenario.get("options", []) if o.get("score") != 3), default=0)
        if any(o.get("score") == 3 and len(o["label"]) >= longest_other for o in scenario.get("options", [])):
            problems.append(f"judgement: {scenario['id']}'s best option is its longest")
        for option in scenario.get("options", []):
            if option.get("leans") and option["leans"] not in anti_patterns:
                problems.append(f"judgement: {scenario['id']} leans to unknown {option['leans']!r}")
    if len(definition.get("scale", {}).get("labels", [])) != 5:
        problems.append("scale: needs five labels")
    bands = definition.get("bands", {})
    if not 0 < bands.get("watch", 0) < bands.get("high", 0) <= 100:
        problems.append("bands: need 0 < watch < high <= 100")
    return problems


@transaction.atomic
def questionnaire_publish(
    *, definition: dict[str, Any], note: str = "", actor: User | None = None
) -> tuple[QuestionnaireVersion, bool]:
    """Publish `definition` as the next version, unless the latest published one is the same.

    Returns the version and whether it is new. Existing versions are never modified.
    """
    problems = definition_problems(definition)
    if problems:
        raise QuestionnaireError("; ".join(problems))
    meta = definition["meta"]
    questionnaire, _ = Questionnaire.objects.get_or_create(slug=meta["slug"], defaults={"title": meta["title"]})
    # Lock the questionnaire row so two publishers cannot both take the next number.
    questionnaire = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    latest = questionnaire.versions.filter(published_at__isnull=False).order_by("-number").first()
    if latest is not None and latest.definition == definition:
        return latest, False
    last_number = questionnaire.versions.order_by("-number").values_list("number", flat=True).first() or 0
    version = QuestionnaireVersion.objects.create(
        questionnaire=questionnaire,
        number=last_number + 1,
        definition=definition,
        note=note,
        published_at=timezone.now(),
    )
    # The question bank belongs to every organisation: the event shows in every audit log.
    audit_record(action=AuditEvent.Action.QUESTIONNAIRE_PUBLISHED, organisation=None, actor=actor,
                 detail={"version": str(version), "note": note})  # fmt: skip
    return version, True


def current_version(slug: str = "self-assessment") -> QuestionnaireVersion | None:
    return (
        QuestionnaireVersion.objects.filter(questionnaire__slug=slug, published_at__isnull=False)
        .order_by("-number")
        .first()
    )
