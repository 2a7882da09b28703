"""Reads of assessments, always scoped to the manager who owns them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import OuterRef, QuerySet
from django.http import Http404

from emassess.assessments import engine
from emassess.assessments.models import Assessment
from emassess.orgs.cycles import Cycle, quarter_labels
from emassess.orgs.models import Membership


def assessment_of_manager(*, manager: Membership, public_id: uuid.UUID) -> Assessment:
    """The manager's own assessment; anyone else's, or one that does not exist, is a 404 alike."""
    assessment = (
        Assessment.objects.select_related("version", "manager__organisation")
        .filter(manager=manager, public_id=public_id)
        .first()
    )
    if assessment is None:
        raise Http404("No such assessment.")
    return assessment


def submitted_in_cycle(*, cycle: Cycle, manager: Membership | OuterRef | None = None) -> QuerySet[Assessment]:
    """The results submitted during `cycle`: what "done this cycle" means for the dashboards and the
    reminders alike. `manager` narrows them to one person, or to each row of an outer query with
    OuterRef("pk"). Read by the quarter each result was submitted in (counted in the organisation's
    time zone when it was submitted), which the database finds by index, as the released figures do."""
    results = Assessment.objects.filter(status=Assessment.Status.SUBMITTED, period__in=quarter_labels(cycle))
    return results if manager is None else results.filter(manager=manager)


def draft_of(*, manager: Membership) -> Assessment | None:
    return manager.assessments.filter(status=Assessment.Status.DRAFT).select_related("version").first()


def submitted_list(*, manager: Membership) -> QuerySet[Assessment]:
    return manager.assessments.filter(status=Assessment.Status.SUBMITTED).order_by("-submitted_at")


def previous_submitted(*, assessment: Assessment, shared_only: bool = False) -> Assessment | None:
    """The manager's submitted assessment just before this one; with shared_only, the one before it
    that they also shared with HR."""
    earlier = Assessment.objects.filter(
        manager_id=assessment.manager_id, status=Assessment.Status.SUBMITTED, submitted_at__lt=assessment.submitted_at
    )
    if shared_only:
        earlier = earlier.filter(shared_with_hr=True)
    return earlier.order_by("-submitted_at").first()


@dataclass(frozen=True)
class WeekRow:
    area: str
    yours: float
    profile: int


@dataclass(frozen=True)
class ArchetypeRow:
    slug: str
    name: str
    fit: int
    delta: int | None  # change since the previous assessment, None when there is none
    is_closest: bool


@dataclass(frozen=True)
class AntiPatternCard:
    risk: dict[str, Any]
    delta: int | None
    practices: list[str]  # the practices advised to this manager that counter it


@dataclass(frozen=True)
class ResultPage:
    assessment: Assessment
    outcome: dict[str, Any]
    closest: dict[str, Any]
    week: list[WeekRow]
    archetypes: list[ArchetypeRow]
    anti_patterns: list[AntiPatternCard]
    step_back_questions: list[dict[str, str]]
    previous: Assessment | None
    comparison: engine.Comparison | None
    bands: dict[str, Any]  # the version's bands and the note on how they were set
    versions_differ: bool  # this result and the previous one answered different versions


def result_page(*, assessment: Assessment, shared_only: bool = False) -> ResultPage:
    """Everything the result page shows, from the stored outcome and the version it answered:
    an old result renders as it was, whatever has changed since.

    With shared_only (HR reading a result its manager shared), the changes since last time compare
    only with a result the manager also shared: a change is a difference, and it would give away
    an earlier result they kept to themselves."""
    outcome = assessment.outcome
    if outcome is None:
        raise Http404("This result keeps only its numbers.")  # an erased person's (emassess.privacy)
    framework = assessment.version.definition["framework"]
    closest = next(fit for fit in outcome["archetypes"] if fit["slug"] == outcome["closest"])
    area_names = {area["slug"]: area["name"] for area in framework["focus_areas"]}
    week = [
        WeekRow(area_names.get(area, area), share, closest["profile"].get(area, 0))
        for area, share in outcome["allocation"].items()
    ]
    previous = previous_submitted(assessment=assessment, shared_only=shared_only)
    comparison = engine.compare(previous.outcome, outcome) if previous and previous.outcome else None
    fit_deltas = {change.slug: change.delta for change in comparison.archetypes} if comparison else {}
    risk_deltas = {change.slug: change.delta for change in comparison.anti_patterns} if comparison else {}
    cards = [
        AntiPatternCard(
            risk,
            risk_deltas.get(risk["slug"]),
            [advice["name"] for advice in outcome["practices"] if risk["name"] in advice["counters"]][:3],
        )
        for risk in outcome["anti_patterns"]
    ]
    return ResultPage(
        assessment=assessment,
        outcome=outcome,
        closest=closest,
        week=week,
        archetypes=[
            ArchetypeRow(fit["slug"], fit["name"], fit["fit"], fit_deltas.get(fit["slug"]), fit is closest)
            for fit in outcome["archetypes"]
        ],
        anti_patterns=cards,
        step_back_questions=framework["step_back_questions"],
        previous=previous,
        comparison=comparison,
        bands=assessment.version.definition["bands"],
        versions_differ=previous is not None and previous.version_id != assessment.version_id,
    )
