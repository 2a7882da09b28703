"""Reads of the framework content, with related rows prefetched for the pages."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch

from emassess.framework import models as m


@dataclass(frozen=True)
class FrameworkGuide:
    focus_areas: list[m.FocusArea]
    archetypes: list[m.Archetype]
    checklist: list[m.TlmChecklistItem]
    anti_patterns: list[m.AntiPattern]
    practices: list[m.Practice]
    step_back_questions: list[m.StepBackQuestion]
    reflection_questions: list[m.ReflectionQuestion]
    texts: dict[str, str]


def framework_guide() -> FrameworkGuide:
    """All of the framework for the guide page, in a fixed number of queries."""
    return FrameworkGuide(
        focus_areas=list(m.FocusArea.objects.all()),
        archetypes=list(
            m.Archetype.objects.select_related("source").prefetch_related(
                Prefetch("focus", queryset=m.ArchetypeFocus.objects.select_related("area").order_by("area__order"))
            )
        ),
        checklist=list(m.TlmChecklistItem.objects.all()),
        anti_patterns=list(m.AntiPattern.objects.select_related("source").prefetch_related("signals", "practices")),
        practices=list(m.Practice.objects.select_related("source").prefetch_related("counters")),
        step_back_questions=list(m.StepBackQuestion.objects.all()),
        reflection_questions=list(m.ReflectionQuestion.objects.select_related("source")),
        texts=dict(m.FrameworkText.objects.values_list("key", "text")),
    )
