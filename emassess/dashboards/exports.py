"""CSV exports of the dashboards: what the page shows, with the same suppression, as one table that
Excel and LibreOffice open as it is.

- UTF-8 with a byte order mark (so Excel reads "Tomás" right), comma-separated, CRLF line ends.
- One row per group and quarter: the organisation (its `team` cell empty) and each team, with a
  column per measure (a count and a share in % each). The overview holds the organisation's trend
  quarters and the teams of the heatmap page shown; a team's export holds that team's quarters and
  then one row per manager (status, and bands where HR may see their result).
- A withheld figure is an empty cell, never a number, and the row's `withheld` column says why
  ("not enough responses", or "not released" for a quarter whose figures have not been released, such as the open one).
- Completion (live, for the cycle) is on the row of the quarter chosen, for the group the page is about.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable

from django.utils.text import slugify

from emassess.dashboards.selectors import NOT_ENOUGH_RESPONSES, Overview, QuarterFigures, TeamPage
from emassess.orgs.cycles import Cycle
from emassess.orgs.models import Organisation, Team

NOT_RELEASED = "not released"
BOM = "\ufeff"
COMPLETION = ["cycle", "managers expected", "done", "in progress", "not started", "overdue"]

# A spreadsheet runs a cell that starts with one of these as a formula. It may also split a cell
# on a semicolon, a tab or a pipe (whatever it takes the separator to be) or a line break, so
# every piece that would then start a cell is checked, not just the cell's own start.
FORMULA_START = re.compile(r"(^|[,;\t|\r\n])(\s*)([=+\-@])")


def _safe(value: object) -> object:
    """User-typed text (names, team names) with every would-be formula quoted, so it stays text."""
    if isinstance(value, str):
        return FORMULA_START.sub(r"\1\2'\3", value)
    return value


def measures(page: Overview | TeamPage) -> list[tuple[str, str]]:
    """(column label, released measure) of every figure, in the page's order."""
    a = page.aggregates
    return [
        *((f"archetype: {archetype.name}", f"archetype:{archetype.slug}") for archetype, _ in a.archetype_mix),
        ("TLM role may suit", "tlm_fit"),
        *(
            (f"{anti_pattern.name} (watch or high)", f"flagged:{anti_pattern.slug}")
            for anti_pattern in page.anti_patterns
        ),
        *((f"{anti_pattern.name} (high)", f"high:{anti_pattern.slug}") for anti_pattern in page.anti_patterns),
        ("team's view given", "team_view"),
        *(
            (f"{anti_pattern.name} (team sees watch or high)", f"team_flagged:{anti_pattern.slug}")
            for anti_pattern in page.anti_patterns
        ),
        *((f"{anti_pattern.name} (blind spot)", f"blind:{anti_pattern.slug}") for anti_pattern in page.anti_patterns),
    ]


def header(page: Overview | TeamPage) -> list[str]:
    figures = [f"{label} {unit}" for label, _ in measures(page) for unit in ("count", "%")]
    bands = [f"{anti_pattern.name} band" for anti_pattern in page.anti_patterns]
    return ["organisation", "team", "manager", "quarter", "responses", "withheld", *figures, *COMPLETION, "status",
            *bands]  # fmt: skip


def _withheld(figures: QuarterFigures) -> str:
    if figures.release is None:
        return NOT_RELEASED
    return NOT_ENOUGH_RESPONSES if figures.hidden else ""


def _group_row(page: Overview | TeamPage, organisation: Organisation, team: Team | None,
               figures: QuarterFigures, completion: bool) -> list[object]:  # fmt: skip
    row: list[object] = [organisation.name, team.name if team else "", "", figures.quarter, figures.responses,
                         _withheld(figures)]  # fmt: skip
    for _, measure in measures(page):
        share = figures.share(measure)
        row += ["", ""] if share.suppressed else [share.count, share.percent]
    c = page.completion
    row += [c.cycle.label, c.total, c.done, c.in_progress, c.not_started, c.overdue] if completion else [""] * 6
    return row + [""] * (1 + len(page.anti_patterns))


def _rows(page: Overview | TeamPage, organisation: Organisation) -> Iterable[list[object]]:
    team = page.team if isinstance(page, TeamPage) else None
    for quarter, figures in page.aggregates.by_quarter.items():
        yield _group_row(page, organisation, team, figures, completion=quarter == page.quarter.label)
    if isinstance(page, Overview):
        for heat in page.heatmap.rows:
            yield _group_row(page, organisation, heat.team, heat.figures, completion=False)
        return
    blank_figures = [""] * (2 + 2 * len(measures(page)) + len(COMPLETION))
    for manager in page.managers:
        bands = manager.bands if manager.latest is not None else [""] * len(page.anti_patterns)
        yield [organisation.name, page.team.name, manager.membership.user.get_full_name(), page.quarter.label,
               *blank_figures, manager.status, *bands]  # fmt: skip


def dashboard_csv(page: Overview | TeamPage, *, organisation: Organisation) -> str:
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer)  # the excel dialect: commas, quotes where needed, CRLF
    writer.writerow(header(page))
    for row in _rows(page, organisation):
        writer.writerow([_safe(value) for value in row])
    return buffer.getvalue()


def export_filename(*, organisation: Organisation, quarter: Cycle, team: Team | None = None) -> str:
    """What the file holds: emassess-acme-overview-2026-Q3.csv, emassess-acme-team-platform-2026-Q3.csv
    (a team whose name has no letter or digit to spell it with is named by its number)."""
    what = "overview" if team is None else f"team-{slugify(team.name) or team.pk}"
    return f"emassess-{slugify(organisation.slug)}-{what}-{quarter.label}.csv"
