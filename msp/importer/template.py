"""The downloadable import template: one row per enquiry, one wholly synthetic example row.

The XLSX template also has an "Allowed values" sheet (the exact national labels for every
coded column), drop-down lists on the coded columns, and a "Guidance" sheet that says what
goes in each column. The example row names a team and worker that a real council will not
have ("Example team", "example.worker"), so an example left in by mistake is refused.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from msp.importer.columns import (
    CODE,
    CODES,
    COLUMNS,
    DATA_SHEET,
    DATE,
    RISK_TYPE_SEPARATOR,
    YES_NO,
    Column,
)

EXAMPLE_TEAM = "Example team"
EXAMPLE_WORKER = "example.worker"
ALLOWED_SHEET = "Allowed values"
GUIDANCE_SHEET = "Guidance"
VALIDATED_ROWS = 5000

# Wholly synthetic: no real person, case or council.
EXAMPLE: dict[str, Any] = {
    "case_reference": "EX-0001",
    "preferred_name": "Mr Z",
    "age_band": "75-84",
    "gender": "Male",
    "ethnicity": "Undeclared / Not Known",
    "primary_support_reason": "Physical Support",
    "team_id": EXAMPLE_TEAM,
    "worker_id": EXAMPLE_WORKER,
    "enquiry_type": "Section 42",
    "concern_received_on": dt.date(2025, 5, 6),
    "decision_on": dt.date(2025, 5, 7),
    "started_on": dt.date(2025, 5, 8),
    "concluded_on": dt.date(2025, 7, 15),
    "risk_types": f"Financial or Material Abuse{RISK_TYPE_SEPARATOR} Psychological Abuse",
    "location_of_risk": "Own Home",
    "source_of_risk": "Other - Unknown to individual",
    "pre_concern_discussed": "Yes",
    "pre_concern_with": "The person",
    "pre_concern_view": "Agreed to the concern being raised",
    "lacked_capacity": "No, they did not lack capacity",
    "msp_asked": "Yes they were asked and outcomes were expressed",
    "msp_achieved": "Partially Achieved",
    "risk_assessment_outcome": "Risk identified and action taken",
    "risk_outcome": "Risk reduced",
    "outcome_1_category": "For the abuse to stop and to feel safer",
    "outcome_1_own_words": "I want the phone calls asking for money to stop",
    "outcome_1_expressed_by": "The person",
    "outcome_1_rating": "Fully achieved",
    "outcome_2_category": "Something else",
    "outcome_2_own_words": "I want to keep looking after my own bank card",
    "outcome_2_expressed_by": "The person",
    "outcome_2_rating": "Partially achieved",
}


def _example_cell(column: Column, *, spreadsheet: bool) -> Any:
    value = EXAMPLE.get(column.key)
    if isinstance(value, dt.date) and not spreadsheet:
        return value.isoformat()
    return value


def template_csv() -> bytes:
    """The template as CSV (UTF-8 with a byte-order mark, so Excel reads it correctly)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([c.heading for c in COLUMNS])
    writer.writerow(
        ["" if v is None else v for v in (_example_cell(c, spreadsheet=False) for c in COLUMNS)]
    )
    return buffer.getvalue().encode("utf-8-sig")


def _allowed_lists() -> list[tuple[str, list[str], list[Column]]]:
    """(heading, values, the columns that use them) for the "Allowed values" sheet."""
    lists: list[tuple[str, list[str], list[Column]]] = []
    by_vocabulary: dict[str, int] = {}
    yes_no: list[Column] = []
    for column in COLUMNS:
        if column.kind == YES_NO:
            yes_no.append(column)
        if column.kind not in (CODE, CODES):
            continue
        name = column.vocabulary.name
        if column.key.startswith("outcome_"):
            kind = column.key.split("_", 2)[2]
            heading = f"Outcome 1 to 5 {kind.replace('_', ' ')}"
            name = f"outcome_{kind}"
        else:
            heading = column.heading
            if column.kind == CODES:
                heading += f" (separate several with {RISK_TYPE_SEPARATOR})"
            name = column.key
        if name in by_vocabulary:
            lists[by_vocabulary[name]][2].append(column)
        else:
            by_vocabulary[name] = len(lists)
            lists.append((heading, list(column.vocabulary.labels), [column]))
    lists.append(("Yes or No columns", ["Yes", "No"], yes_no))
    return lists


def template_xlsx() -> bytes:
    """The template as an Excel workbook: the "Enquiries" sheet (headings, the example row,
    drop-down lists), "Allowed values" and "Guidance"."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    sheet.title = DATA_SHEET
    sheet.append([c.heading for c in COLUMNS])
    sheet.append([_example_cell(c, spreadsheet=True) for c in COLUMNS])
    bold = Font(bold=True)
    for cell in sheet[1]:
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "B2"
    letter = {c.key: get_column_letter(i) for i, c in enumerate(COLUMNS, start=1)}
    for column in COLUMNS:
        sheet.column_dimensions[letter[column.key]].width = 26
        if column.kind == DATE:
            sheet[f"{letter[column.key]}2"].number_format = "yyyy-mm-dd"

    allowed = book.create_sheet(ALLOWED_SHEET)
    for i, (heading, values, columns) in enumerate(_allowed_lists(), start=1):
        col = get_column_letter(i)
        allowed.cell(1, i, heading).font = bold
        for j, value in enumerate(values, start=2):
            allowed.cell(j, i, value)
        allowed.column_dimensions[col].width = max(18, min(60, max(map(len, values)) + 2))
        drop_down = [c for c in columns if c.kind != CODES]  # several values: no drop-down
        if not drop_down:
            continue
        validation = DataValidation(
            type="list",
            formula1=f"'{ALLOWED_SHEET}'!${col}$2:${col}${len(values) + 1}",
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="warning",
            errorTitle="Not an allowed value",
            error=f"Choose a value from the list (see the “{ALLOWED_SHEET}” sheet).",
        )
        for c in drop_down:
            validation.add(f"{letter[c.key]}2:{letter[c.key]}{VALIDATED_ROWS + 1}")
        sheet.add_data_validation(validation)

    guidance = book.create_sheet(GUIDANCE_SHEET)
    guidance.append(["Column", "Needed", "What to enter"])
    for cell in guidance[1]:
        cell.font = bold
    guidance.append(
        [
            "(every row)",
            "",
            "One row per enquiry. Dates as YYYY-MM-DD or DD/MM/YYYY. Coded columns take the "
            f"labels on the “{ALLOWED_SHEET}” sheet, word for word. Delete the example row "
            "before importing. Rows already imported (same case reference and enquiry "
            "started date) are skipped; if any row has a problem, nothing is imported.",
        ]
    )
    for column in COLUMNS:
        guidance.append([column.heading, "Yes" if column.needed else "", column.help])
    guidance.column_dimensions["A"].width = 42
    guidance.column_dimensions["B"].width = 9
    guidance.column_dimensions["C"].width = 100
    for row in guidance.iter_rows(min_row=2):
        row[2].alignment = Alignment(wrap_text=True, vertical="top")

    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def allowed_values() -> dict[str, list[str]]:
    """Heading -> allowed labels, for a screen that shows them."""
    return {heading: values for heading, values, _ in _allowed_lists()}


__all__ = [
    "EXAMPLE",
    "EXAMPLE_TEAM",
    "EXAMPLE_WORKER",
    "allowed_values",
    "template_csv",
    "template_xlsx",
]
