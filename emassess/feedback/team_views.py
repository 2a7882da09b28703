"""The manager's team view page (each closed cycle's released team view beside their self-view),
and the same view on the result of the cycle it was released for, with the advice worked out again
to take it into account."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from emassess.assessments import engine
from emassess.assessments.models import Assessment
from emassess.assessments.selectors import cycle_at, result_in_cycle
from emassess.assessments.services import IncompleteAnswers, validated_answers
from emassess.feedback.models import Response, TeamViewRelease
from emassess.feedback.services import team_view_release
from emassess.feedback.team import GAP_SHARE, ConstructView, compare, threshold
from emassess.orgs.cycles import parse_cycle
from emassess.orgs.models import Membership

# What of a result the team's view changes: the practices to start, the habits to keep, and the
# story, which names the first practices.
ADVICE_KEYS = ("practices", "keep", "summary")


@dataclass(frozen=True)
class CycleView:
    cycle: str
    release: TeamViewRelease
    self_taken: bool  # whether the manager took the self-assessment in the cycle
    constructs: list[ConstructView]

    @property
    def blind_spots(self) -> list[ConstructView]:
        return [view for view in self.constructs if view.blind_spot]

    @property
    def hidden_strengths(self) -> list[ConstructView]:
        return [view for view in self.constructs if view.hidden_strength]


def team_view_page(*, manager: Membership, now: datetime.datetime) -> dict[str, Any]:
    """Every closed cycle in which enough of the manager's reports answered, newest first. Cycles
    with too few answers are not told apart from cycles with none: neither shows anything."""
    needed = threshold(manager.organisation.anonymity_threshold)
    cycles = sorted(set(Response.objects.filter(manager=manager).values_list("cycle", flat=True)), reverse=True)
    shown = []
    for cycle in cycles:
        release = _released_view(manager=manager, cycle=cycle, now=now)
        if release is None:
            continue
        result = result_in_cycle(manager=manager, cycle=parse_cycle(cycle))
        self_risks = {score.anti_pattern: score.risk for score in result.risk_scores.all()} if result else {}
        shown.append(CycleView(cycle, release, result is not None, compare(release.figures, self_risks)))
    return {"needed": needed, "cycles": shown, "gap_share": GAP_SHARE}


@dataclass(frozen=True)
class NamedGap:
    """A blind spot or hidden strength as the result names it, in the bands' words: "You see
    yourself {self_words} on Bottleneck Manager (0); your team sees {team_words} (100)"."""

    view: ConstructView
    self_band: str
    team_band: str

    @property
    def self_words(self) -> str:
        return {"watch": "in the watch band"}.get(self.self_band, f"as {self.self_band}")

    @property
    def team_words(self) -> str:
        return {"watch": "it in the watch band"}.get(self.team_band, self.team_band)


@dataclass(frozen=True)
class TeamOnResult:
    cycle: str
    constructs: list[ConstructView]
    blind_spots: list[NamedGap]
    hidden_strengths: list[NamedGap]
    # The result's outcome with its advice (practices to start, habits to keep, and the story that
    # names the first of them) worked out again with the team's view; the stored one otherwise.
    outcome: dict[str, Any]
    advice_updated: bool  # the advice differs from the one stored at submission
    needed: int  # the answers a team view needs


def _released_view(*, manager: Membership, cycle: str, now: datetime.datetime) -> TeamViewRelease | None:
    """The cycle's team view if the manager may see it: released, and shown by the threshold now."""
    release = team_view_release(manager=manager, cycle=cycle, now=now)
    if release is None or not release.shows(needed=threshold(manager.organisation.anonymity_threshold)):
        return None
    return release


def team_on_result(*, assessment: Assessment, now: datetime.datetime) -> TeamOnResult | None:
    """The team's view of the cycle a result was submitted in, for the manager's own result page:
    None until that cycle's view is released (after it closes) from enough answers.

    The stored result is never rewritten: it was scored at submission, before any team view could
    exist. The advice shown with the team's view is worked out here, each time the page is shown,
    by the same pure engine from the stored answers and the released figures; only for a result
    scored by the engine as it is now (an older result keeps its stored advice, as it renders as it
    was), and never for HR (their view of a shared result does not call this)."""
    outcome = assessment.outcome
    if outcome is None or assessment.submitted_at is None:
        return None
    manager = assessment.manager
    cycle = cycle_at(organisation=manager.organisation, now=assessment.submitted_at).label
    release = _released_view(manager=manager, cycle=cycle, now=now)
    if release is None:
        return None
    definition = assessment.version.definition
    bands = definition["bands"]
    constructs = compare(release.figures, {risk["slug"]: risk["risk"] for risk in outcome["anti_patterns"]})
    team = {view.slug: view.team_score for view in constructs if view.team_score is not None}
    shown = outcome
    if team and assessment.engine_version == engine.ENGINE_VERSION:
        try:
            answers = validated_answers(assessment, answers=assessment.answers)  # typed, as at submission
        except IncompleteAnswers:
            answers = None  # not scorable as they stand today: the stored advice stays
        if answers is not None:
            rescored = engine.score(definition, answers, team=team).to_json()
            shown = {**outcome, **{key: rescored[key] for key in ADVICE_KEYS}}

    def named(view: ConstructView) -> NamedGap:
        assert view.self_score is not None and view.team_score is not None
        return NamedGap(view, engine.band_of(view.self_score, bands), engine.band_of(view.team_score, bands))

    return TeamOnResult(
        cycle=cycle,
        constructs=constructs,
        blind_spots=[named(view) for view in constructs if view.blind_spot],
        hidden_strengths=[named(view) for view in constructs if view.hidden_strength],
        outcome=shown,
        advice_updated=shown["practices"] != outcome["practices"],
        needed=threshold(manager.organisation.anonymity_threshold),
    )
