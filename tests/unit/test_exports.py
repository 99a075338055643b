"""Files for sharing: CSV and XLSX with formula neutralising; charts to PNG and PDF."""

import io

import altair as alt
import pandas as pd
import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from msp import exports


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+44 20 7946 0000", "'+44 20 7946 0000"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTab", "'\tTab"),
        ("\rReturn", "'\rReturn"),
        ("North", "North"),
        ("[c]", "[c]"),
        ("", ""),
        (-5, -5),
        (2.5, 2.5),
        (None, None),
    ],
)
def test_neutralise(value, written):
    assert exports.neutralise(value) == written


def frame():
    return pd.DataFrame(
        {
            "Label": ["Own Home", '=HYPERLINK("http://evil","x")', "@cmd"],
            "=team": [12, -3, None],
            "Total": ["[c]", 10, 5.5],
        }
    )


def test_csv():
    out = io.StringIO()
    text = exports.to_csv(frame(), out)
    assert out.getvalue() == text
    assert text.splitlines() == [
        "Label,'=team,Total",
        "Own Home,12.0,[c]",
        '"\'=HYPERLINK(""http://evil"",""x"")",-3.0,10',
        "'@cmd,,5.5",
    ]


def test_csv_keeps_integers():
    text = exports.to_csv(pd.DataFrame({"n": [1, 2]}))
    assert text == "n\n1\n2\n"


def test_xlsx_cells_are_text_or_numbers_never_formulas(tmp_path):
    target = tmp_path / "t.xlsx"
    data = exports.to_xlsx({"SG2a": frame(), "Bad/name?": pd.DataFrame({"a": [1]})}, target)
    assert target.read_bytes() == data
    book = load_workbook(target)
    assert book.sheetnames == ["SG2a", "Bad-name-"]
    sheet = book["SG2a"]
    assert [c.value for c in sheet[1]] == ["Label", "'=team", "Total"]
    assert sheet["A3"].value == '\'=HYPERLINK("http://evil","x")'
    assert sheet["A3"].data_type == "s"
    assert sheet["B3"].value == -3 and sheet["B3"].data_type == "n"
    assert sheet["C2"].value == "[c]"
    assert sheet["B4"].value is None
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    assert sheet.freeze_panes == "A2"


def test_sheet_names_are_unique_and_short():
    data = exports.to_xlsx({"x" * 40: pd.DataFrame({"a": [1]}), "X" * 35: pd.DataFrame()})
    book = load_workbook(io.BytesIO(data))
    assert [len(n) for n in book.sheetnames] == [31, 31]
    assert book.sheetnames[1].endswith("(2)")


def test_chart_png_and_pdf():
    chart = (
        alt.Chart(pd.DataFrame({"a": ["x", "y"], "b": [1, 2]}), title="A chart")
        .mark_bar()
        .encode(x="a:N", y="b:Q")
    )
    png = exports.chart_png(chart)
    assert png.startswith(b"\x89PNG")
    pdf = exports.charts_pdf([chart, chart, chart], title="Dashboard")
    assert pdf.startswith(b"%PDF")
    pages = PdfReader(io.BytesIO(pdf)).pages
    assert len(pages) == 3  # one chart to a page, each A4 landscape
    assert {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in pages} == {
        (842, 595)
    }
    text = pages[1].extract_text()
    assert "Dashboard" in text and "Chart 2 of 3" in text and "A chart" in text
    with pytest.raises(ValueError):
        exports.charts_pdf([])
