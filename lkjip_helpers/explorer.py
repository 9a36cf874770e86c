"""The interactive refocusing explorer for JupyterLab. First a ranked overview: every program (or,
on request, kegiatan, or sub kegiatan where the sheets have that third level) with its cut in Rp
and %, its share of the total cut, and its absorption before and after the cut against each pagu
version, sortable; then the drill-down: pick a level, an item, a pagu version and a quarter; the
table and the chart follow.

The numbers are plain functions (tested); the widgets only call them. Charts are shown as SVG
(drawn with matplotlib's object-oriented API), so they appear inline whatever backend the
session uses."""
from __future__ import annotations

from decimal import Decimal

import pandas as pd

from .numbers import format_percent, format_rupiah
from .pipeline import Analysis, quarter_ends

ROMAN = ("I", "II", "III", "IV")
LEVELS = {"program": ("program_key", "program"), "kegiatan": ("kegiatan_key", "kegiatan"),
          "sub_kegiatan": ("kegiatan_key", "kegiatan")}
WORDS = {"program": "Program", "kegiatan": "Kegiatan", "sub_kegiatan": "Sub kegiatan"}


def _has_sub_kegiatan(df: pd.DataFrame) -> bool:
    return "sub_kegiatan" in df.columns and bool(df["sub_kegiatan"].notna().any())


def levels(an: Analysis) -> list[tuple[str, str]]:
    """(label, level) of the levels the year's data has: program and kegiatan, and sub kegiatan
    where the sheets have a third level."""
    kg = an.rec.kegiatan
    three = _has_sub_kegiatan(kg[kg["year"] == an.year])
    return [(WORDS[lv], lv) for lv in LEVELS if lv != "sub_kegiatan" or three]


def _frame(an: Analysis, level: str) -> pd.DataFrame:
    if level == "program":
        df = an.rec.programs
        return quarter_ends(df[df["year"] == an.year])
    df = an.rec.kegiatan
    df = quarter_ends(df[df["year"] == an.year])
    if level == "kegiatan" and _has_sub_kegiatan(df):
        return kegiatan_of_sub_kegiatan(df)
    return df


def _parent(r) -> tuple:
    """The kegiatan a line of the kegiatan table belongs to: itself when it is a kegiatan, else its
    program and kegiatan code (from the sub kegiatan's code), or the kegiatan's folded name."""
    from .excel.codes import hierarchy
    from .reconcile.matching import normalise

    if not isinstance(r["sub_kegiatan"], str) or not r["sub_kegiatan"]:
        return ("kegiatan", int(r["kegiatan_key"]))
    codes = hierarchy(r["kode"]) if isinstance(r.get("kode"), str) else None
    return ("sub", int(r["program_key"]), codes[1] if codes else normalise(r["kegiatan"]))


def kegiatan_of_sub_kegiatan(df: pd.DataFrame) -> pd.DataFrame:
    """The kegiatan table (lines that are sub kegiatan or kegiatan) summed to kegiatan, period by
    period: pagu, realisasi (and ``pagu_dasar`` where the table has it) exact. A sub kegiatan
    belongs to the kegiatan of its latest period, so that it is never split; the kegiatan's key is
    the smallest key of its lines, its names those of its latest line."""
    from .numbers import is_missing
    from .schema import MONEY, column

    recs = df.sort_values(["quarter", "month"], na_position="first").to_dict("records")
    parent = {int(r["kegiatan_key"]): _parent(r) for r in recs}  # the latest period wins
    key: dict[tuple, int] = {}
    for k, p in parent.items():
        key[p] = min(key.get(p, k), k)
    money = [c for c in ("pagu", "realisasi", "pagu_dasar") if c in df.columns]
    groups: dict[tuple, dict] = {}
    for r in recs:
        k = key[parent[int(r["kegiatan_key"])]]
        month = None if is_missing(r["month"]) else int(r["month"])
        g = groups.setdefault((int(r["year"]), month, int(r["quarter"]), k), {
            "year": int(r["year"]), "month": month, "quarter": int(r["quarter"]),
            "kegiatan_key": k, **{c: [] for c in money}})
        g.update(program_key=int(r["program_key"]), program_no=int(r["program_no"]),
                 program=r["program"], kegiatan=r["kegiatan"])
        for c in money:
            g[c].append(r[c])
    rows = list(groups.values())
    for g in rows:
        for c in money:
            vals = g[c]
            g[c] = None if any(is_missing(v) for v in vals) else sum(vals, Decimal(0))
    out = pd.DataFrame(rows, columns=["year", "month", "quarter", "kegiatan_key", "program_key",
                                      "program_no", "program", "kegiatan", *money])
    for c in money:
        out[c] = column(list(out[c]), MONEY)
    return out


def items(an: Analysis, level: str) -> list[tuple[str, int]]:
    """(label, key) of the programs, kegiatan or sub kegiatan of the year."""
    key, name = LEVELS[level]
    last = _frame(an, level).sort_values("quarter").groupby(key).last()

    def sub(k) -> str:  # the third level, where the sheets have it
        s = last.loc[k, "sub_kegiatan"] if "sub_kegiatan" in last.columns else None
        return f" / {s}" if isinstance(s, str) and s else ""
    return [(f"{last.loc[k, 'program_no']}. {last.loc[k, name]}{sub(k)}", int(k))
            for k in last.index]


def _version_numbers(an: Analysis) -> list[tuple[int, int]]:
    """(version number, first quarter stating it) of each pagu version."""
    v = an.rec.versions[an.rec.versions["year"] == an.year]
    return [(int(r.version), int(r.first_quarter)) for r in v.itertuples()]

BASIS = 0  # the "version" that is the report's budget basis, quarter by quarter


def versions(an: Analysis) -> list[tuple[str, int]]:
    """(label, first quarter stating it) of each pagu version; first, when the analysis has it,
    the report's budget basis (``BASIS``), so that the explorer opens on the report's figures."""
    v = an.rec.versions[an.rec.versions["year"] == an.year]
    out = [(f"Versi {int(r.version)}: {r.quarters} ({format_rupiah(r.pagu)})", int(r.first_quarter))
           for r in v.itertuples()]
    if "pagu_dasar" in an.rec.kegiatan.columns:
        out.insert(0, ("Dasar laporan (pagu akhir Tabel 3.2 di TW IV, selain itu pagu berlaku)",
                       BASIS))
    return out


def cut_quarter(an: Analysis) -> int | None:
    """The quarter whose total pagu fell most against the quarter before (the refocusing; the
    earliest on a tie); None when the pagu never fell."""
    t = quarter_ends(an.rec.totals[an.rec.totals["year"] == an.year]).sort_values("quarter")
    pagu, qs = list(t["pagu"]), [int(q) for q in t["quarter"]]
    cuts = [(b - a, q) for a, b, q in zip(pagu, pagu[1:], qs[1:])  # against the quarter before
            if not pd.isna(a) and not pd.isna(b) and b - a < 0]
    return min(cuts)[1] if cuts else None


def _pct(num, den) -> Decimal | None:
    if num is None or den is None or pd.isna(num) or pd.isna(den) or den == 0:
        return None
    return Decimal(num) * 100 / Decimal(den)


def overview_data(an: Analysis, level: str = "program") -> pd.DataFrame:
    """One row per program (kegiatan, sub kegiatan), as numbers: its pagu in each version, its cut
    at the refocusing quarter (Rp, %, share of the total cut), and its cumulative absorption just
    before the cut and at the latest quarter against each version's pagu. Exact (Decimal)."""
    key, name = LEVELS[level]
    df = _frame(an, level)
    q = cut_quarter(an)
    vers = _version_numbers(an)
    before_q = (q - 1) if q and q > 1 else min(df["quarter"])
    after_q = an.quarter
    at = {int(qq): g.set_index(key) for qq, g in df.groupby("quarter")}
    rows = []
    for label, k in items(an, level):
        before = at.get(q - 1) if q else None
        after = at.get(q) if q else None
        p_before = before.loc[k, "pagu"] if before is not None and k in before.index else None
        p_after = after.loc[k, "pagu"] if after is not None and k in after.index else None
        change = (p_after - p_before) if p_before is not None and p_after is not None else None
        row = {"key": k, "label": label, "pagu_before": p_before, "pagu_after": p_after,
               "cut": change, "cut_pct": _pct(change, p_before)}
        for n, fq in vers:
            pagu_v = at[fq].loc[k, "pagu"] if fq in at and k in at[fq].index else None
            row[f"pagu_v{n}"] = pagu_v
            for when, qq in (("before", before_q), ("after", after_q)):
                real = at[qq].loc[k, "realisasi"] if qq in at and k in at[qq].index else None
                row[f"absorption_{when}_v{n}"] = _pct(real, pagu_v)
        rows.append(row)
    out = pd.DataFrame(rows)
    total = sum((c for c in out["cut"] if c is not None and not pd.isna(c)), Decimal(0))
    out["share_of_cut_pct"] = [_pct(c, total) if c is not None else None for c in out["cut"]]
    out.attrs.update(cut_quarter=q, before_quarter=before_q, after_quarter=after_q,
                     versions=vers, total_cut=total)
    return out


SORTS = {  # label -> (column, descending order means "most first")
    "Potongan terbesar (Rp)": ("cut", False),
    "Potongan terbesar (%)": ("cut_pct", False),
    "Porsi dari total potongan": ("share_of_cut_pct", True),
    "Penyerapan terakhir terendah": ("absorption_after_v1", False),
    "Nama": ("label", False),
}


def overview(an: Analysis, level: str = "program", sort: str = "Potongan terbesar (Rp)",
             ascending: bool | None = None) -> pd.DataFrame:
    """:func:`overview_data` ranked by ``sort`` (a key of :data:`SORTS`) and formatted for
    reading, with a rank column and no index."""
    d = overview_data(an, level)
    col, desc = SORTS[sort]
    asc = (not desc) if ascending is None else ascending
    order = sorted(range(len(d)), key=lambda i: _sort_key(d[col].iloc[i]), reverse=not asc)
    d = d.iloc[order].reset_index(drop=True)
    q, bq, aq = (d.attrs["cut_quarter"], d.attrs["before_quarter"], d.attrs["after_quarter"])
    cut = f" di TW {ROMAN[q - 1]}" if q else ""
    out = {"No": list(range(1, len(d) + 1)),
           WORDS[level]: list(d["label"]),
           f"Potongan{cut}": [format_rupiah(v) for v in d["cut"]],
           "Potongan (%)": [format_percent(v, 1) for v in d["cut_pct"]],
           "Porsi dari total potongan": [format_percent(v, 1) for v in d["share_of_cut_pct"]]}
    for n, _fq in d.attrs["versions"]:
        out[f"Pagu versi {n}"] = [format_rupiah(v) for v in d[f"pagu_v{n}"]]
        out[f"Penyerapan TW {ROMAN[bq - 1]} thd versi {n}"] = [
            format_percent(v, 1) for v in d[f"absorption_before_v{n}"]]
        out[f"Penyerapan TW {ROMAN[aq - 1]} thd versi {n}"] = [
            format_percent(v, 1) for v in d[f"absorption_after_v{n}"]]
    return pd.DataFrame(out)


def _sort_key(v):
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return (1, 0)   # missing last whichever the order
    return (0, v if isinstance(v, str) else float(v))


def styled(df: pd.DataFrame):
    """A table for the notebook: no index column, workbook text escaped, numbers right-aligned."""
    num = [c for c in df.columns if c not in WORDS.values()]
    return (df.style.hide(axis="index").format(escape="html")
            .set_properties(subset=num, **{"text-align": "right", "white-space": "nowrap"})
            .set_table_styles([{"selector": "th", "props": "text-align: left"}]))


def selection_data(an: Analysis, level: str, key: int, version_quarter: int) -> pd.DataFrame:
    """Pagu per quarter of one program or kegiatan, its change against the chosen version's pagu,
    and realisasi with absorption against that pagu (numbers)."""
    col, _ = LEVELS[level]
    df = _frame(an, level)
    g = df[df[col] == key].sort_values("quarter")
    if version_quarter == BASIS:
        refs = list(g["pagu_dasar"])
    else:
        ref = g[g["quarter"] == version_quarter]
        refs = [ref["pagu"].iloc[0] if len(ref) else None] * len(g)
    return pd.DataFrame({
        "quarter": [int(q) for q in g["quarter"]],
        "pagu": list(g["pagu"]),
        "change": [(p - r) if r is not None else None for p, r in zip(g["pagu"], refs)],
        "realisasi": list(g["realisasi"]),
        "penyerapan": [float(Decimal(x) * 100 / r) if r else None
                       for x, r in zip(g["realisasi"], refs)],
    })


def selection(an: Analysis, level: str, key: int, version_quarter: int, quarter: int) -> pd.DataFrame:
    """:func:`selection_data`, formatted for reading; the chosen quarter marked ◀."""
    d = selection_data(an, level, key, version_quarter)
    return pd.DataFrame({
        "Triwulan": [f"TW {ROMAN[q - 1]}" + (" ◀" if q == quarter else "") for q in d["quarter"]],
        "Pagu di lembar": [format_rupiah(v) for v in d["pagu"]],
        "Beda dari versi terpilih": [format_rupiah(v) if v is not None else "–" for v in d["change"]],
        "Realisasi kumulatif": [format_rupiah(v) for v in d["realisasi"]],
        "Penyerapan thd versi terpilih": [format_percent(v, 1) for v in d["penyerapan"]],
    })


def _svg(fig):
    from IPython.display import SVG

    from .charts import to_svg

    return SVG(to_svg(fig))


class RefocusingExplorer:
    def __init__(self, an: Analysis):
        self.an = an
        self.level = "program"
        self.key = items(an, "program")[0][1]
        self.version_quarter = versions(an)[0][1]
        self.quarter = an.quarter
        self.sort = next(iter(SORTS))

    def table(self) -> pd.DataFrame:
        return selection(self.an, self.level, self.key, self.version_quarter, self.quarter)

    def ranking(self, level: str = "program"):
        """The ranked overview as a table without index (for copying)."""
        return styled(overview(self.an, level, self.sort))

    def selection_table(self):
        """The drill-down's table of the current selection, without index."""
        return styled(self.table())

    def widget(self):
        import ipywidgets as w
        from IPython.display import display

        from . import charts

        an = self.an
        o_level = w.ToggleButtons(options=levels(an), value="program", description="Peringkat")
        o_sort = w.Dropdown(options=list(SORTS), value=self.sort, description="Urutkan")
        o_out = w.Output()
        level = w.ToggleButtons(options=levels(an), value=self.level, description="Tingkat")
        item = w.Dropdown(options=items(an, self.level), value=self.key,
                          description="Pilih", layout=w.Layout(width="95%"))
        version = w.Dropdown(options=versions(an), value=self.version_quarter,
                             description="Versi pagu", layout=w.Layout(width="95%"))
        quarter = w.Dropdown(options=[(f"TW {ROMAN[q - 1]}", q) for q in range(1, an.quarter + 1)],
                             value=self.quarter, description="Triwulan")
        out = w.Output()

        def rank(*_):
            self.sort = o_sort.value
            o_out.clear_output(wait=True)
            with o_out:
                d = overview_data(an, o_level.value)
                display(styled(overview(an, o_level.value, o_sort.value)))
                display(_svg(charts.cut_ranking(d, WORDS[o_level.value].lower())))

        def redraw(*_):
            self.level, self.key = level.value, item.value
            self.version_quarter, self.quarter = version.value, quarter.value
            out.clear_output(wait=True)
            with out:
                display(styled(self.table()))
                display(_svg(charts.selection_chart(
                    selection_data(an, self.level, self.key, self.version_quarter), item.label)))

        def on_level(change):
            item.options = items(an, change["new"])
            item.value = item.options[0][1]

        level.observe(on_level, names="value")
        for control in (item, version, quarter):
            control.observe(redraw, names="value")
        for control in (o_level, o_sort):
            control.observe(rank, names="value")
        rank()
        redraw()
        return w.VBox([w.HTML("<h3>Siapa yang paling terpotong oleh refocusing</h3>"),
                       w.HBox([o_level, o_sort]), o_out,
                       w.HTML("<h3>Rincian satu program, kegiatan atau sub kegiatan</h3>"),
                       level, item, version, quarter, out])
