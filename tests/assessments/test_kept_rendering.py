"""A published version's radio-button questions are rendered once per process and answer, then
reused (forms._Kept, issue 14): the pages must read exactly as if each were rendered afresh, whatever
was rendered before them, and an error must never be hidden by a copy rendered without it."""

import pytest
from crispy_forms.utils import render_crispy_form

from emassess.assessments.forms import SectionForm, rendered_answers
from emassess.framework.models import AntiPattern
from tests.helpers import posted_answers_to, week


def _html(version, step: int, answers: dict[str, str], *, rendered, data=None) -> str:
    section = version.sections[step - 1]
    if data is None:
        form = SectionForm(initial=answers, section=section, definition=version.definition, answers=answers,
                           rendered=rendered)  # fmt: skip
    else:
        form = SectionForm(data, section=section, definition=version.definition, answers=answers, rendered=rendered)
        form.is_valid()
    return render_crispy_form(form)


def _first_frequency_question(version) -> tuple[int, dict, dict]:
    """(step, section, question) of the first question answered on the frequency scale."""
    for step, section in enumerate(version.sections, start=1):
        for question in section["questions"]:
            if question["kind"] == "frequency":
                return step, section, question
    raise AssertionError("the questionnaire has no frequency question")


@pytest.fixture
def two_managers(version):
    """Two sets of answers that differ on most questions: habits, practices, scenarios, the week."""
    traps = list(AntiPattern.objects.values_list("slug", flat=True))
    return (
        posted_answers_to(version.definition, week=week(hands_on_coding=40, people_team=10), practice=0,
                          tlm_statements=5, best_judgement=False, behaviour=dict.fromkeys(traps, 4)),
        posted_answers_to(version.definition, week=week(hands_on_coding=0, people_team=50), practice=4,
                          tlm_statements=0, best_judgement=True, behaviour=dict.fromkeys(traps, 0)),
    )  # fmt: skip


@pytest.mark.django_db
def test_every_page_reads_as_rendered_afresh_whoever_came_before(version, two_managers):
    first, second = two_managers
    kept = rendered_answers(version)
    assert kept is not None
    for step in range(1, len(version.sections) + 1):
        for answers in (first, second, {}, first):  # each after the others, and blank
            assert _html(version, step, answers, rendered=kept) == _html(version, step, answers, rendered=None)
    assert kept, "nothing was kept: the pages were all rendered afresh"


@pytest.mark.django_db
def test_an_answer_shows_as_given_not_as_someone_else_gave_it(version, two_managers):
    first, _ = two_managers
    kept = rendered_answers(version)
    step, _, question = _first_frequency_question(version)
    _html(version, step, {**first, question["id"]: "0"}, rendered=kept)
    page = _html(version, step, {**first, question["id"]: "3"}, rendered=kept)
    assert f'name="{question["id"]}" value="3"' in page
    checked = page.split(f'name="{question["id"]}" value="3"')[1].split(">")[0]
    assert "checked" in checked
    unchecked = page.split(f'name="{question["id"]}" value="0"')[1].split(">")[0]
    assert "checked" not in unchecked


@pytest.mark.django_db
def test_an_answer_with_an_error_shows_it_though_its_copy_without_one_is_kept(version, two_managers):
    first, _ = two_managers
    kept = rendered_answers(version)
    step, section, question = _first_frequency_question(version)
    _html(version, step, first, rendered=kept, data=first)  # the answer kept as posted, with no error

    form = SectionForm(first, section=section, definition=version.definition, answers=first, rendered=kept)
    assert form.is_valid()
    form.add_error(question["id"], "Check this answer against your calendar.")  # as a rule in clean() might
    page = render_crispy_form(form)
    assert "Check this answer against your calendar." in page
    assert "is-invalid" in page

    # And a question left blank shows that it needs an answer, blank copies kept or not.
    blank = {qid: value for qid, value in first.items() if qid != question["id"]}
    _html(version, step, {}, rendered=kept)
    with_error = _html(version, step, first, rendered=kept, data=blank)
    assert with_error == _html(version, step, first, rendered=None, data=blank)
    assert "is-invalid" in with_error


@pytest.mark.django_db
def test_a_draft_version_is_never_kept(version):
    version.published_at = None
    assert rendered_answers(version) is None


@pytest.mark.django_db
def test_nothing_is_kept_while_developing(version, settings):
    settings.DEBUG = True  # make run: a template edited while the server runs shows on the next page
    assert rendered_answers(version) is None
