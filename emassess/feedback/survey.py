"""Build, check and publish versions of the upward-feedback survey (content/survey.toml)."""

from __future__ import annotations

import itertools
import re
import tomllib
from collections import Counter
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from emassess.accounts.models import User
from emassess.assessments.engine import FREQUENCY_MAX
from emassess.feedback.models import SurveyVersion
from emassess.framework.models import AntiPattern
from emassess.orgs.audit import audit_record
from emassess.orgs.models import AuditEvent

CONTENT_FILE = Path(__file__).resolve().parent / "content" / "survey.toml"
DONT_KNOW = "dont_know"  # the answer "I don't know": it leaves the item out
SCALE_MAX = FREQUENCY_MAX  # five answers, 0 to 4: the self-assessment's behaviour scale
MIN_ITEMS, MAX_ITEMS = 12, 16
MIN_ITEMS_PER_CONSTRUCT = 3
ITEM_ID = re.compile(r"^[a-z][a-z0-9_]*$")
# Van Sonderen et al. (2013), as the self-assessment: no reverse item phrased by negation.
NEGATION = re.compile(r"\b(not|never|don't|doesn't|didn't|isn't|aren't|won't|can't|cannot)\b", re.IGNORECASE)


class SurveyError(ValueError):
    """The survey breaks a rule of content/SCHEMA.md."""


def read_survey(path: Path = CONTENT_FILE) -> dict[str, Any]:
    with path.open("rb") as file:
        return tomllib.load(file)


def build_definition(survey: dict[str, Any]) -> dict[str, Any]:
    """The survey joined with the names of the traps it mirrors, as the framework holds them now."""
    constructs = [
        {"slug": a.slug, "name": a.name, "summary": a.summary, "ours": a.source.slug == "emassess"}
        for a in AntiPattern.objects.select_related("source")
    ]
    return {**survey, "constructs": constructs}


def definition_problems(definition: dict[str, Any]) -> list[str]:
    """Every way the definition breaks the rules (empty when it can be published)."""
    problems: list[str] = []
    items = definition.get("items", [])
    constructs = [c["slug"] for c in definition.get("constructs", [])]
    if not MIN_ITEMS <= len(items) <= MAX_ITEMS:
        problems.append(f"the survey needs {MIN_ITEMS} to {MAX_ITEMS} items, not {len(items)}")
    ids = Counter(item.get("id") for item in items)
    problems += [f"duplicate item id {item_id!r}" for item_id, count in ids.items() if count > 1]
    for item in items:
        if not ITEM_ID.match(str(item.get("id", ""))):
            problems.append(f"item {item.get('id')!r}: ids are lowercase letters, digits and underscores")
        if item.get("construct") not in constructs:
            problems.append(f"item {item.get('id')}: unknown construct {item.get('construct')!r}")
        if not item.get("text"):
            problems.append(f"item {item.get('id')}: no text")
        if NEGATION.search(item.get("text", "")):
            problems.append(f"item {item.get('id')} is worded by negation")
    per_construct = Counter(item.get("construct") for item in items)
    reverse = Counter(item.get("construct") for item in items if item.get("reverse"))
    for slug in constructs:
        if per_construct[slug] < MIN_ITEMS_PER_CONSTRUCT:
            problems.append(f"{slug} needs at least {MIN_ITEMS_PER_CONSTRUCT} items")
        if reverse[slug] > 1:
            problems.append(f"{slug} has more than one reverse-worded item")
    for before, after in itertools.pairwise(items):
        if before.get("construct") == after.get("construct"):
            problems.append(f"items {before.get('id')} and {after.get('id')} of one construct follow each other")
    scale = definition.get("scale", {})
    if len(scale.get("labels", [])) != SCALE_MAX + 1 or not scale.get("dont_know"):
        problems.append(f"the scale needs {SCALE_MAX + 1} labels and a dont_know label")
    return problems


@transaction.atomic
def survey_publish(
    *, definition: dict[str, Any], note: str = "", actor: User | None = None
) -> tuple[SurveyVersion, bool]:
    """Publish `definition` as the next version, unless the latest published one is the same.
    Returns the version and whether it is new; existing versions are never modified."""
    problems = definition_problems(definition)
    if problems:
        raise SurveyError("; ".join(problems))
    # Two publishers at once: the unique number makes the second fail rather than share a number.
    latest = SurveyVersion.objects.select_for_update().filter(published_at__isnull=False).order_by("-number").first()
    if latest is not None and latest.definition == definition:
        return latest, False
    last_number = SurveyVersion.objects.order_by("-number").values_list("number", flat=True).first() or 0
    version = SurveyVersion.objects.create(
        number=last_number + 1,
        definition=definition,
        note=note or definition.get("meta", {}).get("version_note", ""),
        published_at=timezone.now(),
    )
    audit_record(action=AuditEvent.Action.QUESTIONNAIRE_PUBLISHED, organisation=None, actor=actor,
                 detail={"version": str(version), "note": version.note})  # fmt: skip
    return version, True


def current_survey() -> SurveyVersion | None:
    return SurveyVersion.objects.filter(published_at__isnull=False).order_by("-number").first()
