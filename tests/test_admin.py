"""The Django admin: every page opens, framework content is editable, and the admin guards its rules."""

import pytest
from django.contrib import admin
from django.urls import reverse

from emassess.framework import models as m


@pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda model: model._meta.label)
def test_every_admin_page_opens_for_a_superuser(client, cast, framework, model):
    client.force_login(cast.sue)
    info = model._meta.app_label, model._meta.model_name
    assert client.get(reverse("admin:{}_{}_changelist".format(*info))).status_code == 200
    add_page = client.get(reverse("admin:{}_{}_add".format(*info)))
    can_add = admin.site._registry[model].has_add_permission(add_page.wsgi_request)
    assert add_page.status_code == (200 if can_add else 403)
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
