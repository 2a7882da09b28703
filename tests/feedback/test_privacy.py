"""A report's answers are theirs: in their data download, in nobody else's; gone when they are erased,
while a team view already released from them stays as the figures it is."""

from __future__ import annotations

import json

from django.contrib.auth import get_user_model
from django.urls import reverse

from emassess.feedback.models import Response, TeamViewRelease
from emassess.feedback.services import team_view_release
from tests.feedback.conftest import at


def test_my_data_holds_my_answers_and_the_managers_holds_none(client, cast, answer):
    answer(cast.bob, "2026-08-10", level=3)
    client.force_login(cast.bob.user)
    mine = json.loads(client.get(reverse("my_data")).content)
    given = mine["upward_feedback_given"]
    assert [(g["cycle"], g["about"], g["answers"]["pr_waited"]) for g in given] == [("2026-Q3", "alice@acme.test", 3)]
    client.force_login(cast.alice.user)
    hers = client.get(reverse("my_data")).content.decode()
    assert "pr_waited" not in hers and hers.count('"upward_feedback_given": []') == 1


def test_erasing_a_report_removes_their_answers_and_keeps_the_release(client, cast, answer, alices_reports):
    for report in alices_reports[:3]:
        answer(report, "2026-08-10", level=2)
    release = team_view_release(manager=cast.alice, cycle="2026-Q3", now=at("2026-10-02"))
    get_user_model().objects.filter(pk=cast.bob.user_id).update(is_active=False)
    client.force_login(cast.adam.user)
    client.post(reverse("person_erase", args=[cast.bob.pk]), {"confirm_email": "bob@acme.test"})
    assert Response.objects.count() == 2
    assert not Response.objects.filter(report__user__email="bob@acme.test").exists()
    assert TeamViewRelease.objects.get().figures == release.figures
