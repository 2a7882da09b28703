"""Reading what HR sees, for the attack tests: exports as rows, and the flagged counts in them.

An export is one table (emassess.dashboards.exports): a row per group and quarter with a column per
measure, a withheld figure an empty cell with the row's `withheld` column saying why. The attack
tests reason about figures one by one, as (section, item, measure, value) rows; `as_long_rows`
reads the table into those, and checks on the way that every withheld row holds no number at all
and every shown one holds all of its numbers.
"""

import codecs
import csv
import io

from django.urls import reverse

FLAGGED = "anti-pattern prevalence (watch or high)"
WITHHELD = "not enough responses"
TLM_ITEM = "TLM role may suit (half or more statements)"
COMPLETION = ["managers expected", "done", "in progress", "not started", "overdue"]


def export_table(response) -> list[dict[str, str]]:
    """The export as parsed by the csv module: one dict per row, keyed by the header."""
    assert response.status_code == 200, response.status_code
    assert response.content.startswith(codecs.BOM_UTF8)  # so Excel reads it as UTF-8
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    header, body = rows[0], rows[1:]
    assert all(len(row) == len(header) for row in body), "every row has a cell for every column"
    return [dict(zip(header, row, strict=True)) for row in body]


def _measure_names(table) -> tuple[list[str], list[str]]:
    columns = list(table[0]) if table else []
    archetypes = [c.removeprefix("archetype: ").removesuffix(" count") for c in columns
                  if c.startswith("archetype: ") and c.endswith(" count")]  # fmt: skip
    anti_patterns = [c.removesuffix(" (watch or high) count") for c in columns if c.endswith(" (watch or high) count")]
    return archetypes, anti_patterns


def _share(section: str, item: str, row: dict[str, str], label: str) -> list[list[str]]:
    count, percent = row[f"{label} count"], row[f"{label} %"]
    if row["withheld"]:
        assert (count, percent) == ("", ""), (row["team"], row["quarter"], label, "a withheld figure holds no number")
        return [[section, item, "share %", WITHHELD]]
    assert count != "", (row["team"], row["quarter"], label, "a shown figure holds its count")
    return [[section, item, "count", count], [section, item, "share %", percent]]


def as_long_rows(table: list[dict[str, str]]) -> list[list[str]]:
    """The figures of an export, one per row: completion, the chosen quarter's results, the
    heatmap (the overview's team rows), the trend (every quarter of the group) and the managers."""
    archetypes, anti_patterns = _measure_names(table)
    groups = [row for row in table if not row["manager"]]
    overview = any(not row["team"] for row in groups)
    main = [row for row in groups if not row["team"]] if overview else groups
    teams = [row for row in groups if row["team"]] if overview else []
    chosen = next(row for row in main if row["cycle"])
    out = [["completion", chosen["cycle"], measure, chosen[measure]] for measure in COMPLETION]
    quarter = chosen["quarter"]
    out.append(["results", quarter, "responses", chosen["responses"]])
    for name in archetypes:
        out += _share("archetype mix", name, chosen, f"archetype: {name}")
    out += _share("tlm fit", TLM_ITEM, chosen, "TLM role may suit")
    for name in anti_patterns:
        out += _share(FLAGGED, name, chosen, f"{name} (watch or high)")
    for name in anti_patterns:
        out += _share("anti-pattern prevalence (high)", name, chosen, f"{name} (high)")
    for row in teams:
        assert row["quarter"] == quarter
        for name in anti_patterns:
            out += _share("heatmap (watch or high)", f"{row['team']} / {name}", row, f"{name} (watch or high)")
    for row in main:
        out.append(["trend", row["quarter"], "responses", row["responses"]])
        out += _share("trend", f"{row['quarter']} TLM fit", row, "TLM role may suit")
        for name in anti_patterns:
            out += _share("trend", f"{row['quarter']} {name} (watch or high)", row, f"{name} (watch or high)")
    for row in table:
        if row["manager"]:
            out.append(["managers", row["manager"], "status", row["status"]])
            bands = [row[f"{name} band"] for name in anti_patterns]
            if any(bands):
                out += [
                    ["managers", row["manager"], name, band] for name, band in zip(anti_patterns, bands, strict=True)
                ]
    return out


def csv_rows(response) -> list[list[str]]:
    return as_long_rows(export_table(response))


def export_rows(client, quarter, team=None, **params):
    url = reverse("team_export", args=[team.pk]) if team else reverse("organisation_export")
    return csv_rows(client.get(url, {"quarter": quarter, **params}))


def shown(f) -> bool:
    return any(v is not None for k, v in f.items() if k[0] == FLAGGED)


def flagged_of(diff) -> dict[str, int]:
    return {item: v for (section, item), v in diff.items() if section == FLAGGED}


def figs(client, quarter, team=None, **params) -> dict[tuple[str, str], int | None]:
    """Result figures of an export as {(section, item): count} (None when withheld); plus
    ("results", "responses")."""
    out: dict[tuple[str, str], int | None] = {}
    for section, item, measure, value in export_rows(client, quarter, team, **params):
        if section in ("completion", "managers", "trend", "heatmap (watch or high)"):
            continue
        if section == "results":
            out[("results", "responses")] = int(value)
        elif measure == "count":
            out[(section, item)] = int(value)
        elif value == WITHHELD:
            out[(section, item)] = None
    return out


def minus(a, *others):
    """a - sum(others), measure by measure, where all are shown."""
    out = {}
    for key, value in a.items():
        if value is None or any(o.get(key) is None for o in others):
            continue
        out[key] = value - sum(o[key] for o in others)
    return out


def team_bands(client, quarter, team) -> dict[str, dict[str, str]]:
    """What the team export's managers rows say: {manager name: {anti-pattern name: band}}."""
    bands: dict[str, dict[str, str]] = {}
    for section, item, measure, value in export_rows(client, quarter, team):
        if section == "managers" and measure != "status":
            bands.setdefault(item, {})[measure] = value
    return bands
