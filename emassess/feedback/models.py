"""Upward feedback: a short survey reports answer about their own manager each cycle (versioned
like the self-assessment), their answers, and the team's view released once per manager and cycle.

No page, export or admin screen shows a report's answers to anyone but the report: the manager sees
only a released team view, from enough answers, once the cycle has closed (emassess/feedback/team.py)."""

from __future__ import annotations

from django.db import models

from emassess.orgs.models import Membership


class SurveyVersion(models.Model):
    """A frozen survey: its items joined with the names of the traps they mirror. A published
    version never changes; changing the content publishes a new one (load_feedback_survey)."""

    number = models.PositiveIntegerField(unique=True)
    definition = models.JSONField()
    note = models.TextField(blank=True, help_text="What changed since the previous version.")
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-number"]
        get_latest_by = "number"

    def __str__(self) -> str:
        return f"Upward feedback survey v{self.number}"

    @property
    def items(self) -> list[dict]:
        return self.definition["items"]


class Response(models.Model):
    """One report's answers about one manager in one cycle of their organisation."""

    report = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="feedback_given")
    manager = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="feedback_received")
    version = models.ForeignKey(SurveyVersion, on_delete=models.PROTECT, related_name="responses")
    cycle = models.CharField(max_length=7, help_text="The organisation's cycle, e.g. 2026-Q4, 2026-H2 or 2026.")
    # Item id -> 0..4 on the survey's scale, or "dont_know"; every item of the version is answered.
    answers = models.JSONField()
    submitted_at = models.DateTimeField()
    changed_at = models.DateTimeField(null=True, blank=True)
    # The cycle's close in the organisation's time zone when first submitted: answers change only
    # before it (and before the close in its time zone now, whichever comes first), as results do.
    closes_at = models.DateTimeField()

    class Meta:
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "manager", "cycle"], name="one_response_per_report_manager_cycle"
            ),
        ]
        indexes = [models.Index(fields=["manager", "cycle"])]

    def __str__(self) -> str:
        return f"Upward feedback of {self.cycle}"


class TeamViewRelease(models.Model):
    """A manager's team view of one cycle, computed once after the cycle closed and never again:
    what every later reading shows. Withheld (no figures) when too few reports answered."""

    manager = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="team_view_releases")
    cycle = models.CharField(max_length=7)
    respondents = models.PositiveIntegerField()
    threshold = models.PositiveSmallIntegerField(help_text="The number of answers it needed when released.")
    # {"constructs": [...], "items": [...]} on the 0-100 scale; empty when withheld.
    figures = models.JSONField(default=dict, blank=True)
    released_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-cycle"]
        constraints = [
            models.UniqueConstraint(fields=["manager", "cycle"], name="one_team_view_per_manager_cycle"),
        ]

    def __str__(self) -> str:
        return f"Team view of {self.cycle}"

    @property
    def withheld(self) -> bool:
        return not self.figures

    def shows(self, *, needed: int) -> bool:
        """Whether it is shown, with the number of answers needed now: a threshold raised since the
        release withholds it too (a change can only withhold more)."""
        return not self.withheld and self.respondents >= needed
