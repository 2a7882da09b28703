"""Load the framework content from content/framework.toml into the database.

Loading is idempotent and keyed by slug. By default it only adds what is missing, so
text an admin has edited is kept; `overwrite=True` resets every item to the file.
"""

from __future__ import annotations

import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import models, transaction

from emassess.framework import models as m

CONTENT_FILE = Path(__file__).resolve().parent / "content" / "framework.toml"

FOCUS_AREA_SLUGS = (
    "hands_on_coding",
    "technical_leadership",
    "people_team",
    "process_delivery",
    "product",
    "organisation",
)
# Seed 000's four, then our own addition for the people side (its source is "emassess").
ANTI_PATTERN_SLUGS = (
    "bottleneck-manager",
    "weekend-warrior",
    "architect-in-exile",
    "lgtm-machine",
    "out-of-reach-manager",
)
TLM_CHECKLIST_SIZE = 6
MIN_PRACTICES_PER_ANTI_PATTERN = 2


class ContentError(ValueError):
    """The content file breaks one of the rules in content/SCHEMA.md."""


@dataclass
class LoadReport:
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    kept: Counter[str] = field(default_factory=Counter)

    def summary(self) -> str:
        kinds = sorted(set(self.created) | set(self.updated) | set(self.kept))
        return ", ".join(
            f"{kind}: {self.created[kind]} new, {self.updated[kind]} reset, {self.kept[kind]} kept" for kind in kinds
        )


def read_content(path: Path = CONTENT_FILE) -> dict[str, Any]:
    with path.open("rb") as file:
        content = tomllib.load(file)
    problems = content_problems(content)
    if problems:
        raise ContentError(f"{path.name}: " + "; ".join(problems))
    return content


def content_problems(content: dict[str, Any]) -> list[str]:
    """Every way the content breaks the schema's rules (empty when it is sound)."""
    problems: list[str] = []
    for table in ("sources", "focus_areas", "archetypes", "anti_patterns", "practices", "step_back_questions"):
        slugs = [item["slug"] for item in content.get(table, [])]
        duplicates = sorted(slug for slug, count in Counter(slugs).items() if count > 1)
        if duplicates:
            problems.append(f"{table}: duplicate slugs {duplicates}")
    sources = {source["slug"] for source in content.get("sources", [])}
    areas = tuple(area["slug"] for area in content.get("focus_areas", []))
    if areas != FOCUS_AREA_SLUGS:
        problems.append(f"focus_areas must be {list(FOCUS_AREA_SLUGS)}, got {list(areas)}")
    for archetype in content.get("archetypes", []):
        profile = archetype.get("focus_profile", {})
        if set(profile) != set(FOCUS_AREA_SLUGS) or sum(profile.values()) != 100:
            problems.append(f"archetype {archetype['slug']}: focus_profile must cover the six areas and sum to 100")
    kinds = Counter(archetype.get("kind") for archetype in content.get("archetypes", []))
    if kinds != Counter({"kua": 5, "hybrid": 1}):
        problems.append(f"archetypes: need Kua's five and one hybrid, got {dict(kinds)}")
    if len(content.get("tlm_checklist", {}).get("items", [])) != TLM_CHECKLIST_SIZE:
        problems.append(f"tlm_checklist: needs exactly {TLM_CHECKLIST_SIZE} items")
    anti_patterns = tuple(item["slug"] for item in content.get("anti_patterns", []))
    if anti_patterns != ANTI_PATTERN_SLUGS:
        problems.append(f"anti_patterns must be {list(ANTI_PATTERN_SLUGS)}, got {list(anti_patterns)}")
    countered: Counter[str] = Counter()
    for practice in content.get("practices", []):
        for slug in practice.get("counters", []):
            if slug not in anti_patterns:
                problems.append(f"practice {practice['slug']}: counters unknown anti-pattern {slug!r}")
            countered[slug] += 1
    for slug in anti_patterns:
        if countered[slug] < MIN_PRACTICES_PER_ANTI_PATTERN:
            problems.append(f"anti-pattern {slug}: needs at least {MIN_PRACTICES_PER_ANTI_PATTERN} practices")
    cited = [
        *content.get("archetypes", []),
        *content.get("tlm_checklist", {}).get("items", []),
        *content.get("anti_patterns", []),
        *content.get("practices", []),
        *content.get("reflection_questions", []),
    ]
    for item in cited:
        if item.get("source", "seed-004") not in sources:
            problems.append(f"{item['slug']}: unknown source {item['source']!r}")
    return problems


@transaction.atomic
def load_framework(content: dict[str, Any], *, overwrite: bool = False) -> LoadReport:
    report = LoadReport()

    def upsert(
        model: type[models.Model], kind: str, slug_field: str, slug: str, values: dict[str, Any]
    ) -> tuple[Any, bool]:
        """Create the row if missing; reset it only when overwriting. True when written."""
        obj = model._default_manager.filter(**{slug_field: slug}).first()
        if obj is None:
            obj = model._default_manager.create(**{slug_field: slug}, **values)
            report.created[kind] += 1
            return obj, True
        if overwrite:
            for name, value in values.items():
                setattr(obj, name, value)
            obj.save()
            report.updated[kind] += 1
            return obj, True
        report.kept[kind] += 1
        return obj, False

    meta = content.get("meta", {})
    checklist = content["tlm_checklist"]
    texts = {
        "calibration_note": meta.get("calibration_note", ""),
        "tlm_rule": checklist["rule"],
        "tlm_context": checklist["context"],
    }
    for key, text in texts.items():
        upsert(m.FrameworkText, "texts", "key", key, {"text": text})

    sources = {}
    for item in content["sources"]:
        sources[item["slug"]], _ = upsert(
            m.Source,
            "sources",
            "slug",
            item["slug"],
            {"title": item["title"], "author": item.get("author", ""), "url": item.get("url", "")},
        )

    areas = {}
    for order, item in enumerate(content["focus_areas"]):
        areas[item["slug"]], _ = upsert(
            m.FocusArea,
            "focus areas",
            "slug",
            item["slug"],
            {"name": item["name"], "description": item["description"], "order": order},
        )

    for order, item in enumerate(content["archetypes"]):
        archetype, written = upsert(
            m.Archetype,
            "archetypes",
            "slug",
            item["slug"],
            {
                "name": item["name"],
                "kind": item["kind"],
                "summary": item["summary"],
                "description": item["description"],
                "watch_out": item["watch_out"],
                "source": sources[item["source"]],
                "order": order,
            },
        )
        if written:
            archetype.focus.all().delete()
            m.ArchetypeFocus.objects.bulk_create(
                m.ArchetypeFocus(archetype=archetype, area=areas[slug], percent=percent)
                for slug, percent in item["focus_profile"].items()
            )

    for order, item in enumerate(checklist["items"]):
        upsert(
            m.TlmChecklistItem,
            "checklist items",
            "slug",
            item["slug"],
            {
                "statement": item["statement"],
                "explanation": item["explanation"],
                "source": sources[item.get("source", "seed-004")],
                "order": order,
            },
        )

    anti_patterns = {}
    for order, item in enumerate(content["anti_patterns"]):
        anti_pattern, written = upsert(
            m.AntiPattern,
            "anti-patterns",
            "slug",
            item["slug"],
            {
                "name": item["name"],
                "summary": item["summary"],
                "description": item["description"],
                "root_cause": item["root_cause"],
                "source": sources[item["source"]],
                "order": order,
            },
        )
        anti_patterns[item["slug"]] = anti_pattern
        if written:
            anti_pattern.signals.all().delete()
            m.Signal.objects.bulk_create(
                m.Signal(anti_pattern=anti_pattern, text=text, order=position)
                for position, text in enumerate(item["signals"])
            )

    for order, item in enumerate(content["practices"]):
        practice, written = upsert(
            m.Practice,
            "practices",
            "slug",
            item["slug"],
            {
                "name": item["name"],
                "kind": item["kind"],
                "summary": item["summary"],
                "how": item["how"],
                "source": sources[item["source"]],
                "order": order,
            },
        )
        if written:
            practice.counters.set([anti_patterns[slug] for slug in item["counters"]])

    for order, item in enumerate(content["step_back_questions"]):
        upsert(
            m.StepBackQuestion,
            "step-back questions",
            "slug",
            item["slug"],
            {"question": item["question"], "why": item["why"], "order": order},
        )

    for order, item in enumerate(content.get("reflection_questions", [])):
        upsert(
            m.ReflectionQuestion,
            "reflection questions",
            "slug",
            item["slug"],
            {"question": item["question"], "source": sources[item["source"]], "order": order},
        )

    return report
