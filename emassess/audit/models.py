"""The audit log: who looked at or exported individual results, and who changed a role, a
visibility setting or the question bank. Rows are only ever added."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from emassess.orgs.models import Membership, Organisation


class AuditEvent(models.Model):
    class Action(models.TextChoices):
        RESULT_VIEWED = "result_viewed", "Viewed an individual result"
        DASHBOARD_EXPORTED = "dashboard_exported", "Exported a dashboard"
        RESULT_SHARED = "result_shared", "Shared a result with HR"
        RESULT_UNSHARED = "result_unshared", "Stopped sharing a result with HR"
        PERSON_CHANGED = "person_changed", "Changed a person's role or team"
        PERSON_DEACTIVATED = "person_deactivated", "Deactivated a person"
        PERSON_REACTIVATED = "person_reactivated", "Reactivated a person"
        SETTINGS_CHANGED = "settings_changed", "Changed the organisation's settings"
        QUESTIONNAIRE_PUBLISHED = "questionnaire_published", "Published a questionnaire version"
        PERSON_ERASED = "person_erased", "Erased a person who left"

    # Empty for changes that concern every organisation (the question bank).
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(max_length=254, blank=True, help_text="Who, as they were named at the time.")
    action = models.CharField(max_length=30, choices=Action.choices)
    subject = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    subject_label = models.CharField(max_length=254, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "created_at"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label}: {self.get_action_display()}"
