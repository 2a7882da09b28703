"""The survey's content and its versions: the rules of content/SCHEMA.md, publishing only what
changed, and published versions that never change."""

from __future__ import annotations

import copy
from collections import Counter

import pytest
from django.core.management import call_command

from emassess.feedback.models import SurveyVersion
from emassess.feedback.survey import build_definition, definition_problems, read_survey, survey_publish
from emassess.orgs.models import AuditEvent


@pytest.fixture
def built(framework):
    return build_definition(read_survey())


def test_the_survey_follows_its_rules(built):
    assert definition_problems(built) == []
    items = built["items"]
    assert 12 <= len(items) <= 16
    per_construct = Counter(item["construct"] for item in items)
    # Every trap of the self-assessment, the four of seed 000 and our Out-of-Reach Manager.
    assert set(per_construct) == {
        "bottleneck-manager", "weekend-warrior", "architect-in-exile", "lgtm-machine", "out-of-reach-manager",
    }  # fmt: skip
    assert min(per_construct.values()) >= 3
    assert built["scale"]["dont_know"] == "I don't know"
    assert all("my manager" in item["text"].lower() or " my " in item["text"] for item in items)  # the report's seat


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda d: d["items"][0].update(text="My manager did not review my work."), "worded by negation"),
        (lambda d: d["items"][1].update(id=d["items"][0]["id"]), "duplicate item id"),
        (lambda d: d["items"][1].update(construct=d["items"][0]["construct"]), "follow each other"),
        (lambda d: d["items"].__delitem__(slice(4, None)), "needs 12 to 16 items"),
        (lambda d: d["items"][0].update(construct="micromanager"), "unknown construct"),
        (lambda d: d["items"][0].update(reverse=True), "more than one reverse-worded item"),
        (lambda d: d["scale"].pop("dont_know"), "dont_know label"),
    ],
)
def test_a_broken_survey_is_refused_and_says_why(built, change, problem):
    broken = copy.deepcopy(built)
    if "reverse" in problem:
        # Give a construct that already has a healthy item a second one.
        reversed_construct = next(i["construct"] for i in broken["items"] if i.get("reverse"))
        next(i for i in broken["items"] if i["construct"] == reversed_construct and not i.get("reverse"))["reverse"] = 1
    else:
        change(broken)
    assert any(problem in found for found in definition_problems(broken))


def test_publishing_makes_a_version_only_when_something_changed(framework):
    call_command("load_feedback_survey")
    call_command("load_feedback_survey")
    assert SurveyVersion.objects.count() == 1
    first = SurveyVersion.objects.get()
    assert AuditEvent.objects.filter(action="questionnaire_published", detail__version=str(first)).exists()

    changed = build_definition(read_survey())
    changed["items"][0]["text"] = "A pull request of mine sat waiting for my manager's approval."
    second, created = survey_publish(definition=changed)
    assert created and second.number == 2
    first.refresh_from_db()
    assert first.definition["items"][0]["text"] != changed["items"][0]["text"]  # the old version is untouched
