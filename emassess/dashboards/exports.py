"""CSV exports of the dashboards: exactly what the page shows, with the same suppression."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable

from emassess.dashboards.selectors import NOT_ENOUGH_RESPONSES, Overview, Share, TeamPage

HEADER = ["section", "item", "measure", "value"]


# A spreadsheet runs a cell that starts with one of these as a formula. It may also split a cell
# on a semicolon, a tab or a pipe (whatever it takes the separator to be) or a line break, so
# every piece that would then start a cell is checked, not just the cell's own start.
FORMULA_START = re.compile(r"(^|[,;\t|\r\n])(\s*)([=+\-@])")


def _safe(value: object) -> object:
    """User-typed text (names, team names) with every would-be formula quoted, so it stays text."""
    if isinstance(value, str):
        return FORMULA_START.sub(r"\1\2'\3", value)
    return value


def _share_rows(section: str, item: str, value: Share) -> list[list[object]]:
    if value.suppressed:
        return [[section, item, "share %", NOT_ENOUGH_RESPONSES]]
    return [[section, item, "count", value.count], [section, item, "share %", value.percent]]


def _rows(page: Overview | TeamPage) -> Iterable[list[object]]:
    c = page.completion
    yield ["completion", c.cycle.label, "managers expected", c.total]
    for status, count in (("done", c.done), ("in progress", c.in_progress), ("not started", c.not_started),
                          ("overdue", c.overdue)):  # fmt: skip
        yield ["completion", c.cycle.label, status, count]
    a = page.aggregates
    yield ["results", page.quarter.label, "responses", a.responses]
    for archetype, value in a.archetype_mix:
        yield from _share_rows("archetype mix", archetype.name, value)
    yield from _share_rows("tlm fit", "TLM role may suit (half or more statements)", a.tlm_fit)
    for anti_pattern, value in a.flagged:
        yield from _share_rows("anti-pattern prevalence (watch or high)", anti_pattern.name, value)
    for anti_pattern, value in a.high:
        yield from _share_rows("anti-pattern prevalence (high)", anti_pattern.name, value)
    heatmap = page.heatmap.rows if isinstance(page, Overview) else []
    for row in heatmap:
        for anti_pattern, value in zip(page.anti_patterns, row.cells, strict=True):
            yield from _share_rows("heatmap (watch or high)", f"{row.team.name} / {anti_pattern.name}", value)
    for point in a.trends:
        yield ["trend", point.quarter, "responses", point.responses]
        yield from _share_rows("trend", f"{point.quarter} TLM fit", point.tlm_fit)
        for anti_pattern, value in zip(page.anti_patterns, point.flagged, strict=True):
            yield from _share_rows("trend", f"{point.quarter} {anti_pattern.name} (watch or high)", value)
    for manager in getattr(page, "managers", []):
        yield ["managers", manager.membership.user.get_full_name(), "status", manager.status]
        if manager.latest is not None:
            for anti_pattern, band in zip(page.anti_patterns, manager.bands, strict=True):
                yield ["managers", manager.membership.user.get_full_name(), anti_pattern.name, band]


def dashboard_csv(page: Overview | TeamPage) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    for row in _rows(page):
        writer.writerow([_safe(value) for value in row])
    return buffer.getvalue()
