"""Reading a CSV of people to invite: pure functions over text, no database, no HTTP.

The import page reads the file twice, once for the preview and again on confirm (from the text
the preview carried), so both go through the same checks here. What the database knows (who is
already a member or invited, which teams exist) comes in as an `ImportContext`.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from emassess.orgs.selectors import not_invitable_reason, team_archived_message

HEADER = ("email", "name", "team", "role", "role_start_date", "reports_to")
# Files written before the reports_to column (the first five columns) are still read.
SHORT_HEADER = HEADER[:5]
MAX_MEGABYTES = 1
MAX_BYTES = MAX_MEGABYTES * 1024 * 1024
MAX_ROWS = 2000
MAX_NAME = 150  # User.full_name
MAX_TEAM = 120  # Team.name
MAX_EMAIL = 254  # EmailField
TOO_LARGE = f"The file is larger than {MAX_MEGABYTES} MB. Split it into smaller files and import them one by one."

# The role column's codes: the membership role and, for managers, the EM/TLM role they hold.
ROLE_CODES: dict[str, tuple[str, str]] = {
    "manager-em": ("manager", "em"),
    "manager-tlm": ("manager", "tlm"),
    "report": ("report", ""),
    "hr": ("hr", ""),
    "org_admin": ("org_admin", ""),
}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class CsvFileError(Exception):
    """The file as a whole cannot be read as the expected CSV; the message says why, for the page."""


@dataclass(frozen=True)
class RowError:
    column: str  # one of HEADER, or "" for the row as a whole
    message: str


@dataclass(frozen=True)
class RawRow:
    line: int  # line number in the file, header = 1, so the admin can find it in their editor
    values: dict[str, str]
    extra_cells: int = 0  # cells beyond the header's (a stray comma, an unquoted name)
    missing_cells: bool = False
    columns: int = len(HEADER)  # how many the file's header has (five in a file without reports_to)


@dataclass
class ImportRow:
    line: int
    email: str
    name: str
    team: str  # as it will be stored: an existing team's own spelling, or the new name
    team_is_new: bool
    role_code: str
    role: str
    manager_role: str
    role_started_on: datetime.date | None
    reports_to: str = ""  # the manager's address, lowercased, as typed
    reports_to_id: int | None = None  # their membership, once the address is an active member's
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def errors_for(self, column: str) -> list[str]:
        return [error.message for error in self.errors if error.column == column]


@dataclass(frozen=True)
class ImportContext:
    """What the organisation already holds, with emails lowercased and team names keyed lowercase."""

    member_emails: frozenset[str]
    invited_emails: frozenset[str]
    operator_emails: frozenset[str]
    teams: dict[str, str]  # lowercased name -> name as stored
    today: datetime.date
    archived_teams: frozenset[str] = frozenset()  # lowercased names of the archived ones
    reports_to_ids: dict[str, int] = field(default_factory=dict)  # active people: address -> membership id
    inactive_emails: frozenset[str] = frozenset()  # people who have been deactivated


@dataclass
class ImportResult:
    rows: list[ImportRow]

    @property
    def ok(self) -> bool:
        return bool(self.rows) and all(row.ok for row in self.rows)

    @property
    def error_count(self) -> int:
        return sum(len(row.errors) for row in self.rows)

    @property
    def rows_with_errors(self) -> int:
        return sum(1 for row in self.rows if not row.ok)

    @property
    def new_teams(self) -> list[str]:
        seen: dict[str, str] = {}
        for row in self.rows:
            if row.team_is_new:
                seen.setdefault(row.team.casefold(), row.team)
        return sorted(seen.values(), key=str.casefold)


def decode_upload(data: bytes) -> str:
    """The uploaded bytes as text. Spreadsheets often save UTF-8 with a byte-order mark; it is dropped."""
    if len(data) > MAX_BYTES:
        raise CsvFileError(TOO_LARGE)
    if not data.strip():
        raise CsvFileError("The file is empty.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CsvFileError(
            "This is not a CSV text file (it is not readable as UTF-8 text). In your spreadsheet, "
            "choose “Save as” or “Download” and pick “CSV UTF-8 (comma-separated)”."
        ) from None
    if "\x00" in text:
        raise CsvFileError("This is not a CSV text file: it contains binary data.")
    return text


def read_rows(text: str) -> list[RawRow]:
    """The data rows under a checked header. Problems with the file as a whole raise CsvFileError;
    problems in a row are left for `validate_rows`, so every row gets reported."""
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise CsvFileError(TOO_LARGE)
    if not text.strip():
        raise CsvFileError("The file is empty.")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
        header_line = reader.line_num
        columns = tuple(cell.strip().lower() for cell in header)
        _check_header(columns)
        width = len(columns)
        rows: list[RawRow] = []
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue  # blank lines, often left at the end by spreadsheets
            if len(rows) == MAX_ROWS:
                raise CsvFileError(
                    f"The file has more than {MAX_ROWS:,} people. Split it into files of at most {MAX_ROWS:,} rows."
                )
            padded = [*cells[:width], *[""] * (len(HEADER) - min(len(cells), width))]
            rows.append(
                RawRow(
                    line=reader.line_num,
                    values={column: padded[i].strip() for i, column in enumerate(HEADER)},
                    extra_cells=max(len(cells) - width, 0),
                    # The last column is optional: a row may stop before it.
                    missing_cells=len(cells) < len(SHORT_HEADER),
                    columns=width,
                )
            )
    except csv.Error as error:
        raise CsvFileError(f"This file cannot be read as CSV (line {reader.line_num}: {error}).") from None
    if not rows:
        raise CsvFileError(f"The file has a header (line {header_line}) but no people under it.")
    return rows


def _check_header(columns: tuple[str, ...]) -> None:
    if columns in (HEADER, SHORT_HEADER):
        return
    expected = ",".join(HEADER)
    if len(columns) == 1 and ";" in columns[0]:
        raise CsvFileError(
            f"The columns are separated by semicolons; save the file with commas instead. "
            f"The first line must be exactly: {expected}"
        )
    found = ",".join(columns)
    missing = [column for column in SHORT_HEADER if column not in columns]
    unknown = [column for column in columns if column not in HEADER]
    details = []
    if missing:
        details.append(f"missing {', '.join(missing)}")
    if unknown:
        details.append(f"unexpected {', '.join(c or '(blank)' for c in unknown)}")
    if not details:
        details.append("the columns are in a different order")
    raise CsvFileError(
        f"The first line must be exactly: {expected} (found: {found}; {'; '.join(details)}). "
        "The last column, reports_to, may be left out."
    )


def validate_rows(rows: list[RawRow], *, context: ImportContext) -> ImportResult:
    """Every row with all of its errors, not just the first, so one preview shows everything to fix."""
    first_line_of: dict[str, int] = {}
    new_team_spelling: dict[str, str] = {}
    # Every address of the file, so a reports_to naming someone on a later line is recognised too.
    in_file: dict[str, int] = {}
    for raw in rows:
        in_file.setdefault(raw.values["email"].lower(), raw.line)
    result = []
    for raw in rows:
        row = _validate_row(raw, context=context, first_line_of=first_line_of, in_file=in_file)
        if row.team_is_new:
            # Two spellings of one new team ("Platform", "platform") make one team.
            row.team = new_team_spelling.setdefault(row.team.casefold(), row.team)
        result.append(row)
    return ImportResult(rows=result)


def _validate_row(
    raw: RawRow, *, context: ImportContext, first_line_of: dict[str, int], in_file: dict[str, int]
) -> ImportRow:
    errors: list[RowError] = []
    values = raw.values
    if raw.extra_cells:
        errors.append(
            RowError(
                "",
                f"This row has {raw.columns + raw.extra_cells} cells instead of {raw.columns}: "
                "put a value that contains a comma in double quotes.",
            )
        )
    elif raw.missing_cells:
        errors.append(RowError("", f"This row has fewer than {len(SHORT_HEADER)} cells."))

    email = values["email"].lower()
    if not email:
        errors.append(RowError("email", "The email address is missing."))
    elif len(email) > MAX_EMAIL or not _is_email(email):
        errors.append(RowError("email", f"“{values['email']}” is not a valid email address."))
    elif email in first_line_of:
        errors.append(RowError("email", f"This email address is already on line {first_line_of[email]} of the file."))
    elif reason := not_invitable_reason(
        email, members=context.member_emails, invited=context.invited_emails, operators=context.operator_emails
    ):
        errors.append(RowError("email", reason.value))
    if email and email not in first_line_of:
        first_line_of[email] = raw.line

    name = values["name"]
    if not name:
        errors.append(RowError("name", "The name is missing."))
    elif len(name) > MAX_NAME:
        errors.append(RowError("name", f"The name is longer than {MAX_NAME} characters."))

    team_typed = values["team"]
    team = context.teams.get(team_typed.casefold(), team_typed)
    team_is_new = bool(team_typed) and team_typed.casefold() not in context.teams
    if len(team_typed) > MAX_TEAM:
        errors.append(RowError("team", f"The team name is longer than {MAX_TEAM} characters."))
        team_is_new = False
    elif team_typed.casefold() in context.archived_teams:
        errors.append(RowError("team", team_archived_message(team)))

    role_code = values["role"].lower()
    role, manager_role = ROLE_CODES.get(role_code, ("", ""))
    if not role_code:
        errors.append(RowError("role", f"The role is missing: use one of {', '.join(ROLE_CODES)}."))
    elif not role:
        errors.append(RowError("role", f"“{values['role']}” is not a role: use one of {', '.join(ROLE_CODES)}."))

    started_typed = values["role_start_date"]
    started: datetime.date | None = None
    if started_typed:
        started = _parse_date(started_typed)
        if started is None:
            errors.append(
                RowError(
                    "role_start_date", f"“{started_typed}” is not a date: write it as YYYY-MM-DD, e.g. 2025-03-01."
                )
            )
        elif started > context.today:
            errors.append(RowError("role_start_date", "The role start date is in the future."))
        elif role and role != "manager":
            errors.append(RowError("role_start_date", "Only managers have a role start date: leave it empty."))
    elif role == "manager":
        errors.append(RowError("role_start_date", "Managers need the date their EM or TLM role started."))

    reports_to = values["reports_to"].lower()
    reports_to_id = context.reports_to_ids.get(reports_to)
    if reports_to and reports_to_id is None:
        errors.append(RowError("reports_to", _reports_to_problem(values["reports_to"], email, context, in_file)))

    return ImportRow(
        line=raw.line,
        email=email,
        name=name,
        team=team,
        team_is_new=team_is_new,
        role_code=role_code,
        role=role,
        manager_role=manager_role,
        role_started_on=started,
        reports_to=reports_to,
        reports_to_id=reports_to_id,
        errors=errors,
    )


REPORTS_TO_SELF = "Someone cannot report to themselves: write their manager's address, or leave it empty."


def _reports_to_problem(typed: str, email: str, context: ImportContext, in_file: dict[str, int]) -> str:
    """Why the reports_to cell names nobody this row can report to (an active member's address)."""
    manager = typed.lower()
    if len(manager) > MAX_EMAIL or not _is_email(manager):
        return f"“{typed}” is not an email address: write the address of the person they report to, or leave it empty."
    if manager == email:
        return REPORTS_TO_SELF
    if manager in context.inactive_emails:
        return f"{typed} has been deactivated: people can only report to someone active."
    if manager in in_file:
        return (
            f"{typed} is invited on line {in_file[manager]} of this file, and people can only report to someone "
            "who has joined: leave it empty for now and set it on the person's page once they have both joined."
        )
    if manager in context.invited_emails:
        return (
            f"{typed} has been invited but has not joined yet: leave it empty for now and set it on the "
            "person's page once they have joined."
        )
    return f"{typed} is not a member of your organisation: check the address, or leave it empty."


def _is_email(value: str) -> bool:
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


def _parse_date(value: str) -> datetime.date | None:
    # fromisoformat alone would also take 20250301 and other ISO forms the page does not promise.
    if not ISO_DATE.match(value):
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


def parse(text: str, *, context: ImportContext) -> ImportResult:
    """The whole file, checked: raises CsvFileError when it cannot be read at all."""
    return validate_rows(read_rows(text), context=context)
