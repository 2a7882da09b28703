"""Text in an export never turns into a formula, whichever separator a spreadsheet splits on."""

import re

import pytest

from emassess.dashboards.exports import _safe

SEPARATORS = ",;\t|\r\n"


@pytest.mark.parametrize(
    ("typed", "exported"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("Bob;=cmd|' /C calc'!A0", "Bob;'=cmd|' /C calc'!A0"),
        ("Bob\t+1+1", "Bob\t'+1+1"),
        ("Ann|@SUM(A1)", "Ann|'@SUM(A1)"),
        ("Zoe, -2+3", "Zoe, '-2+3"),
        ("line one\n=2*3", "line one\n'=2*3"),
        ("Data - ML", "Data - ML"),  # a dash inside a piece is no formula
        ("Platform Infrastructure", "Platform Infrastructure"),
    ],
)
def test_every_piece_that_could_start_a_cell_is_quoted(typed, exported):
    assert _safe(typed) == exported


@pytest.mark.parametrize("typed", ["Bob;=cmd|' /C calc'!A0", "=1;+2,-3\t@4|=5\r=6\n=7", "  =x"])
def test_no_separator_leaves_a_piece_starting_with_a_formula_character(typed):
    for piece in re.split(f"[{re.escape(SEPARATORS)}]", _safe(typed)):
        assert not piece.lstrip().startswith(("=", "+", "-", "@"))


def test_numbers_are_left_as_numbers():
    assert _safe(-5) == -5
