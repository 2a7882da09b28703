"""The general template tags and filters of the library layer (emassess/lib/templatetags)."""

import datetime

import pytest
from django.template import Context, Template


def render(source: str, **context) -> str:
    return Template("{% load emassess %}" + source).render(Context(context))


@pytest.mark.parametrize(
    ("change", "up_is_bad", "expected"),
    [
        (None, False, ""),
        (0, False, '<span class="text-muted small delta">no change</span>'),
        (
            5,
            False,
            '<span class="delta small fw-semibold text-success"><span aria-hidden="true">▲ +5</span>'
            '<span class="visually-hidden">up 5 since last time</span></span>',
        ),
        (
            5,
            True,
            '<span class="delta small fw-semibold text-danger"><span aria-hidden="true">▲ +5</span>'
            '<span class="visually-hidden">up 5 since last time</span></span>',
        ),
        (
            -25,
            True,
            '<span class="delta small fw-semibold text-success"><span aria-hidden="true">▼ -25</span>'
            '<span class="visually-hidden">down 25 since last time</span></span>',
        ),
    ],
)
def test_delta_shows_the_change_and_whether_it_is_good(change, up_is_bad, expected):
    assert render("{% delta change up_is_bad %}", change=change, up_is_bad=up_is_bad) == expected


@pytest.mark.parametrize(
    ("band", "expected"),
    [("low", "text-bg-success"), ("watch", "text-bg-warning"), ("high", "text-bg-danger"), ("", "text-bg-secondary")],
)
def test_band_class(band, expected):
    assert render("{{ band|band_class }}", band=band) == expected


def test_minutes_counts_whole_minutes():
    assert render("{{ duration|minutes }}", duration=datetime.timedelta(minutes=14, seconds=59)) == "14"
