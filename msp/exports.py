"""Writing tables and charts to files: CSV, XLSX, PNG and PDF.

Spreadsheet programs run a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and, in some,
one starting with a tab or carriage return) as a formula, so a team name or any other text
typed by a user could become a formula in someone's spreadsheet ("CSV injection"). Every text
cell and header written here that starts with one of those gets a leading apostrophe, which
spreadsheets show as text. Numbers are written as numbers and are never changed.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, Any

import pandas as pd

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_SHEET_NAME_MAX = 31
_BAD_SHEET_CHARS = str.maketrans({c: "-" for c in "[]:*?/\\"})


def neutralise(value: Any) -> Any:
    """A text value that would start a formula, with an apostrophe in front; else as given."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _cell(value: Any) -> Any:
    """A cell value as written: None for missing, numpy scalars as Python numbers, text
    neutralised."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()  # numpy scalar -> Python
    if isinstance(value, bool | int | float):
        return value
    return neutralise(str(value))


def rows_for_export(frame: pd.DataFrame) -> list[list[Any]]:
    """The header and the rows of `frame`, each cell made safe to write."""
    header = [_cell(str(c)) for c in frame.columns]
    body = [[_cell(v) for v in row] for row in frame.itertuples(index=False, name=None)]
    return [header, *body]


def to_csv(frame: pd.DataFrame, out: IO[str] | None = None) -> str:
    """Write `frame` as CSV (no index) to `out` if given; return the text."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for row in rows_for_export(frame):
        writer.writerow(["" if v is None else v for v in row])
    text = buffer.getvalue()
    if out is not None:
        out.write(text)
    return text


def sheet_name(name: str) -> str:
    """A valid, unique-enough worksheet name (31 characters, no []:*?/\\)."""
    cleaned = name.translate(_BAD_SHEET_CHARS).strip("'") or "Sheet"
    return cleaned[:XLSX_SHEET_NAME_MAX]


def to_xlsx(sheets: Mapping[str, pd.DataFrame], out: str | Path | IO[bytes] | None = None) -> bytes:
    """Write each frame to its own worksheet (bold header row, frozen, sensible widths).
    Writes to `out` (a path or binary file) if given; returns the workbook's bytes."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    for name, frame in sheets.items():
        title = sheet_name(name)
        base, n = title, 2
        while title.lower() in used:
            suffix = f" ({n})"
            title = base[: XLSX_SHEET_NAME_MAX - len(suffix)] + suffix
            n += 1
        used.add(title.lower())
        sheet = book.create_sheet(title)
        rows = rows_for_export(frame)
        for row in rows:
            sheet.append(row)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        for index, column in enumerate(zip(*rows, strict=True), start=1):
            width = max(len(str(v)) for v in column if v is not None) if any(column) else 8
            sheet.column_dimensions[sheet.cell(1, index).column_letter].width = min(
                60, max(8, width + 2)
            )
    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue()
    if isinstance(out, str | Path):
        Path(out).write_bytes(data)
    elif out is not None:
        out.write(data)
    return data


def chart_png(chart: Any, *, scale: float = 2.0) -> bytes:
    """An Altair chart as a PNG image, rendered offline by vl-convert."""
    import vl_convert

    return vl_convert.vegalite_to_png(chart.to_json(), scale=scale)


A4_LANDSCAPE = (842.0, 595.0)  # points
PAGE_MARGIN = 36.0  # half an inch


def charts_pdf(charts: Sequence[Any], *, title: str | None = None) -> bytes:
    """Several Altair charts as one PDF for printing: one chart to an A4 landscape page (made
    smaller to fit when it is too big, never larger), each headed with `title` and "Chart n
    of N". Rendered offline by vl-convert; the pages are laid out with pypdf."""
    import altair as alt
    import vl_convert
    from pypdf import PdfReader, PdfWriter, Transformation

    if not charts:
        raise ValueError("no charts to write")
    width, height = A4_LANDSCAPE
    writer = PdfWriter()
    for number, chart in enumerate(charts, start=1):
        one = alt.vconcat(chart)
        if title:
            one = one.properties(
                title=alt.TitleParams(
                    title, subtitle=f"Chart {number} of {len(charts)}", fontSize=18, anchor="start"
                )
            )
        (drawn,) = PdfReader(io.BytesIO(vl_convert.vegalite_to_pdf(one.to_json()))).pages
        w, h = float(drawn.mediabox.width), float(drawn.mediabox.height)
        scale = min(1.0, (width - 2 * PAGE_MARGIN) / w, (height - 2 * PAGE_MARGIN) / h)
        page = writer.add_blank_page(width, height)
        top_left = (
            Transformation().scale(scale).translate(PAGE_MARGIN, height - PAGE_MARGIN - h * scale)
        )
        page.merge_transformed_page(drawn, top_left)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
