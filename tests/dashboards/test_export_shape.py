"""The exports' shape, as a spreadsheet opens them: UTF-8 with a BOM, one row per group and quarter
with a column per measure, a withheld figure an empty cell flagged in the `withheld` column, and a
file name that says what it holds. What the overview export adds beside the page (every figure of
the teams shown and of earlier quarters) is exactly what those teams' and quarters' own exports say."""

import codecs
import csv
import io

from django.urls import reverse

from emassess.assessments.services import assessment_set_shared
from tests import factories
from tests.dashboards.reading import export_table

FIGURES = ["responses", "withheld"]


def figures_of(row: dict[str, str]) -> dict[str, str]:
    """The released figures of a row: responses, the flag and every measure's cells."""
    return {k: v for k, v in row.items() if k in FIGURES or k.endswith((" count", " %"))}


def test_the_file_is_utf8_with_a_bom_and_parses_as_one_table(hr, cast, managers_in, submit, release):
    team = factories.TeamFactory(organisation=cast.acme, name="Plateforme Ñandú")
    for manager in managers_in(team, 3, user__full_name="Tomás Ibáñez"):
        submit(manager, "2026-Q3")
    release()
    response = hr.get(reverse("team_export", args=[team.pk]), {"quarter": "2026-Q3"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="emassess-acme-team-plateforme-nandu-2026-Q3.csv"'
    assert response.content.startswith(codecs.BOM_UTF8)
    assert b"\r\n" in response.content  # the line ends Excel expects
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0][:6] == ["organisation", "team", "manager", "quarter", "responses", "withheld"]
    assert "Weekend Warrior (watch or high) count" in rows[0] and "Weekend Warrior (watch or high) %" in rows[0]
    assert "archetype: Delivery EM count" in rows[0] and "TLM role may suit %" in rows[0]
    assert {len(row) for row in rows} == {len(rows[0])}
    assert any(row[1] == "Plateforme Ñandú" for row in rows[1:])
    assert any(row[2] == "Tomás Ibáñez" for row in rows[1:])


def test_one_row_per_team_and_quarter_with_a_column_per_measure(hr, cast, managers_in, submit, release):
    for manager in managers_in(cast.alice.team, 4):
        submit(manager, "2026-Q2", behaviour={"weekend-warrior": 4})
        submit(manager, "2026-Q3", behaviour={"weekend-warrior": 4})
    release()
    table = export_table(hr.get(reverse("organisation_export"), {"quarter": "2026-Q3"}))
    organisation = [row for row in table if not row["team"]]
    assert [row["quarter"] for row in organisation] == [
        "2024-Q4", "2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3",
    ]  # fmt: skip
    q3 = organisation[-1]
    assert (q3["organisation"], q3["responses"], q3["withheld"]) == ("Acme", "4", "")
    assert (q3["Weekend Warrior (watch or high) count"], q3["Weekend Warrior (watch or high) %"]) == ("4", "100")
    assert (q3["cycle"], q3["managers expected"], q3["done"]) == ("2026-Q3", "6", "4")  # completion, live
    assert organisation[-2]["responses"] == "4" and organisation[-2]["cycle"] == ""
    assert organisation[0]["withheld"] == "not released" and organisation[0]["responses"] == "0"
    team_rows = {row["team"]: row for row in table if row["team"]}
    assert sorted(team_rows) == sorted(cast.acme.teams.values_list("name", flat=True))  # the heatmap's teams
    assert {row["quarter"] for row in team_rows.values()} == {"2026-Q3"}
    assert team_rows[cast.alice.team.name]["Weekend Warrior (watch or high) count"] == "4"
    assert all(not row["manager"] for row in table)  # the overview names nobody


def test_a_quarter_not_released_yet_is_flagged_and_empty(hr, cast, managers_in, submit, release):
    for manager in managers_in(cast.alice.team, 3):
        submit(manager, "2026-Q4", day=3)
    release()
    table = export_table(hr.get(reverse("organisation_export")))
    q4 = next(row for row in table if not row["team"] and row["quarter"] == "2026-Q4")
    assert q4["withheld"] == "not released" and q4["responses"] == "0"
    assert all(value == "" for key, value in q4.items() if key.endswith((" count", " %")))
    assert q4["done"] == "3"  # completion is live


def test_a_shared_result_makes_the_team_rows_withheld_in_every_column(hr, cast, managers_in, submit, release):
    big = factories.TeamFactory(organisation=cast.acme, name="Big")
    small = managers_in(cast.alice.team, 3)
    results = [submit(manager, "2026-Q3") for manager in small]
    for manager in managers_in(big, 6):
        submit(manager, "2026-Q3")
    release()
    assessment_set_shared(assessment=results[0], shared=True, by=small[0].user)
    table = export_table(hr.get(reverse("organisation_export"), {"quarter": "2026-Q3"}))
    for row in (row for row in table if row["team"]):
        assert row["withheld"] == "not enough responses", row["team"]
        assert [key for key, value in row.items() if key.endswith((" count", " %")) and value] == []


def test_the_overview_adds_nothing_the_teams_and_quarters_own_exports_do_not_say(
    hr, cast, managers_in, submit, release
):
    teams = [cast.alice.team, *(factories.TeamFactory(organisation=cast.acme, name=n) for n in ("Big", "Small"))]
    for team, size in zip(teams, (4, 5, 2), strict=True):
        for manager in managers_in(team, size):
            submit(manager, "2026-Q2")
            submit(manager, "2026-Q3", behaviour={"lgtm-machine": 4})
    release()
    overview = export_table(hr.get(reverse("organisation_export"), {"quarter": "2026-Q3"}))
    for row in (row for row in overview if row["team"]):
        team = cast.acme.teams.get(name=row["team"])
        own = export_table(hr.get(reverse("team_export", args=[team.pk]), {"quarter": "2026-Q3"}))
        same = next(r for r in own if not r["manager"] and r["quarter"] == "2026-Q3")
        assert figures_of(row) == figures_of(same), team.name
    q2 = next(row for row in overview if not row["team"] and row["quarter"] == "2026-Q2")
    own_q2 = export_table(hr.get(reverse("organisation_export"), {"quarter": "2026-Q2"}))
    assert figures_of(q2) == figures_of(next(r for r in own_q2 if not r["team"] and r["quarter"] == "2026-Q2"))


def test_a_team_named_with_no_letters_is_named_by_its_number(hr, cast):
    team = factories.TeamFactory(organisation=cast.acme, name="¿¡!?")
    response = hr.get(reverse("team_export", args=[team.pk]), {"quarter": "2026-Q3"})
    assert response["Content-Disposition"] == f'attachment; filename="emassess-acme-team-{team.pk}-2026-Q3.csv"'
