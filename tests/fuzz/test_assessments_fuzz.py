"""The self-assessment's steps and its share toggle, posted generated data: every step with every
action keeps the other answers, the week is accepted exactly when it adds up to 100, a stale
or submitted assessment and another manager's draft take nothing."""

from __future__ import annotations

import copy
import itertools
import json

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from emassess.assessments.engine import section_questions
from emassess.assessments.forms import MAX_TEXT
from emassess.assessments.models import Assessment
from emassess.assessments.questionnaire import questionnaire_publish
from tests.fuzz.posting import FUZZ, as_kept, as_received, no_crash, page_of, post, snapshot, undone, world
from tests.fuzz.strategies import bodies, texts
from tests.helpers import FOCUS_AREAS, step_url

pytestmark = pytest.mark.fuzz


ACTIONS = st.one_of(st.sampled_from(["next", "back", "save", "autosave"]), texts(max_size=12), st.none())


# Practices a result may advise, and one it never does for an EM: what the plan fuzzing picks from.
ADVISABLE = [
    "stay-off-critical-path",
    "own-something-small",
    "time-box-technical-work",
    "skip-one-to-ones-deliberately",
]


def ids_of(section) -> list[str]:
    return [question["id"] for question in section["questions"]]


def expected_values(definition) -> list[str]:
    """The values the questionnaire's questions take, so some generated answers are valid ones."""
    found = ["yes", "no", *(str(level) for level in range(len(definition["scale"]["labels"])))]
    for section in definition["sections"]:
        for question in section["questions"]:
            found += [option["value"] for option in question.get("options", [])]
            found += [
                str(question[bound] + shift) for bound in ("min", "max") if bound in question for shift in (-1, 0, 1)
            ]
    return found


def stored(assessment) -> dict:
    return Assessment.objects.get(pk=assessment.pk).answers


def assert_only_this_step_changed(before: dict, after: dict, step_ids: list[str], body: dict) -> None:
    """The promise of every step post, accepted or not: answers of other steps are untouched, no
    key that is not one of this step's questions is stored, and this step's answers are what was
    typed (as_kept), or what was there when the post left a question out."""
    others = {key: value for key, value in before.items() if key not in step_ids}
    assert json.dumps({key: after.get(key) for key in others}, sort_keys=True) == json.dumps(others, sort_keys=True)
    assert set(after) <= set(before) | set(step_ids), set(after) - set(before) - set(step_ids)
    received = as_received(body)
    for qid in step_ids:
        expected = as_kept(received[qid], MAX_TEXT) if qid in received else before.get(qid)
        assert after.get(qid) == expected, qid
    too_long = {key: len(value) for key, value in after.items() if not isinstance(value, str) or len(value) > MAX_TEXT}
    assert not too_long


@FUZZ
@given(step=st.integers(1, 7), action=ACTIONS, week_typo=st.booleans(), data=st.data())
def test_every_step_with_every_action_keeps_the_other_answers(
    browser, cast, draft, version, step, action, week_typo, data
):
    alice = browser(cast.alice.user)
    sections = version.sections
    step_ids = ids_of(sections[step - 1])
    every_id = [qid for section in sections for qid in ids_of(section)]
    as_saved = {qid: draft.answers[qid] for qid in step_ids if qid in draft.answers}
    body = data.draw(bodies(every_id, expected_values(version.definition), valid=as_saved), label="body")
    if action is not None:
        body["action"] = action
    chosen = as_received(body).get("action", "next")
    week_typo = week_typo and step != 2
    with undone(alice):
        if week_typo:  # a draft saved with "1O" for a share of the week, so it cannot be submitted yet
            Assessment.objects.filter(pk=draft.pk).update(answers={**draft.answers, "week.product": "1O"})
        before = stored(draft)
        response = post(alice, step_url(draft, step), body)
        after = stored(draft)
        assert_only_this_step_changed(before, after, step_ids, body)
        if chosen == "back":
            assert response.status_code == 302
            assert response["Location"] == step_url(draft, max(step - 1, 1))
        elif chosen == "autosave":
            assert response.status_code == 204
        elif chosen == "save":
            assert response.status_code == 302
            assert response["Location"] == reverse("manager_home")
        elif response.status_code == 200:  # "next", or an action the page never sends, rejected
            assert 'data-testid="error-summary"' in page_of(response)
        elif step < len(sections):
            assert response.status_code == 302
            assert response["Location"] == step_url(draft, step + 1)
        elif week_typo:  # submitting sends her back to the step to fix, and says so
            assert response.status_code == 302
            assert response["Location"] == step_url(draft, 2)
            assert "Some earlier answers are missing or need fixing" in page_of(alice.get(response["Location"]))
            assert not Assessment.objects.get(pk=draft.pk).is_submitted
        else:
            assert response.status_code == 302
            assert response["Location"] == reverse("assessment_result", args=[draft.public_id])
            assert Assessment.objects.get(pk=draft.pk).is_submitted


AREAS = len(FOCUS_AREAS)  # one share of the week per focus area


def parts_of_100(cuts: list[int]) -> list[int]:
    """A whole percentage per focus area, adding up to 100: the gaps between cuts of 0..100."""
    edges = [0, *sorted(cuts), 100]
    return [high - low for low, high in itertools.pairwise(edges)]


weeks = st.one_of(
    st.lists(st.integers(0, 100), min_size=AREAS - 1, max_size=AREAS - 1).map(parts_of_100),  # adds up: accepted
    st.lists(st.integers(0, 100), min_size=AREAS - 1, max_size=AREAS - 1).map(
        lambda shares: [*shares, 100 - sum(shares)]
    ),  # 100, maybe < 0
    st.lists(st.integers(0, 40), min_size=AREAS, max_size=AREAS),  # in range, rarely 100
    st.lists(st.integers(-(10**6), 10**6), min_size=AREAS, max_size=AREAS),  # far out of range
)


@FUZZ
@given(week=weeks)
def test_the_week_is_accepted_exactly_when_it_adds_up_to_100(browser, cast, draft, version, week):
    alice = browser(cast.alice.user)
    week_ids = [question["id"] for question in section_questions(version.definition, "week")]
    body = {**dict(zip(week_ids, map(str, week), strict=True)), "action": "next"}
    in_range = all(0 <= share <= 100 for share in week)
    with undone(alice):
        response = post(alice, step_url(draft, 2), body)
        page = page_of(response)
        if in_range and sum(week) == 100:
            assert response.status_code == 302
            assert response["Location"] == step_url(draft, 3)
        else:
            assert response.status_code == 200
            assert 'data-testid="error-summary"' in page
            if in_range:
                assert f"Your week adds up to {sum(week)}%." in page
            else:
                assert "Your week adds up to" not in page  # the total waits until every share is valid
                if min(week) < 0:
                    assert "Ensure this value is greater than or equal to 0." in page
                if max(week) > 100:
                    assert "Ensure this value is less than or equal to 100." in page
            for qid, share in zip(week_ids, week, strict=True):
                assert f'name="{qid}" value="{share}"' in page, f"{qid} does not show what was typed"
        # Kept as typed either way, so a closed tab loses nothing.
        assert [stored(draft)[qid] for qid in week_ids] == [str(share) for share in week]


@pytest.fixture
def newer_version(version, draft):
    """A version published after Alice started her draft: a reworded section and a new question."""
    definition = copy.deepcopy(version.definition)
    definition["sections"][1]["intro"] = "Reworded in the newer version."
    definition["sections"][-1]["questions"].append(
        {"id": "reflection.new_in_v2", "kind": "text", "text": "Something new?", "max_length": 500}
    )
    newer, created = questionnaire_publish(definition=definition, note="fuzz: a newer version")
    assert created and newer.number == version.number + 1
    return newer


@FUZZ
@given(step=st.integers(1, 7), action=ACTIONS, data=st.data())
def test_a_draft_on_a_stale_version_keeps_its_version(browser, cast, draft, version, newer_version, step, action, data):
    alice = browser(cast.alice.user)
    step_ids = ids_of(version.sections[step - 1])
    names, as_saved = [*step_ids, "reflection.new_in_v2"], {qid: draft.answers.get(qid, "") for qid in step_ids}
    body = data.draw(bodies(names, expected_values(version.definition), valid=as_saved), label="body")
    if action is not None:
        body["action"] = action
    with undone(alice):
        before = stored(draft)
        response = post(alice, step_url(draft, step), body)
        after = Assessment.objects.get(pk=draft.pk)
        assert after.version_id == version.pk  # never moved onto the newer questions
        assert "reflection.new_in_v2" not in after.answers
        assert_only_this_step_changed(before, after.answers, step_ids, body)
        if response.status_code == 200:
            assert 'data-testid="error-summary"' in page_of(response)
        if after.is_submitted:  # scored on the version it answered, and its result page opens
            assert response["Location"] == reverse("assessment_result", args=[draft.public_id])
            no_crash(result_page := alice.get(response["Location"]))
            assert result_page.status_code == 200
        # Starting again continues the stale draft; once it is submitted, this cycle's assessment is
        # done and starting again leads to its result, with no new draft (the next cycle's starts on
        # the newer version).
        no_crash(again := alice.post(reverse("assessment_start")))
        drafts = Assessment.objects.filter(manager=cast.alice, status="draft")
        assert [d.version_id for d in drafts] == ([] if after.is_submitted else [version.pk])
        if after.is_submitted:
            assert again["Location"] == reverse("assessment_result", args=[draft.public_id])


@FUZZ
@given(step=st.integers(1, 7), action=ACTIONS, data=st.data())
def test_a_submitted_assessment_takes_no_more_answers(browser, cast, result, version, step, action, data):
    """A second tab, or the back button, after submitting: the result stays exactly as submitted."""
    alice = browser(cast.alice.user)
    body = data.draw(bodies(ids_of(version.sections[step - 1]), expected_values(version.definition)), label="body")
    if action is not None:
        body["action"] = action
    with undone(alice):
        before = world()
        response = post(alice, step_url(result, step), body)
        assert response.status_code == 302
        assert response["Location"] == reverse("assessment_result", args=[result.public_id])
        assert "You have already submitted this assessment" in page_of(alice.get(response["Location"]))
        assert world() == before


@FUZZ
@given(step=st.integers(0, 12), action=ACTIONS, data=st.data())
def test_another_managers_draft_is_not_found(browser, cast, draft, result, version, step, action, data):
    carol = browser(cast.carol.user)
    every_id = [qid for section in version.sections for qid in ids_of(section)]
    body = data.draw(bodies([*every_id, "shared"], expected_values(version.definition)), label="body")
    if action is not None:
        body["action"] = action
    with undone(carol):
        before = world()
        response = post(carol, step_url(draft, step), body)
        assert response.status_code == 404
        assert "Page not found" in page_of(response)
        shared = post(carol, reverse("assessment_share", args=[result.public_id]), body)
        assert shared.status_code == 404
        assert world() == before


@FUZZ
@given(public_id=st.uuids(), step=st.integers(0, 12), bad_step=st.one_of(st.just(0), st.integers(8, 10**6)),
       data=st.data())  # fmt: skip
def test_an_unknown_draft_or_step_is_not_found(browser, cast, draft, result, version, public_id, step, bad_step, data):
    alice = browser(cast.alice.user)
    every_id = [qid for section in version.sections for qid in ids_of(section)]
    body = data.draw(bodies([*every_id, "action"], ["next", "save", "autosave", "back"]), label="body")
    with undone(alice):
        before = world()
        for url in (
            reverse("assessment_step", args=[public_id, step]),
            reverse("assessment_share", args=[public_id]),
            step_url(draft, bad_step),  # her own draft, a step it does not have
        ):
            response = post(alice, url, body)
            assert response.status_code == 404, url
            assert "Page not found" in page_of(response)
        assert world() == before


@FUZZ
@given(body=bodies(["shared"], ["0", "1", "true", "on", "yes"]), which=st.sampled_from(["result", "draft"]))
def test_the_share_toggle(browser, cast, result, draft, body, which):
    alice = browser(cast.alice.user)
    assessment = {"result": result, "draft": draft}[which]
    received = as_received(body)
    with undone(alice):
        before, others = world(Assessment), snapshot(Assessment.objects.exclude(pk=assessment.pk))
        mine = snapshot(Assessment.objects.filter(pk=assessment.pk))
        response = post(alice, reverse("assessment_share", args=[assessment.public_id]), body)
        if which == "draft":  # only a submitted result can be shared
            assert response.status_code == 404
            assert snapshot(Assessment.objects.filter(pk=assessment.pk)) == mine
        else:
            assert response.status_code == 302
            shared = Assessment.objects.get(pk=result.pk).shared_with_hr
            assert shared == (received.get("shared") == "1")  # only the form's own "1" shares
            told = page_of(alice.get(response["Location"]))
            assert ("HR of your organisation can now read this result." if shared else "private to you again") in told
        assert snapshot(Assessment.objects.exclude(pk=assessment.pk)) == others
        assert world(Assessment) == before


@FUZZ
@given(body=bodies(["action"], ["reopen", "keep"]), which=st.sampled_from(["open", "closed", "draft"]))
def test_the_reopen_form(browser, cast, open_result, result, draft, body, which):
    """Whatever is posted: a draft is not found; a result of a closed quarter never changes; an open
    one is reopened (its submitted answers and result untouched) or, with the form's own "keep",
    has its changes dropped; no other row changes."""
    assessment = {"open": open_result, "closed": result, "draft": draft}[which]
    client = browser(assessment.manager.user)
    received = as_received(body)
    with undone(client):
        others = snapshot(Assessment.objects.exclude(pk=assessment.pk))
        mine = Assessment.objects.get(pk=assessment.pk)
        untouched = snapshot(Assessment.objects.filter(pk=assessment.pk))
        response = post(client, reverse("assessment_reopen", args=[assessment.public_id]), body)
        after = Assessment.objects.get(pk=assessment.pk)
        if which == "draft":
            assert response.status_code == 404
        else:
            assert response.status_code == 302
            assert (after.answers, after.outcome, after.status) == (mine.answers, mine.outcome, mine.status)
            reopened = which == "open" and received.get("action") != "keep"
            assert after.is_reopened == reopened
            if reopened:
                assert after.reopened_answers == mine.answers
        if not after.is_reopened:  # refused, or "keep" with nothing to drop: nothing changed
            assert snapshot(Assessment.objects.filter(pk=assessment.pk)) == untouched
        assert snapshot(Assessment.objects.exclude(pk=assessment.pk)) == others


@pytest.mark.parametrize("action", ["autosave", "next", "save"])
def test_a_nul_character_in_a_typed_answer_is_dropped(browser, cast, draft, action):
    """Found by the fuzzing: on PostgreSQL a typed answer holding U+0000 was a 500 (jsonb refuses it)."""
    alice = browser(cast.alice.user)
    key = "reflection.hand_over_first"
    response = post(alice, step_url(draft, 7), {"action": action, key: "before\x00after"})
    assert response.status_code in (200, 204, 302)
    assert stored(draft)[key] == "beforeafter"


@FUZZ
@given(picked=st.lists(st.one_of(st.sampled_from(ADVISABLE), texts()), max_size=6))
def test_the_plan_form(browser, cast, result, picked):
    """Whatever is posted: a plan holds at most three practices, only ones the result advises, or
    the post is refused on the page and nothing is kept; no other row changes."""
    client = browser(cast.alice.user)
    advised = [p["slug"] for p in result.outcome["practices"]]
    with undone(client):
        others = snapshot(Assessment.objects.exclude(pk=result.pk))
        response = post(client, reverse("assessment_plan", args=[result.public_id]), {"practices": picked})
        plan = [p["slug"] for p in Assessment.objects.get(pk=result.pk).plan]
        valid = set(picked) <= set(advised) and len(set(picked)) <= 3
        if valid:
            assert response.status_code == 302
            assert plan == [slug for slug in advised if slug in picked]
        else:
            assert response.status_code == 400
            assert plan == []
        assert snapshot(Assessment.objects.exclude(pk=result.pk)) == others
