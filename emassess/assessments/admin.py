from django.contrib import admin, messages

from emassess.assessments.models import Assessment, Questionnaire, QuestionnaireVersion
from emassess.assessments.questionnaire import QuestionnaireError, framework_snapshot, questionnaire_publish


@admin.register(Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin):
    list_display = ["title", "slug"]


@admin.register(QuestionnaireVersion)
class QuestionnaireVersionAdmin(admin.ModelAdmin):
    """Published versions are read-only. To change the questions, edit a copy: 'Publish a new
    version' takes the selected version's questions with the framework as it stands now."""

    list_display = ["__str__", "published_at", "created_at", "note"]
    list_filter = ["questionnaire"]
    actions = ["publish_with_current_framework"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_published:
            return ["questionnaire", "number", "definition", "published_at", "created_at", "note"]
        return ["published_at", "created_at"]

    def has_delete_permission(self, request, obj=None):
        return obj is None or not obj.assessments.exists()

    @admin.action(description="Publish a new version with the current framework content")
    def publish_with_current_framework(self, request, queryset):
        for version in queryset:
            definition = {**version.definition, "framework": framework_snapshot()}
            try:
                new, created = questionnaire_publish(
                    definition=definition, note=f"From v{version.number}", actor=request.user
                )
            except QuestionnaireError as error:
                self.message_user(request, f"{version}: {error}", messages.ERROR)
                continue
            self.message_user(request, f"Published {new}." if created else f"{new} is already current.")


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    """For operators: shows who has which assessment, not what they answered."""

    list_display = ["manager", "status", "period", "closest_archetype", "submitted_at"]
    list_filter = ["status", "period"]
    list_select_related = ["manager__user"]
    fields = readonly_fields = (
        "manager",
        "version",
        "status",
        "period",
        "started_at",
        "submitted_at",
        "engine_version",
    )

    def has_add_permission(self, request):
        return False
