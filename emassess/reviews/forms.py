"""The role review form: one page, five questions and a note."""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Field, Fieldset, Layout
from django import forms

from emassess.reviews.questions import (
    ANSWER_KEYS,
    ENERGY_SOURCES,
    ENJOYMENT_LABELS,
    GIVE_UP_NONE,
    GIVE_UP_NONE_LABEL,
    MULTIPLE_ANSWER_KEYS,
    RESPONSIBILITIES,
    TEXT_MAX,
    WANTS_NEXT,
)


def _other(label: str) -> forms.CharField:
    return forms.CharField(
        label=label, required=False, max_length=TEXT_MAX, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )


def _group(name: str) -> Field:
    # The error summary links to a field's id; a checkbox group has no element of its own with
    # that id, so the group's wrapper takes it (the boxes keep theirs, id_<name>_0 and on).
    # Each box is a 44 px target in a stacked list (answer-list, static/css/app.css).
    return Field(name, id=f"id_{name}", wrapper_class="answer-list")


class RoleReviewForm(forms.Form):
    enjoy_people = forms.TypedChoiceField(
        label="How much do you enjoy the people side of the job?",
        help_text="1:1s, feedback, hiring, careers, the team's mood: the work that is about people rather than code.",
        choices=list(ENJOYMENT_LABELS.items()),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how much you enjoy the people side."},
    )
    energises = forms.MultipleChoiceField(
        label="What energises you?",
        help_text="Tick all that apply, or describe your own below.",
        choices=list(ENERGY_SOURCES.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    energises_other = _other("Anything else that energises you (optional)")
    drains = forms.MultipleChoiceField(
        label="What drains you?",
        help_text="Tick all that apply, or describe your own below.",
        choices=list(ENERGY_SOURCES.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    drains_other = _other("Anything else that drains you (optional)")
    give_up = forms.MultipleChoiceField(
        label="Which responsibilities would you give up if you could?",
        help_text="Tick all that apply, or the last box if you would keep them all.",
        choices=[*RESPONSIBILITIES.items(), (GIVE_UP_NONE, GIVE_UP_NONE_LABEL)],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Tick at least one responsibility, or “None of them”."},
    )
    wants_next = forms.ChoiceField(
        label="What do you want next?",
        choices=list(WANTS_NEXT.items()),
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what you want next."},
    )
    notes = forms.CharField(
        label="Anything else you want to remember from this review? (optional)",
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Fieldset("The people side", Field("enjoy_people", wrapper_class="answer-list")),
            Fieldset(
                "Energy",
                HTML('<p class="small text-muted">The same list twice, so you can read one against the other.</p>'),
                _group("energises"),
                "energises_other",
                _group("drains"),
                "drains_other",
            ),
            Fieldset(
                "The shape of the role", _group("give_up"), Field("wants_next", wrapper_class="answer-list"), "notes"
            ),
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if not cleaned.get("energises") and not cleaned.get("energises_other") and "energises" not in self.errors:
            self.add_error("energises", "Tick at least one thing that energises you, or describe your own.")
        if not cleaned.get("drains") and not cleaned.get("drains_other") and "drains" not in self.errors:
            self.add_error("drains", "Tick at least one thing that drains you, or describe your own.")
        give_up = cleaned.get("give_up") or []
        if GIVE_UP_NONE in give_up and len(give_up) > 1:
            self.add_error(
                "give_up", "Either tick the responsibilities you would give up, or “None of them”, not both."
            )
        return cleaned

    def typed_answers(self) -> dict[str, Any]:
        """The answers as the recommendation rules read them and the review stores them."""
        return {key: self.cleaned_data.get(key) for key in ANSWER_KEYS}


def raw_answers(data) -> dict[str, Any]:
    """What was posted for the review's questions, valid or not, to keep as a draft: lists for the
    tick boxes, strings cut to length for the rest, unknown keys dropped."""
    answers: dict[str, Any] = {}
    for key in ANSWER_KEYS:
        if key in MULTIPLE_ANSWER_KEYS:
            answers[key] = [str(value).replace("\x00", "")[:40] for value in data.getlist(key)][:20]
        elif key in data:
            # NUL cannot be stored in PostgreSQL's jsonb, and nobody types it on purpose.
            answers[key] = str(data.get(key, "")).replace("\x00", "")[:TEXT_MAX]
    return answers
