"""The outbox: one row per reminder a person is due, unique per (person, kind, period), so
however many dispatchers run, each reminder exists once; its status says whether it went."""

from __future__ import annotations

from django.db import models

from emassess.orgs.models import Membership


class Reminder(models.Model):
    class Kind(models.TextChoices):
        CYCLE_OPEN = "cycle_open", "Reassessment open"
        CYCLE_NUDGE = "cycle_nudge", "Reassessment nudge"
        ROLE_REVIEW = "role_review", "Role review"
        # HR's "remind them now": at most one per person and cycle, sent through this same outbox.
        MANUAL = "manual", "Reminder from HR"
        # A report's invitation to the upward-feedback survey about their manager, and its one nudge.
        FEEDBACK_OPEN = "feedback_open", "Upward feedback open"
        FEEDBACK_NUDGE = "feedback_nudge", "Upward feedback nudge"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        SKIPPED = "skipped", "Skipped"  # no longer needed when its turn came (e.g. already done)
        FAILED = "failed", "Failed"  # gave up after the last attempt

    person = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    period = models.CharField(max_length=20, help_text="The cycle ('2026-Q4') or the review ('year-1').")
    email = models.EmailField(help_text="Where it was sent, kept as it was at the time.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # When the dispatcher may queue it (again): now for a new one, after a back-off for a retry,
    # after a lease for one queued but not finished (its worker may have died).
    next_attempt_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["person", "kind", "period"], name="one_reminder_per_person_kind_period"),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period} to {self.email} ({self.get_status_display()})"


# A report's reminders about the upward-feedback survey of a cycle (their period is the cycle).
# HR's outbox leaves them out: whom a nudge went to, or which one was skipped, would say who had
# not answered yet (README, "Upward feedback").
FEEDBACK_KINDS = (Reminder.Kind.FEEDBACK_OPEN, Reminder.Kind.FEEDBACK_NUDGE)
