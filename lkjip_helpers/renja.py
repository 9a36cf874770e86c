"""The quarterly "Evaluasi terhadap Hasil Renja Perangkat Daerah" form (Permendagri 86/2017):
columns 1–17 for every program, kegiatan and (where the sheets have them) sub kegiatan, K (the
indicator's volume) and Rp (money) side by side, as of a quarter. See docs/indicators.md.

Rp comes from the reconciled budget lines (``Reconciliation.kegiatan``: pagu and realisasi within
each quarter); K from the indicator rows (the PK indicators a program or kegiatan supports, their
quarterly values from the quarterly sheets) or the annual workbook's ``Renja`` sheet. An input that is
absent is written :data:`ABSENT`, never 0; a quarter after the period is left blank (None).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from decimal import Decimal

import pandas as pd

from .aggregation import LABELS, RULES, parse_type, polarity_of, to_date
from .indicators import Scale, Value, capaian, load_scale, parse_value, rate
from .reconcile.matching import normalise

ABSENT = "tidak tersedia"
NO_SHEET = "tidak ada lembar"
NOT_COMPUTABLE = "tidak dapat dihitung"
QUARTERS = (1, 2, 3, 4)


@dataclass
class RenjaForm:
    year: int
    quarter: int
    agency: str
    rows: list[dict]
    scale: Scale
    notes: list[str] = field(default_factory=list)
    month: int | None = None   # a monthly source's report: the form stands at this month
    basis: str = ""            # column 7's pagu in words when it is the report's budget basis
    annual_numbers: bool = False  # programs ordered by the annual workbook's numbers

    @property
    def until(self) -> str:
        """How far the form goes: ``TW II``, or for a month ``Mei``."""
        from .period import Period

        return (Period.monthly(self.year, self.month) if self.month else
                Period.quarterly(self.year, self.quarter)).label


def _given(v) -> bool:
    return v is not None and not (isinstance(v, float) and v != v) and str(v).strip() != ""


def _num(v):
    """A K or Rp cell as the form shows it: a number, a category level as text, or ABSENT."""
    if isinstance(v, Value):
        if v.number is not None:
            return v.number
        return v.text if v.level is not None else ABSENT
    return v if v is not None else ABSENT


def _pct(num, den) -> Decimal | str:
    if not isinstance(num, Decimal) or not isinstance(den, Decimal):
        return ABSENT
    return num * 100 / den if den != 0 else NOT_COMPUTABLE


# ------------------------------------------------------------------ Rp
def money_by_element(lines: pd.DataFrame, year: int, quarter: int,
                     basis: dict | None = None) -> dict:
    """``{kegiatan_key: element}`` from the reconciled budget lines (``Reconciliation.lines``) of
    one agency, year up to ``quarter``: per quarter the latest period's pagu and cumulative
    realisasi (a monthly source: the quarter's last month), the realisasi within each quarter,
    names, code and level. Only spending lines (``jenis`` belanja) count. ``basis``:
    ``{(kegiatan_key, year, quarter): pagu}``, the report's budget basis (docs/budget-basis.md),
    which then replaces the sheet's pagu of the element's latest quarter (kept as
    ``pagu_lembar``)."""
    ln = lines[(lines["year"] == year) & (lines["quarter"] <= quarter)]
    if "jenis" in ln.columns:
        ln = ln[ln["jenis"].isna() | (ln["jenis"] == "belanja")]
    present = sorted({int(q) for q in ln["quarter"]})
    out: dict = {}
    order = lambda r: (int(r["quarter"]), 0 if _missing(r.get("month")) else int(r["month"]))  # noqa
    for r in sorted(ln.to_dict("records"), key=order):
        e = out.setdefault(int(r["kegiatan_key"]), {"cum": {}, "pagu_q": {}})
        q = int(r["quarter"])
        e.update(program_key=int(r["program_key"]), program_no=int(r["program_no"]),
                 program=r["program"], kegiatan=r["kegiatan"],
                 sub_kegiatan=None if _missing(r.get("sub_kegiatan")) else r["sub_kegiatan"],
                 kode=None if _missing(r.get("kode")) else r["kode"],
                 # an LRA's line: its code is the akun itself (an export's akun lines carry
                 # their sub kegiatan's code)
                 akun=r.get("level") == "akun" and not _missing(r.get("kode")) and
                 r.get("akun") == r.get("kode"))
        e["cum"][q], e["pagu_q"][q] = Decimal(r["realisasi"]), Decimal(r["pagu"])
    for k, e in out.items():
        e["last_q"] = max(e["cum"])
        e["pagu"], e["real"] = e["pagu_q"][e["last_q"]], e["cum"][e["last_q"]]
        e["pagu_lembar"] = e["pagu"]
        on_basis = (basis or {}).get((int(k), year, e["last_q"]))
        if on_basis is not None:
            e["pagu"] = on_basis
        e["tw"] = {}
        for q in e["cum"]:
            before = [p for p in present if p < q]
            if not before:
                e["tw"][q] = e["cum"][q] if q == 1 else None
            else:
                prev = e["cum"].get(before[-1])
                e["tw"][q] = e["cum"][q] - prev if prev is not None else None
    return out


def _missing(v) -> bool:
    return v is None or (not isinstance(v, str) and pd.isna(v))


def _rp_cells(elements: list[dict], present: set[int], quarter: int) -> dict:
    """Columns 7–13 (Rp) of one row from its kegiatan (one for a kegiatan row, all for a
    program row); sums are taken only when every part is there."""
    cells = {}
    latest = [e for e in elements if e["last_q"] == max(x["last_q"] for x in elements)]
    cells["rp7"] = sum((Decimal(e["pagu"]) for e in latest), Decimal(0))
    for q in QUARTERS:
        if q > quarter:
            cells[f"rp_tw{q}"] = None
        elif q not in present:
            cells[f"rp_tw{q}"] = NO_SHEET
        else:
            parts = [e["tw"].get(q) for e in elements if q in e["tw"]]
            cells[f"rp_tw{q}"] = sum(parts, Decimal(0)) if parts and None not in parts else ABSENT
    cells["rp12"] = sum((Decimal(e["real"]) for e in latest), Decimal(0))
    cells["rp13"] = _pct(cells["rp12"], cells["rp7"])
    return cells


# ------------------------------------------------------------------ K
class _Rows:
    """An annual workbook's rows that the form looks indicators up in, made records once for
    the whole form (not again for each program and kegiatan): its Renja rows, PK rows and
    indicator results by number."""

    def __init__(self, annual):
        self.annual, self.file = annual, annual.file

    @cached_property
    def renja(self) -> list[dict]:
        renja = getattr(self.annual, "renja", None)
        return renja.to_dict("records") if renja is not None and len(renja) else []

    @cached_property
    def pk(self) -> list[dict]:
        return self.annual.pk.to_dict("records")

    @cached_property
    def results(self) -> dict[int, dict]:
        return {int(r["no"]): r for r in self.annual.results.to_dict("records")}


def _indicators_for(level: str, program_no: int, name: str, rows: _Rows | None,
                    kinerja) -> list[dict]:
    """The indicators of one program / kegiatan: the annual workbook's Renja rows first, else
    the PK indicators that name it as a supporting program (kegiatan) — as dicts of K inputs.
    ``rows``: the annual workbook's (None: there is none)."""
    if rows is not None and rows.renja:
        mine = [r for r in rows.renja if r["tingkat"] == level
                and normalise(r["nama"]) == normalise(name)
                and (not _given(r.get("program_no")) or int(r["program_no"]) == program_no)]
        if mine:
            return [_from_renja(r, rows.file) for r in mine]
    if rows is None or kinerja is None or level == "sub kegiatan":
        return []
    out = []
    for pk in rows.pk:
        progs = {int(p) for p in (pk["program_pendukung"] or []) if str(p).strip().isdigit()}
        kegs = {normalise(k) for k in (pk["kegiatan_pendukung"] or [])}
        if (level == "program" and program_no in progs) or \
                (level == "kegiatan" and normalise(name) in kegs):
            out.append(_from_pk(pk, rows.results.get(int(pk["no"]), {}), kinerja, rows.file))
    return out


def _from_pk(pk: dict, res: dict, kinerja, file: str) -> dict:
    q = kinerja.quarterly
    mine = q[q["no"] == int(pk["no"])] if q is not None and len(q) else q
    agg = parse_type(mine["tipe_agregasi"].iloc[0]) if mine is not None and len(mine) else \
        parse_type(kinerja.indicators.set_index("no").loc[int(pk["no"]), "tipe_agregasi"])
    tw = {int(r["quarter"]): parse_value(r["nilai_triwulan"]) for r in mine.to_dict("records")} \
        if mine is not None else {}
    last = parse_value(res.get("realisasi_lalu"))
    note = [f"K: indikator PK no {int(pk['no'])} ({file}), nilai triwulan dari lembar triwulan"]
    if agg == "tren_positif" and not last.missing:
        last = Value(None)
        note.append("realisasi s.d. tahun lalu (kumulatif) tidak ada di workbook tahunan")
    return {"sasaran": pk["sasaran"], "indikator": pk["indikator"], "satuan": pk.get("satuan"),
            "tipe": agg, "polaritas": pk["polaritas"], "k5": parse_value(pk["target_renstra"]),
            "k6": last, "k7": parse_value(pk["target"]), "tw": tw, "unit": None,
            "keterangan": note, "renstra_rp": None, "lalu_rp": None}


def _from_renja(r: dict, file: str) -> dict:
    agg = r.get("tipe_agregasi") if _given(r.get("tipe_agregasi")) else None
    tw = {q: parse_value(r.get(f"k_tw{q}")) for q in QUARTERS if _given(r.get(f"k_tw{q}"))}
    note = [f"K dan Rp Renstra: sheet Renja {file} baris {r.get('_row')}"]
    if agg is None:
        from .aggregation import infer

        inf = infer(r.get("indikator") or "", r.get("satuan"), "positif",
                    [tw[q] for q in sorted(tw)])
        agg = inf.type
        note.append(f"tipe agregasi ditebak: {LABELS[agg]} ({inf.reasons[0]})")
    pol = "negatif" if agg == "tren_negatif" else "positif"
    amount = lambda v: Decimal(v) if _given(v) else None  # noqa: E731
    return {"sasaran": None, "indikator": r.get("indikator"), "satuan": r.get("satuan"),
            "tipe": agg, "polaritas": pol, "k5": parse_value(r.get("renstra_k")),
            "k6": parse_value(r.get("lalu_k")), "k7": parse_value(r.get("renja_k")), "tw": tw,
            "unit": r.get("unit") if _given(r.get("unit")) else None, "keterangan": note +
            ([str(r["keterangan"])] if _given(r.get("keterangan")) else []),
            "renstra_rp": amount(r.get("renstra_rp")), "lalu_rp": amount(r.get("lalu_rp"))}


def _k_cells(ind: dict | None, quarter: int, present: set[int]) -> dict:
    """Columns 5–15 (K) of one indicator, by its type, with the rule used."""
    if ind is None:
        cells = {c: ABSENT for c in ("k5", "k6", "k7", "k12", "k13", "k14", "k15")}
        cells.update({f"k_tw{q}": (None if q > quarter else ABSENT) for q in QUARTERS})
        return {**cells, "rule_k": ""}
    agg, pol = ind["tipe"], polarity_of(ind["tipe"], ind["polaritas"])
    tw = {q: v for q, v in ind["tw"].items() if q <= quarter}
    cells = {"k5": _num(ind["k5"]), "k6": _num(ind["k6"]), "k7": _num(ind["k7"])}
    for q in QUARTERS:
        cells[f"k_tw{q}"] = None if q > quarter else _num(tw.get(q, Value(None)))
    full = {q: tw.get(q, Value(None)) for q in range(1, quarter + 1)}
    k12 = to_date(full, quarter, agg)
    cells["k12"] = _num(k12)
    cells["k13"] = _capaian_cell(ind["k7"], k12, pol)
    if agg == "tren_positif":
        k14 = Value(None) if ind["k6"].number is None or k12.number is None else \
            Value("", ind["k6"].number + k12.number)
    else:
        k14 = k12
    cells["k14"] = _num(k14)
    cells["k15"] = _capaian_cell(ind["k5"], k14, pol)
    rule = RULES["kategori" if pol == "kategori" else agg]
    cells["rule_k"] = rule + ("; 14 = 6 + 12" if agg == "tren_positif" else
                              "; 14 = 12 (nilai terakhir adalah tingkat yang dicapai)")
    return cells


def _capaian_cell(target: Value, real: Value, pol: str):
    if target.missing or real.missing:
        return ABSENT
    c = capaian(target, real, pol)
    return c.value if c.value is not None else NOT_COMPUTABLE


# ------------------------------------------------------------------ the form
def build(lines: pd.DataFrame, annual, kinerja, year: int, quarter: int, agency: str = "",
          scale: Scale | None = None, basis: dict | None = None) -> RenjaForm:
    """The form of one agency as of ``quarter``: ``lines`` its reconciled budget lines
    (``Reconciliation.lines``), ``annual`` its annual workbook (or None), ``kinerja`` that
    workbook's evaluation (or None); ``basis``: the report's budget basis per kegiatan and
    quarter (see :func:`money_by_element`): column 7's pagu, as everywhere in the report."""
    scale = scale or load_scale()
    money = money_by_element(lines, year, quarter, basis)
    present = {int(q) for q in lines.loc[lines["year"] == year, "quarter"] if int(q) <= quarter}
    unit = agency or (annual.summary.get("nama_pd", "") if annual is not None else "")
    annual_numbers = _annual_numbers(money, annual)
    rows_of_annual = _Rows(annual) if annual is not None else None
    programs: dict[int, list[dict]] = {}
    for e in money.values():
        programs.setdefault(e["program_key"], []).append(e)
    rows, notes = [], []
    for pn, pkey in enumerate(sorted(programs, key=lambda k: (programs[k][0]["program_no"], k)),
                              1):
        elems = programs[pkey]
        head = elems[0]
        rows += _element_rows("program", str(pn), head["program_no"], head["program"],
                              # an LRA's akun lines: the program is the top akun ("5")
                              str(head["kode"]).split(".")[0] if head.get("akun") and
                              head.get("kode") else code_at(head.get("kode"), "program"),
                              elems, rows_of_annual, kinerja, quarter, present, unit, scale)
        kegs: dict[str, list[dict]] = {}
        for e in elems:
            kegs.setdefault(normalise(e["kegiatan"]), []).append(e)
        for kn, group in enumerate(kegs.values(), 1):
            subs: dict[str, list[dict]] = {}
            for e in group:
                if _given(e.get("sub_kegiatan")):
                    subs.setdefault(normalise(e["sub_kegiatan"]), []).append(e)
            rows += _element_rows("kegiatan", f"{pn}.{kn}", head["program_no"], group[-1]["kegiatan"],
                                  code_at(group[-1].get("kode"), "kegiatan") if subs
                                  else group[-1].get("kode"), group, rows_of_annual, kinerja,
                                  quarter,
                                  present, unit, scale)
            for sn, parts in enumerate(subs.values(), 1):  # account lines add up to their sub
                rows += _element_rows("sub kegiatan", f"{pn}.{kn}.{sn}", head["program_no"],
                                      parts[-1]["sub_kegiatan"], parts[-1].get("kode"), parts,
                                      rows_of_annual, kinerja, quarter, present, unit, scale)
    notes += unmatched_renja_rows(annual, money.values())
    missing = [q for q in range(1, quarter + 1) if q not in present]
    if missing:
        notes.append("lembar triwulan tidak ada: " + ", ".join(f"TW {_roman(q)}" for q in missing)
                     + "; realisasi Rp triwulan berikutnya mencakup triwulan yang hilang")
    return RenjaForm(year, quarter, unit, rows, scale, notes, annual_numbers=annual_numbers)


def _annual_numbers(money: dict, annual) -> bool:
    """Number the programs as the annual workbook does ("Program Ke", the PK's and Tabel 3.2's
    numbering, which the PK's supporting programs refer to): each kegiatan is matched by program and
    name to the Anggaran sheet; a program takes the number of its kegiatan. Without an annual
    workbook (or a match) the sheets' own numbering stays. True when a program took its
    number from the annual workbook."""
    if annual is None or not len(annual.budget):
        return False
    from .reconcile.matching import match_names

    elems = list(money.values())
    budget = annual.budget.to_dict("records")
    pairs = match_names([(b["program"], b["kegiatan"]) for b in budget],
                        [(e["program"], e["kegiatan"]) for e in elems])
    by_program: dict[int, set[int]] = {}
    for i, (j, _) in pairs.items():
        by_program.setdefault(elems[i]["program_key"], set()).add(int(budget[j]["program_no"]))
    taken = False
    for e in elems:
        nos = by_program.get(e["program_key"], set())
        if len(nos) == 1:
            e["program_no"] = next(iter(nos))
            taken = True
    return taken


def unmatched_renja_rows(annual, elements) -> list[str]:
    """Rows of the annual workbook's Renja sheet whose name is no program / kegiatan / sub
    kegiatan of the sheets: said, so that their K is never dropped in silence."""
    renja = getattr(annual, "renja", None) if annual is not None else None
    if renja is None or not len(renja):
        return []
    names = {"program": set(), "kegiatan": set(), "sub kegiatan": set()}
    for e in elements:
        names["program"].add(normalise(e["program"]))
        names["kegiatan"].add(normalise(e["kegiatan"]))
        if _given(e.get("sub_kegiatan")):
            names["sub kegiatan"].add(normalise(e["sub_kegiatan"]))
    return [f"sheet Renja {annual.file} baris {r.get('_row')}: {r['tingkat']} '{r['nama']}' tidak "
            "ada di lembar triwulan; K-nya tidak dipakai (periksa penulisan nama)"
            for r in renja.to_dict("records") if normalise(r["nama"]) not in names[r["tingkat"]]]


def code_at(kode: str | None, level: str) -> str | None:
    """The program (``1.06.02``) or kegiatan (``1.06.02.2.01``) part of a Permendagri 90/2019 code
    such as ``1.06.02.2.01.0001``; None when the code is not of that shape."""
    parts = str(kode).split(".") if kode else []
    n = {"program": 3, "kegiatan": 5}[level]
    return ".".join(parts[:n]) if len(parts) > n else None


def _roman(q: int) -> str:
    return ("I", "II", "III", "IV")[q - 1]


def _element_rows(level, no, program_no, name, kode, elements, rows, kinerja, quarter, present,
                  unit, scale) -> list[dict]:
    """The rows of one program / kegiatan / sub kegiatan: one per indicator (at least one), the
    money on the first."""
    inds = _indicators_for(level, program_no, name, rows, kinerja) or [None]
    rp = _rp_cells(elements, present, quarter)
    out = []
    for i, ind in enumerate(inds):
        row = {"level": level, "no": no if i == 0 else "", "nama": name if i == 0 else "",
               "kode": kode or "", "sasaran": (ind or {}).get("sasaran") or "",
               "indikator": (ind or {}).get("indikator") or ABSENT,
               "satuan": (ind or {}).get("satuan") or "",
               "tipe": LABELS[ind["tipe"]] if ind else "", "first": i == 0}
        row.update(_k_cells(ind, quarter, present))
        if i == 0:
            r5 = (ind or {}).get("renstra_rp")
            r6 = (ind or {}).get("lalu_rp")
            row.update(rp)
            row["rp5"] = r5 if r5 is not None else ABSENT
            row["rp6"] = r6 if r6 is not None else ABSENT
            row["rp14"] = row["rp6"] + row["rp12"] if isinstance(row["rp6"], Decimal) else ABSENT
            row["rp15"] = _pct(row["rp14"], row["rp5"])
        else:
            row.update({c: None for c in RP_COLUMNS})
        row["rating_k"] = _rating(row["k13"], scale)
        row["rating_rp"] = _rating(row.get("rp13"), scale)
        row["unit"] = (ind or {}).get("unit") or unit
        notes = list((ind or {}).get("keterangan") or [])
        if ind is None:
            notes.append("K: tidak ada indikator untuk baris ini (isi sheet Renja)")
        row["keterangan"] = "; ".join(notes)
        out.append(row)
    return out


RP_COLUMNS = ("rp5", "rp6", "rp7", "rp_tw1", "rp_tw2", "rp_tw3", "rp_tw4", "rp12", "rp13",
              "rp14", "rp15")


def _rating(value, scale: Scale) -> str:
    if not isinstance(value, Decimal):
        return ""
    label, note = rate(value, scale)
    return f"{label} ({note})" if note else (label or "")


def frame(form: RenjaForm) -> pd.DataFrame:
    """The form's rows as a frame (the values as computed: Decimal, text or None)."""
    return pd.DataFrame(form.rows)
