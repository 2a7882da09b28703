"""Server-drawn SVG charts: geometry computed here, drawn by the templates (no script needed)."""

from __future__ import annotations

from dataclasses import dataclass

from emassess.dashboards.selectors import Named, Share, TrendPoint

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
    series: list[Series]  # only those with two quarters or more to join: one point is no trend
    x_labels: list[tuple[float, str]]
    y_ticks: list[tuple[float, int]]
    quarters_shown: int  # quarters with figures, in the series that has the most


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
        series=[line for line in series if len(line.dots) > 1],
        x_labels=[(round(_x(i, count), 1), point.quarter) for i, point in enumerate(trends)],
        y_ticks=[(round(_y(tick), 1), tick) for tick in (0, 25, 50, 75, 100)],
        quarters_shown=max((len(line.dots) for line in series), default=0),
    )


# The heatmap's shades: one per HEAT_STEP points of the share in watch or high.
HEAT_STEP = 20
HEAT_LEVELS = 5


def heat_level(value: Share) -> int | None:
    """A heatmap cell's shade, 0 (lightest) to HEAT_LEVELS - 1, or None when it is withheld."""
    if value.suppressed or value.percent is None:
        return None
    return min(value.percent // HEAT_STEP, HEAT_LEVELS - 1)


def heat_legend() -> list[tuple[int, str]]:
    """Each shade with the shares it stands for: (0, "0 to 19%"), ..., (4, "80 to 100%")."""
    return [
        (level, f"{level * HEAT_STEP} to {100 if level == HEAT_LEVELS - 1 else (level + 1) * HEAT_STEP - 1}%")
        for level in range(HEAT_LEVELS)
    ]
