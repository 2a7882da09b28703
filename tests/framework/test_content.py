"""The framework content: what the product promises is there, and the loader's rules."""

import copy

import pytest

from emassess.framework import models as m
from emassess.framework.loading import ContentError, content_problems, load_framework, read_content
from emassess.framework.rules import tlm_may_fit

KUA_ARCHETYPES = {"Tech Lead EM", "Team Lead EM", "Delivery EM", "Product EM", "Lead of Leads EM"}


def test_content_file_is_sound():
    assert content_problems(read_content()) == []


def test_all_five_kua_archetypes_and_the_tlm_hybrid(framework):
    kua = set(m.Archetype.objects.filter(kind=m.Archetype.Kind.KUA).values_list("name", flat=True))
    assert kua == KUA_ARCHETYPES
    hybrid = m.Archetype.objects.get(kind=m.Archetype.Kind.HYBRID)
    assert hybrid.slug == "tlm"
    assert hybrid.source.slug == "seed-004"


def test_every_focus_profile_covers_the_six_areas_and_sums_to_100(framework):
    areas = set(m.FocusArea.objects.values_list("slug", flat=True))
    assert len(areas) == 6
    for archetype in m.Archetype.objects.all():
        profile = archetype.focus_profile()
        assert set(profile) == areas, archetype
        assert sum(profile.values()) == 100, archetype


def test_focus_profiles_are_distinct_enough_to_tell_archetypes_apart(framework):
    profiles = {a.slug: a.focus_profile() for a in m.Archetype.objects.all()}
    slugs = sorted(profiles)
    for i, first in enumerate(slugs):
        for second in slugs[i + 1 :]:
            distance = sum(abs(profiles[first][area] - profiles[second][area]) for area in profiles[first])
            assert distance >= 30, f"{first} and {second} are too alike ({distance})"


def test_the_calibration_note_says_the_profiles_are_ours(framework):
    note = m.FrameworkText.objects.get(key="calibration_note").text.lower()
    assert "calibration" in note
    assert "can change them" in note


def test_six_tlm_checklist_statements(framework):
    assert m.TlmChecklistItem.objects.count() == 6
    assert all(item.statement and item.explanation for item in m.TlmChecklistItem.objects.all())
    assert "half" in m.FrameworkText.objects.get(key="tlm_rule").text.lower()


def test_seed_000s_four_anti_patterns_then_ours_each_with_signals_and_practices(framework):
    names = list(m.AntiPattern.objects.values_list("name", flat=True))
    assert names == [
        "Bottleneck Manager",
        "Weekend Warrior",
        "Architect-in-Exile",
        "LGTM Machine",
        "Out-of-Reach Manager",
    ]
    ours = m.AntiPattern.objects.get(slug="out-of-reach-manager")
    assert ours.source.slug == "emassess", "the people side is labelled as our own addition"
    assert "our own addition" in ours.description
    for anti_pattern in m.AntiPattern.objects.all():
        assert anti_pattern.signals.count() >= 4, anti_pattern
        assert anti_pattern.practices.count() >= 2, anti_pattern


def test_practices_cover_the_seeds_they_come_from(framework):
    sources = set(m.Practice.objects.values_list("source__slug", flat=True))
    assert {"seed-000", "seed-002", "seed-003", "seed-004"} <= sources
    kinds = set(m.Practice.objects.values_list("kind", flat=True))
    assert {"framework", "tlm-habit", "multiplier", "em-responsibility"} <= kinds


def test_four_step_back_questions(framework):
    assert m.StepBackQuestion.objects.count() == 4


@pytest.mark.parametrize(
    ("resonating", "expected"),
    [(0, False), (1, False), (2, False), (3, True), (4, True), (6, True)],
)
def test_half_or_more_of_the_six_statements_means_the_tlm_role_may_fit(resonating, expected):
    assert tlm_may_fit(resonating=resonating, total=6) is expected


@pytest.mark.parametrize(("resonating", "total"), [(-1, 6), (7, 6), (0, 0)])
def test_the_tlm_rule_rejects_impossible_counts(resonating, total):
    with pytest.raises(ValueError):
        tlm_may_fit(resonating=resonating, total=total)


def test_loading_twice_changes_nothing(framework):
    before = {model: model.objects.count() for model in (m.Archetype, m.ArchetypeFocus, m.Practice, m.Signal)}
    links = m.Practice.counters.through.objects.count()
    report = load_framework(read_content())
    assert sum(report.created.values()) == 0
    assert {model: model.objects.count() for model in before} == before
    assert m.Practice.counters.through.objects.count() == links


def test_loading_again_keeps_what_an_admin_edited_unless_told_to_overwrite(framework):
    archetype = m.Archetype.objects.get(slug="tlm")
    archetype.summary = "Edited in the admin."
    archetype.save()
    archetype.focus.filter(area__slug="hands_on_coding").update(percent=99)

    load_framework(read_content())
    archetype.refresh_from_db()
    assert archetype.summary == "Edited in the admin."
    assert archetype.focus_profile()["hands_on_coding"] == 99

    load_framework(read_content(), overwrite=True)
    archetype.refresh_from_db()
    assert archetype.summary != "Edited in the admin."
    assert sum(archetype.focus_profile().values()) == 100


def test_broken_content_is_refused_with_the_reason(tmp_path):
    content = read_content()
    broken = copy.deepcopy(content)
    broken["archetypes"][0]["focus_profile"]["product"] += 5
    broken["practices"] = [p for p in broken["practices"] if "lgtm-machine" not in p["counters"]]
    problems = content_problems(broken)
    assert any("focus_profile" in problem for problem in problems)
    assert any("lgtm-machine" in problem for problem in problems)

    path = tmp_path / "framework.toml"
    path.write_text('[meta]\ntitle = "empty"\n')
    with pytest.raises(ContentError):
        read_content(path)
