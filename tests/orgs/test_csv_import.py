"""The CSV reader and its checks, as pure functions: no database, no HTTP."""

from __future__ import annotations

import datetime

import pytest

from emassess.orgs import csv_import
from emassess.orgs.csv_import import CsvFileError, ImportContext

HEADER = "email,name,team,role,role_start_date\n"
CONTEXT = ImportContext(
    member_emails=frozenset({"alice@acme.test"}),
    invited_emails=frozenset({"nina@acme.test"}),
    operator_emails=frozenset({"sue@emassess.test"}),
    teams={"platform": "Platform", "payments": "Payments"},
    today=datetime.date(2026, 11, 21),
)


def parse(body: str, header: str = HEADER) -> csv_import.ImportResult:
    return csv_import.parse(header + body, context=CONTEXT)


def errors_of(row: csv_import.ImportRow) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for error in row.errors:
        found.setdefault(error.column, []).append(error.message)
    return found


def test_a_correct_file_gives_one_row_per_person():
    result = parse(
        "ada@example.com,Ada Lovelace,platform,manager-tlm,2025-03-01\n"
        "Grace@Example.com , Grace Hopper ,Platform,report,\n"
        "hal@example.com,Hal,New Team,hr,\n"
        "ida@example.com,Ida,new team,ORG_ADMIN,\n"
        "joe@example.com,Joe,,manager-em,2026-11-21\n"
    )
    assert result.ok
    ada, grace, hal, ida, joe = result.rows
    assert (ada.line, ada.email, ada.name, ada.team, ada.team_is_new) == (
        2,
        "ada@example.com",
        "Ada Lovelace",
        "Platform",
        False,
    )
    assert (ada.role, ada.manager_role, ada.role_started_on) == ("manager", "tlm", datetime.date(2025, 3, 1))
    assert (grace.email, grace.name, grace.role, grace.manager_role) == (
        "grace@example.com",
        "Grace Hopper",
        "report",
        "",
    )
    assert (hal.team, hal.team_is_new, ida.team, ida.team_is_new) == ("New Team", True, "New Team", True)
    assert ida.role == "org_admin"
    assert (joe.team, joe.role, joe.manager_role) == ("", "manager", "em")
    assert result.new_teams == ["New Team"]


@pytest.mark.parametrize(
    ("line", "column", "message"),
    [
        ("not-an-email,X,,report,", "email", "“not-an-email” is not a valid email address."),
        (",X,,report,", "email", "The email address is missing."),
        ("alice@ACME.test,Alice,,report,", "email", "already a member of the organisation"),
        ("nina@acme.test,Nina,,report,", "email", "already has an open invitation"),
        ("Sue@emassess.test,Sue,,hr,", "email", "belongs to an emassess operator account"),
        ("x@example.com,,,report,", "name", "The name is missing."),
        (f"x@example.com,{'n' * 151},,report,", "name", "longer than 150 characters"),
        (f"x@example.com,X,{'t' * 121},report,", "team", "longer than 120 characters"),
        (
            "x@example.com,X,,boss,",
            "role",
            "“boss” is not a role: use one of manager-em, manager-tlm, report, hr, org_admin.",
        ),
        ("x@example.com,X,,,", "role", "The role is missing"),
        ("x@example.com,X,,manager-em,", "role_start_date", "Managers need the date their EM or TLM role started."),
        (
            "x@example.com,X,,manager-em,01/03/2025",
            "role_start_date",
            "“01/03/2025” is not a date: write it as YYYY-MM-DD",
        ),
        ("x@example.com,X,,manager-em,2025-02-30", "role_start_date", "is not a date"),
        ("x@example.com,X,,manager-em,20250301", "role_start_date", "is not a date"),
        ("x@example.com,X,,manager-em,2026-11-22", "role_start_date", "The role start date is in the future."),
        ("x@example.com,X,,report,2025-03-01", "role_start_date", "Only managers have a role start date"),
        ("x@example.com,X,,report,,extra", "", "This row has 6 cells instead of 5"),
        ("x@example.com,X,,report", "", "fewer than 5 cells"),
    ],
)
def test_each_kind_of_wrong_row_is_named(line, column, message):
    result = parse(line + "\n")
    assert not result.ok
    (row,) = result.rows
    assert any(message in text for text in errors_of(row)[column]), row.errors


def test_a_row_reports_all_of_its_problems_at_once():
    (row,) = parse("bad,,,boss,yesterday\n").rows
    assert set(errors_of(row)) == {"email", "name", "role", "role_start_date"}


def test_every_row_is_checked_and_only_wrong_rows_carry_errors():
    result = parse("a@example.com,A,,report,\nb@example.com,B,,boss,\nc@example.com,C,,hr,\n")
    assert [row.ok for row in result.rows] == [True, False, True]
    assert (result.rows_with_errors, result.error_count) == (1, 1)
    assert not result.ok


def test_a_duplicate_email_names_the_line_it_repeats():
    result = parse("a@example.com,A,,report,\nb@example.com,B,,report,\nA@Example.com,A again,,report,\n")
    first, _, again = result.rows
    assert first.ok
    assert errors_of(again) == {"email": ["This email address is already on line 2 of the file."]}


def test_blank_lines_are_skipped_and_line_numbers_stay_those_of_the_file():
    result = parse("\na@example.com,A,,report,\n,,,,\n\nb@example.com,B,,report,\n\n")
    assert [row.line for row in result.rows] == [3, 6]


def test_quoted_values_may_contain_commas():
    (row,) = parse('a@example.com,"Lovelace, Ada","Platform, core",report,\n').rows
    assert row.ok
    assert (row.name, row.team, row.team_is_new) == ("Lovelace, Ada", "Platform, core", True)


def test_header_is_matched_whatever_its_case_and_spaces():
    result = parse("a@example.com,A,,report,\n", header=" Email , NAME,team,Role,role_start_date\r\n")
    assert result.ok


def test_new_teams_spelt_two_ways_become_one():
    result = parse("a@example.com,A,Data,report,\nb@example.com,B,DATA,report,\n")
    assert [row.team for row in result.rows] == ["Data", "Data"]
    assert result.new_teams == ["Data"]


# --- The file as a whole ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "The file is empty."),
        ("  \n\n", "The file is empty."),
        (HEADER, "has a header (line 1) but no people under it"),
        (HEADER + "\n\n", "but no people under it"),
        ("email,name,team,role\na@example.com,A,,report\n", "missing role_start_date"),
        ("name,email,team,role,role_start_date\n", "the columns are in a different order"),
        ("email,name,team,role,role_start_date,age\n", "unexpected age"),
        ("email;name;team;role;role_start_date\n", "separated by semicolons"),
        (HEADER + 'a@example.com,"Ada,,report,\n', "cannot be read as CSV"),
    ],
)
def test_a_file_that_cannot_be_read_says_why(text, message):
    with pytest.raises(CsvFileError) as error:
        csv_import.parse(text, context=CONTEXT)
    assert message in str(error.value)


def test_a_wrong_header_shows_the_expected_one():
    with pytest.raises(CsvFileError) as error:
        csv_import.read_rows("mail,name\n")
    assert "The first line must be exactly: email,name,team,role,role_start_date" in str(error.value)
    assert "found: mail,name" in str(error.value)


def test_up_to_2000_people_are_read_and_more_are_refused():
    rows = "".join(f"p{i}@example.com,P {i},,report,\n" for i in range(csv_import.MAX_ROWS))
    assert len(csv_import.read_rows(HEADER + rows + "\n\n")) == 2000
    with pytest.raises(CsvFileError) as error:
        csv_import.read_rows(HEADER + rows + "one@more.com,One more,,report,\n")
    assert "more than 2,000 people" in str(error.value)


def test_uploads_over_1_mb_are_refused():
    big = (HEADER + "a@example.com," + "n" * csv_import.MAX_BYTES + ",,report,\n").encode()
    with pytest.raises(CsvFileError, match="larger than 1 MB"):
        csv_import.decode_upload(big)
    with pytest.raises(CsvFileError, match="larger than 1 MB"):
        csv_import.read_rows(big.decode())


@pytest.mark.parametrize(
    "data",
    [
        b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\xb4\xe2\xff",  # the start of an .xlsx (a zip)
        "email,name\nanné".encode("latin-1"),
    ],
)
def test_a_file_that_is_not_utf8_text_is_refused(data):
    with pytest.raises(CsvFileError, match="not a CSV text file"):
        csv_import.decode_upload(data)


def test_binary_data_that_happens_to_be_utf8_is_refused():
    with pytest.raises(CsvFileError, match="binary data"):
        csv_import.decode_upload(b"email,name\x00\x00\x00")


def test_a_byte_order_mark_is_dropped():
    text = csv_import.decode_upload(("\ufeff" + HEADER + "a@example.com,A,,report,\n").encode("utf-8"))
    assert csv_import.parse(text, context=CONTEXT).ok
