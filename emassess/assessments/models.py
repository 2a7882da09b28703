"""Questionnaires (versioned), assessments (a manager's draft, then their submitted result) and the
scores stored on submit so dashboards aggregate numbers instead of re-scoring.

A manager has one result per quarter (the database holds it) and, by the services, one per cycle of
their organisation. Until its quarter closes they may reopen it: the answers they change are kept
in `reopened_answers` while the submitted result stays in force, and resubmitting re-scores the
same row."""

from __future__ import annotations

import uuid

from django.db import models

from emassess.orgs.models import Membership, Team


class Questionnaire(models.Model):
    slug = models.SlugField(max_length=60, unique=True)
    title = models.CharField(max_length=200)

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.title


class QuestionnaireVersion(models.Model):
    """A frozen questionnaire: its questions joined with a snapshot of the framework content.

    A published version never changes (services refuse it and the admin shows it read-only);
    changing the questions or the framework publishes a new version.
    """

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    definition = models.JSONField()
    note = models.TextField(blank=True, help_text="What changed since the previous version.")
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["questionnaire", "-number"]
        get_latest_by = "number"
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "number"], name="one_number_per_version"),
        ]

    def __str__(self) -> str:
        return f"{self.questionnaire} v{self.number}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def sections(self) -> list[dict]:
        return self.definition["sections"]


class Assessment(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        # A second result of the same quarter, from before one result per quarter was enforced
        # (migration 0003): the latest one of the quarter stayed the result, as the released
        # figures had counted it; the earlier ones are kept, out of every page and figure.
        SUPERSEDED = "superseded", "Superseded by a later result of the same quarter"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    manager = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="assessments")
    version = models.ForeignKey(QuestionnaireVersion, on_delete=models.PROTECT, related_name="assessments")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    # Answers as typed, keyed by question id; validated step by step and in full on submit.
    answers = models.JSONField(default=dict, blank=True)
    furthest_step = models.PositiveSmallIntegerField(default=1)
    current_step = models.PositiveSmallIntegerField(default=1)
    started_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Filled in on submit (`submitted_at` the first time: changing the answers later keeps it).
    submitted_at = models.DateTimeField(null=True, blank=True)
    # When the quarter it was submitted in closes, counted in the organisation's time zone at the
    # time: after it (or after the quarter's close in the organisation's time zone now, if that is
    # earlier) the result can no longer change, and its figures can be released.
    closes_at = models.DateTimeField(null=True, blank=True)
    period = models.CharField(max_length=7, blank=True, help_text="Quarter of submission, e.g. 2026-Q4.")
    engine_version = models.CharField(max_length=20, blank=True)
    outcome = models.JSONField(null=True, blank=True)
    closest_archetype = models.CharField(max_length=60, blank=True)
    held_role = models.CharField(max_length=10, blank=True)
    tlm_statements = models.PositiveSmallIntegerField(null=True, blank=True)
    tlm_may_fit = models.BooleanField(null=True, blank=True)
    judgement = models.PositiveSmallIntegerField(null=True, blank=True)
    # The team the manager was in when they submitted: released figures count the result there,
    # whatever moves happen afterwards.
    team = models.ForeignKey(Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # The manager's choice to let HR read this one result (organisations may also allow HR all of them).
    shared_with_hr = models.BooleanField(default=False)
    # When it was shared (HR's view of it says so); cleared when the manager stops sharing it.
    shared_at = models.DateTimeField(null=True, blank=True)
    # Set the first time HR can read it one by one (shared, or shown to HR while the organisation let
    # HR see individual results) and never cleared, not by stopping sharing nor by erasure: what HR
    # has read once it knows for good, so released figures never count it as protecting anyone.
    known_to_hr = models.BooleanField(default=False)
    # Reopened: the answers the manager is changing, kept apart until they resubmit; the submitted
    # answers and result above stay in force meanwhile (dashboards and reminders count them).
    reopened_at = models.DateTimeField(null=True, blank=True)
    reopened_answers = models.JSONField(null=True, blank=True)
    resubmitted_at = models.DateTimeField(null=True, blank=True, help_text="When changed answers last re-scored it.")
    # The manager's plan from this result: up to three of the practices it advises, as
    # [{"slug", "name"}] (emassess/assessments/plans.py). A draft copies the previous result's plan
    # into plan_from when it starts, so what it asks about stays fixed.
    plan = models.JSONField(default=list, blank=True)
    plan_from = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["manager"], condition=models.Q(status="draft"), name="one_draft_per_manager"
            ),
            # One result per manager per quarter, however many tabs or workers submit at once.
            models.UniqueConstraint(
                fields=["manager", "period"],
                condition=models.Q(status="submitted"),
                name="one_result_per_manager_and_quarter",
            ),
        ]
        indexes = [
            models.Index(fields=["manager", "status", "submitted_at"]),
            # The dashboards read results quarter by quarter.
            models.Index(fields=["period", "status", "manager"]),
            # Released figures discount the few results shared with HR: found without a scan.
            models.Index(fields=["period"], condition=models.Q(known_to_hr=True), name="known_to_hr_by_period"),
        ]

    def __str__(self) -> str:
        when = self.period or f"started {self.started_at:%Y-%m-%d}"
        return f"{self.manager.user} - {self.get_status_display()} ({when})"

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED

    @property
    def is_reopened(self) -> bool:
        """Submitted and being changed (whether it still may be is the services' question)."""
        return self.is_submitted and self.reopened_at is not None

    @property
    def answers_in_progress(self) -> dict:
        """The answers the questionnaire pages show and save: a draft's, or a reopened result's changes."""
        return (self.reopened_answers or {}) if self.is_reopened else self.answers


class ArchetypeScore(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="archetype_scores")
    archetype = models.CharField(max_length=60)
    fit = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessment", "archetype"], name="one_fit_per_archetype"),
        ]

    def __str__(self) -> str:
        return f"{self.archetype}: {self.fit}"


class RiskScore(models.Model):
    class Band(models.TextChoices):
        LOW = "low", "Low"
        WATCH = "watch", "Watch"
        HIGH = "high", "High"

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="risk_scores")
    anti_pattern = models.CharField(max_length=60)
    risk = models.PositiveSmallIntegerField()
    band = models.CharField(max_length=10, choices=Band.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessment", "anti_pattern"], name="one_risk_per_anti_pattern"),
        ]
        indexes = [models.Index(fields=["anti_pattern", "band"])]

    def __str__(self) -> str:
        return f"{self.anti_pattern}: {self.risk} ({self.band})"
