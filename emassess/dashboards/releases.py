"""Releasing a quarter's result figures, once, into the roll-up the dashboards read.

The rules (README, "What HR sees and when"):

- A quarter's figures are released when it closes, in the organisation's time zone. An
  organisation may opt into early releases: during the quarter, a batch is released each time at
  least k new responses have come in since the last one (k = its anonymity threshold).
- Every release of a quarter adds at least k responses to the one before. So at the close, when
  fewer than k have come in since the last early batch, the final release holds those back and
  counts what the last batch counted: releasing them would let anyone subtract the two.
- Early batches show the organisation's figures only; team figures come with the final release,
  because between two batches one team may have gained fewer than k people.
- A figure is withheld (`hidden`) when its group counts fewer than k people, and also when what the
  page could work out from it, the organisation less the teams shown, would count fewer than k:
  then the smallest shown teams are withheld too, until what is withheld counts k or more. Results
  HR can read one by one (shared ones) do not count towards k: they protect nobody.

Releasing is idempotent: a unique constraint keeps one row per quarter and batch (and one final),
so two dispatchers at once, or a re-run, release nothing twice.
"""

from __future__ import annotations

import datetime
import logging
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from emassess.assessments.models import Assessment, RiskScore
from emassess.dashboards.models import Release, ReleasedFigure, ReleasedGroup
from emassess.orgs.cycles import Cycle, cycle_containing, parse_quarter, shift
from emassess.orgs.models import Organisation

logger = logging.getLogger(__name__)

SUBMITTED = Assessment.Status.SUBMITTED
FLAGGED_BANDS = (RiskScore.Band.WATCH, RiskScore.Band.HIGH)
# The periodic release looks at the quarter under way (for early batches) and the last two closed
# ones (a quarter closes, and a late dispatcher still releases it). `release_figures --all` does
# every quarter, for a first deployment or the demo.
QUARTERS_LOOKED_AT = 3


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


def shared_counts(*, organisation: Organisation, quarters: Iterable[str]) -> dict[str, dict[int | None, int]]:
    """For each quarter, how many results HR may read one by one, per team at submission (None:
    the organisation as a whole). With HR allowed every result, aggregates protect nothing more
    than the results themselves: nothing is subtracted then."""
    counts: dict[str, dict[int | None, int]] = defaultdict(lambda: defaultdict(int))
    if organisation.hr_sees_individual_results:
        return counts
    for row in (
        Assessment.objects.filter(
            manager__organisation=organisation, status=SUBMITTED, shared_with_hr=True, period__in=list(quarters)
        )
        .values("period", "team")
        .annotate(n=Count("id"))
    ):
        counts[row["period"]][row["team"]] += row["n"]
        counts[row["period"]][None] += row["n"]
    return counts


def hidden_flags(
    *, responses: dict[int | None, int], shared: dict[int | None, int], threshold: int
) -> dict[int | None, bool]:
    """`hidden` for the organisation (key None) and each team, from responses less shared results."""
    protected = {group: max(count - shared.get(group, 0), 0) for group, count in responses.items()}
    teams = {team: size for team, size in protected.items() if team is not None}
    hidden = hidden_teams(organisation_size=protected.get(None, 0), team_sizes=teams, threshold=threshold)
    flags: dict[int | None, bool] = {team: team in hidden for team in teams}
    flags[None] = protected.get(None, 0) < threshold
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


def _due(
    organisation: Organisation, quarter: Cycle, now: datetime.datetime, last: Release | None
) -> tuple[datetime.datetime, bool] | None:
    """(cutoff, final) of the release the quarter is due now, after `last` (its latest), or None."""
    _, end = quarter.bounds(organisation.timezone)
    if last is not None and last.final:
        return None
    closed = end <= now
    if not closed and not organisation.early_releases:
        return None
    cutoff = end if closed else now
    results = results_as_of(organisation=organisation, quarter=quarter.label, cutoff=cutoff)
    new = results.filter(submitted_at__gte=last.cutoff).count() if last else results.count()
    if last is None and new == 0:
        return None  # nothing to release: a quarter nobody answered in has no figures
    enough = new >= organisation.anonymity_threshold
    if closed:
        if last is None or enough:
            return end, True
        return last.cutoff, True  # the stragglers are held back: see the module's rules
    return (now, False) if enough else None


def quarter_release(*, organisation: Organisation, quarter: Cycle, now: datetime.datetime) -> Release | None:
    """Release the quarter's figures if a release is due; None when none is, or another process
    released it at the same moment."""
    last = organisation.releases.filter(quarter=quarter.label).order_by("-batch").first()
    due = _due(organisation, quarter, now, last)
    if due is None:
        return None
    cutoff, final = due
    try:
        with transaction.atomic():
            release = Release.objects.create(
                organisation=organisation,
                quarter=quarter.label,
                batch=last.batch + 1 if last else 1,
                final=final,
                cutoff=cutoff,
                responses=0,
                threshold=organisation.anonymity_threshold,
            )
            _store_figures(release, results_as_of(organisation=organisation, quarter=quarter.label, cutoff=cutoff))
    except IntegrityError:
        return None  # another dispatcher released this batch first
    return release


def _store_figures(release: Release, results: QuerySet[Assessment]) -> None:
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

    responses = {team: measures["responses"] for team, measures in counts.items()}
    responses.setdefault(None, 0)
    shared = shared_counts(organisation=release.organisation, quarters=[release.quarter])[release.quarter]
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


def release_refresh(*, release: Release, shared: dict[int | None, int]) -> None:
    """Work `hidden` out again after the threshold or the shared results changed."""
    groups = list(release.groups.all())
    flags = hidden_flags(
        responses={group.team_id: group.responses for group in groups},
        shared=shared,
        threshold=release.organisation.anonymity_threshold,
    )
    for group in groups:
        group.hidden = flags[group.team_id]
    ReleasedGroup.objects.bulk_update(groups, ["hidden"], batch_size=5000)
    release.threshold = release.organisation.anonymity_threshold
    release.shared = shared_fingerprint(shared)
    release.save(update_fields=["threshold", "shared"])


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
        quarters = [shift(current, -back) for back in range(QUARTERS_LOOKED_AT - 1, -1, -1)]
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
    shared = shared_counts(organisation=organisation, quarters={release.quarter for release in releases})
    stale = [r for r in releases if is_stale(r, organisation=organisation, shared=shared[r.quarter])]
    for release in stale:
        release_refresh(release=release, shared=shared[release.quarter])
    return len(stale)


def shared_fingerprint(shared: dict[int | None, int]) -> dict[str, int]:
    """The shared counts as stored (JSON keys are text; '' is the organisation as a whole)."""
    return {"" if team is None else str(team): count for team, count in shared.items() if count}


def is_stale(release: Release, *, organisation: Organisation, shared: dict[int | None, int]) -> bool:
    """Whether the release's `hidden` was worked out with another threshold or other shared results."""
    return release.threshold != organisation.anonymity_threshold or release.shared != shared_fingerprint(shared)
