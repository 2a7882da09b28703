from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models

from emassess.framework import models as m


class FocusProfileFormSet(forms.BaseInlineFormSet):
    """An archetype's focus profile describes a whole week: the percentages add up to 100."""

    def clean(self) -> None:
        super().clean()
        total = sum(
            form.cleaned_data.get("percent") or 0
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        )
        if total != 100:
            raise ValidationError(f"The focus profile must add up to 100% (it adds up to {total}%).")


class ArchetypeFocusInline(admin.TabularInline):
    model = m.ArchetypeFocus
    formset = FocusProfileFormSet
    extra = 0


@admin.register(m.Archetype)
class ArchetypeAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "order", "source"]
    inlines = [ArchetypeFocusInline]


class SignalInline(admin.TabularInline):
    model = m.Signal
    extra = 0


@admin.register(m.AntiPattern)
class AntiPatternAdmin(admin.ModelAdmin):
    list_display = ["name", "order", "source"]
    inlines = [SignalInline]


@admin.register(m.Practice)
class PracticeAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "source"]
    list_filter = ["kind", "counters"]
    filter_horizontal = ["counters"]
    search_fields = ["name", "summary"]


@admin.register(m.TlmChecklistItem)
class TlmChecklistItemAdmin(admin.ModelAdmin):
    list_display = ["statement", "order"]


@admin.register(m.FocusArea)
class FocusAreaAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order"]


@admin.register(m.Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["slug", "title", "author"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(m.StepBackQuestion)
class StepBackQuestionAdmin(admin.ModelAdmin):
    list_display = ["question", "order"]


@admin.register(m.ReflectionQuestion)
class ReflectionQuestionAdmin(admin.ModelAdmin):
    list_display = ["question", "source", "order"]


@admin.register(m.FrameworkText)
class FrameworkTextAdmin(admin.ModelAdmin):
    list_display = ["key"]
