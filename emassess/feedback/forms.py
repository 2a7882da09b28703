"""The survey as a form: one required choice per item, on the survey's scale or "I don't know"."""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from django import forms

from emassess.feedback.models import SurveyVersion
from emassess.feedback.survey import DONT_KNOW

UNANSWERED = "Choose an answer, or “I don't know” if you did not see it."


class SurveyForm(forms.Form):
    def __init__(self, *args: Any, version: SurveyVersion, **kwargs: Any):
        super().__init__(*args, **kwargs)
        scale = version.definition["scale"]
        choices = [*((str(value), label) for value, label in enumerate(scale["labels"]))]
        choices.append((DONT_KNOW, scale["dont_know"]))
        for item in version.items:
            self.fields[item["id"]] = forms.ChoiceField(
                label=item["text"],
                choices=choices,
                widget=forms.RadioSelect,
                error_messages={"required": UNANSWERED, "invalid_choice": UNANSWERED},
            )
        # The template writes the <form> tag, the CSRF token and the button, as the other pages do.
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def answers(self) -> dict[str, int | str]:
        """The valid form's answers as stored: 0..4, or DONT_KNOW."""
        return {name: value if value == DONT_KNOW else int(value) for name, value in self.cleaned_data.items()}


def initial_of(answers: dict[str, Any]) -> dict[str, str]:
    """Stored answers as the form shows them."""
    return {item_id: str(value) for item_id, value in answers.items()}
