"""The package reader of the limits checks (lkjip_helpers.package) against zipfile: the same
parts, sizes and contents; the same refusals of a lying part; anything unusual left to zipfile."""
import io
import random
import zipfile
import zlib

import pytest
from conftest import CLEAN, quarter_sheet, write_xlsx

from lkjip_helpers.limits import check_workbook, open_package
from lkjip_helpers.package import Package, parse


def _zip(parts: dict[str, bytes], comment: bytes = b"", method=zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as z:
        for name, data in parts.items():
            z.writestr(name, data)
        z.comment = comment
    return buf.getvalue()


def _stream(fh, n):
    out = []
    while piece := fh.read(n):
        out.append(piece)
    return out


def test_the_parts_are_those_zipfile_reads(tmp_path):
    rnd = random.Random(3)
    parts = {"[Content_Types].xml": b"<Types/>", "xl/worksheets/sheet1.xml":
             bytes(rnd.getrandbits(8) for _ in range(5000)) + b"<row/>" * 50000,
             "xl/empty.xml": b"", "d\u00e9j\u00e0/x.xml": b"abc"}
    for method in (zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED):
        data = _zip(parts, method=method)
        package, z = parse(data), zipfile.ZipFile(io.BytesIO(data))
        assert isinstance(package, Package)
        assert [(p.filename, p.file_size, p.compress_size) for p in package.infolist()] == \
            [(i.filename, i.file_size, i.compress_size) for i in z.infolist()]
        for name, content in parts.items():
            assert package.read(name) == content
            with package.open(package.getinfo(name)) as fh:   # in pieces, as the scan reads
                pieces = _stream(fh, 4096)
            assert b"".join(pieces) == content and all(len(p) == 4096 for p in pieces[:-1])
        with pytest.raises(KeyError):
            package.read("xl/nothing.xml")
    path = write_xlsx(tmp_path / "a.xlsx", {"TW I": quarter_sheet(CLEAN)})
    assert isinstance(open_package(path, path.read_bytes()), Package)   # openpyxl's packages


def _lying(declared_size=None, crc=None) -> bytes:
    """A package whose one part declares another size or CRC than its content's."""
    content = b"<sheetData>" + b" " * 100000 + b"</sheetData>"
    data = bytearray(_zip({"xl/worksheets/sheet1.xml": content}))
    central = data.rfind(b"PK\x01\x02")
    for at in (data.find(b"PK\x03\x04") + 14, central + 16):   # crc, compressed, size
        if crc is not None:
            data[at:at + 4] = crc.to_bytes(4, "little")
        if declared_size is not None:
            data[at + 8:at + 12] = declared_size.to_bytes(4, "little")
    return bytes(data)


@pytest.mark.parametrize("lie", [{"declared_size": 1000}, {"crc": 12345}])
def test_a_part_that_lies_is_refused_as_zipfile_refuses_it(lie):
    data = _lying(**lie)
    package, z = parse(data), zipfile.ZipFile(io.BytesIO(data))
    for reader in (package.open(package.getinfo("xl/worksheets/sheet1.xml")),
                   z.open("xl/worksheets/sheet1.xml")):
        with pytest.raises(zipfile.BadZipFile, match="Bad CRC-32"):
            _stream(reader, 512)
    # a declared size is never passed, whatever the part inflates to
    package = parse(_lying(declared_size=1000, crc=zlib.crc32(b"<sheetData>" + b" " * 989)))
    with package.open(package.getinfo("xl/worksheets/sheet1.xml")) as fh:
        got = _stream(fh, 512)
    assert sum(map(len, got)) == 1000


def test_a_name_differing_in_the_local_header_is_refused():
    data = _zip({"xl/a.xml": b"x"}).replace(b"xl/a.xml", b"xl/b.xml", 1)   # the local header's
    package = parse(data)
    with pytest.raises(zipfile.BadZipFile, match="differ"):
        package.read("xl/a.xml")


def test_anything_unusual_is_left_to_zipfile(tmp_path):
    plain = _zip({"xl/a.xml": b"x" * 100})
    assert parse(plain) is not None
    assert parse(_zip({"xl/a.xml": b"x"}, comment=b"komentar")) is None
    assert parse(b"junk before" + plain) is None                  # data before the zip
    assert parse(plain[:-30]) is None and parse(b"") is None      # cut short
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_BZIP2) as z:       # another method
        z.writestr("xl/a.xml", b"x")
    assert parse(buf.getvalue()) is None
    flagged = bytearray(plain)                                     # "encrypted"
    flagged[flagged.rfind(b"PK\x01\x02") + 8] |= 1
    assert parse(bytes(flagged)) is None
    # the checks then go through zipfile, as before
    path = tmp_path / "komentar.xlsx"
    write_xlsx(path, {"TW I": quarter_sheet(CLEAN)})
    with zipfile.ZipFile(path, "a") as z:
        z.comment = b"ditulis oleh alat lain"
    assert isinstance(open_package(path, path.read_bytes()), zipfile.ZipFile)
    assert check_workbook(path) == {}


def test_a_file_above_the_in_memory_size_is_read_from_the_disk(tmp_path, monkeypatch):
    """A file over IN_MEMORY (16 MB; lowered here) is not read into memory: the checks open it
    with zipfile and the reader by its path, and it is read all the same."""
    import lkjip_helpers.limits as limits
    from lkjip_helpers.ingest import ingest

    path = write_xlsx(tmp_path / "besar.xlsx", {"TW I": quarter_sheet(CLEAN)})
    assert limits.read_small(path) == path.read_bytes()
    lines = len(ingest([path]).budget_lines)
    monkeypatch.setattr(limits, "IN_MEMORY", path.stat().st_size - 1)
    assert limits.read_small(path) is None
    assert check_workbook(path) == {} and len(ingest([path]).budget_lines) == lines > 0


def test_a_damaged_relationships_part_is_one_line(tmp_path, capsys):
    """Before, a workbook whose relationships part failed its CRC left the checks as a bug
    (exit 1, 'kesalahan internal'); now bad input: exit 2, one line naming the file."""
    from hostile import raw_xlsx

    from lkjip_helpers.cli import main
    from lkjip_helpers.errors import WorkbookError

    path = raw_xlsx(tmp_path / "relasi.xlsx", ['<c r="A1"><v>1</v></c>'])
    data, name = bytearray(path.read_bytes()), b"xl/_rels/workbook.xml.rels"
    for sig, at_name, at_crc in ((b"PK\x03\x04", 30, 14), (b"PK\x01\x02", 46, 16)):
        at = data.find(sig)
        while at >= 0:
            if data[at + at_name:at + at_name + len(name)] == name:
                data[at + at_crc:at + at_crc + 4] = b"\x01\x02\x03\x04"
            at = data.find(sig, at + 4)
    path.write_bytes(bytes(data))
    with pytest.raises(WorkbookError, match=r"relasi\.xlsx.*paket xlsx rusak \(Bad CRC-32"):
        check_workbook(path)
    assert main(["ingest", str(path), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "relasi.xlsx" in err and "Traceback" not in err, err


def test_the_percent_formats_are_read_from_the_package_the_checks_kept(tmp_path):
    """The number formats of percent cells come from the bytes the checks parsed and the sheet XML
    they inflated (nothing read twice), the same as from the file; the bytes are not kept with
    the tables once the workbook is read."""
    from openpyxl import Workbook

    from lkjip_helpers.excel.formats import cell_formats
    from lkjip_helpers.excel.workbook import open_workbook
    from lkjip_helpers.ingest import ReadContext, read_file
    from lkjip_helpers.limits import Checked, read_small

    wb = Workbook()
    ws = wb.active
    ws.title = "TW IV"
    for row, (value, fmt) in enumerate([(0.9972, "0.00%"), (0.5, "0%"), (12.5, "0.0"),
                                        (0.25, None)], start=1):
        ws.cell(row, 10, value)
        if fmt:
            ws.cell(row, 10).number_format = fmt
    path = tmp_path / "f.xlsx"
    wb.save(path)
    cells = {"J1", "J2", "J3", "J4", "J9"}
    kept: list = []
    check_workbook(path, data=read_small(path), keep=kept)
    assert len(kept) == 1 and isinstance(kept[0], Checked)
    assert list(kept[0].sheets) == ["xl/worksheets/sheet1.xml"]
    from_file = cell_formats(path, "TW IV", cells)
    assert from_file == {"J1": "0.00%", "J2": "0%", "J3": "0.0"}   # J4 has no style
    assert cell_formats(path, "TW IV", cells, kept[0]) == from_file
    assert cell_formats(path, "no such sheet", cells, kept[0]) == {}
    grid, = open_workbook(path)
    assert isinstance(grid.package, Checked)
    # read through ingest's reader: the grids give the package up afterwards
    seen = []
    import lkjip_helpers.ingest as ingest_module

    real = ingest_module.open_workbook

    def spy(*a, **k):
        seen.extend(real(*a, **k))
        return seen
    ingest_module.open_workbook = spy
    try:
        read_file(path, ReadContext())
    finally:
        ingest_module.open_workbook = real
    assert seen and all(g.package is None for g in seen)
