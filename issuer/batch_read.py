"""Reading a cohort file (CSV or XLSX) into a header and numbered rows. No Flask here.

Only the file as a whole is judged here: its size, its format and encoding,
and how many rows it has. What the cells say is checked by
:mod:`issuer.batch`. Row numbers are those a spreadsheet shows: the header
is row 1.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time
from xml.etree.ElementTree import ParseError

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000
#: An XLSX is a zip; refuse one that would expand to more than this (a decompression bomb).
MAX_EXPANDED_BYTES = 200 * 1024 * 1024
#: Columns read from an XLSX sheet; enough to notice cells outside the table.
MAX_XLSX_COLUMNS = 64
_SAVE_AS = "In your spreadsheet, use “Save as” and choose “CSV UTF-8 (comma delimited)” or an Excel workbook (.xlsx)."

Cell = str | int | float | date | None


class FileRefused(Exception):
    """The file cannot be used at all; ``message`` says why in plain words."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class Sheet:
    """A cohort file as read: the header row, then the non-blank rows with their numbers."""

    header: tuple[str, ...]
    rows: tuple[tuple[int, tuple[Cell, ...]], ...]


def read_sheet(data: bytes) -> Sheet:
    """Read a cohort file, telling an XLSX workbook from CSV text by its first bytes.

    :param data: the file's bytes.
    :raises FileRefused: if it is empty, too big, of the wrong kind or encoding,
        has no header or more than :data:`MAX_ROWS` rows. A sheet of a header
        and no learners is returned (the header is worth checking first).
    """
    if len(data) > MAX_BYTES:
        raise FileRefused(f"The file is {len(data) / 1024 / 1024:.1f} MB; the limit is 20 MB. Split the cohort into several files.")
    if not data.strip(b"\xef\xbb\xbf \t\r\n"):
        raise FileRefused("The file is empty: it should hold the header row and one row per learner.")
    if data.startswith(b"PK\x03\x04"):
        return _sheet(_xlsx_rows(data))
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileRefused(f"This is an old Excel workbook (.xls), which we cannot read. {_SAVE_AS}")
    return _sheet(_csv_rows(_decode(data)))


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileRefused(f"The file is UTF-16 text; we need UTF-8. {_SAVE_AS}")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        raise FileRefused(f"The file is not UTF-8 text (the first character we cannot read is on line {line}). {_SAVE_AS}") from None


def _csv_rows(text: str):
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    number = 0
    try:
        for number, cells in enumerate(reader, start=1):
            yield number, tuple(cells)
    except csv.Error as error:
        raise FileRefused(f"Row {number + 1} is not well-formed CSV ({error}). Check its quotation marks, or {_SAVE_AS[0].lower()}{_SAVE_AS[1:]}") from None


def _xlsx_rows(data: bytes):
    import openpyxl  # only XLSX uploads pay for the import
    from openpyxl.utils.exceptions import InvalidFileException

    _check_expanded_size(data)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError, ParseError) as error:
        raise FileRefused(f"The workbook cannot be read ({type(error).__name__}). {_SAVE_AS}") from None
    try:
        if not workbook.worksheets:
            raise FileRefused("The workbook has no sheet.")
        sheet = workbook.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(values_only=True, max_col=MAX_XLSX_COLUMNS), start=1):
            yield number, tuple(_xlsx_cell(value) for value in values)
    except (KeyError, ValueError, TypeError, ParseError) as error:
        raise FileRefused(f"The workbook's first sheet cannot be read ({type(error).__name__}). {_SAVE_AS}") from None
    finally:
        workbook.close()


def _check_expanded_size(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            expanded = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise FileRefused(f"The file looks like a workbook but is damaged. {_SAVE_AS}") from None
    if expanded > MAX_EXPANDED_BYTES:
        raise FileRefused("The workbook expands to more than 200 MB; save the cohort as CSV UTF-8 instead.")


def _xlsx_cell(value) -> Cell:
    """Cells as the checks expect them: text, a number, a date, or None."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, time):
        return value.isoformat()
    return value


def _sheet(numbered_rows) -> Sheet:
    """The header (row 1) and the non-blank rows after it, stopping past :data:`MAX_ROWS`."""
    header: tuple[str, ...] | None = None
    rows = []
    for number, cells in numbered_rows:
        if header is None:
            header = tuple("" if cell is None else str(cell).strip() for cell in cells)
            continue
        if all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells):
            continue  # blank rows (often left at the end of a sheet) are not learners
        rows.append((number, cells))
        if len(rows) > MAX_ROWS:
            raise FileRefused(f"The file has more than {MAX_ROWS:,} learners. Split the cohort into several files.")
    if header is None or not any(header):
        raise FileRefused("The file is empty: it should hold the header row and one row per learner.")
    return Sheet(header, tuple(rows))
