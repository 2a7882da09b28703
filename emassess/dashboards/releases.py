"""Releasing a quarter's result figures, once, into the roll-up the dashboards read.

The rules (README, "What HR sees and when"):

- A quarter's figures are released once, when it has closed in the organisation's time zone, and
  its counts never change afterwards: there is no before and after one person's answer to compare.
  (Releasing in batches during the quarter was tried and dropped: between batches, resubmissions,
  shares and late answers each let a difference come down to one person.)
- A figure is withheld (`hidden`) when its group counts fewer than k people (k = the organisation's
  anonymity threshold), and also when what the page could work out from it, the organisation less
  the teams shown, would count fewer than k: then the smallest shown teams are withheld too, until
  what is withheld counts k or more. People in no team are never shown on their own.
- Results HR has been able to read one by one (shared, even once) do not count towards k: they
  protect nobody. Sharing later, a raised threshold, or a lowered one, can withhold more, but a
  group once withheld stays withheld: figures shown at different times must not combine into a
  difference that the figures shown at any one time would not allow.

Releasing is idempotent: a unique constraint keeps one release per organisation and quarter, so
two dispatchers at once, or a re-run, release nothing twice.
"""

from __future__ import annotations

import datetime
import logging
import zoneinfo
from collections import defaultdict

from django.db import IntegrityError, transaction
from django.db.models import Case, Count, Exists, F, OuterRef, Q, QuerySet, Value, When

from emassess.assessments.engine import band_of
from emassess.assessments.models import Assessment, QuestionnaireVersion, RiskScore
from emassess.dashboards.models import Release, ReleasedFigure, ReleasedGroup
from emassess.feedback.models import TeamViewRelease
from emassess.feedback.services import team_view_releases
from emassess.feedback.team import compare
from emassess.feedback.team import threshold as team_view_threshold
from emassess.orgs.cycles import Cycle, cycle_containing, parse_quarter, shift
from emassess.orgs.live import live_counts_changed
from emassess.orgs.models import Membership, Organisation

logger = logging.getLogger(__name__)

SUBMITTED = Assessment.Status.SUBMITTED
FLAGGED_BANDS = (RiskScore.Band.WATCH, RiskScore.Band.HIGH)
# The periodic release looks at the last two closed quarters (a quarter closes, and a late
# dispatcher still releases it). `release_figures --all` does every quarter, for a first
# deployment or the demo.
QUARTERS_LOOKED_AT = 2


# ---------------------------------------------------------------------------------------------
# Which groups are withheld


def hidden_teams(*, organisation_size: int, team_sizes: dict[int, int], threshold: int) -> set[int]:
    """The teams whose figures are withheld, from the number of people each group protects.

    People in no team (or in a team since deleted) are never shown on their own, but the
    organisation less its shown teams gives them away, so they count as withheld from the start.
    """
    if organisation_size < threshold:
        return set(team_sizes)
    hidden = {team for team, size in team_sizes.items() if size < threshold}
    withheld = organisation_size - sum(team_sizes.values()) + sum(team_sizes[team] for team in hidden)
    shown = sorted((size, team) for team, size in team_sizes.items() if team not in hidden)
    while 0 < withheld < threshold and shown:
        size, team = shown.pop(0)
        hidden.add(team)
        withheld += size
    return hidden


def shared_counts(
    *, organisation: Organisation, cutoffs: dict[str, datetime.datetime]
) -> dict[str, dict[int | None, int]]:
    """For each quarter (with the cutoff of its release), how many of the results its release counts
    (each manager's latest of the quarter before the cutoff) HR knows one by one, per team at
    submission (None: no team): results shared or shown to HR, and those of people who are now HR
    or org admins themselves. With HR allowed every result, aggregates protect nothing more than the
    results themselves: nothing is counted then. Every quarter asked about has its (perhaps empty)
    counts."""
    counts: dict[str, dict[int | None, int]] = {quarter: defaultdict(int) for quarter in cutoffs}
    if organisation.hr_sees_individual_results or not cutoffs:
        return {quarter: {} for quarter in cutoffs}
    cutoff = Case(*(When(period=quarter, then=Value(moment)) for quarter, moment in cutoffs.items()))
    staff = organisation.memberships.filter(role__in=[Membership.Role.HR, Membership.Role.ORG_ADMIN])
    newer = Assessment.objects.filter(
        manager=OuterRef("manager"),
        period=OuterRef("period"),
        status=SUBMITTED,
        submitted_at__gt=OuterRef("submitted_at"),
        submitted_at__lt=OuterRef("cutoff"),
    )
    # Two small reads, each by its own index: the few results marked known, and the other results
    # of the few HR and admins (an OR of the two would make the database read every result).
    for known in (Q(known_to_hr=True), Q(known_to_hr=False, manager__in=staff.values("pk"))):
        results = (
            Assessment.objects.filter(known, manager__organisation=organisation, status=SUBMITTED)
            .filter(period__in=list(cutoffs))
            .annotate(cutoff=cutoff)
            .filter(submitted_at__lt=F("cutoff"))
            .filter(~Exists(newer))
        )
        for row in results.values("period", "team").annotate(n=Count("id")):
            counts[row["period"]][row["team"]] += row["n"]
    return {quarter: dict(teams) for quarter, teams in counts.items()}  # plain dicts: they are kept in a cache


def hidden_flags(
    *,
    responses: dict[int | None, int],
    shared: dict[int | None, int],
    threshold: int,
    already: dict[int | None, bool] | None = None,
) -> dict[int | None, bool]:
    """`hidden` for the organisation (key None) and each team, from the responses (the key None
    holding the organisation's total) less the results HR has read (None: those of no team), and
    never unhiding what `already` withholds."""
    teams = {team: max(count - shared.get(team, 0), 0) for team, count in responses.items() if team is not None}
    organisation = max(responses.get(None, 0) - sum(shared.values()), 0)
    hidden = hidden_teams(organisation_size=organisation, team_sizes=teams, threshold=threshold)
    flags: dict[int | None, bool] = {team: team in hidden for team in teams}
    flags[None] = organisation < threshold
    for group, was_hidden in (already or {}).items():
        flags[group] = flags.get(group, True) or was_hidden
    # Once the teams to withhold are fixed, withhold more if what is left to subtract is too small.
    shown = {team: size for team, size in teams.items() if not flags[team]}
    if 0 < organisation - sum(shown.values()) < threshold:
        for team in shown:
            flags[team] = True
    return flags


# ---------------------------------------------------------------------------------------------
# Releasing


def results_as_of(*, organisation: Organisation, quarter: str, cutoff: datetime.datetime) -> QuerySet[Assessment]:
    """Each manager's latest result of the quarter submitted before `cutoff`."""
    newer = Assessment.objects.filter(
        manager=OuterRef("manager"),
        period=quarter,
        status=SUBMITTED,
        submitted_at__gt=OuterRef("submitted_at"),
        submitted_at__lt=cutoff,
    )
    return Assessment.objects.filter(
        manager__organisation=organisation, status=SUBMITTED, period=quarter, submitted_at__lt=cutoff
    ).filter(~Exists(newer))


def quarter_release(*, organisation: Organisation, quarter: Cycle, now: datetime.datetime) -> Release | None:
    """Release the quarter's figures if it has closed and has not been released; None when nothing
    was released (still open, nobody answered, already released, or another process did it now)."""
    _, end = quarter.bounds(organisation.timezone)
    if end > now or organisation.releases.filter(quarter=quarter.label).exists():
        return None
    results = results_as_of(organisation=organisation, quarter=quarter.label, cutoff=end)
    if not results.exists():
        return None  # a quarter nobody answered in has no figures to release
    try:
        with transaction.atomic():
            release = Release.objects.create(
                organisation=organisation,
                quarter=quarter.label,
                cutoff=end,
                responses=0,
                threshold=organisation.anonymity_threshold,
            )
            _store_figures(release, results, now=now)
            live_counts_changed(organisation_id=organisation.pk)  # the pages show the new figures
    except IntegrityError:
        return None  # another dispatcher released it first
    return release


def _store_figures(release: Release, results: QuerySet[Assessment], *, now: datetime.datetime) -> None:
    counts: dict[int | None, dict[str, int]] = defaultdict(lambda: defaultdict(int))

    def add(team: int | None, measure: str, n: int) -> None:
        if team is not None:
            counts[team][measure] += n
        counts[None][measure] += n  # the organisation's group: its teams and the people in none

    for row in results.values("team", "closest_archetype").annotate(
        n=Count("id"), tlm=Count("id", filter=Q(tlm_may_fit=True))
    ):
        add(row["team"], "responses", row["n"])
        add(row["team"], f"archetype:{row['closest_archetype']}", row["n"])
        add(row["team"], "tlm_fit", row["tlm"])
    for risk in (
        RiskScore.objects.filter(assessment__in=results)
        .values("assessment__team", "anti_pattern")
        .annotate(
            flagged=Count("id", filter=Q(band__in=FLAGGED_BANDS)), high=Count("id", filter=Q(band=RiskScore.Band.HIGH))
        )
    ):
        add(risk["assessment__team"], f"flagged:{risk['anti_pattern']}", risk["flagged"])
        add(risk["assessment__team"], f"high:{risk['anti_pattern']}", risk["high"])
    for team, measure in team_view_measures(release=release, results=results, now=now):
        add(team, measure, 1)

    responses = {team: measures["responses"] for team, measures in counts.items()}
    responses.setdefault(None, 0)
    shared = shared_counts(organisation=release.organisation, cutoffs={release.quarter: release.cutoff})[
        release.quarter
    ]
    flags = hidden_flags(responses=responses, shared=shared, threshold=release.threshold)
    release.responses = responses[None]
    release.shared = shared_fingerprint(shared)
    release.save(update_fields=["responses", "shared"])
    groups = ReleasedGroup.objects.bulk_create(
        ReleasedGroup(release=release, team_id=team, responses=count, hidden=flags[team])
        for team, count in responses.items()
    )
    ReleasedFigure.objects.bulk_create(
        (
            ReleasedFigure(group=group, measure=measure, count=count)
            for group in groups
            for measure, count in counts[group.team_id].items()
            if measure != "responses"
        ),
        batch_size=5000,
    )


def team_view_measures(
    *, release: Release, results: QuerySet[Assessment], now: datetime.datetime
) -> list[tuple[int | None, str]]:
    """(team at submission, measure) for what the team views of the cycle the quarter is in add to
    the release, where they are released and shown (enough reports answered): "team_view" for each
    result whose manager has one; per trap, "team_flagged:<trap>" where the team sees it in watch or
    high (the self-assessment's bands) and "blind:<trap>" where the team sees much more of it than
    the manager does, a blind spot by our rule (emassess.feedback.team). A manager without a team
    view counts in none of them, so the figures keep one denominator, the responses."""
    organisation = release.organisation
    cycle = cycle_containing(parse_quarter(release.quarter).start, organisation.cadence_months).label
    needed = team_view_threshold(organisation.anonymity_threshold)
    views = {
        manager: view
        for manager, view in team_view_releases(organisation=organisation, cycle=cycle, now=now).items()
        if view.shows(needed=needed)
    }
    if not views:
        return []
    # Only the results of managers with a team view: at 50,000 managers, not every score of the quarter.
    with_view = results.filter(manager__in=TeamViewRelease.objects.filter(manager__organisation=organisation,
                                                                          cycle=cycle).values("manager"))  # fmt: skip
    self_risks: dict[int, dict[str, int | None]] = defaultdict(dict)
    for assessment, trap, risk in RiskScore.objects.filter(assessment__in=with_view).values_list(
        "assessment_id", "anti_pattern", "risk"
    ):
        self_risks[assessment][trap] = risk
    rows = [row for row in with_view.values_list("pk", "manager_id", "team_id", "version_id") if row[1] in views]
    versions = QuestionnaireVersion.objects.filter(pk__in={version for *_, version in rows})
    bands = dict(versions.values_list("pk", "definition__bands"))
    measures: list[tuple[int | None, str]] = []
    for pk, manager, team, version in rows:
        measures.append((team, "team_view"))
        for construct in compare(views[manager].figures, self_risks[pk]):
            if band_of(construct.team_score, bands[version]) in FLAGGED_BANDS:
                measures.append((team, f"team_flagged:{construct.slug}"))
            if construct.blind_spot:
                measures.append((team, f"blind:{construct.slug}"))
    return measures


def release_refresh(*, release: Release, shared: dict[int | None, int]) -> None:
    """Work `hidden` out again after the threshold or the shared results changed: it can withhold
    more, never less."""
    groups = list(release.groups.all())
    flags = hidden_flags(
        responses={group.team_id: group.responses for group in groups},
        shared=shared,
        threshold=release.organisation.anonymity_threshold,
        already={group.team_id: group.hidden for group in groups},
    )
    for group in groups:
        group.hidden = flags[group.team_id]
    ReleasedGroup.objects.bulk_update(groups, ["hidden"], batch_size=5000)
    release.threshold = release.organisation.anonymity_threshold
    release.shared = shared_fingerprint(shared)
    release.save(update_fields=["threshold", "shared"])
    live_counts_changed(organisation_id=release.organisation_id)


def figures_release_due(*, now: datetime.datetime, every_quarter: bool = False) -> list[Release]:
    """What the periodic task runs: release what is due in every organisation, and work out again
    the withheld figures of any release whose threshold or shared results have changed. One
    organisation that fails is logged, and the others are still released."""
    released: list[Release] = []
    for organisation in Organisation.objects.all():
        try:
            with transaction.atomic():  # a savepoint: one organisation's failure leaves the others' work usable
                released += _release_organisation(organisation, now=now, every_quarter=every_quarter)
        except Exception:
            logger.exception("Figures of organisation %s (%s) could not be released", organisation.pk,
                             organisation.slug)  # fmt: skip
    return released


def _release_organisation(organisation: Organisation, *, now: datetime.datetime, every_quarter: bool) -> list[Release]:
    current = cycle_containing(now.astimezone(zoneinfo.ZoneInfo(organisation.timezone)).date())
    if every_quarter:
        labels = sorted(
            set(
                Assessment.objects.filter(manager__organisation=organisation, status=SUBMITTED).values_list(
                    "period", flat=True
                )
            )
            | {current.label}
        )
        quarters = [parse_quarter(label) for label in labels]
    else:
        quarters = [shift(current, -back) for back in range(QUARTERS_LOOKED_AT, 0, -1)]
    released = [
        release
        for quarter in quarters
        if (release := quarter_release(organisation=organisation, quarter=quarter, now=now)) is not None
    ]
    stale_releases_refresh(organisation=organisation)
    return released


def stale_releases_refresh(*, organisation: Organisation) -> int:
    """Work out `hidden` again wherever the threshold or the shared results moved on. Returns how many."""
    releases = list(organisation.releases.select_related("organisation"))
    shared = shared_counts(organisation=organisation, cutoffs={release.quarter: release.cutoff for release in releases})
    stale = [r for r in releases if is_stale(r, organisation=organisation, shared=shared[r.quarter])]
    for release in stale:
        release_refresh(release=release, shared=shared[release.quarter])
    return len(stale)


def shared_fingerprint(shared: dict[int | None, int]) -> dict[str, int]:
    """The shared counts as stored (JSON keys are text; '' is no team)."""
    return {"" if team is None else str(team): count for team, count in shared.items() if count}


def is_stale(release: Release, *, organisation: Organisation, shared: dict[int | None, int]) -> bool:
    """Whether the release's `hidden` was worked out with another threshold or other shared results."""
    return release.threshold != organisation.anonymity_threshold or release.shared != shared_fingerprint(shared)
