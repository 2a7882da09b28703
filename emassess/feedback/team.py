"""The team's view of a manager, as pure functions of the survey and the answers: no database.

Anonymity (README, "Upward feedback"): a view needs at least `threshold()` answers, and every figure
it shows is over at least that many answers too: an item that fewer reports could answer (the others
said "I don't know") is left out of the item list and of its construct alike, so no figure can be
worked out from the others to fewer answers. A construct needs MIN_ITEMS such items.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from emassess.assessments.engine import towards_risk
from emassess.feedback.survey import DONT_KNOW, SCALE_MAX
from emassess.orgs.models import MIN_ANONYMITY_THRESHOLD

MIN_ITEMS = 2  # items of a construct with enough answers before it has a team view
# Our rule, from the upward-feedback literature (DESIGN.md): self and team differ enough to name it
# when the gap is more than a third of the 0-100 scale.
GAP_SHARE = 3
SHOWN_ITEMS = 2  # the items of a construct shown where the views differ most


def threshold(anonymity_threshold: int) -> int:
    """How many reports must answer before a manager sees anything: the organisation's threshold,
    never under three."""
    return max(MIN_ANONYMITY_THRESHOLD, anonymity_threshold)


def team_figures(definition: Mapping[str, Any], answer_sets: Iterable[Mapping[str, Any]], *, needed: int) -> dict:
    """Per item and per construct, the team's view on the 0-100 scale towards the trap, from the
    answers of every report (each a mapping item id -> 0..4 or DONT_KNOW). Empty when fewer than
    `needed` reports answered."""
    answer_sets = list(answer_sets)
    if len(answer_sets) < needed:
        return {}
    items = []
    for item in definition["items"]:
        known = [
            towards_risk(item, answers[item["id"]])
            for answers in answer_sets
            if answers.get(item["id"]) not in (None, DONT_KNOW)
        ]
        if len(known) >= needed:
            items.append(
                {
                    "id": item["id"],
                    "construct": item["construct"],
                    "text": item["text"],
                    "score": round(100 * sum(known) / (SCALE_MAX * len(known))),
                }
            )
    constructs = []
    for construct in definition["constructs"]:
        scores = [item["score"] for item in items if item["construct"] == construct["slug"]]
        constructs.append(
            {
                "slug": construct["slug"],
                "name": construct["name"],
                "ours": construct.get("ours", False),
                "score": round(sum(scores) / len(scores)) if len(scores) >= MIN_ITEMS else None,
            }
        )
    return {"respondents_at_least": needed, "constructs": constructs, "items": items}


def is_wide_gap(gap: int) -> bool:
    """More than a third of the scale apart."""
    return abs(gap) * GAP_SHARE > 100


@dataclass(frozen=True)
class ConstructView:
    slug: str
    name: str
    ours: bool
    self_score: int | None
    team_score: int | None
    items: list[dict]  # the construct's items with the team's score, where the views differ most first

    @property
    def gap(self) -> int | None:
        """The team's view less the self-view: above 0, the team sees more of the trap."""
        if self.self_score is None or self.team_score is None:
            return None
        return self.team_score - self.self_score

    @property
    def blind_spot(self) -> bool:
        """The team sees the trap much more than the manager does."""
        return self.gap is not None and self.gap > 0 and is_wide_gap(self.gap)

    @property
    def hidden_strength(self) -> bool:
        """The manager sees the trap much more than the team does."""
        return self.gap is not None and self.gap < 0 and is_wide_gap(self.gap)


def compare(figures: Mapping[str, Any], self_risks: Mapping[str, int | None]) -> list[ConstructView]:
    """Each construct's self-view beside the team's; items where the team sees most of it first."""
    views = []
    for construct in figures.get("constructs", []):
        self_score = self_risks.get(construct["slug"])
        # Where the team sees less than the manager does, the items it sees least of come first.
        lower = self_score is not None and construct["score"] is not None and construct["score"] < self_score
        items = sorted(
            (item for item in figures["items"] if item["construct"] == construct["slug"]),
            key=lambda item: item["score"] if lower else -item["score"],
        )
        views.append(
            ConstructView(
                slug=construct["slug"],
                name=construct["name"],
                ours=construct["ours"],
                self_score=self_score,
                team_score=construct["score"],
                items=items[:SHOWN_ITEMS] if construct["score"] is not None else [],
            )
        )
    return views
