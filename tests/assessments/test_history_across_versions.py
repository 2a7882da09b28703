"""History stays true across questionnaire versions.

The fixture is a real version-1 result: the definition version 1 was published with, and the
outcome engine 1.0 stored for a set of answers to it, both captured from the code as it stood
before version 2 (commit d00caf2). A database upgraded to version 2 holds results like it.
"""

import datetime
import json
from pathlib import Path

import pytest
from django.urls import reverse

from emassess.assessments.models import Assessment, Questionnaire, QuestionnaireVersion
from emassess.assessments.services import assessment_start, assessment_submit
from tests.helpers import posted_answers_to

FIXTURE = json.loads((Path(__file__).parent / "fixtures" / "version_1_result.json").read_text())


@pytest.fixture
def version_1_result(cast, framework):
    questionnaire = Questionnaire.objects.create(slug="self-assessment", title="Manager self-assessment")
    v1 = QuestionnaireVersion.objects.create(
        questionnaire=questionnaire, number=1, definition=FIXTURE["definition"], published_at=datetime.datetime(
            2026, 1, 1, tzinfo=datetime.UTC)
    )  # fmt: skip
    return Assessment.objects.create(
        manager=cast.alice,
        version=v1,
        status=Assessment.Status.SUBMITTED,
        answers=FIXTURE["answers"],
        submitted_at=datetime.datetime(2026, 8, 10, 12, tzinfo=datetime.UTC),
        period="2026-Q3",
        engine_version=FIXTURE["engine_version"],
        outcome=FIXTURE["outcome"],
        closest_archetype=FIXTURE["outcome"]["closest"],
        held_role="em",
    )


def test_a_version_1_result_renders_as_it_was(alice_client, version_1_result):
    assert version_1_result.engine_version == "1.0"
    page = alice_client.get(reverse("assessment_result", args=[version_1_result.public_id])).content.decode()
    assert page.count('data-testid="anti-pattern-card"') == 4  # version 1 measured four
    assert "Out-of-Reach Manager" not in page
    for risk in FIXTURE["outcome"]["anti_patterns"]:
        assert f'<span class="fs-4 fw-semibold">{risk["risk"]}</span>' in page
    assert "Not enough to say" not in page


def test_changes_since_a_version_1_result_compare_only_what_both_measured(
    alice_client, cast, version_1_result, version
):
    draft = assessment_start(manager=cast.alice)
    assert draft.version == version and version.number == 2
    draft.answers = posted_answers_to(version.definition, behaviour={"bottleneck-manager": 1})
    draft.save()
    latest = assessment_submit(assessment=draft, now=datetime.datetime(2026, 11, 10, 12, tzinfo=datetime.UTC))

    page = alice_client.get(reverse("assessment_result", args=[latest.public_id])).content.decode()
    assert "compared with 2026-Q3" in page
    assert "version 1 of the questionnaire and this one version 2" in page
    assert "Not compared: Out-of-Reach Manager." in page
    before = next(r["risk"] for r in FIXTURE["outcome"]["anti_patterns"] if r["slug"] == "bottleneck-manager")
    after = next(r["risk"] for r in latest.outcome["anti_patterns"] if r["slug"] == "bottleneck-manager")
    assert after < before
    assert f"{after - before:+d}" in page
