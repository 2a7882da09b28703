"""The trend chart's geometry and the heatmap's shades: pure functions of the figures."""

import pytest

from emassess.dashboards.charts import HEAT_LEVELS, heat_legend, heat_level, prevalence_trend
from emassess.dashboards.selectors import Named, Share, TrendPoint

WITHHELD = Share(0, 0, True)
ANTI_PATTERNS = [Named("bottleneck-manager", "Bottleneck Manager"), Named("lgtm-machine", "LGTM Machine")]


def point(quarter: str, *flagged: Share) -> TrendPoint:
    return TrendPoint(quarter=quarter, responses=5, tlm_fit=Share(1, 5, False), flagged=list(flagged))


def test_a_series_is_drawn_through_the_quarters_that_have_figures():
    trends = [point("2026-Q1", Share(1, 5, False), Share(2, 5, False)), point("2026-Q2", Share(3, 5, False), WITHHELD),
              point("2026-Q3", Share(2, 4, False), Share(1, 4, False))]  # fmt: skip
    chart = prevalence_trend(ANTI_PATTERNS, trends)
    bottleneck, lgtm = chart.series
    assert [percent for _, _, percent in bottleneck.dots] == [20, 60, 50]
    assert len(bottleneck.segments) == 1 and len(bottleneck.segments[0].split()) == 3
    # The withheld quarter breaks the line: two dots, no segment joins them across the gap.
    assert [percent for _, _, percent in lgtm.dots] == [40, 25] and lgtm.segments == []
    assert chart.quarters_shown == 3


def test_one_quarter_with_figures_is_no_trend_and_draws_nothing():
    trends = [point("2026-Q1", WITHHELD, WITHHELD), point("2026-Q2", WITHHELD, WITHHELD),
              point("2026-Q3", Share(2, 4, False), Share(1, 4, False))]  # fmt: skip
    chart = prevalence_trend(ANTI_PATTERNS, trends)
    assert chart.series == []  # not a lone dot per anti-pattern
    assert chart.quarters_shown == 1
    assert [label for _, label in chart.x_labels] == ["2026-Q1", "2026-Q2", "2026-Q3"]


def test_no_figures_at_all_draw_nothing():
    chart = prevalence_trend(ANTI_PATTERNS, [point("2026-Q3", WITHHELD, WITHHELD)])
    assert chart.series == [] and chart.quarters_shown == 0


def test_only_the_series_with_two_quarters_or_more_are_drawn():
    trends = [point("2026-Q2", Share(1, 5, False), WITHHELD), point("2026-Q3", Share(2, 5, False), Share(1, 5, False))]
    assert [series.name for series in prevalence_trend(ANTI_PATTERNS, trends).series] == ["Bottleneck Manager"]


@pytest.mark.parametrize(
    ("count", "total", "level"),
    [(0, 5, 0), (19, 100, 0), (1, 5, 1), (39, 100, 1), (2, 5, 2), (3, 5, 3), (79, 100, 3), (4, 5, 4), (5, 5, 4)],
)
def test_each_twenty_points_of_share_is_a_shade(count, total, level):
    assert heat_level(Share(count, total, False)) == level


def test_a_withheld_cell_has_no_shade():
    assert heat_level(WITHHELD) is None


def test_the_key_names_each_shade_by_the_shares_it_stands_for():
    assert heat_legend() == [(0, "0 to 19%"), (1, "20 to 39%"), (2, "40 to 59%"), (3, "60 to 79%"), (4, "80 to 100%")]
    assert len(heat_legend()) == HEAT_LEVELS
