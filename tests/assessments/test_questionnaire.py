"""The questionnaire content and its versions."""

import copy
import itertools

import pytest
from django.core.management import call_command

from emassess.assessments.models import QuestionnaireVersion
from emassess.assessments.questionnaire import (
    QuestionnaireError,
    build_definition,
    definition_problems,
    framework_snapshot,
    questionnaire_publish,
    read_questionnaire,
)
from emassess.framework import models as fm
from emassess.framework.loading import ANTI_PATTERN_SLUGS


def test_the_shipped_questionnaire_is_sound(definition):
    assert definition_problems(definition) == []


def test_seven_sections_in_order(definition):
    assert [s["slug"] for s in definition["sections"]] == [
        "role", "week", "tlm_fit", "behaviours", "practices", "judgement", "reflection",
    ]  # fmt: skip


def test_behaviour_items_follow_the_design_rules(definition):
    behaviours = next(s for s in definition["sections"] if s["slug"] == "behaviours")["questions"]
    for anti_pattern in ANTI_PATTERN_SLUGS:
        items = [q for q in behaviours if q["anti_pattern"] == anti_pattern]
        assert 4 <= len(items) <= 7
        assert sum(bool(q.get("reverse")) for q in items) <= 1
    # interleaved: no two items of one anti-pattern in a row
    assert all(a["anti_pattern"] != b["anti_pattern"] for a, b in itertools.pairwise(behaviours))
    # one four-week window, answers anchored to counts; habits by share of the time
    assert "last four weeks" in next(s for s in definition["sections"] if s["slug"] == "behaviours")["intro"]
    assert definition["scale"]["labels"][1:3] == ["Once or twice", "About once a week"]
    assert all(
        q.get("scale") == "share"
        for q in next(s for s in definition["sections"] if s["slug"] == "practices")["questions"]
    )
    # no item joins two acts with "or ... or", and no feelings inside the behaviour scale
    assert not any(word in q["text"] for q in behaviours for word in ("felt", "tired", "so that your name"))


def test_scenarios_each_with_one_best_option_that_is_not_the_longest(definition):
    scenarios = next(s for s in definition["sections"] if s["slug"] == "judgement")["questions"]
    assert len(scenarios) >= 3
    for scenario in scenarios:
        assert [o["score"] for o in scenario["options"]].count(3) == 1
        best = next(o for o in scenario["options"] if o["score"] == 3)
        assert len(best["label"]) < max(len(o["label"]) for o in scenario["options"]), scenario["id"]
        assert scenario.get("title"), "a scenario is named on the result by its title"
    # at least one rewards stepping in rather than back
    incident = next(s for s in scenarios if s["id"] == "judgement.incident")
    assert next(o for o in incident["options"] if o["score"] == 3)["value"] == "step_in"


@pytest.mark.parametrize(
    ("breakage", "complaint"),
    [
        (lambda d: d["sections"][3]["questions"].__setitem__(0, {**d["sections"][3]["questions"][0],
                                                                  "text": "You do not review code."}), "negation"),
        (lambda d: d["sections"][3]["questions"].__delitem__(slice(0, 12)), "at least 4"),
        (lambda d: d["sections"][5]["questions"].__delitem__(slice(0, 5)), "scenarios"),
        (lambda d: d["advice"]["own-something-small"].update(applies_if=["juggles"]), "unknown fact"),
        (lambda d: d["sections"][5]["questions"][0]["options"][0].update(label="x" * 200), "longest"),
        (lambda d: d["framework"]["archetypes"][0]["profile"].update(product=90), "sum to 100"),
        (lambda d: d["sections"].pop(), "sections must be"),
    ],
)  # fmt: skip
def test_a_broken_definition_is_refused(definition, breakage, complaint):
    broken = copy.deepcopy(definition)
    breakage(broken)
    assert any(complaint in problem for problem in definition_problems(broken)), definition_problems(broken)


def test_publishing_the_same_content_twice_makes_one_version(framework):
    definition = build_definition(read_questionnaire(), framework_snapshot())
    first, created = questionnaire_publish(definition=definition)
    again, created_again = questionnaire_publish(definition=definition)
    assert created and not created_again
    assert first == again
    assert first.number == 1 and first.is_published


def test_editing_makes_a_new_version_and_leaves_the_old_one_alone(framework):
    definition = build_definition(read_questionnaire(), framework_snapshot())
    first, _ = questionnaire_publish(definition=definition)
    edited = copy.deepcopy(definition)
    edited["sections"][0]["title"] = "About your role"
    second, created = questionnaire_publish(definition=edited, note="Retitled step 1")
    assert created and second.number == 2
    first.refresh_from_db()
    assert first.definition == definition


def test_a_framework_edit_in_the_admin_reaches_the_next_version(framework):
    call_command("load_questionnaire")
    fm.ArchetypeFocus.objects.filter(archetype__slug="tlm", area__slug="hands_on_coding").update(percent=35)
    fm.ArchetypeFocus.objects.filter(archetype__slug="tlm", area__slug="product").update(percent=0)
    call_command("load_questionnaire")
    latest = QuestionnaireVersion.objects.latest()
    assert latest.number == 2
    tlm = next(a for a in latest.definition["framework"]["archetypes"] if a["slug"] == "tlm")
    assert tlm["profile"]["hands_on_coding"] == 35


def test_publishing_refuses_broken_content(framework):
    definition = build_definition(read_questionnaire(), framework_snapshot())
    definition["sections"] = definition["sections"][:3]
    with pytest.raises(QuestionnaireError):
        questionnaire_publish(definition=definition)
    assert not QuestionnaireVersion.objects.exists()
