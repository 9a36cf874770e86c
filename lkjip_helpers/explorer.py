"""The interactive refocusing explorer for JupyterLab: pick a program or kegiatan, a pagu version
and a quarter; the table and the chart follow. The selection logic is plain functions (tested);
the widgets only call them."""
from __future__ import annotations

from decimal import Decimal

import pandas as pd

from .numbers import format_percent, format_rupiah
from .pipeline import Analysis

ROMAN = ("I", "II", "III", "IV")


def items(an: Analysis, level: str) -> list[tuple[str, int]]:
    """(label, key) of the programs or kegiatan of the year."""
    df = an.rec.programs if level == "program" else an.rec.kegiatan
    key = "program_key" if level == "program" else "kegiatan_key"
    last = df[df["year"] == an.year].sort_values("quarter").groupby(key).last()
    name = "program" if level == "program" else "kegiatan"
    return [(f"{last.loc[k, 'program_no']}. {last.loc[k, name]}", int(k)) for k in last.index]


def versions(an: Analysis) -> list[tuple[str, int]]:
    """(label, first quarter stating it) of each pagu version."""
    v = an.rec.versions[an.rec.versions["year"] == an.year]
    return [(f"Versi {int(r.version)}: {r.quarters} ({format_rupiah(r.pagu)})", int(r.first_quarter))
            for r in v.itertuples()]


def selection_data(an: Analysis, level: str, key: int, version_quarter: int) -> pd.DataFrame:
    """Pagu per quarter of one program or kegiatan, its change against the chosen version's pagu,
    and realisasi with absorption against that pagu (numbers)."""
    df = an.rec.programs if level == "program" else an.rec.kegiatan
    col = "program_key" if level == "program" else "kegiatan_key"
    g = df[(df["year"] == an.year) & (df[col] == key)].sort_values("quarter")
    ref = g[g["quarter"] == version_quarter]
    ref_pagu = ref["pagu"].iloc[0] if len(ref) else None
    return pd.DataFrame({
        "quarter": [int(q) for q in g["quarter"]],
        "pagu": list(g["pagu"]),
        "change": [(p - ref_pagu) if ref_pagu is not None else None for p in g["pagu"]],
        "realisasi": list(g["realisasi"]),
        "penyerapan": [float(Decimal(r) * 100 / ref_pagu) if ref_pagu else None
                       for r in g["realisasi"]],
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


class RefocusingExplorer:
    def __init__(self, an: Analysis):
        self.an = an
        self.level = "program"
        self.key = items(an, "program")[0][1]
        self.version_quarter = versions(an)[0][1]
        self.quarter = an.quarter

    def table(self) -> pd.DataFrame:
        return selection(self.an, self.level, self.key, self.version_quarter, self.quarter)

    def widget(self):
        import ipywidgets as w
        from IPython.display import display

        from . import charts

        level = w.ToggleButtons(options=[("Program", "program"), ("Kegiatan", "kegiatan")],
                                value=self.level, description="Tingkat")
        item = w.Dropdown(options=items(self.an, self.level), value=self.key,
                          description="Pilih", layout=w.Layout(width="95%"))
        version = w.Dropdown(options=versions(self.an), value=self.version_quarter,
                             description="Versi pagu", layout=w.Layout(width="95%"))
        quarter = w.Dropdown(options=[(f"TW {ROMAN[q - 1]}", q) for q in range(1, self.an.quarter + 1)],
                             value=self.quarter, description="Triwulan")
        out = w.Output()

        def redraw(*_):
            self.level, self.key = level.value, item.value
            self.version_quarter, self.quarter = version.value, quarter.value
            out.clear_output(wait=True)
            with out:
                display(self.table())
                fig = charts.selection_chart(
                    selection_data(self.an, self.level, self.key, self.version_quarter), item.label)
                display(fig)

        def on_level(change):
            item.options = items(self.an, change["new"])
            item.value = item.options[0][1]

        level.observe(on_level, names="value")
        for control in (item, version, quarter):
            control.observe(redraw, names="value")
        redraw()
        return w.VBox([level, item, version, quarter, out])
