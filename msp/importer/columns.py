"""The import template's columns, and turning spreadsheet cells into values.

Import files carry what people see: the national *labels* (word for word), plain dates and
Yes/No. Each coded cell also accepts the stored code, and both are matched ignoring case,
extra spaces and "smart" punctuation that spreadsheet programs put in (’ for ', – for -).
Dates may be YYYY-MM-DD, DD/MM/YYYY or, in an XLSX file, real spreadsheet dates.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import re
from dataclasses import dataclass
from typing import Any

from msp import vocab

MAX_OUTCOMES = 5
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000
RISK_TYPE_SEPARATOR = ";"

TEXT = "text"
CODE = "code"
CODES = "codes"
DATE = "date"
YES_NO = "yes_no"


@dataclass(frozen=True)
class Column:
    """One column of the template. `key` is the field name the validation rules use."""

    key: str
    heading: str
    kind: str
    help: str
    vocabulary: vocab.Vocabulary | None = None
    # The column must be in the file (its value is needed for every enquiry).
    needed: bool = False


def _outcome_columns(n: int) -> list[Column]:
    return [
        Column(
            f"outcome_{n}_category",
            f"Outcome {n} category",
            CODE,
            "The kind of outcome, from the standard list. Leave all four outcome "
            f"{n} cells empty if there is no outcome {n}.",
            vocab.STANDARD_OUTCOMES,
        ),
        Column(
            f"outcome_{n}_own_words",
            f"Outcome {n} own words",
            TEXT,
            "What the person wants, in their own words (needed for every outcome, "
            "including “Something else”).",
        ),
        Column(
            f"outcome_{n}_expressed_by",
            f"Outcome {n} expressed by",
            CODE,
            "Who expressed it: the person, or which kind of representative "
            "(empty means the person).",
            vocab.SPEAKERS,
        ),
        Column(
            f"outcome_{n}_rating",
            f"Outcome {n} rating",
            CODE,
            "Only for concluded enquiries: how far it was achieved. Every outcome of a "
            "concluded enquiry needs a rating.",
            vocab.OUTCOME_RATINGS,
        ),
    ]


COLUMNS: tuple[Column, ...] = (
    Column(
        "case_reference",
        "Case reference",
        TEXT,
        "The person's reference in the council's case system (up to 40 letters, digits, "
        "slashes, dots, hyphens or underscores). A new reference creates the person.",
        needed=True,
    ),
    Column(
        "preferred_name",
        "Initials or preferred name",
        TEXT,
        "Optional. Initials or a preferred name only, never a full name.",
    ),
    Column("age_band", "Age band", CODE, "Optional (SG1a).", vocab.AGE_BANDS),
    Column("gender", "Gender", CODE, "Optional (SG1b); empty means Not Known.", vocab.GENDERS),
    Column(
        "ethnicity",
        "Ethnicity",
        CODE,
        "Optional (SG1c); empty means Undeclared / Not Known.",
        vocab.ETHNICITIES,
    ),
    Column(
        "primary_support_reason",
        "Primary support reason",
        CODE,
        "Optional (SG1d); empty means Not Known.",
        vocab.PRIMARY_SUPPORT_REASONS,
    ),
    Column("team_id", "Team", TEXT, "The team's name as it appears in the app.", needed=True),
    Column(
        "worker_id",
        "Worker username",
        TEXT,
        "Optional. The username of the allocated worker, who must be in the team.",
    ),
    Column(
        "enquiry_type",
        "Section 42 or Other",
        CODE,
        "Section 42, or Other for an enquiry where the section 42 criteria were not all met.",
        vocab.ENQUIRY_TYPES,
        needed=True,
    ),
    Column(
        "concern_received_on",
        "Concern received",
        DATE,
        "The date the concern was received (YYYY-MM-DD or DD/MM/YYYY).",
        needed=True,
    ),
    Column(
        "decision_on",
        "Decision date",
        DATE,
        "Optional. The date it was decided to make an enquiry.",
    ),
    Column(
        "started_on",
        "Enquiry started",
        DATE,
        "The date the enquiry started. With the case reference, it identifies the enquiry: "
        "a row already imported is skipped.",
        needed=True,
    ),
    Column(
        "concluded_on",
        "Enquiry concluded",
        DATE,
        "Only for concluded enquiries. Leave empty for an open enquiry.",
    ),
    Column(
        "risk_types",
        "Types of risk",
        CODES,
        "One or more types of risk (SG2a), separated by “;”.",
        vocab.RISK_TYPES,
        needed=True,
    ),
    Column(
        "location_of_risk",
        "Location of risk",
        CODE,
        "Where the risk is (SG2b).",
        vocab.LOCATIONS,
        needed=True,
    ),
    Column(
        "source_of_risk",
        "Source of risk",
        CODE,
        "Who the risk comes from.",
        vocab.SOURCES_OF_RISK,
        needed=True,
    ),
    Column(
        "pre_concern_discussed",
        "Discussed before the concern was raised",
        YES_NO,
        "Yes or No: was the concern discussed with the person or their advocate before it "
        "was raised?",
        needed=True,
    ),
    Column(
        "pre_concern_with",
        "Discussed with",
        CODE,
        "When discussed: the person, or which kind of representative.",
        vocab.SPEAKERS,
    ),
    Column(
        "pre_concern_view",
        "Person's view on raising the concern",
        CODE,
        "When discussed: what the person thought about the concern being raised.",
        vocab.PRE_CONCERN_VIEWS,
    ),
    Column(
        "against_view_reason",
        "Reason for raising it without agreement",
        CODE,
        "Needed when the person did not want the concern raised; optional when it was not "
        "discussed.",
        vocab.AGAINST_VIEW_REASONS,
    ),
    Column(
        "against_view_reason_other",
        "Other reason",
        TEXT,
        "When the reason is “Other reason”: what it was.",
    ),
    Column(
        "against_view_explained",
        "Reason explained to them",
        YES_NO,
        "Yes or No, when there is a reason: was it explained to the person?",
    ),
    Column(
        "lacked_capacity",
        "Lacked capacity",
        CODE,
        "Concluded enquiries only (SG3a): did the person lack capacity?",
        vocab.LACKED_CAPACITY,
    ),
    Column(
        "capacity_support_provided",
        "Support from advocate, family or friend",
        YES_NO,
        "Yes or No, only when the person lacked capacity.",
    ),
    Column(
        "msp_asked",
        "Asked about desired outcomes",
        CODE,
        "SG4a. Needed for concluded enquiries; when empty and outcomes are given, "
        "“Yes they were asked and outcomes were expressed” is assumed.",
        vocab.MSP_ASKED,
    ),
    Column(
        "msp_achieved",
        "Outcomes achieved",
        CODE,
        "SG4a, concluded enquiries where outcomes were expressed: how far they were achieved.",
        vocab.MSP_ACHIEVED,
    ),
    Column(
        "msp_achieved_reason",
        "Why achieved differs from ratings",
        TEXT,
        "Only when “Outcomes achieved” is not what the outcome ratings suggest: why.",
    ),
    Column(
        "risk_assessment_outcome",
        "Risk assessment outcome",
        CODE,
        "Concluded enquiries only (SG2c).",
        vocab.RISK_ASSESSMENT_OUTCOMES,
    ),
    Column(
        "risk_outcome",
        "Risk outcome",
        CODE,
        "Only where “Risk identified and action taken” (SG2e).",
        vocab.RISK_OUTCOMES,
    ),
    *(c for n in range(1, MAX_OUTCOMES + 1) for c in _outcome_columns(n)),
)

BY_KEY: dict[str, Column] = {c.key: c for c in COLUMNS}
POSITION: dict[str, int] = {c.key: i for i, c in enumerate(COLUMNS)}


# --- Normalising -----------------------------------------------------------------------------

_SMART = str.maketrans({"’": "'", "‘": "'", "–": "-", "—": "-", "\u00a0": " "})
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@functools.lru_cache(maxsize=4096)
def normalise(text: str) -> str:
    """For matching: smart punctuation made plain, spaces collapsed, case folded."""
    return " ".join(text.translate(_SMART).split()).casefold()


def _lookup(vocabulary: vocab.Vocabulary) -> dict[str, str]:
    table: dict[str, str] = {}
    for term in vocabulary:
        for spelling in (term.label, term.code):
            key = normalise(spelling)
            if table.get(key, term.code) != term.code:
                raise ValueError(f"{spelling!r} is ambiguous in vocabulary {vocabulary.name}")
            table[key] = term.code
    return table


_LOOKUPS: dict[str, dict[str, str]] = {}


def lookup_table(vocabulary: vocab.Vocabulary) -> dict[str, str]:
    """Normalised label or code -> code, for one vocabulary (ValueError if ambiguous)."""
    table = _LOOKUPS.get(vocabulary.name)
    if table is None:
        table = _LOOKUPS[vocabulary.name] = _lookup(vocabulary)
    return table


class CellError(ValueError):
    """A cell that cannot be read; the message says what to enter instead."""


def cell_text(raw: Any) -> str | None:
    """A cell as trimmed text (None when empty). Numbers lose a spurious ".0"; a leading
    apostrophe that an export put before a formula character is removed again."""
    if raw is None:
        return None
    if type(raw) is str:
        text = raw
    elif isinstance(raw, bool):
        text = "Yes" if raw else "No"
    elif isinstance(raw, float) and raw.is_integer():
        text = str(int(raw))
    elif isinstance(raw, dt.datetime):
        text = raw.date().isoformat() if raw.time() == dt.time() else raw.isoformat(" ")
    elif isinstance(raw, dt.date):
        text = raw.isoformat()
    else:
        text = str(raw)
    text = text.strip()
    if text.startswith("'") and text[1:2] and text[1:].startswith(FORMULA_PREFIXES):
        text = text[1:]
    return text or None


def parse_code(raw: Any, vocabulary: vocab.Vocabulary) -> str | None:
    text = cell_text(raw)
    if text is None:
        return None
    code = lookup_table(vocabulary).get(normalise(text))
    if code is None:
        example = vocabulary.labels[0]
        raise CellError(
            "Enter one of the allowed values (listed on the template's “Allowed values” "
            f"sheet), for example “{example}”"
        )
    return code


def parse_codes(raw: Any, vocabulary: vocab.Vocabulary) -> list[str]:
    text = cell_text(raw)
    if text is None:
        return []
    table = lookup_table(vocabulary)
    codes = []
    for part in text.split(RISK_TYPE_SEPARATOR):
        if not part.strip():
            continue
        code = table.get(normalise(part))
        if code is None:
            raise CellError(
                "Enter each value from the allowed list (the template's “Allowed values” "
                f"sheet), separated by “{RISK_TYPE_SEPARATOR}”, for example "
                f"“{vocabulary.labels[0]}{RISK_TYPE_SEPARATOR} {vocabulary.labels[1]}”"
            )
        codes.append(code)
    return codes


_YES = {"yes", "y", "true"}
_NO = {"no", "n", "false"}


def parse_yes_no(raw: Any) -> bool | None:
    if isinstance(raw, bool):
        return raw
    text = cell_text(raw)
    if text is None:
        return None
    folded = normalise(text)
    if folded in _YES:
        return True
    if folded in _NO:
        return False
    raise CellError("Enter Yes or No")


_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$")
_UK = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
# Excel's serial day numbers: 1 is 1900-01-01, 2958465 is 9999-12-31.
_EXCEL_EPOCH = dt.date(1899, 12, 30)
DATE_HELP = "Enter the date as YYYY-MM-DD (like 2026-04-30) or DD/MM/YYYY (like 30/04/2026)"


def parse_date(raw: Any, *, spreadsheet: bool = False) -> dt.date | None:
    """A date from text, a spreadsheet date, or (XLSX only) an Excel serial day number."""
    if raw is None:
        return None
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if spreadsheet and isinstance(raw, int | float) and not isinstance(raw, bool):
        if raw != int(raw) or not 1 <= raw <= 2958465:
            raise CellError(DATE_HELP)
        # Excel counts a 29 February 1900 that never was; serials from 61 on are after it.
        serial = int(raw)
        return _EXCEL_EPOCH + dt.timedelta(days=serial if serial >= 61 else serial + 1)
    text = cell_text(raw)
    if text is None:
        return None
    match = _ISO.match(text)
    if match:
        year, month, day = (int(g) for g in match.groups())
    else:
        match = _UK.match(text)
        if not match:
            raise CellError(DATE_HELP)
        day, month, year = (int(g) for g in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise CellError(DATE_HELP + ": this date does not exist") from None


def parse_cell(column: Column, raw: Any, *, spreadsheet: bool = False) -> Any:
    """The value of one cell for `column`; CellError when it cannot be read."""
    if raw is None or raw == "":
        return [] if column.kind == CODES else None
    if column.kind == CODE:
        return parse_code(raw, column.vocabulary)
    if column.kind == CODES:
        return parse_codes(raw, column.vocabulary)
    if column.kind == DATE:
        return parse_date(raw, spreadsheet=spreadsheet)
    if column.kind == YES_NO:
        return parse_yes_no(raw)
    return cell_text(raw)


def match_heading(heading: Any) -> Column | None:
    """The column a heading names (its heading or key, ignoring case and spacing)."""
    text = cell_text(heading)
    if text is None:
        return None
    return _HEADINGS.get(normalise(text))


_HEADINGS: dict[str, Column] = {}
for _c in COLUMNS:
    _HEADINGS[normalise(_c.heading)] = _c
    _HEADINGS.setdefault(normalise(_c.key), _c)


# --- Reading a file ---------------------------------------------------------------------------


@dataclass
class Sheet:
    """The cells of an import file: the heading row and the data rows, each with the row
    number the spreadsheet shows (the heading row is row 1)."""

    headings: list[Any]
    rows: list[tuple[int, list[Any]]]
    spreadsheet: bool


class FileError(ValueError):
    """The file as a whole cannot be read; the message says what to do."""


XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # old .xls (and other Office binaries)
DATA_SHEET = "Enquiries"


def read_sheet(data: bytes, filename: str) -> Sheet:
    """Read CSV or XLSX bytes (told apart by their content, not the name)."""
    if len(data) > MAX_FILE_BYTES:
        raise FileError(
            f"The file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB: split it into "
            "smaller files"
        )
    if data.startswith(XLSX_MAGIC):
        return _read_xlsx(data)
    if data.startswith(OLE_MAGIC) or filename.lower().endswith(".xls"):
        raise FileError("Save the file as an Excel workbook (.xlsx) or as CSV, then import it")
    return _read_csv(data)


def _read_csv(data: bytes) -> Sheet:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel's plain "CSV" on Windows is Windows-1252.
        text = data.decode("cp1252", errors="replace")
    if "\x00" in text:
        raise FileError("The file is not a CSV or XLSX file: use the template")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        records = list(reader)
    except csv.Error:
        raise FileError("The CSV file could not be read: save it again as CSV") from None
    if not records:
        return Sheet([], [], spreadsheet=False)
    rows = [(number, list(r)) for number, r in enumerate(records[1:], start=2)]
    return Sheet(list(records[0]), rows, spreadsheet=False)


def _read_xlsx(data: bytes) -> Sheet:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged file
        raise FileError("The Excel file could not be opened: save it again as .xlsx") from None
    try:
        sheet = book[DATA_SHEET] if DATA_SHEET in book.sheetnames else book.worksheets[0]
        headings: list[Any] = []
        rows: list[tuple[int, list[Any]]] = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number == 1:
                headings = list(values)
            elif not is_blank(values):
                rows.append((number, list(values)))
                if len(rows) > MAX_ROWS:
                    break  # enough to say the file is too long
    finally:
        book.close()
    return Sheet(headings, rows, spreadsheet=True)


def is_blank(values: list[Any]) -> bool:
    return all(cell_text(v) is None for v in values)
