"""Importing enquiries from a pilot spreadsheet: the template, and the all-or-nothing import.

template_csv() -> bytes, template_xlsx() -> bytes
import_file(engine, actor, path_or_bytes, *, filename, dry_run, today) -> ImportReport
"""

from msp.importer.columns import COLUMNS, MAX_OUTCOMES, Column
from msp.importer.service import (
    ALREADY_IMPORTED,
    IMPORT_ACTION,
    NEW,
    REMOVED,
    SUMMARY_ACTION,
    ImportReport,
    Problem,
    RowResult,
    import_file,
    importer_by_username,
    require_importer,
)
from msp.importer.template import (
    EXAMPLE_TEAM,
    EXAMPLE_WORKER,
    allowed_values,
    template_csv,
    template_xlsx,
)

__all__ = [
    "ALREADY_IMPORTED",
    "COLUMNS",
    "EXAMPLE_TEAM",
    "EXAMPLE_WORKER",
    "IMPORT_ACTION",
    "MAX_OUTCOMES",
    "NEW",
    "REMOVED",
    "SUMMARY_ACTION",
    "Column",
    "ImportReport",
    "Problem",
    "RowResult",
    "allowed_values",
    "import_file",
    "importer_by_username",
    "require_importer",
    "template_csv",
    "template_xlsx",
]
