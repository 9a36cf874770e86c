"""The Renja evaluation form (Permendagri 86/2017): its columns on the sample year, K from a filled
Renja sheet (tren positif, zero cases), the xlsx layout (headers, merged cells, numbering row, hidden
check formulas, text never a formula), `lkjip renja` and its refusal to overwrite."""
import shutil
from decimal import Decimal as D

import pandas as pd
import pytest
from conftest import SAMPLE, SEED, quarterly_only
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from lkjip_helpers.cli import main
from lkjip_helpers.pipeline import analyse
from lkjip_helpers.renja import ABSENT, NO_SHEET
from lkjip_helpers.renja_section import form_of, renja_section
from lkjip_helpers.renja_xlsx import FIRST, NUMBER_ROW, check_formula, columns, write


@pytest.fixture(scope="module")
def tw4():
    return form_of(analyse([SAMPLE], 2020, 4))


def test_column_7_at_tw_iii_is_the_pagu_in_force_not_the_restated_one():
    """TW III's sheet restates the pre-refocusing pagu for 14 kegiatan; the refocused version
    (TW II's sheet) stays in force, as in the rest of the report."""
    form = form_of(analyse([SAMPLE], 2020, 3))
    tw2 = {r["name"]: r for r in SEED["quarters"]["TW2"]["rows"] if r["kegiatan_id"]}
    tw3 = {r["name"]: r for r in SEED["quarters"]["TW3"]["rows"] if r["kegiatan_id"]}
    k = _row(form, "Perlindungan dan Jaminan Sosial")
    assert tw3[k["nama"]]["pagu"] != tw2[k["nama"]]["pagu"]
    assert k["rp7"] == tw2[k["nama"]]["pagu"] and k["rp12"] == tw3[k["nama"]]["realisasi"]
    assert form.basis.startswith("pagu berlaku")


def _row(form, name, indikator=None):
    return next(r for r in form.rows if r["nama"] == name and
                (indikator is None or r["indikator"].startswith(indikator)))


def test_sample_rp_columns_come_from_the_budget_lines(tw4):
    programs = [r for r in tw4.rows if r["level"] == "program" and r["first"]]
    kegiatan = [r for r in tw4.rows if r["level"] == "kegiatan" and r["first"]]
    assert len(programs) == 8 and len(kegiatan) == 19
    # numbered as the annual workbook (Program Ke / PK) numbers them
    assert [r["nama"] for r in programs][:2] == ["Peningkatan Kinerja Lembaga dan Aparatur "
                                                 "Pemerintah", "Pelayanan Rehabilitasi "
                                                 "Perlindungan dan Jaminan Sosial"]
    seed = {r["kegiatan_id"]: r for r in SEED["quarters"]["TW4"]["rows"] if r["kegiatan_id"]}
    tw3 = {r["kegiatan_id"]: r for r in SEED["quarters"]["TW3"]["rows"] if r["kegiatan_id"]}
    k = _row(tw4, "Perlindungan dan Jaminan Sosial")
    sid = next(i for i, r in seed.items() if r["name"] == "Perlindungan dan Jaminan Sosial")
    # column 7 on the report's budget basis (docs/budget-basis.md): at TW IV Tabel 3.2's final
    # pagu, not the TW IV sheet's, which restated the pre-refocusing version
    final = {r["kegiatan_id"]: r for r in SEED["annual_3_2"]}
    assert seed[sid]["pagu"] == D(1906946000)
    assert k["rp7"] == final[sid]["pagu"] == D(540347600)
    assert tw4.basis == "pagu akhir (Tabel 3.2)"
    assert k["rp12"] == seed[sid]["realisasi"]
    assert k["rp_tw4"] == seed[sid]["realisasi"] - tw3[sid]["realisasi"]
    assert k["rp_tw1"] + k["rp_tw2"] + k["rp_tw3"] + k["rp_tw4"] == k["rp12"]
    assert k["rp13"] == k["rp12"] * 100 / k["rp7"]
    # no Renstra money in the seed: said so, never 0
    assert (k["rp5"], k["rp6"], k["rp14"], k["rp15"]) == (ABSENT,) * 4
    total = sum(r["rp12"] for r in programs)
    assert total == sum(r["realisasi"] for r in seed.values())


def test_sample_k_columns_by_type(tw4):
    pmks = [r for r in tw4.rows if r["indikator"].startswith("Persentase Penyandang")]
    assert [r["nama"] for r in pmks] == ["Pelayanan Rehabilitasi Perlindungan dan Jaminan Sosial",
                                         "Pemberdayaan Sosial dan Penanganan Fakir Miskin",
                                         "Pembinaan Lingkungan Sosial"]  # PK: programs 2, 3, 4
    r = pmks[0]
    assert r["tipe"] == "nilai akhir"
    assert (r["k5"], r["k6"], r["k7"]) == (D(75), D(95), D(86))    # Renstra, 2019, PK target
    assert [r[f"k_tw{q}"] for q in (1, 2, 3, 4)] == [D("70.31")] * 4
    assert r["k12"] == D("70.31")                 # the latest value, not 281,24
    assert r["k13"] == D("70.31") * 100 / 86 and r["rating_k"] == "Tinggi"   # 81,76%
    assert r["k14"] == D("70.31")                 # nilai akhir: the level reached, not 6 + 12
    assert r["k15"] == D("70.31") * 100 / 75      # 93,75%
    assert "nilai triwulan terakhir" in r["rule_k"]
    # program 6 supports two PK indicators: two rows, the money on the first only
    p6 = [x for x in tw4.rows if x["level"] == "program" and x["no"] in ("6", "")]
    assert [x["indikator"] for x in p6][:2] == ["Persentase Penurunan Kasus Kekerasan terhadap "
                                                "Perempuan dan Anak", "Kategori Kota Layak Anak"]
    assert p6[1]["rp7"] is None and p6[1]["k7"] == "Madya" and p6[1]["k_tw4"] == ABSENT
    # a kegiatan the PK names as supporting an indicator carries it; others say K is absent
    assert _row(tw4, "Pengarusutamaan Hak dan tumbuh kembang Anak")["indikator"] == \
        "Kategori Kota Layak Anak"
    assert _row(tw4, "Penanganan Fakir Miskin")["indikator"] == ABSENT


def test_sample_at_tw2_leaves_later_quarters_blank():
    f = form_of(analyse([SAMPLE], 2020, 2))
    r = _row(f, "Perlindungan dan Jaminan Sosial")
    assert (r["rp_tw3"], r["rp_tw4"], r["k_tw3"]) == (None, None, None)
    assert r["rp12"] == r["rp_tw1"] + r["rp_tw2"]


def test_missing_quarter_sheet_is_said(tmp_path):
    for q in (1, 3):
        shutil.copy(SAMPLE / f"pengukuran_kinerja_2020_TW{q}.xlsx", tmp_path)
    f = form_of(analyse([tmp_path], 2020, 3))
    r = _row(f, "Perlindungan dan Jaminan Sosial")
    assert r["rp_tw2"] == NO_SHEET and r["k_tw2"] == ABSENT and "TW II" in f.notes[0]
    assert r["rp_tw1"] + r["rp_tw3"] == r["rp12"]    # TW III's increment covers TW II


def _with_renja(tmp_path, renja_rows):
    from importlib import util

    from lkjip_helpers.annual import write_template
    spec = util.spec_from_file_location("msd", SAMPLE.parents[2] / "scripts" / "make_sample_data.py")
    mod = util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    rows, summary = mod.annual_rows(SEED)
    rows["Renja"] = renja_rows
    for q in (1, 2, 3, 4):
        shutil.copy(SAMPLE / f"pengukuran_kinerja_2020_TW{q}.xlsx", tmp_path)
    write_template(tmp_path / "kinerja_2020.xlsx", 2020, rows, summary)
    return form_of(analyse([tmp_path], 2020, 4))


def test_renja_sheet_gives_k_of_kegiatan_tren_positif_and_zero(tmp_path):
    f = _with_renja(tmp_path, [
        {"tingkat": "kegiatan", "program_no": 3, "nama": "Penanganan Fakir Miskin",
         "indikator": "Jumlah keluarga miskin yang dibantu", "satuan": "KK",
         "tipe_agregasi": "tren positif", "renstra_k": 1000, "renstra_rp": 700000000,
         "lalu_k": 150, "lalu_rp": 120000000, "renja_k": 200,
         "k_tw1": 40, "k_tw2": 60, "k_tw3": 50, "k_tw4": 70, "unit": "Bidang Sosial"},
        {"tingkat": "kegiatan", "program_no": 3, "nama": "Identifikasi dan Penguatan Kapasitas",
         "indikator": "Jumlah pengaduan berulang", "satuan": "kasus", "tipe_agregasi": "tren negatif",
         "renstra_k": 0, "lalu_k": 3, "renja_k": 0, "k_tw1": 0, "k_tw2": 0, "k_tw3": 2, "k_tw4": 0},
        {"tingkat": "kegiatan", "program_no": 3, "nama": "Kegiatan Salah Ketik", "renja_k": 5},
    ])
    r = _row(f, "Penanganan Fakir Miskin")
    assert r["k12"] == 220 and r["k13"] == 110            # 40 + 60 + 50 + 70 against 200
    assert r["k14"] == 370 and r["k15"] == 37             # 150 + 220 against 1000
    assert r["rp14"] == 120000000 + r["rp12"] and r["rp15"] == r["rp14"] * 100 / 700000000
    assert r["unit"] == "Bidang Sosial" and "sheet Renja" in r["keterangan"]
    assert f.notes == [f"sheet Renja kinerja_2020.xlsx baris 4: kegiatan 'Kegiatan Salah Ketik' "
                       "tidak ada di lembar triwulan; K-nya tidak dipakai (periksa penulisan nama)"]
    z = _row(f, "Identifikasi dan Penguatan Kapasitas")
    assert z["k12"] == 0 and z["k13"] == 100              # target 0, realisasi 0: 100%
    assert z["k14"] == 0 and z["k15"] == 100
    assert z["rp5"] == ABSENT                             # Renstra Rp not given: absent, not 0


def test_xlsx_layout(tw4, tmp_path):
    path = write([tw4], tmp_path / "evaluasi_renja.xlsx")
    ws = load_workbook(path).active
    cols = columns()
    L = lambda key: get_column_letter(cols[key])  # noqa: E731
    assert ws["A1"].value == "EVALUASI TERHADAP HASIL RENJA PERANGKAT DAERAH"
    assert ws["A3"].value == "Periode pelaksanaan: Triwulan IV Tahun 2020"
    merged = {str(m) for m in ws.merged_cells.ranges}
    assert {"A6:A8", f"{L('k5')}6:{L('rp5')}7", f"{L('k_tw1')}6:{L('rp_tw4')}6",
            f"{L('k_tw1')}7:{L('rp_tw1')}7", f"{L('k12')}{NUMBER_ROW}:{L('rp12')}{NUMBER_ROW}"} \
        <= merged
    assert ws[f"{L('k_tw1')}6"].value == "Realisasi Kinerja pada Triwulan"
    assert [ws[f"{L(k)}7"].value for k in ("k_tw1", "k_tw2", "k_tw3", "k_tw4")] == \
        ["I", "II", "III", "IV"]
    assert ws[f"{L('k5')}8"].value == "K" and ws[f"{L('rp5')}8"].value == "Rp"
    numbers = [ws.cell(row=NUMBER_ROW, column=c).value for c in range(1, cols["tindak_lanjut"] + 1)]
    assert [n for n in numbers if n] == [str(i) for i in range(1, 18)]
    assert ws[f"{L('pendorong')}6"].value == "Faktor pendorong"
    assert ws[f"{L('pendorong')}{FIRST}"].value is None           # left for the analyst
    # the hidden check columns hold the formulas; the visible cells the values
    assert ws.column_dimensions[L("cek_rp12")].hidden
    first = FIRST
    assert ws[f"{L('cek_rp12')}{first}"].value == \
        f"=SUM({L('rp_tw1')}{first},{L('rp_tw2')}{first},{L('rp_tw3')}{first},{L('rp_tw4')}{first})"
    assert ws[f"{L('cek_rp13')}{first}"].value == f"={L('rp12')}{first}/{L('rp7')}{first}*100"
    assert ws[f"{L('rp12')}{first}"].value == 996824501
    assert ws[f"{L('rp5')}{first}"].value == ABSENT
    pmks = first + next(i for i, r in enumerate(tw4.rows)
                        if r["indikator"].startswith("Persentase Penyandang"))
    assert ws[f"{L('cek_k12')}{pmks}"].value == f"={L('k_tw4')}{pmks}"       # latest, not a sum
    assert ws[f"{L('cek_k14')}{pmks}"].value == f"={L('k12')}{pmks}"
    assert load_workbook(path).properties.title == "lkjip evaluasi renja"


def test_check_formulas_by_type():
    cols = columns()
    row = {"tipe": "tren negatif", "k5": D(20), "k6": D(30), "k7": D(20), "k_tw1": D(24),
           "k_tw2": D(22), "k_tw3": None, "k_tw4": None, "k12": D(22), "k13": D(90), "k14": D(22),
           "k15": D(90)}
    f13 = check_formula("k13", row, 12, cols)
    assert f13.startswith("=(2*") and f13.endswith("*100")
    row_pos = dict(row, tipe="tren positif", k12=D(46), k14=D(76))
    assert check_formula("k14", row_pos, 12, cols).count("+") == 1
    assert check_formula("k13", dict(row, k7=D(0)), 12, cols) is None   # no #DIV/0! check


def test_text_from_workbooks_never_becomes_a_formula(tw4, tmp_path):
    import dataclasses
    rows = [dict(r) for r in tw4.rows]
    rows[1]["nama"] = "=HYPERLINK(\"http://x\")"
    path = write([dataclasses.replace(tw4, rows=rows)], tmp_path / "e.xlsx")
    ws = load_workbook(path).active
    cell = ws.cell(row=FIRST + 1, column=columns()["nama"])
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


def test_cli_renja_writes_and_never_overwrites_a_foreign_file(tmp_path, capsys):
    out = tmp_path / "e.xlsx"
    assert main(["renja", "--year", "2020", "--quarter", "3", "--raw", str(SAMPLE),
                 "--out", str(out)]) == 0
    assert "ditulis" in capsys.readouterr().out and out.exists()
    assert load_workbook(out).active["A3"].value.endswith("Triwulan III Tahun 2020")
    # its own file is replaced; someone else's is not, unless --force
    assert main(["renja", "--year", "2020", "--quarter", "4", "--raw", str(SAMPLE),
                 "--out", str(out)]) == 0
    other = tmp_path / "other.xlsx"
    shutil.copy(SAMPLE / "kinerja_2020.xlsx", other)
    before = other.read_bytes()
    capsys.readouterr()
    assert main(["renja", "--year", "2020", "--quarter", "4", "--raw", str(SAMPLE),
                 "--out", str(other)]) == 2
    assert "tidak ditimpa" in capsys.readouterr().err and other.read_bytes() == before
    assert main(["renja", "--year", "2020", "--quarter", "4", "--raw", str(SAMPLE),
                 "--out", str(other), "--force"]) == 0
    # a form the analyst saved in Excel (who saved it is recorded) is theirs now
    import zipfile
    saved = tmp_path / "saved.xlsx"
    with zipfile.ZipFile(out) as src, zipfile.ZipFile(saved, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "docProps/core.xml":
                data = data.replace(b"</cp:coreProperties>",
                                    b"<cp:lastModifiedBy>analis</cp:lastModifiedBy>"
                                    b"</cp:coreProperties>")
            dst.writestr(item, data)
    assert main(["renja", "--year", "2020", "--quarter", "4", "--raw", str(SAMPLE),
                 "--out", str(saved)]) == 2
    # never into the raw folder
    assert main(["renja", "--year", "2020", "--quarter", "4", "--raw", str(SAMPLE),
                 "--out", str(SAMPLE / "evaluasi.xlsx")]) == 2
    assert not (SAMPLE / "evaluasi.xlsx").exists()


def test_report_section_html_is_escaped_and_writes_the_form(tmp_path):
    an = analyse([SAMPLE], 2020, 1)
    html = renja_section(an, str(tmp_path)).html
    assert (tmp_path / "evaluasi_renja.xlsx").exists()
    assert "Evaluasi hasil Renja s.d. TW I 2020" in html and "81,76%" in html
    assert "nilai akhir (ditebak)" in html and "evaluasi_renja.xlsx" in html
    assert "<script" not in html and "http" not in html


def test_quarterly_indicators_one_row_per_indicator_with_the_rules_once():
    """The sample's four indicators to TW IV: one row each (not one per quarter), each quarter's
    realisasi to date and capaian as the quarterly table computed them, the rules and the
    notes once under the table."""
    import re
    from types import SimpleNamespace

    from lkjip_helpers.renja_section import quarterly_indicators

    an = analyse([SAMPLE], 2020, 4)
    q = an.kinerja.quarterly
    html = quarterly_indicators(an)
    body = html[html.index("<tbody>"):html.index("</tbody>")]
    rows = re.findall(r"<tr>(.*?)</tr>", body)
    assert len(rows) == q["no"].nunique() == 4
    heads = re.findall(r"<th[^>]*>(.*?)</th>", html)
    assert heads[-4:] == ["TW I", "TW II", "TW III", "TW IV"]
    one = q[(q["no"] == 1) & (q["quarter"] == 3)].iloc[0]
    cells = re.findall(r"<td[^>]*>(.*?)</td>", rows[0])
    expected_pct = f"{one['capaian_sd']:.2f}".replace(".", ",")
    assert cells[-2] == f"70,31%; capaian\u00a0{expected_pct}%"  # TW III's typed "70.31%"
    guessed = q.drop_duplicates("no")["tipe_sumber"].eq("ditebak").sum()
    assert html.count("tidak dijumlah") == 1 and html.count("(ditebak)") == guessed + 1
    empty = sorted(q.loc[q["capaian_sd"].isna(), "no"].unique())
    assert len(empty) == 3 and (q.loc[q["no"].isin(empty), "catatan"]
                                == "realisasi kosong: capaian belum dapat dihitung").all()
    assert (f"Capaian – (IKU {', '.join(map(str, empty))} TW I–IV): realisasi kosong, capaian "
            "belum dapat dihitung.") in html
    # the year to date that the annual table contradicts is said under the table, from the
    # finding (the chapter on indicator achievement uses the annual table)
    f = an.findings
    against = f[(f["code"] == "CAPAIAN_MISMATCH") & (f["field"] == "realisasi")]
    assert len(against) == 1 and "70,31%" in against["message"].iloc[0]
    assert (f'<p class="warn">Berbeda dengan tabel tahunan: '
            f'{against["message"].iloc[0].replace(chr(39), "&#x27;")} Bagian Capaian indikator '
            "kinerja memakai tabel tahunan; periksa mana yang benar (lihat temuan).</p>") in html


def test_quarterly_indicators_say_what_a_quarter_lacks():
    """Made indicators through the package's own evaluation: a summed type gives each quarter's
    own value (and "–" where a quarter is missing from the sum), a latest-value type says when
    its quarter was empty (the earlier value carried), a quarter without the indicator's row
    says so under the table, and a note beside a capaian stays in its cell."""
    import re
    from types import SimpleNamespace

    from lkjip_helpers.indicator_quarters import evaluate_quarters
    from lkjip_helpers.renja_section import quarterly_indicators

    pk = pd.DataFrame([
        {"no": 1, "indikator": "Jumlah pelatihan <kerja>", "target": 100, "polaritas": "positif",
         "tipe_agregasi": "tren_positif", "satuan": "kali"},
        {"no": 2, "indikator": "Persentase rumah layak", "target": "80%", "polaritas": "positif",
         "tipe_agregasi": "nilai_akhir", "satuan": "%"},
        {"no": 3, "indikator": "Kategori Kota Layak Anak", "target": "Madya",
         "polaritas": "kategori", "tipe_agregasi": "nilai_akhir", "satuan": ""},
        {"no": 4, "indikator": "Jumlah kunjungan", "target": 100, "polaritas": "positif",
         "tipe_agregasi": "tren_positif", "satuan": "kali"}])

    def row(q, name, real):
        return {"quarter": q, "indikator": name, "realisasi": real, "capaian": None,
                "source_file": "f.xlsx", "source_sheet": f"TW {q}", "source_cell": "G9"}

    work, home = "Jumlah pelatihan <kerja>", "Persentase rumah layak"
    qi = pd.DataFrame([row(1, work, None), row(2, work, 20), row(3, work, 30),
                       row(1, home, "40%"), row(2, home, None), row(3, home, "60%"),
                       row(1, "Kategori Kota Layak Anak", "Madya"),
                       row(3, "Kategori Kota Layak Anak", "Nindya"),
                       row(1, "Jumlah kunjungan", 30), row(2, "Jumlah kunjungan", 20)])
    table = evaluate_quarters(pk, {}, qi, 2020, "k.xlsx", lambda *a: True).table
    html = quarterly_indicators(SimpleNamespace(kinerja=SimpleNamespace(quarterly=table),
                                                quarter=3))
    cells = {int(n): re.findall(r"<td[^>]*>(.*?)</td>", r)[-3:] for n, r in
             re.findall(r"<tr><td[^>]*>(\d+)</td>(.*?)</tr>", html)}
    sp = "\u00a0"
    assert cells[1] == ["–", "– (triwulan ini 20)", "– (triwulan ini 30)"]
    assert cells[2] == [f"40%; capaian{sp}50,00%", f"40% (triwulan ini kosong); capaian{sp}50,00%",
                        f"60%; capaian{sp}75,00%"]
    assert cells[3] == [f"Madya; capaian{sp}100,00% (tercapai)", "–",
                        f"Nindya; capaian{sp}150,00% (tercapai)"]
    assert cells[4] == [f"30; capaian{sp}30,00%", f"50 (triwulan ini 20); capaian{sp}50,00%", "–"]
    assert "Capaian – (IKU 1 TW I–III): realisasi kosong, capaian belum dapat dihitung." in html
    assert "Capaian – (IKU 3 TW II; IKU 4 TW III): indikator tidak ada di lembar triwulan itu." \
        in html
    assert "Jumlah pelatihan &lt;kerja&gt;" in html and "(ditebak)" not in html
    assert "Cara menghitung (IKU 1, 4) — tren positif:" in html
    one = quarterly_indicators(SimpleNamespace(kinerja=SimpleNamespace(quarterly=table),
                                               quarter=1))
    assert "TW II" not in one and "TW I" in one


def test_form_says_when_it_numbers_programs_otherwise_than_the_program_table():
    """The form numbers programs as the annual workbook does; the program table as the sheets
    order them: the section says so once, with a program whose numbers differ, both read from
    the form and the program table."""
    an = analyse([SAMPLE], 2020, 4)
    form = form_of(an)
    p = an.at(an.rec.programs)
    name = "Peningkatan Kinerja Lembaga dan Aparatur Pemerintah"
    in_form = next(r["no"] for r in form.rows if r["level"] == "program" and r["nama"] == name)
    in_table = int(p.loc[p["program"] == name, "program_no"].iloc[0])
    # the form's number is the report's own (the seed transcribes it), the table's the order
    seed = next(r["program_no"] for r in SEED["quarters"]["TW4"]["rows"]
                if r["level"] == "program" and r["name"] == name)
    assert in_form == str(seed) != str(in_table)
    assert form.annual_numbers
    html = renja_section(an).html
    assert ("Nomor program di formulir ini mengikuti urutan workbook tahunan (Program Ke, "
            "seperti Tabel 3.2), tabel dan grafik anggaran per program memakai nomor program "
            f"dari lembar triwulan: mis. &#x27;{name}&#x27; nomor {in_form} di formulir ini, "
            f"nomor {in_table} di tabel anggaran per program.") in html
    assert html.count("Nomor program di formulir") == 1


def test_form_without_the_annual_workbook_numbers_as_the_sheets_and_says_nothing(tmp_path):
    """Without the annual workbook the form orders programs as the sheets number them: where
    those numbers run 1, 2, 3, … the form and the program table agree, and no line is added."""
    an = analyse([quarterly_only(tmp_path)], 2020, 4)
    form = form_of(an)
    p = an.at(an.rec.programs)
    assert not form.annual_numbers
    assert sorted(p["program_no"]) == list(range(1, len(p) + 1))
    ours = {r["nama"]: r["no"] for r in form.rows if r["level"] == "program" and r["first"]}
    assert len(ours) == len(set(p["program"])) and all(
        ours[name] == str(n) for n, name in zip(p["program_no"], p["program"])
        if (p["program"] == name).sum() == 1)
    assert "Nomor program di formulir" not in renja_section(an).html


def _line(agency, q, month, prog, keg, sub, kode, akun, pagu, real, key, pkey, jenis="belanja"):
    return {"agency_code": agency, "agency_name": f"Dinas {agency}", "year": 2024, "month": month,
            "quarter": q, "program_no": 1, "program": prog, "kegiatan": keg, "sub_kegiatan": sub,
            "kode": kode, "level": "akun" if akun else "sub_kegiatan", "akun": akun,
            "jenis": jenis, "pagu": D(pagu), "realisasi": D(real), "kegiatan_key": key,
            "program_key": pkey}


def test_agencies_sub_kegiatan_accounts_and_months():
    """Two agencies (never mixed); monthly rows (a quarter's last month counts); two account
    lines adding up to one sub kegiatan; a kegiatan with two sub kegiatan; revenue left out."""
    import pandas as pd
    from types import SimpleNamespace

    from lkjip_helpers.renja_section import forms_of
    P, K = "Program Perlindungan Sosial", "Rehabilitasi Sosial Dasar"
    S1, S2 = "Penyediaan Permakanan", "Pemberian Alat Bantu"
    code1, code2 = "1.06.04.2.01.0002", "1.06.04.2.01.0005"
    rows = []
    for (q, m), r1, r2, r3 in [((1, 3), 10, 5, 20), ((2, 4), 15, 5, 20), ((2, 6), 30, 10, 45)]:
        rows += [_line("A", q, m, P, K, S1, code1, "5.1.02.01.01.0052", 100, r1, 1, 1),
                 _line("A", q, m, P, K, S1, code1, "5.1.02.01.01.0024", 50, r2, 2, 1),
                 _line("A", q, m, P, K, S2, code2, "5.1.02.03.01.0001", 200, r3, 3, 1),
                 _line("A", q, m, P, K, S2, code2, "4.1.01", 999, 999, 4, 1, jenis="pendapatan"),
                 _line("B", q, m, P, K, S1, code1, "5.1.02.01.01.0052", 7, 1, 1, 1)]
    lines = pd.DataFrame(rows)
    an = SimpleNamespace(year=2024, quarter=2, month=None, agency="", kinerja=None,
                         data=SimpleNamespace(annuals=[]), rec=SimpleNamespace(lines=lines))
    a, b = forms_of(an)
    assert (a.agency, b.agency) == ("Dinas A", "Dinas B")
    levels = [(r["level"], r["no"], r["nama"], r["kode"]) for r in a.rows]
    assert levels == [("program", "1", P, "1.06.04"), ("kegiatan", "1.1", K, "1.06.04.2.01"),
                      ("sub kegiatan", "1.1.1", S1, code1), ("sub kegiatan", "1.1.2", S2, code2)]
    prog, keg, s1, s2 = a.rows
    assert (s1["rp7"], s1["rp_tw1"], s1["rp_tw2"], s1["rp12"]) == (150, 15, 25, 40)  # June counts
    assert (s2["rp7"], s2["rp_tw1"], s2["rp_tw2"], s2["rp12"]) == (200, 20, 25, 45)
    assert keg["rp12"] == prog["rp12"] == 85 and prog["rp7"] == 350   # no revenue line in it
    assert prog["rp13"] == D(85) * 100 / 350
    assert b.rows[0]["rp7"] == 7 and b.rows[0]["rp12"] == 1          # agency B on its own
    assert all(r["indikator"] == ABSENT for r in a.rows)               # no annual workbook


def test_an_lra_form_names_each_program_with_its_own_amounts(tmp_path):
    """An LRA's lines under different parents (5.1.02…, 5.2): the form showed 'BELANJA BARANG DAN
    JASA' (5.1.02, Rp 2.000) with the amounts of akun 5 (Rp 3.000) and BELANJA MODAL as its
    kegiatan. Now the program is the top akun, 5 BELANJA DAERAH, with its own sum."""
    from lra_sheets import lra_workbook

    lines = [("5", "BELANJA DAERAH", 3000, 900), ("5.1", "BELANJA OPERASI", 2000, 600),
             ("5.1.02", "BELANJA BARANG DAN JASA", 2000, 600),
             ("5.1.02.01.01.0024", "Belanja Alat Tulis Kantor", 1500, 450),
             ("5.1.02.01.01.0025", "Belanja Kertas", 500, 150),
             ("5.2", "BELANJA MODAL", 1000, 300)]
    path = lra_workbook(tmp_path / "lra.xlsx", lines=lines,
                        periode="periode 1 Januari s.d 31 Maret 2022")
    form = form_of(analyse([path], 2022, month=3))
    got = [(r["level"], r["kode"], r["nama"], r["rp7"]) for r in form.rows if r["first"]]
    assert got == [("program", "5", "BELANJA DAERAH", D(3000)),
                   ("kegiatan", "5.1.02.01.01.0024", "Belanja Alat Tulis Kantor", D(1500)),
                   ("kegiatan", "5.1.02.01.01.0025", "Belanja Kertas", D(500)),
                   ("kegiatan", "5.2", "BELANJA MODAL", D(1000))]
