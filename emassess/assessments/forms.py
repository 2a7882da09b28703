"""One form per questionnaire section, built from the version's definition."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from crispy_forms.bootstrap import AppendedText, InlineRadios
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout, LayoutObject
from crispy_forms.utils import TEMPLATE_PACK
from django import forms
from django.conf import settings
from django.utils.functional import cached_property
from django.utils.safestring import SafeString

from emassess.assessments.engine import NOT_APPLICABLE, Definition, applies, labels_of, not_applicable_label
from emassess.assessments.models import QuestionnaireVersion
from emassess.assessments.plans import PLAN_LIMIT

MAX_TEXT = 2000  # a draft keeps at most this much of any one typed answer
# A version's radio-button questions as rendered: (question, answer, posted?) -> HTML (see _Kept).
RenderedAnswers = dict[tuple[str, str, bool], SafeString]


def _frequency_value(value: str) -> int | str:
    return value if value == NOT_APPLICABLE else int(value)


def _field_for(question: dict[str, Any], definition: Definition) -> forms.Field:
    kind = question["kind"]
    common = {"label": question["text"], "help_text": question.get("help", "")}
    if kind in ("choice", "scenario"):
        choices = [(option["value"], option["label"]) for option in question["options"]]
        return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
    if kind == "yes_no":
        choices = [("yes", question.get("yes_label", "Yes")), ("no", question.get("no_label", "No"))]
        return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
    if kind == "frequency":
        scale: list[tuple[int | str, str]] = list(enumerate(labels_of(definition, question)))
        if question.get("allow_na"):
            scale.append((NOT_APPLICABLE, not_applicable_label(definition)))
        return forms.TypedChoiceField(choices=scale, coerce=_frequency_value, widget=forms.RadioSelect, **common)
    if kind == "integer":
        return forms.IntegerField(min_value=question.get("min", 0), max_value=question.get("max"), **common)
    if kind == "percent":
        return forms.IntegerField(min_value=0, max_value=100, **common)
    if kind == "text":
        return forms.CharField(
            required=False,
            max_length=question.get("max_length", 1000),
            widget=forms.Textarea(attrs={"rows": 3}),
            label=f"{question['text']} (optional)",
            help_text=question.get("help", ""),
        )
    raise ValueError(f"unknown question kind {kind!r}")


def _layout_for(question: dict[str, Any], rendered: RenderedAnswers | None):
    # Scales are one row of answer boxes (a stacked list on phones), other choices a stacked list
    # (static/css/app.css): either way each answer is a target of at least 44 px.
    if question["kind"] in ("frequency", "yes_no"):
        return _Kept(InlineRadios(question["id"], wrapper_class="answer-scale"), question["id"], rendered)
    if question["kind"] in ("choice", "scenario"):
        return _Kept(Field(question["id"], wrapper_class="answer-list"), question["id"], rendered)
    if question["kind"] == "percent":
        return AppendedText(question["id"], "%", css_class="allocation-input", min="0", max="100")
    if question["kind"] == "integer":
        return Field(question["id"], css_class="w-auto")
    return Field(question["id"])


class _Kept(LayoutObject):
    """A question answered with radio buttons, rendered by crispy-forms once per process, version,
    question and answer, then reused: its HTML depends on nothing else while it shows no error, and
    rendering the scales is most of a questionnaire page's time (issue 14). `rendered` is the
    version's store (rendered_answers); None renders every time (a draft version)."""

    def __init__(self, inner: LayoutObject, name: str, rendered: RenderedAnswers | None):
        self.inner, self.name, self.rendered = inner, name, rendered
        self.fields = inner.fields

    def render(self, form, context, template_pack=TEMPLATE_PACK, **kwargs):
        field = form[self.name]
        value = "" if field.value() is None else str(field.value())
        choices = {str(choice) for choice, _ in field.field.choices}
        if self.rendered is None or field.errors or (value and value not in choices):
            return self.inner.render(form, context, template_pack=template_pack, **kwargs)
        key = (self.name, value, form.is_bound)
        html = self.rendered.get(key)
        if html is None:
            html = self.rendered[key] = self.inner.render(form, context, template_pack=template_pack, **kwargs)
        return html


class SectionForm(forms.Form):
    """The questions of one section that apply to the manager, given what they said about their
    role (`answers`: the answers stored so far). The week's percentages must add up to 100.

    `checking`: fields built already for the version's questions (checking_fields), for a form that
    only checks answers and is never rendered. `rendered`: the version's rendered answer choices
    (rendered_answers), for a form that is rendered."""

    def __init__(
        self,
        *args,
        section: dict[str, Any],
        definition: Definition,
        answers: dict[str, Any],
        checking: Mapping[str, forms.Field] | None = None,
        rendered: RenderedAnswers | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.section = section
        self.rendered = rendered
        self.questions = [question for question in section["questions"] if applies(definition, question, answers)]
        for question in self.questions:
            built = checking.get(question["id"]) if checking is not None else None
            self.fields[question["id"]] = built if built is not None else _field_for(question, definition)

    @cached_property
    def helper(self) -> FormHelper:
        """How crispy-forms lays the questions out; built when the form is rendered."""
        helper = FormHelper()
        helper.form_tag = False
        helper.disable_csrf = True
        helper.layout = Layout(*(_layout_for(question, self.rendered) for question in self.questions))
        return helper

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        percents = [q["id"] for q in self.section["questions"] if q["kind"] == "percent"]
        if percents and all(cleaned.get(qid) is not None for qid in percents):
            total = sum(cleaned[qid] for qid in percents)
            if total != 100:
                raise forms.ValidationError(
                    "Your week adds up to %(total)s%%. Change the numbers so that they add up to 100%%.",
                    code="allocation_total",
                    params={"total": total},
                )
        return cleaned

    def typed_answers(self) -> dict[str, Any]:
        return {qid: value for qid, value in self.cleaned_data.items()}


# Published versions never change (questionnaire_publish adds a new one instead), so the fields that
# check a version's answers are built once per process and version, then shared by every submit:
# checking an answer only reads a field. A form that is rendered builds its own (rendering sets
# attributes on the widgets). Keyed by the version's id and publication time, which no two versions
# share (versions are never deleted); tests, whose database hands ids out again, start each with
# nothing kept (tests/conftest.py).
_CHECKING_FIELDS: dict[tuple[int, datetime.datetime], dict[str, forms.Field]] = {}
_CHECKING_VERSIONS = 8


def checking_fields(version: QuestionnaireVersion) -> dict[str, forms.Field] | None:
    """A field per question of a published version, to check answers with (None for a draft version)."""
    if version.published_at is None:
        return None
    key = (version.pk, version.published_at)
    fields = _CHECKING_FIELDS.get(key)
    if fields is None:
        fields = {
            question["id"]: _field_for(question, version.definition)
            for section in version.sections
            for question in section["questions"]
        }
        if len(_CHECKING_FIELDS) >= _CHECKING_VERSIONS:
            _CHECKING_FIELDS.clear()
        _CHECKING_FIELDS[key] = fields
    return fields


# A published version's questions answered with radio buttons, as rendered (SectionForm's _Kept), per
# process: at most (choices + 1) x 2 pieces of HTML per question, keyed as the checking fields are.
_RENDERED_ANSWERS: dict[tuple[int, datetime.datetime], RenderedAnswers] = {}


def rendered_answers(version: QuestionnaireVersion) -> RenderedAnswers | None:
    """Where a published version's rendered answer choices are kept (None for a draft version, and
    while developing: someone editing the form templates sees the change on the next page)."""
    if version.published_at is None or settings.DEBUG:
        return None
    key = (version.pk, version.published_at)
    if key not in _RENDERED_ANSWERS and len(_RENDERED_ANSWERS) >= _CHECKING_VERSIONS:
        _RENDERED_ANSWERS.clear()
    return _RENDERED_ANSWERS.setdefault(key, {})


def raw_answers(data, section: dict[str, Any]) -> dict[str, str]:
    """What was typed for this section's questions, as posted (unknown keys dropped, long text cut)."""
    # NUL cannot be stored in PostgreSQL's jsonb, and nobody types it on purpose.
    return {
        question["id"]: str(data.get(question["id"], "")).replace("\x00", "")[:MAX_TEXT]
        for question in section["questions"]
        if question["id"] in data
    }


class PlanForm(forms.Form):
    """Up to PLAN_LIMIT of the practices a result advises, to work on until the next assessment."""

    def __init__(self, *args, advised: list[dict[str, Any]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["practices"] = forms.MultipleChoiceField(
            choices=[(advice["slug"], advice["name"]) for advice in advised],
            required=False,
            widget=forms.CheckboxSelectMultiple,
            label="Pick up to three to work on until your next assessment",
        )

    def clean_practices(self) -> list[str]:
        chosen = list(dict.fromkeys(self.cleaned_data["practices"]))  # a name posted twice counts once
        if len(chosen) > PLAN_LIMIT:
            raise forms.ValidationError(
                "Pick at most %(limit)s practices: a plan of three or fewer is one you can keep.",
                code="too_many",
                params={"limit": PLAN_LIMIT},
            )
        return chosen
