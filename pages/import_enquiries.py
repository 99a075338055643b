"""Import enquiries (supervisors and administrators) from a filled-in template, all or nothing."""

# The page shows only what msp.importer's report says (row numbers, column headings, what to
# correct, the new enquiries' ids): never the file's cells. The report of the last check or
# import is kept in session state until another file is chosen, and drawn by `show_report`.

import datetime as dt

import pandas as pd
import streamlit as st

from msp import importer
from msp.auth import CurrentUser
from msp.errors import MspError
from msp.importer.columns import MAX_FILE_BYTES
from msp.ui import navigation, session
from msp.ui.forms import FormProblems
from msp.ui.guard import require_page
from msp.ui.text import plain

user = require_page(__file__)

FILE_KEY = "import_file"
REPORT_KEY = "import_report"
CHECK_KEY = "import_check"
IMPORT_KEY = "import_run"
UPLOAD = FormProblems("import")
CHOOSE_FILE = "Choose the file to import"
MAX_PROBLEMS_SHOWN = 500
CSV_NAME = "msp-import-template.csv"
XLSX_NAME = "msp-import-template.xlsx"
ENQUIRIES_PAGE = "pages/enquiries.py"

RESULT_TEXT = {
    # status -> (after an import, after a check)
    importer.NEW: ("Imported", "Would be imported"),
    importer.ALREADY_IMPORTED: ("Skipped: already imported", "Would be skipped: already imported"),
    importer.REMOVED: (
        "Skipped: removed from the app as entered in error",
        "Would be skipped: removed from the app as entered in error",
    ),
}


def _importer() -> CurrentUser | None:
    """The user acting, checked again when a button's callback runs (callbacks run before the
    page's guard); the import service checks their role and teams itself."""
    return session.signed_in_user(session.app_engine())


def _forget_report() -> None:
    st.session_state.pop(REPORT_KEY, None)
    UPLOAD.clear()


def _run(dry_run: bool) -> None:
    _forget_report()
    actor = _importer()
    if actor is None:
        return
    uploaded = st.session_state.get(FILE_KEY)
    if uploaded is None:
        UPLOAD.set({"file": CHOOSE_FILE})
        return
    try:
        report = importer.import_file(
            session.app_engine(),
            actor,
            uploaded.getvalue(),
            filename=uploaded.name,
            dry_run=dry_run,
            today=dt.date.today(),
        )
    except MspError as exc:  # NotAllowed: e.g. a supervisor with no team
        UPLOAD.set({"file": str(exc)})
        return
    if report.written:
        st.cache_data.clear()  # dashboards count the imported enquiries at once
    st.session_state[REPORT_KEY] = report


def problems_table(report: importer.ImportReport) -> pd.DataFrame:
    """Each problem as a row: where it is (row number, column heading) and what to correct."""
    return pd.DataFrame(
        {
            "Row": ["Whole file" if p.row is None else str(p.row) for p in report.problems],
            "Column": [p.column or "" for p in report.problems],
            "What to correct": [p.message for p in report.problems],
        }
    )


def rows_table(report: importer.ImportReport) -> pd.DataFrame:
    """What happened (or would happen) to each row of a file without problems."""
    done = 1 if report.dry_run else 0
    data: dict[str, list[str]] = {
        "Row": [str(r.row) for r in report.rows],
        "Result": [RESULT_TEXT.get(r.status, (r.status, r.status))[done] for r in report.rows],
    }
    if not report.dry_run:
        data["Enquiry id"] = [r.public_id or "" for r in report.rows]
    return pd.DataFrame(data)


def show_report(report: importer.ImportReport, role: str) -> None:
    """The report of a check or an import: its summary, then every problem by row and column,
    or what was (or would be) imported and skipped."""
    heading = "Result of the check" if report.dry_run else "Result of the import"
    st.header(heading)
    if report.problems:
        st.error(plain(report.summary()), icon=":material/error:")
        shown = report.problems[:MAX_PROBLEMS_SHOWN]
        if len(report.problems) > len(shown):
            st.write(
                f"The first {len(shown):,} of {len(report.problems):,} problems are listed. "
                "Download the full list, or correct these and check the file again."
            )
        # st.table wraps long messages (and reads Markdown in its cells: all escaped).
        table = problems_table(report).head(MAX_PROBLEMS_SHOWN).map(plain)
        st.table(
            table,
            hide_index=True,
            alt="Problems found in the file, by row and column, with what to correct",
        )
        st.download_button(
            "Download the list of problems (CSV)",
            data=problems_table(report).to_csv(index=False).encode("utf-8-sig"),
            file_name="import-problems.csv",
            mime="text/csv",
            on_click="ignore",
            key="import_problems_download",
        )
        return
    if report.dry_run:
        st.info(plain(report.summary()), icon=":material/fact_check:")
        if report.imported:
            st.write("Nothing has been imported yet. Select “Import” to import the file.")
    else:
        st.success(plain(report.summary()), icon=":material/check_circle:")
        if report.imported:
            st.write(
                "The enquiries are in the app now, recorded in the audit trail as imported by you."
            )
            if navigation.spec_for_file(ENQUIRIES_PAGE).allows(role):
                st.page_link(
                    ENQUIRIES_PAGE, label="Go to the enquiries", icon=":material/folder_open:"
                )
    if report.rows:
        st.dataframe(rows_table(report), hide_index=True, width="stretch")


st.title("Import enquiries")
st.write(
    "If your team recorded its enquiries in a spreadsheet before using this service, you "
    "can bring them in here."
)
st.markdown(
    "- Use the template. It has one row per enquiry, with the person's desired outcomes and "
    "how far each was achieved in columns.\n"
    "- Every row is checked first. If any row has a problem, nothing is imported: correct "
    "the file and import it again.\n"
    "- The case reference and the date the enquiry started identify an enquiry. Importing "
    "the same file again does not create duplicates: rows already imported are skipped.\n"
    "- Imported enquiries are recorded in the audit trail as imported by you."
)
if user.role == "supervisor":
    teams = ", ".join(plain(name) for name in user.team_names)
    st.write(f"You can import enquiries for your teams only: {teams}.")
else:
    st.write("You can import enquiries for any team.")

st.header("1. Fill in the template")
st.write(
    "Both templates have the same columns and an example row: delete it before you import. "
    "The Excel template also lists the allowed values and what to enter in each column."
)
templates = st.container(horizontal=True)
templates.download_button(
    "Download the Excel template (XLSX)",
    data=importer.template_xlsx(),
    file_name=XLSX_NAME,
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    on_click="ignore",
    key="import_template_xlsx",
    icon=":material/download:",
)
templates.download_button(
    "Download the CSV template",
    data=importer.template_csv(),
    file_name=CSV_NAME,
    mime="text/csv",
    on_click="ignore",
    key="import_template_csv",
    icon=":material/download:",
)
with st.expander("Allowed values for coded columns"):
    st.write(
        "Enter these words exactly as written here (capital letters and extra spaces do not "
        "matter). Dates can be YYYY-MM-DD or DD/MM/YYYY."
    )
    for heading, values in importer.allowed_values().items():
        st.markdown(f"**{plain(heading)}**")
        st.markdown("\n".join(f"- {plain(value)}" for value in values))

st.header("2. Check and import the file")
UPLOAD.summary(["file"])
st.file_uploader(
    "Upload the filled-in file",
    type=["csv", "xlsx"],
    key=FILE_KEY,
    on_change=_forget_report,
    max_upload_size=MAX_FILE_BYTES // (1024 * 1024),
)
st.caption("Check the file first to see any problems: checking imports nothing.")
UPLOAD.beside("file")
buttons = st.container(horizontal=True)
buttons.button("Check the file", key=CHECK_KEY, on_click=_run, args=(True,))
buttons.button("Import", key=IMPORT_KEY, type="primary", on_click=_run, args=(False,))

report = st.session_state.get(REPORT_KEY)
if isinstance(report, importer.ImportReport):
    show_report(report, user.role)
