"""Reads of assessments, always scoped to the manager who owns them."""

from __future__ import annotations

import datetime
import uuid
import zoneinfo
from dataclasses import dataclass
from typing import Any

from django.db.models import OuterRef, QuerySet
from django.http import Http404

from emassess.assessments import engine
from emassess.assessments.models import Assessment, QuestionnaireVersion
from emassess.assessments.plans import plan_review
from emassess.orgs.cycles import Cycle, cycle_containing, parse_quarter, quarter_labels
from emassess.orgs.models import Membership, Organisation

# Published versions never change (questionnaire_publish adds a new one instead), so the definition
# of each, some 55 kB of JSON, is read from the database once per process and then shared by the
# pages that need it, which only read it. Keyed by the version's id and publication time, which no
# two versions share (versions are never deleted); tests, whose database hands ids out again, start
# each with nothing kept (tests/conftest.py).
_DEFINITIONS: dict[tuple[int, datetime.datetime], dict[str, Any]] = {}
_DEFINITIONS_KEPT = 8


def with_definition(version: QuestionnaireVersion) -> QuestionnaireVersion:
    """The version with its definition: the one kept for a published version, or read (and then kept)."""
    if "definition" in version.__dict__ or version.published_at is None:
        return version  # loaded already, or a draft version, which is read each time (version.definition)
    key = (version.pk, version.published_at)
    definition = _DEFINITIONS.get(key)
    if definition is None:
        definition = version.definition  # the deferred column, read now
        if len(_DEFINITIONS) >= _DEFINITIONS_KEPT:
            _DEFINITIONS.clear()
        _DEFINITIONS[key] = definition
    version.definition = definition
    return version


def assessment_of_manager(*, manager: Membership, public_id: uuid.UUID, with_outcome: bool = True) -> Assessment:
    """The manager's own assessment; anyone else's, or one that does not exist, is a 404 alike.
    `with_outcome=False` leaves the stored outcome (some 15 kB of JSON) unread, for the pages that
    do not show it; reading it later costs a query."""
    assessments = Assessment.objects.exclude(status=Assessment.Status.SUPERSEDED)
    if not with_outcome:
        assessments = assessments.defer("outcome")
    assessment = _first_with_version(assessments.filter(manager=manager, public_id=public_id))
    if assessment is None:
        raise Http404("No such assessment.")
    assessment.manager = manager  # the same row, as read for this request (with its organisation)
    return assessment


def submitted_in_cycle(*, cycle: Cycle, manager: Membership | OuterRef | None = None) -> QuerySet[Assessment]:
    """The results submitted during `cycle`: what "done this cycle" means for the dashboards and the
    reminders alike. `manager` narrows them to one person, or to each row of an outer query with
    OuterRef("pk"). Read by the quarter each result was submitted in (counted in the organisation's
    time zone when it was submitted), which the database finds by index, as the released figures do."""
    results = Assessment.objects.filter(status=Assessment.Status.SUBMITTED, period__in=quarter_labels(cycle))
    return results if manager is None else results.filter(manager=manager)


def drafts(*, manager: Membership | OuterRef | None = None) -> QuerySet[Assessment]:
    """The drafts under way, of any cycle (a manager has at most one): what "in progress" means for
    the dashboards and HR's follow-up alike. `manager` as for submitted_in_cycle."""
    under_way = Assessment.objects.filter(status=Assessment.Status.DRAFT)
    return under_way if manager is None else under_way.filter(manager=manager)


def cycle_at(*, organisation: Organisation, now: datetime.datetime) -> Cycle:
    """The organisation's cycle (of its cadence) that a moment falls in, in its time zone."""
    local = now.astimezone(zoneinfo.ZoneInfo(organisation.timezone)).date()
    return cycle_containing(local, organisation.cadence_months)


def result_in_cycle(*, manager: Membership, cycle: Cycle) -> Assessment | None:
    """The manager's result of the cycle, if they have submitted it (at most one: the services see to it)."""
    result = _first_with_version(submitted_in_cycle(cycle=cycle, manager=manager).order_by("submitted_at"))
    if result is not None:
        result.manager = manager  # the same row, as read for this request: its organisation is not read again
    return result


def changes_close_at(*, assessment: Assessment) -> datetime.datetime:
    """Until when a submitted result may be reopened and changed: the close of the quarter it was
    submitted in, whichever comes first of that close in the organisation's time zone at submission
    and in its time zone now. A quarter's figures are released only after it has closed, so no
    result changes once its figures are out, whatever the time zone has been set to since."""
    _, end_now = parse_quarter(assessment.period).bounds(assessment.manager.organisation.timezone)
    return min(end_now, assessment.closes_at) if assessment.closes_at is not None else end_now


def can_change(*, assessment: Assessment, now: datetime.datetime) -> bool:
    """Whether the manager may still reopen, change and resubmit this result."""
    return assessment.is_submitted and now < changes_close_at(assessment=assessment)


@dataclass(frozen=True)
class ChangeWindow:
    """Whether a submitted result's answers may still change, until which day (in the organisation's
    time zone), and whether changes are in progress."""

    open: bool
    reopened: bool
    last_day: datetime.date


def change_window(*, assessment: Assessment, now: datetime.datetime) -> ChangeWindow | None:
    """None for what is not a submitted result."""
    if not assessment.is_submitted:
        return None
    zone = zoneinfo.ZoneInfo(assessment.manager.organisation.timezone)
    close = changes_close_at(assessment=assessment).astimezone(zone)
    is_open = now < close
    return ChangeWindow(
        open=is_open,
        reopened=is_open and assessment.is_reopened,
        last_day=(close - datetime.timedelta(microseconds=1)).date(),
    )


@dataclass(frozen=True)
class CycleStatus:
    """Where a manager stands in their organisation's current cycle: its result if they have
    submitted it, whether they may still change it, and when the next cycle opens."""

    cycle: Cycle
    result: Assessment | None
    change: ChangeWindow | None
    next_opens_on: datetime.date


def cycle_status(*, manager: Membership, now: datetime.datetime) -> CycleStatus:
    cycle = cycle_at(organisation=manager.organisation, now=now)
    result = result_in_cycle(manager=manager, cycle=cycle)
    change = change_window(assessment=result, now=now) if result is not None else None
    return CycleStatus(cycle=cycle, result=result, change=change, next_opens_on=cycle.end)


def draft_of(*, manager: Membership) -> Assessment | None:
    return _first_with_version(drafts(manager=manager))


def _first_with_version(assessments: QuerySet[Assessment]) -> Assessment | None:
    """The first of `assessments`, with its version in the same query but not the version's
    definition, which comes from the copy kept per process (with_definition)."""
    assessment = assessments.select_related("version").defer("version__definition").first()
    if assessment is not None:
        with_definition(assessment.version)
    return assessment


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
    plan_review: list[tuple[str, str]]  # how the plan taken into this assessment went
    versions_differ: bool  # this result and the previous one answered different versions


def result_page(
    *, assessment: Assessment, shared_only: bool = False, outcome: dict[str, Any] | None = None
) -> ResultPage:
    """Everything the result page shows, from the stored outcome and the version it answered:
    an old result renders as it was, whatever has changed since.

    With shared_only (HR reading a result its manager shared), the changes since last time compare
    only with a result the manager also shared: a change is a difference, and it would give away
    an earlier result they kept to themselves. `outcome` replaces the stored one on the page (the
    manager's own page passes one whose advice takes the team's view into account: feedback)."""
    outcome = outcome if outcome is not None else assessment.outcome
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
        plan_review=plan_review(assessment),
        versions_differ=previous is not None and previous.version_id != assessment.version_id,
    )
