"""Survey versions, read-only. Responses and released team views are not in the admin at all:
no admin screen shows a report's answers (README, "Upward feedback")."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from emassess.feedback.models import SurveyVersion


@admin.register(SurveyVersion)
class SurveyVersionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "published_at", "note"]
    readonly_fields = ["number", "definition", "note", "created_at", "published_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # published with load_feedback_survey

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
