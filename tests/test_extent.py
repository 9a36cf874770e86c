"""How far a sheet's cells reach, measured from its XML before the reader sees it
(lkjip_helpers.extent, used by the limits scan): every form of cell reference the reader (calamine)
accepts is measured as far as the reader places it, so that no form slips a far cell past the
GRID limit; the usual form is measured as arrays, the same as element by element."""
import random
import zipfile

import pytest
from hostile import raw_xlsx

from lkjip_helpers.errors import WorkbookError
from lkjip_helpers.extent import Extent, bound_extent, fast_extent
from lkjip_helpers.limits import check_workbook

# a cell the reader places at J20 (row 20, column 10), written in each form it accepts
FORMS = {
    "usual": '<c r="J20"><v>1</v></c>',
    "reference after another attribute": '<c s="0" r="J20"><v>1</v></c>',
    "no space after the attribute before": '<c s="0"r="J20"><v>1</v></c>',
    "a second r right after the first's quote": '<c r="A1"r="J20"><v>1</v></c>',
    "spaces around =": '<c r = "J20"><v>1</v></c>',
    "single quotes": "<c r='J20'><v>1</v></c>",
    "a tab before r": '<c\tr="J20"><v>1</v></c>',
    "a line break before r": '<c s="0"\nr="J20"><v>1</v></c>',
    "lower-case letters": '<c r="j20"><v>1</v></c>',
    "leading zeros": '<c r="J0000020"><v>1</v></c>',
    "a character reference": '<c r="&#74;20"><v>1</v></c>',
    "a namespace prefix": '<x:c r="J20"><x:v>1</x:v></x:c>',
    "no reference, after nine cells": "".join(f'<c r="{c}20"><v>1</v></c>' for c in "ABCDEFGH")
                                      + "<c><v>1</v></c><c><v>1</v></c>",
}


def _sheet_with(path, row_xml: str):
    raw_xlsx(path, ['<c r="A1"><v>1</v></c>'])
    with zipfile.ZipFile(path) as z:
        parts = {i.filename: z.read(i.filename) for i in z.infolist()}
    parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"].replace(
        b"</sheetData>", row_xml.encode() + b"</sheetData>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


@pytest.mark.parametrize("form", sorted(FORMS))
def test_each_form_is_measured_where_the_reader_places_it(form, tmp_path, monkeypatch):
    from python_calamine import CalamineWorkbook

    path = _sheet_with(tmp_path / "bentuk.xlsx", f'<row r="20">{FORMS[form]}</row>')
    if form == "a character reference":   # the reader refuses it; measured all the same
        with pytest.raises(Exception, match="alphanumeric"):
            CalamineWorkbook.from_path(str(path)).get_sheet_by_name("TW I")
    else:
        assert CalamineWorkbook.from_path(str(path)).get_sheet_by_name("TW I").end == (19, 9)
    monkeypatch.setenv("LKJIP_LIMIT_GRID", "199")     # 20 x 10 = 200 cells: one too many
    with pytest.raises(WorkbookError, match=r"bentuk\.xlsx, sheet 'TW I': sel terjauh J20 .* "
                                            r"berisi 200 sel"):
        check_workbook(path)
    monkeypatch.setenv("LKJIP_LIMIT_GRID", "200")
    assert check_workbook(path) == {}


@pytest.mark.parametrize("far", ['<c s="0" r="XFD1048576"><v>1</v></c>',
                                 '<c r="A1" r="XFD1048576"><v>1</v></c>',
                                 '<c r="A1"r="XFD1048576"><v>1</v></c>',
                                 "<c r='A1'r='XFD1048576'><v>1</v></c>",
                                 '<c' + " " * (5 << 20) + 'r="XFD1048576"><v>1</v></c>'])
def test_a_far_cell_in_an_unusual_form_is_refused(far, tmp_path):
    """Before, a far cell whose reference was not the element's first attribute passed the scan
    (and the reader would have allocated 17 billion cells)."""
    path = _sheet_with(tmp_path / "jauh.xlsx", f'<row r="1048576">{far}</row>')
    with pytest.raises(WorkbookError, match="XFD1048576.*LKJIP_LIMIT_GRID"):
        check_workbook(path)


def test_rows_without_a_reference_follow_the_row_before(tmp_path):
    path = _sheet_with(tmp_path / "baris.xlsx", '<row r="1048575"><c><v>1</v></c></row><row>'
                       + "<c><v>1</v></c>" * 20 + "</row>")
    with pytest.raises(WorkbookError, match="sel terjauh T1048576"):
        check_workbook(path)


def _ref(col: int, row: int) -> str:
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row}"


def test_the_usual_form_as_arrays_is_the_same_as_element_by_element():
    rnd = random.Random(12)
    for _ in range(200):
        cells = [(rnd.randint(1, 16384), rnd.randint(1, 1048576)) for _ in range(rnd.randint(1, 40))]
        body = "".join(f'<row r="{r}"><c r="{_ref(c, r)}" t="n"><v>1</v></c></row>'
                       for c, r in cells).encode()
        expected = (len(cells), max(r for _, r in cells), max(c for c, _ in cells))
        assert fast_extent(body) == (*expected, False)
        slow = Extent()
        slow.feed(body)
        assert (slow.cells, slow.rows, slow.cols) == expected


@pytest.mark.parametrize("ref", ["A01", "a1", "AAAA1", "A12345678", "A", "1", "A1B"])
def test_an_unusual_reference_leaves_the_array_path(ref):
    assert fast_extent(f'<row r="1"><c r="B2"/><c r="{ref}"/></row>'.encode()) is None


# pieces of sheet XML, usual and not, for comparing the bound with the measure
PIECES = [*FORMS.values(), '<c r="B7" t="n"><v>1</v></c>', '<c r="AB123" s="2"/>',
          '<c r="ZZZ1048576"><v>1</v></c>', '<c r="C9" t="e"><v>#N/A</v></c>',
          '<c r="D4"><f>A1/B1</f></c>', '<c r="D5"><f/></c>', '<c r="E2"\t t="n"/>',
          '<c r="E3"\x0b/>', '<c r="F2"r="G2"/>', "<c r='F3'r='G3'/>", '<c t="n"r="Q1"/>',
          '<row r="4"r="5">', '<c r="F4" x:r="Z9"/>', '<c r="B3" t ="n"/>', '<c r="B3" r ="ZZ9"/>', '<c r="H2" t\n="e"/>', '<c r="F1" r="G1"/>', '<c r="A01"/>', '<c r="a1"/>', "<c/>",
          '<c r="AAAA1"/>', '<c r="A123456789"/>', '<cfRule type="x"/>', '<col min="1"/>',
          "<row>", '<row r="12">', '<row r="3" spans="1:5">', "</row>", '<x:row r="2">',
          '<is><t xml:space="preserve">r=x = y</t></is>', "<formula>1</formula>"]


def test_the_bound_is_never_below_the_measure():
    """bound_extent (the limits scan's first pass) takes every piece fast_extent takes (and the
    same with a tab or line break for a space), counts the same cells as the element-by-element
    measure and bounds their farthest row and column from above; anything else it leaves to the
    exact measure."""
    rnd = random.Random(9)
    taken = 0
    for _ in range(3000):
        body = "".join(rnd.choice(PIECES[:rnd.randint(5, len(PIECES))])
                       for _ in range(rnd.randint(0, 12))).encode()
        fast, bound = fast_extent(body), bound_extent(body)
        assert fast is None or bound is not None, body
        if bound is not None:
            taken += 1
            slow = Extent()
            slow.feed(body)
            assert bound[0] == slow.cells and bound[1] >= slow.rows and bound[2] >= slow.cols, body
            assert fast is None or bound[3] == fast[3], body
            assert bound_extent(body, count=False) == (0, *bound[1:]), body   # cells not counted
    assert taken > 300


def test_a_sheet_within_its_bound_passes_and_one_beyond_is_measured(tmp_path, monkeypatch):
    """One letter, two digits: the bound is 99 x 26 = 2.574 cells. Under a GRID limit above it
    the sheet passes on the bound; under one below, it is measured and the farthest cell said."""
    path = _sheet_with(tmp_path / "batas.xlsx", '<row r="20"><c r="J20"><v>1</v></c></row>')
    monkeypatch.setenv("LKJIP_LIMIT_GRID", "2574")
    assert check_workbook(path) == {}
    monkeypatch.setenv("LKJIP_LIMIT_GRID", "2573")   # measured: 20 x 10 = 200 cells
    assert check_workbook(path) == {}
    monkeypatch.setenv("LKJIP_LIMIT_GRID", "199")
    with pytest.raises(WorkbookError, match="sel terjauh J20 .* berisi 200 sel"):
        check_workbook(path)
