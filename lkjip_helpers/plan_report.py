"""The report's part about the cash plan: absorption against the anggaran kas month by month, with
the rule printed beside each figure — or, where no plan exists, one line saying so (the straight
line and the band table then stay the labelled fallback)."""
from __future__ import annotations

import pandas as pd

from .numbers import format_percent, format_rupiah
from .plan import MONTHS, RULES, deviation_class
from .present import table
from .safe import escape

NO_PLAN = ("Tidak ada rencana kas (anggaran kas) untuk tahun ini: penyerapan dinilai terhadap "
           "garis lurus dan tabel rentang per triwulan.")


def has_plan(rec, year: int) -> bool:
    p = rec.plan
    return bool(len(p)) and bool((p["year"] == year).any())


def skpd_rows(rec, year: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The first SKPD's baseline rows and plan curve of the year (a report is per SKPD)."""
    p = rec.plan[(rec.plan["year"] == year) & (rec.plan["level"] == "skpd")]
    agency = sorted(set(p["agency_code"]))[0]
    c = rec.plan_curve
    return (p[p["agency_code"] == agency].sort_values("month"),
            c[(c["year"] == year) & (c["agency_code"] == agency)])


def figure(rec, year: int):
    from .charts import absorption_against_plan

    base, curve = skpd_rows(rec, year)
    return absorption_against_plan(curve, base, f"Penyerapan dibanding rencana kas {year}")


def _p(v) -> str:
    return "–" if v is None or pd.isna(v) else format_percent(v, 2)


def to_date(rec, year: int, month: int) -> str:
    """HTML: one line, absorption against the plan to date at ``month`` (the report's month of a
    monthly source); "" when there is no plan."""
    if not has_plan(rec, year):
        return ""
    base, _ = skpd_rows(rec, year)
    row = base[base["month"] == month]
    if not len(row):
        return (f'<p class="src">Rencana kas tidak memuat {escape(MONTHS[month - 1])} '
                f"{year}.</p>")
    r = row.iloc[0]
    judged = None if pd.isna(r["deviasi_rfk"]) else deviation_class(r["deviasi_rfk"])
    return (f"<p>Terhadap rencana kas sampai akhir {escape(MONTHS[month - 1])}: rencana "
            f"<b>{_p(r['rak_pct'])}</b> dari pagu, terserap <b>{_p(r['capaian_pct'])}</b>, "
            f"deviasi <b>{_p(r['deviasi_rfk'])}</b>"
            + (f" ({escape(judged[1])})" if judged else "") + ".</p>")


def block(rec, year: int) -> str:
    """HTML: the monthly table against the plan, the IKPA-style average, the rules."""
    if not has_plan(rec, year):
        return f'<p class="src">{escape(NO_PLAN)}</p>'
    base, _ = skpd_rows(rec, year)
    judged = [deviation_class(v) for v in base["deviasi_rfk"]]
    rows = pd.DataFrame({
        "Bulan": [MONTHS[int(m) - 1] for m in base["month"]],
        "Pagu": [format_rupiah(v) for v in base["pagu"]],
        "Rencana kumulatif": [format_rupiah(v) for v in base["plan_cum"]],
        "Realisasi kumulatif": [format_rupiah(v) for v in base["realisasi_cum"]],
        "RAK %": [_p(v) for v in base["rak_pct"]],
        "Capaian %": [_p(v) for v in base["capaian_pct"]],
        "Deviasi RFK": [_p(v) for v in base["deviasi_rfk"]],
        "Penilaian": [j[1] if j else "–" for j in judged],
    })
    html = [table(rows, ("Pagu", "Rencana kumulatif", "Realisasi kumulatif", "RAK %",
                         "Capaian %", "Deviasi RFK"), head="Bulan",
                  caption="Penyerapan dibanding rencana kas (anggaran kas)")]
    ik = rec.ikpa
    ik = ik[(ik["year"] == year) & (ik["level"] == "skpd") &
            (ik["agency_code"] == base["agency_code"].iloc[0])]
    if len(ik):
        r = ik.iloc[0]
        html.append(f"<p>Deviasi rata-rata ala IKPA {_p(r['deviasi_ikpa'])} selama "
                    f"{int(r['months'])} bulan, nilai {_p(r['nilai_ikpa'])[:-1]}.</p>")
    rules = [RULES[k] for k in ("rak_pct", "capaian_pct", "deviasi_rfk", "deviasi_ikpa",
                                "nilai_ikpa")]
    html.append('<p class="src">Aturan: ' + "; ".join(escape(x) for x in rules) + ".</p>")
    return "".join(html)
