"""The manager's team view page: each closed cycle's released team view beside their self-view."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from emassess.assessments.selectors import result_in_cycle
from emassess.feedback.models import Response, TeamViewRelease
from emassess.feedback.services import team_view_release
from emassess.feedback.team import GAP_SHARE, ConstructView, compare, threshold
from emassess.orgs.cycles import parse_cycle
from emassess.orgs.models import Membership

DEFAULT_BANDS = {"watch": 40, "high": 65}  # the self-assessment's, for a cycle without a result


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
        release = team_view_release(manager=manager, cycle=cycle, now=now)
        if release is None or not release.shows(needed=needed):
            continue
        result = result_in_cycle(manager=manager, cycle=parse_cycle(cycle))
        self_risks = {score.anti_pattern: score.risk for score in result.risk_scores.all()} if result else {}
        shown.append(CycleView(cycle, release, result is not None, compare(release.figures, self_risks)))
    return {"needed": needed, "cycles": shown, "gap_share": GAP_SHARE, "bands": DEFAULT_BANDS}
