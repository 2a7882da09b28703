"""What HR and org admins see: completion and the follow-up lists, live; and the result figures
(archetype mix, TLM fit, anti-pattern prevalence, the heatmap and trends) as released into the
roll-up (emassess.dashboards.releases), never live.

Every read here is a fixed number of queries, whatever the size of the organisation. A withheld
figure is returned as suppressed (`Share.suppressed`), never as a number; the pages and the
exports show "not enough responses" instead.

Each page (the overview, a team's, the follow-up lists on the overview) is worked out once and
kept until something on it changes (`kept`, and emassess.orgs.live): counting completion and the
follow-up lists over 50,000 managers takes far longer than showing a page, and a kept page costs
the same at any size. Being kept changes nothing of what a page shows.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, TypedDict, TypeVar, cast

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Window

from emassess.assessments.models import Assessment
from emassess.assessments.selectors import drafts, submitted_in_cycle
from emassess.dashboards.models import Release, ReleasedFigure, ReleasedGroup
from emassess.dashboards.releases import hidden_flags, is_stale, shared_counts
from emassess.framework.models import AntiPattern, Archetype
from emassess.orgs.cycles import Cycle, cycle_containing, quarter_labels, quarters_up_to, shift
from emassess.orgs.live import KEEP_FOR
from emassess.orgs.models import Membership, Organisation, Team
from emassess.orgs.selectors import eligible_managers, role_anniversary
from emassess.reminders.manual import manually_reminded

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

T = TypeVar("T")
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
    figures: QuarterFigures  # every figure of the team's release for the quarter, for the export


@dataclass(frozen=True)
class TrendPoint:
    quarter: str
    responses: int
    tlm_fit: Share
    flagged: list[Share]  # one per anti-pattern, in framework order
    released: bool = True  # False: the quarter has not closed (or not been released) yet

    @property
    def withheld(self) -> bool:
        """None of the quarter's figures show (not released, or withheld as a whole)."""
        return self.tlm_fit.suppressed


@dataclass(frozen=True)
class Heatmap:
    teams: Page  # the page of teams shown, for the pager
    rows: list[HeatmapRow]
    seen_by: str  # whose view the cells show: SELF_VIEW (the managers' own) or TEAM_VIEW (their reports')

    @property
    def withheld(self) -> int:
        """How many of the teams shown have none of their figures showing."""
        return sum(all(cell.suppressed for cell in row.cells) for row in self.rows)

    @property
    def mostly_withheld(self) -> bool:
        """Most teams on the page show nothing: the page says so once, above the grid."""
        return 2 * self.withheld > len(self.rows)


@dataclass(frozen=True)
class Aggregates:
    release: Release | None  # what the figures of the chosen quarter come from
    responses: int
    suppressed: bool
    archetype_mix: list[tuple[Named, Share]]
    tlm_fit: Share
    flagged: list[tuple[Named, Share]]  # share of managers in watch or high
    high: list[tuple[Named, Share]]
    # Of all responses: how many managers' teams gave their view (from enough reports), and how many
    # of them the team sees much more in than they do themselves, per trap (blind spots, our rule).
    team_views: Share
    team_flagged: list[tuple[Named, Share]]  # the team sees the trap in watch or high
    blind_spots: list[tuple[Named, Share]]
    trends: list[TrendPoint]
    by_quarter: dict[str, QuarterFigures]  # every figure of each trend quarter, for the export


@dataclass(frozen=True)
class FiguresNotice:
    """Why a group's result figures for a quarter do not show, and what they wait for: said once,
    in place of every figure saying "not enough responses"."""

    threshold: int  # figures show from this many responses
    released: bool  # False: the quarter has not closed yet, and completion says how far it is
    responses: int  # of a released quarter: the responses it counted
    done: int  # of the quarter's cycle, live
    total: int

    @property
    def too_few(self) -> bool:
        """Withheld for its own size (rather than to protect a smaller group elsewhere)."""
        return self.responses < self.threshold


def figures_notice(*, aggregates: Aggregates, completion: Completion, threshold: int) -> FiguresNotice | None:
    """What the page says in place of the quarter's figures, or None when they show."""
    if aggregates.release is not None and not aggregates.suppressed:
        return None
    return FiguresNotice(
        threshold=threshold,
        released=aggregates.release is not None,
        responses=aggregates.responses,
        done=completion.done,
        total=completion.total,
    )


@dataclass(frozen=True)
class Overview:
    organisation: Organisation
    quarter: Cycle
    completion: Completion
    anti_patterns: list[Named]
    aggregates: Aggregates
    heatmap: Heatmap
    notice: FiguresNotice | None  # in place of the quarter's figures, when they do not show
    kept_as: str  # the key it is kept under, which keys its rendered figures too


def kept_key(organisation: Organisation, what: str) -> str:
    """The key a value of the organisation is kept under until something on its pages changes (its
    live_version moves on). `what` names the value and everything else it depends on (a quarter,
    a day, a page). The version is read afresh (one small query): an Organisation object in hand
    may have been loaded before the last change."""
    version = Organisation.objects.filter(pk=organisation.pk).values_list("live_version", flat=True).first()
    return f"dashboards:{organisation.pk}:{version}:{what}"


def kept(key: str, compute: Callable[[], T]) -> T:
    """`compute()`, worked out once and kept under `key` (from kept_key), for KEEP_FOR at most."""
    return cast(T, cache.get_or_set(key, compute, KEEP_FOR.total_seconds()))


def _names(model) -> list[Named]:
    return [Named(slug, name) for slug, name in model.objects.order_by("order").values_list("slug", "name")]


class ManagerStatus(TypedDict):
    done: bool  # submitted in the cycle
    drafting: bool  # has a draft


def _with_status(managers: QuerySet[Membership], cycle: Cycle) -> QuerySet[WithAnnotations[Membership, ManagerStatus]]:
    done = submitted_in_cycle(cycle=cycle, manager=OuterRef("pk"))
    return managers.annotate(done=Exists(done), drafting=Exists(drafts(manager=OuterRef("pk"))))


def completion(*, organisation: Organisation, cycle: Cycle, today: datetime.date) -> Completion:
    """The organisation's managers done, in progress, not started and (once the cycle is over)
    overdue, in one query when they were not already counted (`kept`). A team's are counted from
    the rows of its page (team_page)."""

    def count() -> dict[str, int]:
        # "Is among these ids" rather than a subquery per manager: the database reads each set once
        # (a hashed subplan on PostgreSQL), three times faster at 50,000 managers.
        ours = Q(manager__organisation=organisation)
        done = submitted_in_cycle(cycle=cycle).filter(ours).values("manager_id")
        drafting = drafts().filter(ours).values("manager_id")
        return eligible_managers(organisation=organisation, cycle=cycle).aggregate(
            total=Count("pk"),
            finished=Count("pk", filter=Q(pk__in=done)),
            started=Count("pk", filter=Q(pk__in=drafting) & ~Q(pk__in=done)),
        )

    # Kept apart from the page: it serves every page of the heatmap and both quarters picked.
    counts = kept(kept_key(organisation, f"completion:{cycle.start}:{cycle.end}"), count)
    return _completion_from_counts(
        cycle, today, total=counts["total"], finished=counts["finished"], started=counts["started"]
    )


Status = Literal["done", "in progress", "not started", "overdue"]


def manager_status(*, done: bool, drafting: bool, is_over: bool) -> Status:
    """Where one manager stands in a cycle, from whether they are done and have a draft: "overdue"
    once the cycle is over and they are not done. A team page's rows and every completion count
    take their statuses from here."""
    if done:
        return "done"
    if is_over:
        return "overdue"
    return "in progress" if drafting else "not started"


def _completion_of(cycle: Cycle, is_over: bool, statuses: Counter[Status]) -> Completion:
    return Completion(
        cycle=cycle,
        is_over=is_over,
        done=statuses["done"],
        in_progress=statuses["in progress"],
        not_started=statuses["not started"],
        overdue=statuses["overdue"],
    )


def _completion_from_counts(
    cycle: Cycle, today: datetime.date, *, total: int, finished: int, started: int
) -> Completion:
    """Completion from how many managers are expected, have finished, and have started but not finished."""
    is_over = cycle.end <= today
    statuses: Counter[Status] = Counter()
    # (done, drafting) -> how many: a manager who is done counts as done, draft or none.
    groups = {(True, False): finished, (False, True): started, (False, False): total - finished - started}
    for (done, drafting), count in groups.items():
        statuses[manager_status(done=done, drafting=drafting, is_over=is_over)] += count
    return _completion_of(cycle, is_over, statuses)


class TeamManager(ManagerStatus):
    latest_id: int | None  # their latest submitted result, in any cycle


def _team_managers(team: Team, cycle: Cycle) -> list[WithAnnotations[Membership, TeamManager]]:
    """The managers expected to take part in the cycle in the team, by name, each with their status
    and latest result, in one query."""
    latest_result = (
        Assessment.objects.filter(manager=OuterRef("pk"), status=SUBMITTED).order_by("-submitted_at").values("pk")[:1]
    )
    return list(
        _with_status(eligible_managers(organisation=team.organisation, cycle=cycle, team=team), cycle)
        .select_related("user")
        .annotate(latest_id=Subquery(latest_result))
        .order_by("user__full_name", "user__email")
    )


@dataclass(frozen=True)
class QuarterFigures:
    """One quarter's released figures for one group (the organisation, or a team)."""

    quarter: str
    release: Release | None  # None: nothing released for the quarter (yet)
    responses: int
    hidden: bool
    counts: dict[str, int]

    def share(self, measure: str) -> Share:
        if self.release is None or self.hidden:
            return Share(0, 0, True)
        return Share(self.counts.get(measure, 0), self.responses, False)


@dataclass(frozen=True)
class Releases:
    """The releases of some quarters, with `hidden` worked out afresh for those whose threshold or
    known results have changed since (until the periodic task stores it again): read once per page,
    for its figures and its heatmap alike."""

    by_quarter: dict[str, Release]
    fresh: dict[int, dict[int | None, bool]]  # release id -> group (team id, None) -> hidden

    def figures(self, release: Release, group: ReleasedGroup, counts: dict[str, int]) -> QuarterFigures:
        fresh = self.fresh.get(release.pk)
        hidden = fresh[group.team_id] if fresh is not None else group.hidden
        return QuarterFigures(release.quarter, release, group.responses, hidden, counts)


def _groups_with_counts(groups: QuerySet[ReleasedGroup]) -> list[tuple[ReleasedGroup, dict[str, int]]]:
    """The released groups, each with its figures' counts by measure (two queries; the figures, a
    few hundred on a page, are read as plain rows, which costs a tenth of building them as models)."""
    groups_read = list(groups)
    counts: dict[int, dict[str, int]] = {group.pk: {} for group in groups_read}
    figures = ReleasedFigure.objects.filter(group__in=list(counts)).values_list("group_id", "measure", "count")
    for group_id, measure, count in figures:
        counts[group_id][measure] = count
    return [(group, counts[group.pk]) for group in groups_read]


def releases_of(*, organisation: Organisation, quarters: list[str]) -> Releases:
    """The releases of the quarters that have one (three queries, and one per release whose
    withheld figures must be worked out again, never showing what it withheld before)."""
    by_quarter = {release.quarter: release for release in organisation.releases.filter(quarter__in=quarters)}
    cutoffs = {quarter: release.cutoff for quarter, release in by_quarter.items()}
    releases = ",".join(str(release.pk) for release in sorted(by_quarter.values(), key=lambda r: r.pk))
    shared = kept(
        kept_key(organisation, f"shared:{releases}"), lambda: shared_counts(organisation=organisation, cutoffs=cutoffs)
    )
    fresh: dict[int, dict[int | None, bool]] = {}
    for release in by_quarter.values():
        if is_stale(release, organisation=organisation, shared=shared[release.quarter]):
            groups = list(release.groups.values_list("team_id", "responses", "hidden"))
            fresh[release.pk] = hidden_flags(
                responses={team: responses for team, responses, _ in groups},
                shared=shared[release.quarter],
                threshold=organisation.anonymity_threshold,
                already={team: hidden for team, _, hidden in groups},
            )
    return Releases(by_quarter, fresh)


def released_figures(
    *, organisation: Organisation, quarters: list[str], team: Team | None = None, releases: Releases | None = None
) -> dict[str, QuarterFigures]:
    """The released figures of the organisation (or of one team) for each quarter. A fixed number
    of queries, whatever the size of the organisation."""
    releases = releases or releases_of(organisation=organisation, quarters=quarters)
    wanted = [releases.by_quarter[quarter] for quarter in quarters if quarter in releases.by_quarter]
    groups = {
        group.release_id: (group, counts)
        for group, counts in _groups_with_counts(ReleasedGroup.objects.filter(release__in=wanted, team=team))
    }
    figures = {}
    for quarter in quarters:
        release = releases.by_quarter.get(quarter)
        found = groups.get(release.pk) if release is not None else None
        if release is None or found is None:
            figures[quarter] = QuarterFigures(quarter, release, 0, True, {})
        else:
            figures[quarter] = releases.figures(release, *found)
    return figures


def trend_quarters(quarter: Cycle) -> list[str]:
    return [q.label for q in quarters_up_to(quarter, TREND_QUARTERS)]


def aggregates(
    *,
    organisation: Organisation,
    quarter: Cycle,
    anti_patterns: list[Named],
    team: Team | None = None,
    releases: Releases | None = None,
) -> Aggregates:
    quarters = trend_quarters(quarter)
    figures = released_figures(organisation=organisation, quarters=quarters, team=team, releases=releases)
    this = figures[quarter.label]
    return Aggregates(
        release=this.release,
        responses=this.responses,
        suppressed=this.share("responses").suppressed,
        archetype_mix=[(a, this.share(f"archetype:{a.slug}")) for a in _names(Archetype)],
        tlm_fit=this.share("tlm_fit"),
        flagged=[(a, this.share(f"flagged:{a.slug}")) for a in anti_patterns],
        high=[(a, this.share(f"high:{a.slug}")) for a in anti_patterns],
        team_views=this.share("team_view"),
        team_flagged=[(a, this.share(f"team_flagged:{a.slug}")) for a in anti_patterns],
        blind_spots=[(a, this.share(f"blind:{a.slug}")) for a in anti_patterns],
        trends=[
            TrendPoint(
                quarter=label,
                responses=figures[label].responses,
                tlm_fit=figures[label].share("tlm_fit"),
                flagged=[figures[label].share(f"flagged:{a.slug}") for a in anti_patterns],
                released=figures[label].release is not None,
            )
            for label in quarters
        ],
        by_quarter=figures,
    )


HEATMAP_PAGE_SIZE = 25


# Whose view of the managers the heatmap shows, and the released measure it reads for each.
SELF_VIEW = "self"
TEAM_VIEW = "team"
HEAT_MEASURES = {SELF_VIEW: "flagged", TEAM_VIEW: "team_flagged"}


def heatmap(
    *,
    organisation: Organisation,
    quarter: Cycle,
    anti_patterns: list[Named],
    page: int | str | None = 1,
    releases: Releases | None = None,
    seen_by: str = SELF_VIEW,
) -> Heatmap:
    """Team x anti-pattern from the quarter's release: the share of each team's managers in
    watch or high, in their own self-assessment or (seen_by=TEAM_VIEW) in their reports' view, a
    page of teams at a time (in name order), whatever the number of teams."""
    measure = HEAT_MEASURES[seen_by]
    paginator = Paginator(organisation.teams.order_by("name"), HEATMAP_PAGE_SIZE)
    shown = paginator.get_page(page)
    # The page is kept (`kept`): its own teams, and a paginator that knows only how many there are.
    counted: Paginator[Any] = Paginator(range(paginator.count), HEATMAP_PAGE_SIZE)
    teams: Page[Any] = Page(list(shown), shown.number, counted)
    releases = releases or releases_of(organisation=organisation, quarters=[quarter.label])
    release = releases.by_quarter.get(quarter.label)
    withheld = [Share(0, 0, True) for _ in anti_patterns]
    # A team without a release, or without a group in it (nobody answered), has no figures to show.
    nothing = QuarterFigures(quarter.label, release, 0, True, {})
    if release is None:
        return Heatmap(teams, [HeatmapRow(team, withheld, nothing) for team in teams], seen_by)
    groups = {
        group.team_id: (group, counts)
        for group, counts in _groups_with_counts(ReleasedGroup.objects.filter(release=release, team__in=list(teams)))
    }
    rows = []
    for team in teams:
        found = groups.get(team.pk)
        if found is None:
            rows.append(HeatmapRow(team, withheld, nothing))
            continue
        figures = releases.figures(release, *found)
        rows.append(HeatmapRow(team, [figures.share(f"{measure}:{a.slug}") for a in anti_patterns], figures))
    return Heatmap(teams, rows, seen_by)


def organisation_overview(
    *,
    organisation: Organisation,
    quarter: Cycle,
    today: datetime.date,
    heatmap_page: int | str | None = 1,
    heatmap_seen_by: str = SELF_VIEW,
) -> Overview:
    """The organisation's page for a quarter, worked out once and kept (`kept`) until something on it
    changes: a result, a person, a team, a setting, a release."""
    asked = str(heatmap_page)
    number = int(asked) if asked.isdigit() and len(asked) < 7 else 1
    seen_by = heatmap_seen_by if heatmap_seen_by in HEAT_MEASURES else SELF_VIEW
    key = kept_key(organisation, f"overview:{quarter.label}:{today}:{number}:{seen_by}")
    return kept(key, lambda: _organisation_overview(organisation, quarter, today, number, seen_by, kept_as=key))


def _organisation_overview(
    organisation: Organisation, quarter: Cycle, today: datetime.date, heatmap_page: int, seen_by: str, *, kept_as: str
) -> Overview:
    anti_patterns = _names(AntiPattern)
    cycle = cycle_containing(quarter.start, organisation.cadence_months)
    # Read once for both: the trends' quarters include the one the heatmap shows.
    releases = releases_of(organisation=organisation, quarters=trend_quarters(quarter))
    done = completion(organisation=organisation, cycle=cycle, today=today)
    figures = aggregates(organisation=organisation, quarter=quarter, anti_patterns=anti_patterns, releases=releases)
    return Overview(
        organisation=organisation,
        quarter=quarter,
        completion=done,
        anti_patterns=anti_patterns,
        aggregates=figures,
        heatmap=heatmap(organisation=organisation, quarter=quarter, anti_patterns=anti_patterns, page=heatmap_page,
                        releases=releases, seen_by=seen_by),
        notice=figures_notice(aggregates=figures, completion=done, threshold=organisation.anonymity_threshold),
        kept_as=kept_as,
    )  # fmt: skip


@dataclass(frozen=True)
class ManagerRow:
    membership: Membership
    status: Status
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
    notice: FiguresNotice | None  # in place of the quarter's figures, when they do not show
    kept_as: str  # the key it is kept under, which keys its rendered figures too


def team_page(*, team: Team, quarter: Cycle, today: datetime.date) -> TeamPage:
    """A team's page for a quarter, worked out once and kept (`kept`) like the organisation's."""
    key = kept_key(team.organisation, f"team:{team.pk}:{quarter.label}:{today}")
    return kept(key, lambda: _team_page(team, quarter, today, kept_as=key))


def _team_page(team: Team, quarter: Cycle, today: datetime.date, *, kept_as: str) -> TeamPage:
    organisation = team.organisation
    anti_patterns = _names(AntiPattern)
    cycle = cycle_containing(quarter.start, organisation.cadence_months)
    managers = _team_managers(team, cycle)
    visible = Assessment.objects.filter(pk__in=[m.latest_id for m in managers if m.latest_id])
    if not organisation.hr_sees_individual_results:
        visible = visible.filter(shared_with_hr=True)
    latest = {a.pk: a for a in visible.prefetch_related("risk_scores")}
    is_over = cycle.end <= today
    rows = []
    for manager in managers:
        status = manager_status(done=manager.done, drafting=manager.drafting, is_over=is_over)
        result = latest.get(manager.latest_id) if manager.latest_id is not None else None
        bands = {score.anti_pattern: score.band for score in result.risk_scores.all()} if result else {}
        rows.append(ManagerRow(manager, status, result, [bands.get(a.slug, "") for a in anti_patterns]))
    done = _completion_of(cycle, is_over, Counter(row.status for row in rows))  # the team's, from its rows
    figures = aggregates(organisation=organisation, quarter=quarter, anti_patterns=anti_patterns, team=team)
    return TeamPage(
        team=team,
        quarter=quarter,
        completion=done,
        anti_patterns=anti_patterns,
        aggregates=figures,
        managers=rows,
        notice=figures_notice(aggregates=figures, completion=done, threshold=organisation.anonymity_threshold),
        kept_as=kept_as,
    )


FOLLOW_UP_PREVIEW = 10  # names shown on the overview; the rest are a page away


@dataclass(frozen=True)
class FollowUpList:
    count: int
    first: list  # the first FOLLOW_UP_PREVIEW entries

    @classmethod
    def of(cls, people: QuerySet[Membership]) -> FollowUpList:
        """The count and the first of a list in one query: the database finds the list once, where
        a count and a slice would have it find the list twice (a tenth of a second at 50,000)."""
        first = list(people.annotate(listed=Window(Count("pk")))[:FOLLOW_UP_PREVIEW])
        return cls(first[0].listed if first else 0, first)


@dataclass(frozen=True)
class FollowUps:
    current: Cycle
    previous: Cycle
    overdue: FollowUpList  # missed the last cycle and have not done this one either
    one_year_reviews: FollowUpList  # (manager, date) due in the next 30 days
    never_assessed: FollowUpList


def overdue_list(*, organisation: Organisation, today: datetime.date) -> QuerySet[Membership]:
    """Managers who missed the last cycle and have not done this one either."""
    current = cycle_containing(today, organisation.cadence_months)
    previous = shift(current, -1, organisation.cadence_months)
    submitted_since_last = Assessment.objects.filter(
        manager=OuterRef("pk"), status=SUBMITTED, period__in=quarter_labels(previous) + quarter_labels(current)
    )
    return (
        eligible_managers(organisation=organisation, cycle=previous)
        .filter(~Exists(submitted_since_last))
        .select_related("user", "team")
        .order_by("team__name", "user__full_name", "pk")
    )


class FollowUpStatus(TypedDict):
    reminded: bool  # HR has sent this cycle's one manual reminder


def _not_done_this_cycle(
    *, organisation: Organisation, today: datetime.date, drafting: bool
) -> QuerySet[WithAnnotations[Membership, FollowUpStatus]]:
    cycle = cycle_containing(today, organisation.cadence_months)
    return (
        _with_status(eligible_managers(organisation=organisation, cycle=cycle), cycle)
        .filter(done=False, drafting=drafting)
        .annotate(reminded=manually_reminded(cycle=cycle))
        .select_related("user", "team")
        .order_by("team__name", "user__full_name", "pk")
    )


def not_started_list(
    *, organisation: Organisation, today: datetime.date
) -> QuerySet[WithAnnotations[Membership, FollowUpStatus]]:
    """Managers expected this cycle who have neither completed it nor begun a draft: who they are,
    never anything they answered. As `completion` counts them."""
    return _not_done_this_cycle(organisation=organisation, today=today, drafting=False)


def in_progress_list(
    *, organisation: Organisation, today: datetime.date
) -> QuerySet[WithAnnotations[Membership, FollowUpStatus]]:
    """Managers with a draft who have not completed this cycle, as `completion` counts them."""
    return _not_done_this_cycle(organisation=organisation, today=today, drafting=True)


def never_assessed_list(*, organisation: Organisation, today: datetime.date) -> QuerySet[Membership]:
    current = cycle_containing(today, organisation.cadence_months)
    return (
        eligible_managers(organisation=organisation, cycle=current)
        .filter(~Exists(Assessment.objects.filter(manager=OuterRef("pk"), status=SUBMITTED)))
        .select_related("user", "team")
        .order_by("team__name", "user__full_name", "pk")
    )


def _one_year_reviews_due(*, organisation: Organisation, today: datetime.date) -> list[tuple[int, datetime.date]]:
    """(membership id, anniversary) of the one-year reviews due in the next 30 days, soonest first."""
    # One year after a role began (seed 004: give it a year). The database narrows the candidates
    # by date with a day to spare either side; the exact anniversary (29 February!) is Python's.
    window_end = today + ONE_YEAR_REVIEW_WINDOW
    candidates = organisation.memberships.filter(
        role=Membership.Role.MANAGER,
        user__is_active=True,
        manager_role_started_on__gte=today - datetime.timedelta(days=367),
        manager_role_started_on__lte=window_end - datetime.timedelta(days=364),
    ).values_list("pk", "manager_role_started_on")
    anniversaries = [(pk, role_anniversary(started)) for pk, started in candidates if started is not None]
    return sorted(
        ((pk, day) for pk, day in anniversaries if today <= day <= window_end), key=lambda due: (due[1], due[0])
    )


def _with_people(due: list[tuple[int, datetime.date]]) -> list[tuple[Membership, datetime.date]]:
    people = Membership.objects.select_related("user", "team").in_bulk([pk for pk, _ in due])
    return [(people[pk], day) for pk, day in due]


def one_year_review_list(*, organisation: Organisation, today: datetime.date) -> list[tuple[Membership, datetime.date]]:
    """(manager, anniversary) of the one-year reviews due in the next 30 days, soonest first."""
    return _with_people(_one_year_reviews_due(organisation=organisation, today=today))


def follow_ups(*, organisation: Organisation, today: datetime.date) -> FollowUps:
    """The lists HR acts on, as counts and their first names (three queries), counted once and kept
    (`kept`) until someone on them, or who would be, changes."""

    def count() -> FollowUps:
        current = cycle_containing(today, organisation.cadence_months)
        overdue = overdue_list(organisation=organisation, today=today)
        never = never_assessed_list(organisation=organisation, today=today)
        # Only the first reviews' people are read: at 50,000 managers, hundreds are due in a month.
        reviews = _one_year_reviews_due(organisation=organisation, today=today)
        return FollowUps(
            current=current,
            previous=shift(current, -1, organisation.cadence_months),
            overdue=FollowUpList.of(overdue),
            one_year_reviews=FollowUpList(len(reviews), _with_people(reviews[:FOLLOW_UP_PREVIEW])),
            never_assessed=FollowUpList.of(never),
        )

    return kept(kept_key(organisation, f"follow-ups:{today}"), count)
