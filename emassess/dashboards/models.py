"""Released figures: what HR's dashboards and exports read, instead of live results.

A quarter's result figures are computed once, when they are released (emassess.dashboards.releases),
and stored per organisation, team (the team each manager was in when they submitted) and measure.
A release's counts never change afterwards, so the figures HR sees cannot be compared before and
after one person's answer: a quarter has one release, made when it has closed.
"""

from __future__ import annotations

from django.db import models

from emassess.orgs.models import Organisation, Team


class Release(models.Model):
    """The release of one quarter's figures, made once when the quarter has closed."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="releases")
    quarter = models.CharField(max_length=7, help_text="The quarter its results were submitted in, e.g. 2026-Q4.")
    # The results it counts were submitted before this moment (each manager's latest of the quarter).
    cutoff = models.DateTimeField()
    responses = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    # What its groups' `hidden` was last worked out with: the threshold, and how many of its results
    # HR has been able to read one by one. When either has changed, it is worked out again.
    threshold = models.PositiveSmallIntegerField()
    shared = models.JSONField(default=dict, help_text="Results HR has read, per team id ('' for no team).")

    class Meta:
        ordering = ["organisation", "quarter"]
        constraints = [
            # However many dispatchers run at once, a quarter is released once.
            models.UniqueConstraint(fields=["organisation", "quarter"], name="one_release_per_quarter"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.quarter}"


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
