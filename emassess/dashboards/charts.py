"""Server-drawn SVG charts: geometry computed here, drawn by the templates (no script needed)."""

from __future__ import annotations

from dataclasses import dataclass

from emassess.dashboards.selectors import Named, TrendPoint

WIDTH, HEIGHT = 720, 220
LEFT, RIGHT, TOP, BOTTOM = 40, 16, 12, 28
SERIES_CLASSES = ("series-0", "series-1", "series-2", "series-3", "series-4", "series-5")


@dataclass(frozen=True)
class Series:
    name: str
    css_class: str
    segments: list[str]  # polyline "x,y x,y" strings, broken where a quarter is suppressed
    dots: list[tuple[float, float, int]]  # x, y, percent


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    series: list[Series]
    x_labels: list[tuple[float, str]]
    y_ticks: list[tuple[float, int]]


def _x(index: int, count: int) -> float:
    return LEFT + index * (WIDTH - LEFT - RIGHT) / max(count - 1, 1)


def _y(percent: float) -> float:
    return TOP + (100 - percent) * (HEIGHT - TOP - BOTTOM) / 100


def prevalence_trend(anti_patterns: list[Named], trends: list[TrendPoint]) -> LineChart:
    """One line per anti-pattern: the share of managers in watch or high, quarter by quarter."""
    count = len(trends)
    series = []
    for index, anti_pattern in enumerate(anti_patterns):
        segments: list[str] = []
        current: list[str] = []
        dots: list[tuple[float, float, int]] = []
        for position, point in enumerate(trends):
            value = point.flagged[index]
            if value.suppressed or value.percent is None:
                if len(current) > 1:
                    segments.append(" ".join(current))
                current = []
                continue
            x, y = round(_x(position, count), 1), round(_y(value.percent), 1)
            current.append(f"{x},{y}")
            dots.append((x, y, value.percent))
        if len(current) > 1:
            segments.append(" ".join(current))
        series.append(Series(anti_pattern.name, SERIES_CLASSES[index % len(SERIES_CLASSES)], segments, dots))
    return LineChart(
        width=WIDTH,
        height=HEIGHT,
        series=series,
        x_labels=[(round(_x(i, count), 1), point.quarter) for i, point in enumerate(trends)],
        y_ticks=[(round(_y(tick), 1), tick) for tick in (0, 25, 50, 75, 100)],
    )
