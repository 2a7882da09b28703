"""What HR and org admins see: completion, archetype mix, TLM fit, anti-pattern prevalence and
trends, aggregated in the database from the scores stored on submit.

Every query here is a fixed number of GROUP BY queries, whatever the size of the organisation.
Any aggregate over fewer people than the organisation's anonymity threshold is returned as
suppressed (`Share.suppressed`), never as a number; the pages and the exports show
"not enough responses" instead.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypedDict

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery

from emassess.assessments.models import Assessment, RiskScore
from emassess.assessments.selectors import submitted_in_cycle
from emassess.framework.models import AntiPattern, Archetype
from emassess.orgs.cycles import Cycle, cycle_containing, quarters_up_to, shift
from emassess.orgs.models import Membership, Organisation, Team
from emassess.orgs.selectors import eligible_managers, role_anniversary

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

FLAGGED_BANDS = (RiskScore.Band.WATCH, RiskScore.Band.HIGH)
TREND_QUARTERS = 8
ONE_YEAR_REVIEW_WINDOW = datetime.timedelta(days=30)
SUBMITTED = Assessment.Status.SUBMITTED
# What a suppressed figure says, on the pages and in the exports alike.
NOT_ENOUGH_RESPONSES = "not enough responses"


@dataclass(frozen=True)
class Share:
    """`count` of `total` people, or suppressed when `total` is under the anonymity threshold."""

    count: int
    total: int
    suppressed: bool

    @property
    def percent(self) -> int | None:
        if self.suppressed or not self.total:
            return None
        return round(100 * self.count / self.total)


def share(count: int, total: int, threshold: int) -> Share:
    if total < threshold:
        return Share(0, 0, True)
    return Share(count, total, False)


@dataclass(frozen=True)
class Completion:
    cycle: Cycle
    is_over: bool  # the cycle has ended: who is not done is overdue
    done: int
    in_progress: int
    not_started: int
    overdue: int

    @property
    def total(self) -> int:
        return self.done + self.in_progress + self.not_started + self.overdue

    @property
    def percent_done(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


@dataclass(frozen=True)
class Named:
    slug: str
    name: str


@dataclass(frozen=True)
class HeatmapRow:
    team: Team
    cells: list[Share]  # one per anti-pattern, in framework order


@dataclass(frozen=True)
class TrendPoint:
    quarter: str
    responses: int
    tlm_fit: Share
    flagged: list[Share]  # one per anti-pattern, in framework order


@dataclass(frozen=True)
class Aggregates:
    responses: int
    suppressed: bool
    archetype_mix: list[tuple[Named, Share]]
    tlm_fit: Share
    flagged: list[tuple[Named, Share]]  # share of managers in watch or high
    high: list[tuple[Named, Share]]
    trends: list[TrendPoint]


@dataclass(frozen=True)
class Overview:
    organisation: Organisation
    quarter: Cycle
    completion: Completion
    anti_patterns: list[Named]
    aggregates: Aggregates
    heatmap: list[HeatmapRow] = field(default_factory=list)


def _names(model) -> list[Named]:
    return [Named(slug, name) for slug, name in model.objects.order_by("order").values_list("slug", "name")]


class ManagerStatus(TypedDict):
    done: bool  # submitted in the cycle
    drafting: bool  # has a draft


def _with_status(
    managers: QuerySet[Membership], cycle: Cycle, timezone_name: str
) -> QuerySet[WithAnnotations[Membership, ManagerStatus]]:
    done = submitted_in_cycle(cycle=cycle, timezone_name=timezone_name, manager=OuterRef("pk"))
    drafting = Assessment.objects.filter(manager=OuterRef("pk"), status=Assessment.Status.DRAFT)
    return managers.annotate(done=Exists(done), drafting=Exists(drafting))


def completion(
    *, organisation: Organisation, cycle: Cycle, today: datetime.date, team: Team | None = None
) -> Completion:
    """Done, in progress, not started and (once the cycle is over) overdue, in one query."""
    managers = _with_status(eligible_managers(organisation=organisation, cycle=cycle, team=team), cycle,
                            organisation.timezone)  # fmt: skip
    counts = managers.aggregate(
        total=Count("pk"),
        finished=Count("pk", filter=Q(done=True)),
        started=Count("pk", filter=Q(done=False, drafting=True)),
    )
    is_over = cycle.end <= today
    waiting = counts["total"] - counts["finished"]
    return Completion(
        cycle=cycle,
        is_over=is_over,
        done=counts["finished"],
        in_progress=0 if is_over else counts["started"],
        not_started=0 if is_over else waiting - counts["started"],
        overdue=waiting if is_over else 0,
    )


def results_in(*, organisation: Organisation, quarters: list[str], team: Team | None = None) -> QuerySet[Assessment]:
    """Each manager's latest submitted result of each quarter (a second submission in a quarter
    replaces the first)."""
    newer_same_quarter = Assessment.objects.filter(
        manager=OuterRef("manager"),
        period=OuterRef("period"),
        status=SUBMITTED,
        submitted_at__gt=OuterRef("submitted_at"),
    )
    results = Assessment.objects.filter(manager__organisation=organisation, status=SUBMITTED, period__in=quarters)
    if team is not None:
        # Spelled as the team's manager ids, so the database reads them by manager rather than
        # scanning every result of those quarters across the organisation.
        results = results.filter(manager__in=team.memberships.values("pk"))
    return results.filter(~Exists(newer_same_quarter))


def aggregates(
    *, organisation: Organisation, quarter: Cycle, anti_patterns: list[Named], team: Team | None = None
) -> Aggregates:
    threshold = organisation.anonymity_threshold
    quarters = [q.label for q in quarters_up_to(quarter, TREND_QUARTERS)]
    results = results_in(organisation=organisation, quarters=quarters, team=team)

    # Per quarter: responses, TLM fit, closest archetypes (one query).
    by_quarter: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    tlm_by_quarter: dict[str, int] = defaultdict(int)
    for row in results.values("period", "closest_archetype").annotate(
        n=Count("id"), tlm=Count("id", filter=Q(tlm_may_fit=True))
    ):
        by_quarter[row["period"]][row["closest_archetype"]] += row["n"]
        tlm_by_quarter[row["period"]] += row["tlm"]

    # Per quarter and anti-pattern: how many in watch or high, and in high (one query).
    flagged: dict[tuple[str, str], int] = defaultdict(int)
    high: dict[tuple[str, str], int] = defaultdict(int)
    for risk_row in (
        RiskScore.objects.filter(assessment__in=results)
        .values("assessment__period", "anti_pattern")
        .annotate(
            flagged=Count("id", filter=Q(band__in=FLAGGED_BANDS)),
            high=Count("id", filter=Q(band=RiskScore.Band.HIGH)),
        )
    ):
        key = (risk_row["assessment__period"], risk_row["anti_pattern"])
        flagged[key] = risk_row["flagged"]
        high[key] = risk_row["high"]

    def total(label: str) -> int:
        return sum(by_quarter[label].values())

    this = quarter.label
    responses = total(this)
    archetypes = _names(Archetype)
    return Aggregates(
        responses=responses,
        suppressed=responses < threshold,
        archetype_mix=[(a, share(by_quarter[this][a.slug], responses, threshold)) for a in archetypes],
        tlm_fit=share(tlm_by_quarter[this], responses, threshold),
        flagged=[(a, share(flagged[(this, a.slug)], responses, threshold)) for a in anti_patterns],
        high=[(a, share(high[(this, a.slug)], responses, threshold)) for a in anti_patterns],
        trends=[
            TrendPoint(
                quarter=label,
                responses=total(label),
                tlm_fit=share(tlm_by_quarter[label], total(label), threshold),
                flagged=[share(flagged[(label, a.slug)], total(label), threshold) for a in anti_patterns],
            )
            for label in quarters
        ],
    )


def heatmap(*, organisation: Organisation, quarter: Cycle, anti_patterns: list[Named]) -> list[HeatmapRow]:
    """Team x anti-pattern: the share of each team's managers in watch or high (two queries)."""
    threshold = organisation.anonymity_threshold
    results = results_in(organisation=organisation, quarters=[quarter.label])
    totals: dict[int, int] = defaultdict(int)
    flagged: dict[tuple[int, str], int] = defaultdict(int)
    for row in (
        RiskScore.objects.filter(assessment__in=results)
        .values("assessment__manager__team", "anti_pattern")
        .annotate(n=Count("id"), flagged=Count("id", filter=Q(band__in=FLAGGED_BANDS)))
    ):
        team_id = row["assessment__manager__team"]
        totals[team_id] = max(totals[team_id], row["n"])
        flagged[(team_id, row["anti_pattern"])] = row["flagged"]
    return [
        HeatmapRow(team, [share(flagged[(team.pk, a.slug)], totals[team.pk], threshold) for a in anti_patterns])
        for team in organisation.teams.order_by("name")
    ]


def organisation_overview(*, organisation: Organisation, quarter: Cycle, today: datetime.date) -> Overview:
    anti_patterns = _names(AntiPattern)
    cycle = cycle_containing(quarter.start, organisation.cadence_months)
    return Overview(
        organisation=organisation,
        quarter=quarter,
        completion=completion(organisation=organisation, cycle=cycle, today=today),
        anti_patterns=anti_patterns,
        aggregates=aggregates(organisation=organisation, quarter=quarter, anti_patterns=anti_patterns),
        heatmap=heatmap(organisation=organisation, quarter=quarter, anti_patterns=anti_patterns),
    )


@dataclass(frozen=True)
class ManagerRow:
    membership: Membership
    status: str  # "done", "in progress", "not started", "overdue"
    latest: Assessment | None  # their latest result, only where HR may see it
    bands: list[str]  # bands of the latest result, in anti-pattern order, when visible


@dataclass(frozen=True)
class TeamPage:
    team: Team
    quarter: Cycle
    completion: Completion
    anti_patterns: list[Named]
    aggregates: Aggregates
    managers: list[ManagerRow]


def team_page(*, team: Team, quarter: Cycle, today: datetime.date) -> TeamPage:
    organisation = team.organisation
    anti_patterns = _names(AntiPattern)
    cycle = cycle_containing(quarter.start, organisation.cadence_months)
    latest_result = (
        Assessment.objects.filter(manager=OuterRef("pk"), status=SUBMITTED).order_by("-submitted_at").values("pk")[:1]
    )
    managers = list(
        _with_status(eligible_managers(organisation=organisation, cycle=cycle, team=team), cycle, organisation.timezone)
        .select_related("user")
        .annotate(latest_id=Subquery(latest_result))
        .order_by("user__full_name", "user__email")
    )
    visible = Assessment.objects.filter(pk__in=[m.latest_id for m in managers if m.latest_id])
    if not organisation.hr_sees_individual_results:
        visible = visible.filter(shared_with_hr=True)
    latest = {a.pk: a for a in visible.prefetch_related("risk_scores")}
    is_over = cycle.end <= today
    rows = []
    for manager in managers:
        if manager.done:
            status = "done"
        elif is_over:
            status = "overdue"
        else:
            status = "in progress" if manager.drafting else "not started"
        result = latest.get(manager.latest_id)
        bands = {score.anti_pattern: score.band for score in result.risk_scores.all()} if result else {}
        rows.append(ManagerRow(manager, status, result, [bands.get(a.slug, "") for a in anti_patterns]))
    return TeamPage(
        team=team,
        quarter=quarter,
        completion=completion(organisation=organisation, cycle=cycle, today=today, team=team),
        anti_patterns=anti_patterns,
        aggregates=aggregates(organisation=organisation, quarter=quarter, anti_patterns=anti_patterns, team=team),
        managers=rows,
    )


@dataclass(frozen=True)
class FollowUps:
    current: Cycle
    previous: Cycle
    overdue: list[Membership]  # missed the last cycle and have not done this one either
    one_year_reviews: list[tuple[Membership, datetime.date]]  # due in the next 30 days
    never_assessed: list[Membership]


def follow_ups(*, organisation: Organisation, today: datetime.date) -> FollowUps:
    """The lists HR acts on (three queries)."""
    current = cycle_containing(today, organisation.cadence_months)
    previous = shift(current, -1, organisation.cadence_months)
    last_start, _ = previous.bounds(organisation.timezone)
    submitted_since_last = Assessment.objects.filter(
        manager=OuterRef("pk"), status=SUBMITTED, submitted_at__gte=last_start
    )
    people = ("user", "team")
    overdue = list(
        eligible_managers(organisation=organisation, cycle=previous)
        .filter(~Exists(submitted_since_last))
        .select_related(*people)
        .order_by("team__name", "user__full_name")
    )
    # One year after a role began (seed 004: give it a year). The database narrows the candidates
    # by date with a day to spare either side; the exact anniversary (29 February!) is Python's.
    window_end = today + ONE_YEAR_REVIEW_WINDOW
    candidates = organisation.memberships.filter(
        role=Membership.Role.MANAGER,
        user__is_active=True,
        manager_role_started_on__gte=today - datetime.timedelta(days=367),
        manager_role_started_on__lte=window_end - datetime.timedelta(days=364),
    ).select_related(*people)
    anniversaries = [
        (manager, role_anniversary(manager.manager_role_started_on))
        for manager in candidates
        if manager.manager_role_started_on is not None
    ]
    one_year = sorted(((m, day) for m, day in anniversaries if today <= day <= window_end), key=lambda pair: pair[1])
    never = list(
        eligible_managers(organisation=organisation, cycle=current)
        .filter(~Exists(Assessment.objects.filter(manager=OuterRef("pk"), status=SUBMITTED)))
        .select_related(*people)
        .order_by("team__name", "user__full_name")
    )
    return FollowUps(current, previous, overdue, one_year, never)
