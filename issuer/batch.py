"""Checking a cohort file for one achievement: learner records, or problems by row and column.

No Flask here. :func:`check_file` reads a CSV or XLSX file (see
:mod:`issuer.batch_read`) and checks every cell of every row; a row with no
problem becomes a :class:`~issuer.service.LearnerRecord`. Nothing is issued
unless the whole file is clean, so every problem is reported at once, each
with the row number a spreadsheet shows (the header is row 1), the column,
and what is wrong in plain words.
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass
from datetime import date

from .batch_read import MAX_BYTES as MAX_BYTES, MAX_ROWS as MAX_ROWS, Cell, FileRefused as FileRefused, read_sheet
from .models import Achievement
from .service import LearnerRecord

COLUMNS = ("student_id", "name", "local_name", "local_language", "email", "result", "credits_earned",
           "valid_from", "valid_until")
REQUIRED = ("student_id", "name", "valid_from")
TEXT_COLUMNS = ("student_id", "name", "local_name", "local_language", "email", "result")
_COLUMN_ORDER = {column: position for position, column in enumerate(COLUMNS)}
MAX_CELL = 200
_FORMULA_STARTS = {"=": '"="', "+": '"+"', "-": '"-"', "@": '"@"', "\t": "a tab", "\r": "a line break"}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")
# RFC 5646 language tags, with a 2–3 letter primary language as the profile's schema wants.
_BCP47 = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z]{3}){0,3}(-[A-Za-z]{4})?(-(?:[A-Za-z]{2}|\d{3}))?"
                    r"(-(?:[A-Za-z0-9]{5,8}|\d[A-Za-z0-9]{3}))*(-[0-9A-WY-Za-wy-z](-[A-Za-z0-9]{2,8})+)*"
                    r"(-[Xx](-[A-Za-z0-9]{1,8})+)?$")


@dataclass(frozen=True, order=True)
class RowProblem:
    """One thing wrong with one cell (or row) of the file."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column}: {self.message}"


@dataclass(frozen=True)
class CohortRules:
    """What the achievement allows in its rows.

    :param results: the allowed result values; ``()`` when any text is allowed,
        ``None`` when the achievement records no result.
    """

    code: str
    results: tuple[str, ...] | None
    credits_available: float | None

    @classmethod
    def of(cls, achievement: Achievement) -> CohortRules:
        definition = achievement.definition
        descriptions = definition.get("resultDescription") or []
        results = tuple(descriptions[0].get("allowedValue") or ()) if descriptions else None
        return cls(achievement.code, results, definition.get("creditsAvailable"))


@dataclass(frozen=True)
class CheckedCohort:
    """The outcome of checking a file: good rows as (row number, record), and every problem."""

    rows: tuple[tuple[int, LearnerRecord], ...]
    problems: tuple[RowProblem, ...]
    row_count: int

    @property
    def rows_with_problems(self) -> int:
        return len({problem.row for problem in self.problems})

    @property
    def records(self) -> list[LearnerRecord]:
        return [record for _, record in self.rows]


def check_file(data: bytes, rules: CohortRules, *, today: date) -> CheckedCohort:
    """Read and check a cohort file.

    :param today: the issuing day; a ``valid_until`` not after it is refused.
    :raises FileRefused: if the file as a whole cannot be used (nothing is checked further).
    """
    sheet = read_sheet(data)
    positions = _header_positions(sheet.header)
    if not sheet.rows:
        raise FileRefused("The file has a header but no learners: add one row per learner under the header.")
    rows, problems, first_row_of = [], [], {}
    for number, cells in sheet.rows:
        record, row_problems = check_row(number, cells, positions, rules, today=today)
        student_id = record.student_id if record else _text(_cell(cells, positions["student_id"]))
        if student_id and student_id.strip() in first_row_of:
            row_problems.append(RowProblem(number, "student_id", f"{student_id.strip()} is already on row "
                                           f"{first_row_of[student_id.strip()]}: each learner may appear only once"))
        elif student_id:
            first_row_of[student_id.strip()] = number
        problems += row_problems
        if not row_problems:
            rows.append((number, record))
    return CheckedCohort(tuple(rows), tuple(problems), len(sheet.rows))


def _header_positions(header: tuple[str, ...]) -> dict[str, int]:
    """Where each column is; the header must name every column once and nothing else."""
    names = [name.strip().lower() for name in header]
    while names and not names[-1]:
        names.pop()
    expected = ", ".join(COLUMNS)
    if not set(names) & set(COLUMNS):
        hint = " Columns are separated by semicolons: save the file as CSV UTF-8 (comma delimited)." if ";" in header[0] else ""
        raise FileRefused(f"Row 1 must be the header, {expected}; this file's row 1 is not.{hint} Download the template to start from.")
    for position, name in enumerate(names):
        if name not in COLUMNS:
            label = f'"{header[position]}"' if name else "an empty column name"
            raise FileRefused(f"Row 1 (the header) has {label} in column {position + 1}, which is not one of ours. The header must be exactly: {expected}.")
        if names.index(name) != position:
            raise FileRefused(f'Row 1 (the header) names the column "{name}" twice.')
    missing = [name for name in COLUMNS if name not in names]
    if missing:
        raise FileRefused(f"Row 1 (the header) has no column {', '.join(missing)}. The header must be exactly: {expected}.")
    return {name: position for position, name in enumerate(names)}


def check_row(number: int, cells: tuple[Cell, ...], positions: dict[str, int], rules: CohortRules, *,
              today: date) -> tuple[LearnerRecord | None, list[RowProblem]]:
    """Check one row: its record when every cell is right, else None and what is wrong."""
    problems: list[RowProblem] = []

    def add(column: str, message: str) -> None:
        problems.append(RowProblem(number, column, message))

    extra = [cell for cell in cells[len(positions):] if cell not in (None, "")]
    if extra:
        add("(after valid_until)", f"the row has {len(extra)} cell(s) after the last column; remove them")
    values = {column: _clean(_cell(cells, positions[column]), column, add) for column in COLUMNS}
    for column in TEXT_COLUMNS:
        values[column] = _text(values[column])
    for column in REQUIRED:
        if values[column] is None and not any(problem.column == column for problem in problems):
            add(column, "is empty; it is required")
    valid_from, valid_until = _validity(values, today, add)
    _check_local_name(values["local_name"], values["local_language"], add)
    _check_email(values["email"], add)
    _check_result(values["result"], rules, add)
    credits = _credits(values["credits_earned"], rules, add)
    if problems:
        return None, sorted(problems, key=lambda problem: _COLUMN_ORDER.get(problem.column, len(COLUMNS)))
    return LearnerRecord(
        student_id=values["student_id"], name=values["name"], valid_from=valid_from, email=values["email"],
        local_name=values["local_name"], local_language=values["local_language"], result=values["result"],
        credits_earned=credits, valid_until=valid_until,
    ), problems


def _cell(cells: tuple[Cell, ...], position: int) -> Cell:
    return cells[position] if position < len(cells) else None


def _clean(value: Cell, column: str, add) -> Cell:
    """A cell as text (or a number or date from a workbook); None when empty or refused."""
    if value is None or isinstance(value, (date, int, float)):
        return value
    text = str(value)
    if column == "credits_earned" and _number(text.strip()) is not None:
        return text.strip()  # "-3" is a (negative) number here, not a formula
    if text[:1] in _FORMULA_STARTS or text.strip(" ")[:1] in _FORMULA_STARTS:
        what = _FORMULA_STARTS.get(text[:1]) or _FORMULA_STARTS[text.strip(" ")[:1]]
        add(column, f"starts with {what}: a spreadsheet that opens this data again could run it as a formula "
                    "(formula injection), so cells may not start with =, +, -, @, a tab or a line break")
        return None
    text = text.strip(" ")
    if len(text) > MAX_CELL:
        add(column, f"is {len(text):,} characters long; the limit is {MAX_CELL}")
        return None
    if _CONTROL.search(text):
        add(column, "contains a line break or another control character; keep each cell on one line")
        return None
    return text or None


def _text(value: Cell) -> str | None:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return None if value is None else str(value)


def _date(value: Cell, column: str, add) -> date | None:
    if value is None or isinstance(value, date):
        return value
    if isinstance(value, (int, float)):
        add(column, "is a number, not a date: format the cell as a date, or type the date as YYYY-MM-DD")
        return None
    if not _ISO_DATE.match(value):
        add(column, f'"{value}" is not a date in the form YYYY-MM-DD (for example 2026-09-15)')
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        add(column, f"{value} is not a real date (no such day in the calendar)")
        return None


def _validity(values: dict, today: date, add) -> tuple[date | None, date | None]:
    valid_from = _date(values["valid_from"], "valid_from", add)
    valid_until = _date(values["valid_until"], "valid_until", add)
    if valid_from and valid_until and valid_until <= valid_from:
        add("valid_until", f"{valid_until.isoformat()} is not after valid_from ({valid_from.isoformat()}): "
                           "the credential would never be valid")
    elif valid_until and valid_until <= today:
        add("valid_until", f"{valid_until.isoformat()} is not in the future: the credential would already have expired")
    return valid_from, valid_until


def _check_local_name(name: str | None, language: str | None, add) -> None:
    if language is not None and not _BCP47.match(language):
        add("local_language", f'"{language}" is not a BCP 47 language tag; use one such as th, zh-Hans, lo, ms or km')
    elif name and not language:
        add("local_language", "is empty, but local_name is given: say which language local_name is in (such as th or zh-Hans)")
    elif language and not name:
        add("local_name", "is empty, but local_language is given: fill in the name in that language, or clear both")


def _check_email(value: str | None, add) -> None:
    if value is not None and not _EMAIL.match(value):
        add("email", f'"{value}" is not an e-mail address')


def _check_result(value: str | None, rules: CohortRules, add) -> None:
    if value is None:
        return
    if rules.results is None:
        add("result", f"{rules.code} records no result; leave the cell empty")
    elif rules.results and value not in rules.results:
        add("result", f'"{value}" is not a result of {rules.code}; use one of: {", ".join(rules.results)}')


def _credits(value: Cell, rules: CohortRules, add) -> float | None:
    if value is None:
        return None
    number = value if isinstance(value, (int, float)) else _number(value)
    if number is None or not math.isfinite(number):
        add("credits_earned", f'"{value}" is not a number')
        return None
    if number < 0:
        add("credits_earned", f"{_text(number)} is negative; credits earned must be 0 or more")
    elif rules.credits_available is not None and number > rules.credits_available:
        add("credits_earned", f"{_text(number)} is more than the {_text(rules.credits_available)} credits {rules.code} makes available")
    return int(number) if float(number).is_integer() else float(number)


def _number(text: str) -> float | None:
    try:
        return float(text) if re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", text) else None
    except ValueError:
        return None


def row_to_json(number: int, record: LearnerRecord) -> dict:
    """A checked row as stored in a :class:`~issuer.models.BatchUpload`."""
    row = asdict(record)
    row["valid_from"] = record.valid_from.isoformat()
    row["valid_until"] = record.valid_until.isoformat() if record.valid_until else None
    return {"row": number, **row}


def record_from_json(row: dict) -> LearnerRecord:
    fields = {key: value for key, value in row.items() if key != "row"}
    fields["valid_from"] = date.fromisoformat(fields["valid_from"])
    fields["valid_until"] = date.fromisoformat(fields["valid_until"]) if fields.get("valid_until") else None
    return LearnerRecord(**fields)


def template_csv() -> bytes:
    """The cohort template: the header only, with a UTF-8 BOM so spreadsheets keep non-Latin names intact."""
    return ("\ufeff" + ",".join(COLUMNS) + "\r\n").encode("utf-8")
