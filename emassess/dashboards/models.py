"""Released figures: what HR's dashboards and exports read, instead of live results.

A quarter's result figures are computed once, when they are released (emassess.dashboards.releases),
and stored per organisation, team (the team each manager was in when they submitted) and measure.
A release never changes afterwards, so the figures HR sees cannot be compared before and after one
person's answer: they move only from one release to the next, and every release of a quarter adds
at least the anonymity threshold's worth of responses to the one before.
"""

from __future__ import annotations

from django.db import models

from emassess.orgs.models import Organisation, Team


class Release(models.Model):
    """One release of one quarter's figures. Batch 1, 2, ... in the order they were released;
    the final one is made when the quarter has closed, and no release of the quarter follows it.
    Team figures (the breakdown and the heatmap) are shown from the final release only: between two
    early batches a team may have gained fewer people than the threshold."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="releases")
    quarter = models.CharField(max_length=7, help_text="The quarter its results were submitted in, e.g. 2026-Q4.")
    batch = models.PositiveSmallIntegerField()
    final = models.BooleanField(default=False)
    # The results it counts were submitted before this moment (each manager's latest of the quarter).
    cutoff = models.DateTimeField()
    responses = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    # What its groups' `hidden` was worked out with: the threshold, and how many of the quarter's
    # results HR could read one by one (shared). When either has changed, it is worked out again.
    threshold = models.PositiveSmallIntegerField()
    shared = models.JSONField(default=dict, help_text="Shared results per team id ('' for no team).")

    class Meta:
        ordering = ["organisation", "quarter", "batch"]
        constraints = [
            # However many dispatchers run at once, a quarter's batch exists once, and so does its final.
            models.UniqueConstraint(fields=["organisation", "quarter", "batch"], name="one_release_per_batch"),
            models.UniqueConstraint(
                fields=["organisation", "quarter"], condition=models.Q(final=True), name="one_final_release"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.quarter} release {self.batch}{' (final)' if self.final else ''}"


class ReleasedGroup(models.Model):
    """The organisation (team empty) or one of its teams, in one release: how many responses it
    counts, and whether its figures are withheld to protect anonymity."""

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="groups")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    responses = models.PositiveIntegerField()
    hidden = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["release", "team"], name="one_group_per_team_and_release"),
            models.UniqueConstraint(
                fields=["release"], condition=models.Q(team=None), name="one_organisation_group_per_release"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.release}: {self.team.name if self.team else 'organisation'} ({self.responses})"


class ReleasedFigure(models.Model):
    """How many of a group's responses have one measure: a closest archetype ("archetype:<slug>"),
    the TLM verdict ("tlm_fit"), an anti-pattern in watch or high ("flagged:<slug>") or high
    ("high:<slug>")."""

    group = models.ForeignKey(ReleasedGroup, on_delete=models.CASCADE, related_name="figures")
    measure = models.CharField(max_length=80)
    count = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["group", "measure"], name="one_count_per_measure")]

    def __str__(self) -> str:
        return f"{self.group}: {self.measure} = {self.count}"
