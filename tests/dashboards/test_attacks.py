"""Attacks on anonymity, each performed through the pages and exports HR and org admins have, and
each failing: no sequence of pages, exports, quarter choices and edits reveals the results of fewer
people than the organisation's threshold (3 here).

Those under "Found from outside" are the attacks an outside-in test found; the others are ours.
"""

import datetime

import pytest
from django.urls import reverse

from emassess.assessments.services import AlreadyDone, assessment_set_shared
from tests import factories
from tests.dashboards.reading import csv_rows


def figures(response) -> list[list[str]]:
    """The export's result figures: every one but completion and who is done, live by design."""
    return [row for row in csv_rows(response) if row[0] not in ("completion", "managers")]


def export(client, quarter: str, team=None) -> list[list[str]]:
    url = reverse("team_export", args=[team.pk]) if team else reverse("organisation_export")
    return figures(client.get(url, {"quarter": quarter}))


def page(client, quarter: str, team=None) -> str:
    url = reverse("team_dashboard", args=[team.pk]) if team else reverse("organisation_home")
    return client.get(url, {"quarter": quarter}).content.decode()


def a_week_into(quarter_start: datetime.date, days: int) -> datetime.date:
    return quarter_start + datetime.timedelta(days=days)


# --- Found from outside ------------------------------------------------------------------------


def test_before_and_after_one_manager_submits_the_export_is_the_same(hr, cast, managers_in, submit, release):
    """Save the export, wait until the team page shows Marco as done, export again, subtract."""
    others = managers_in(cast.alice.team, 8)
    for manager in others:
        submit(manager, "2026-Q4", day=5, behaviour={"weekend-warrior": 4})
    release()
    before = export(hr, "2026-Q4")
    marco = factories.ManagerFactory(organisation=cast.acme, team=cast.alice.team, user__full_name="Marco Bianchi")
    submit(marco, "2026-Q4", day=40, behaviour={"weekend-warrior": 0}, tlm_statements=0)
    release()
    team_page = page(hr, "2026-Q4", cast.alice.team)
    assert "Marco Bianchi" in team_page  # HR follows up: completion is live...
    after = export(hr, "2026-Q4")
    assert after == before  # ...the figures are not: nothing to subtract
    assert ["results", "2026-Q4", "responses", "0"] in after  # the quarter is still open: not released


def test_moving_the_other_responders_into_one_team_isolates_nobody(client, cast, managers_in, submit, release):
    """An org admin moves the other six responders of a quarter into one team, then subtracts that
    team's export from the overview's, hoping to be left with Rosa."""
    rosa_team = factories.TeamFactory(organisation=cast.acme, name="Rosa's")
    others_team = factories.TeamFactory(organisation=cast.acme, name="Elsewhere")
    (rosa,) = managers_in(rosa_team, 1)
    submit(rosa, "2026-Q3", behaviour={"bottleneck-manager": 4})
    others = [*managers_in(cast.alice.team, 3), *managers_in(others_team, 3)]
    for manager in others:
        submit(manager, "2026-Q3", behaviour={"bottleneck-manager": 0})
    release()
    client.force_login(cast.adam.user)
    for manager in others:
        edit = {"full_name": manager.user.full_name,
                "role": "manager", "team": others_team.pk, "manager_role": manager.manager_role,
                "manager_role_started_on": manager.manager_role_started_on.isoformat()}  # fmt: skip
        assert client.post(reverse("person_edit", args=[manager.pk]), edit).status_code == 302
    organisation = export(client, "2026-Q3")
    team = export(client, "2026-Q3", others_team)
    # The move changed nothing: results count in the team each manager was in when they answered,
    # so "Elsewhere" still holds its own three, not six...
    assert ["results", "2026-Q3", "responses", "3"] in team
    heat = {row[1]: row[3] for row in organisation if row[0] == "heatmap (watch or high)" and row[2] == "share %"}
    # ...and Rosa alone is withheld, with the smallest team beside her, so that no difference of
    # what is shown comes down to fewer than three people.
    assert heat["Rosa's / Bottleneck Manager"] == "not enough responses"
    assert sum(value == "not enough responses" for key, value in heat.items() if "Bottleneck" in key) >= 2
    assert team == export(client, "2026-Q3", others_team)  # and asking again changes nothing


def test_a_shared_result_compares_only_with_other_shared_results(client, cast, submit):
    """Emma shares her 2026-Q3 result only: HR must not learn her 2026-Q2 one from the changes."""
    q2 = submit(cast.alice, "2026-Q2", behaviour={"weekend-warrior": 4})
    q3 = submit(cast.alice, "2026-Q3", behaviour={"weekend-warrior": 0})
    assessment_set_shared(assessment=q3, shared=True, by=cast.alice.user)
    client.force_login(cast.hana.user)
    hr_view = client.get(reverse("shared_result", args=[q3.public_id])).content.decode()
    assert "2026-Q2" not in hr_view and "since last time" not in hr_view
    client.force_login(cast.alice.user)  # Emma herself still sees the change
    assert "2026-Q2" in client.get(reverse("assessment_result", args=[q3.public_id])).content.decode()

    assessment_set_shared(assessment=q2, shared=True, by=cast.alice.user)  # once both are shared
    client.force_login(cast.hana.user)
    assert "2026-Q2" in client.get(reverse("shared_result", args=[q3.public_id])).content.decode()


# --- Ours ---------------------------------------------------------------------------------------


def test_a_team_less_its_shared_results_would_be_too_small_and_is_withheld(hr, cast, managers_in, submit, release):
    """A team of three where one manager shared: HR knows that one, so the other two are exposed."""
    big_team = factories.TeamFactory(organisation=cast.acme, name="Big")
    small = managers_in(cast.alice.team, 3)
    results = [submit(manager, "2026-Q3", behaviour={"lgtm-machine": 4}) for manager in small]
    for manager in managers_in(big_team, 6):
        submit(manager, "2026-Q3")
    release()
    shown = {row[1]: row[3] for row in export(hr, "2026-Q3") if row[0] == "heatmap (watch or high)"}
    assert shown[f"{cast.alice.team.name} / LGTM Machine"] != "not enough responses"

    assessment_set_shared(assessment=results[0], shared=True, by=small[0].user)
    shown = {row[1]: row[3] for row in export(hr, "2026-Q3") if row[0] == "heatmap (watch or high)"}
    assert shown[f"{cast.alice.team.name} / LGTM Machine"] == "not enough responses"
    assert shown["Big / LGTM Machine"] == "not enough responses"  # else the organisation less Big shows them
    release()  # the periodic task stores the same conclusion
    assert {row[1]: row[3] for row in export(hr, "2026-Q3") if row[0] == "heatmap (watch or high)"} == shown


def test_deactivating_or_moving_a_responder_after_the_release_changes_no_figure(
    client, cast, managers_in, submit, release
):
    elsewhere = factories.TeamFactory(organisation=cast.acme, name="Elsewhere")
    managers = managers_in(cast.alice.team, 4)
    for manager in managers:
        submit(manager, "2026-Q3")
    release()
    client.force_login(cast.adam.user)
    before = (
        export(client, "2026-Q3"),
        export(client, "2026-Q3", cast.alice.team),
        export(client, "2026-Q3", elsewhere),
    )
    client.post(reverse("person_deactivate", args=[managers[0].pk]))
    moved = managers[1]
    edit = {"full_name": moved.user.full_name,
            "role": "manager", "team": elsewhere.pk, "manager_role": moved.manager_role,
            "manager_role_started_on": moved.manager_role_started_on.isoformat()}  # fmt: skip
    assert client.post(reverse("person_edit", args=[moved.pk]), edit).status_code == 302
    after = (
        export(client, "2026-Q3"),
        export(client, "2026-Q3", cast.alice.team),
        export(client, "2026-Q3", elsewhere),
    )
    assert after == before


def test_the_quarter_picker_shows_no_quarter_before_its_release(hr, cast, managers_in, submit, release):
    for manager in managers_in(cast.alice.team, 3):
        submit(manager, "2026-Q3")
        submit(manager, "2026-Q4", day=3)
    release()
    overview = page(hr, "2026-Q4")
    assert "Result figures for 2026-Q4 appear when the quarter closes" in overview
    trend = [row for row in export(hr, "2026-Q4") if row[0] == "trend"]
    assert ["trend", "2026-Q4", "responses", "0"] in trend  # the open quarter is in no trend either
    assert ["trend", "2026-Q3", "responses", "3"] in trend


def test_the_page_and_the_export_withhold_the_same_figures(hr, cast, managers_in, submit, release):
    small_team = factories.TeamFactory(organisation=cast.acme, name="Small")
    for manager in managers_in(cast.alice.team, 3):
        submit(manager, "2026-Q3")
    for manager in managers_in(small_team, 2):
        submit(manager, "2026-Q3")
    release()
    shown_on_page = page(hr, "2026-Q3").count("not enough responses")
    withheld_in_export = sum(row[3] == "not enough responses" for row in export(hr, "2026-Q3"))
    assert shown_on_page > 0
    heatmap_cells_withheld = sum(
        row[3] == "not enough responses"
        for row in export(hr, "2026-Q3")
        if row[0] == "heatmap (watch or high)" and row[1].startswith(("Small", cast.alice.team.name))
    )
    assert heatmap_cells_withheld == 10  # five traps, both teams: Small has 2, and the other would give it away
    assert withheld_in_export >= heatmap_cells_withheld


def test_another_organisation_never_sees_these_figures(client, cast, managers_in, submit, release):
    for manager in managers_in(cast.alice.team, 3):
        submit(manager, "2026-Q3")
    release()
    client.force_login(cast.gina.user)
    assert ["results", "2026-Q3", "responses", "0"] in export(client, "2026-Q3")
    assert client.get(reverse("team_export", args=[cast.alice.team.pk])).status_code == 404


def test_answering_again_after_the_release_changes_no_figure(hr, cast, managers_in, submit, release):
    managers = managers_in(cast.alice.team, 4)
    for manager in managers:
        submit(manager, "2026-Q3", day=5, behaviour={"weekend-warrior": 4})
    release()
    before = export(hr, "2026-Q3")
    with pytest.raises(AlreadyDone):  # a late second answer: one result per cycle
        submit(managers[0], "2026-Q3", day=80, behaviour={"weekend-warrior": 0})
    release()
    assert export(hr, "2026-Q3") == before
