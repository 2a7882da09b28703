"""The Django admin: every page opens, framework content is editable, and the admin guards its rules."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from emassess.framework import models as m

# What a superuser gets from each model's "add" page: 403 where rows are only ever made by the app
# itself (django-axes's records of logins, and assessments, which managers make by answering).
ADD_PAGE = {
    "accounts.User": 200,
    "assessments.Assessment": 403,
    "assessments.Questionnaire": 200,
    "assessments.QuestionnaireVersion": 200,
    "auth.Group": 200,
    "axes.AccessAttempt": 403,
    "axes.AccessFailureLog": 403,
    "axes.AccessLog": 403,
    "feedback.SurveyVersion": 403,  # published by load_feedback_survey; responses are not in the admin at all
    "django_celery_beat.ClockedSchedule": 200,
    "django_celery_beat.CrontabSchedule": 200,
    "django_celery_beat.IntervalSchedule": 200,
    "django_celery_beat.PeriodicTask": 200,
    "django_celery_beat.SolarSchedule": 200,
    "framework.AntiPattern": 200,
    "framework.Archetype": 200,
    "framework.FocusArea": 200,
    "framework.FrameworkText": 200,
    "framework.Practice": 200,
    "framework.ReflectionQuestion": 200,
    "framework.Source": 200,
    "framework.StepBackQuestion": 200,
    "framework.TlmChecklistItem": 200,
    "orgs.Membership": 200,
    "orgs.Organisation": 200,
    "orgs.Team": 200,
}


def test_every_model_in_the_admin_has_its_add_page_written_down():
    assert sorted(model._meta.label for model in admin.site._registry) == sorted(ADD_PAGE)


@pytest.mark.parametrize("label", sorted(ADD_PAGE))
def test_every_admin_page_opens_for_a_superuser(client, cast, framework, label):
    client.force_login(cast.sue)
    model = apps.get_model(label)
    info = model._meta.app_label, model._meta.model_name
    assert client.get(reverse("admin:{}_{}_changelist".format(*info))).status_code == 200
    assert client.get(reverse("admin:{}_{}_add".format(*info))).status_code == ADD_PAGE[label]
    first = model._default_manager.first()
    if first is not None:
        assert client.get(reverse("admin:{}_{}_change".format(*info), args=[first.pk])).status_code == 200


def _archetype_form(archetype: m.Archetype, percents: dict[str, int]) -> dict[str, str]:
    focus = list(archetype.focus.select_related("area"))
    data = {
        "slug": archetype.slug,
        "name": archetype.name,
        "kind": archetype.kind,
        "summary": archetype.summary,
        "description": archetype.description,
        "watch_out": archetype.watch_out,
        "source": str(archetype.source_id),
        "order": str(archetype.order),
        "focus-TOTAL_FORMS": str(len(focus)),
        "focus-INITIAL_FORMS": str(len(focus)),
        "focus-MIN_NUM_FORMS": "0",
        "focus-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(focus):
        data[f"focus-{index}-id"] = str(row.pk)
        data[f"focus-{index}-archetype"] = str(archetype.pk)
        data[f"focus-{index}-area"] = str(row.area_id)
        data[f"focus-{index}-percent"] = str(percents.get(row.area.slug, row.percent))
    return data


def test_a_focus_profile_that_does_not_add_up_to_100_is_refused(client, cast, framework):
    client.force_login(cast.sue)
    archetype = m.Archetype.objects.get(slug="tlm")
    before = archetype.focus_profile()
    url = reverse("admin:framework_archetype_change", args=[archetype.pk])

    response = client.post(url, _archetype_form(archetype, {"hands_on_coding": before["hands_on_coding"] + 10}))
    assert response.status_code == 200
    assert "must add up to 100%" in response.content.decode()
    assert archetype.focus_profile() == before

    moved = {"hands_on_coding": before["hands_on_coding"] + 5, "product": before["product"] - 5}
    response = client.post(url, _archetype_form(archetype, moved))
    assert response.status_code == 302
    assert archetype.focus_profile()["hands_on_coding"] == before["hands_on_coding"] + 5
