"""How an indicator's quarterly values add up: its aggregation type (tipe agregasi), stated in the
annual workbook or inferred from its name, unit and values; its quarterly and year-to-date capaian
by that type, each with the rule beside it; and which rule a sheet's stated capaian follows.

The three types (docs/indicators.md; wp-sipd, wp-eval-sakip, BPKP's absolut/akumulasi/incremental):

* ``tren_positif``: a count of what was done (people served, documents made), reported per quarter;
  the year to date is the SUM of the quarters; higher is better.
* ``tren_negatif``: a level that should go down (cases, a prevalence); the year to date is the LATEST
  quarter's value, judged lower-is-better by the domain's (2·target − realisasi) / target × 100.
* ``nilai_akhir`` (also written ``persentase``): a rate or a final state; the year to date is the
  LATEST quarter's value, not summed; higher is better (or a category level).

Zero target / zero realisasi follow :func:`lkjip_helpers.indicators.capaian`, defined there once.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from .indicators import Capaian, Value, capaian

TYPES = ("tren_positif", "tren_negatif", "nilai_akhir")
LABELS = {"tren_positif": "tren positif", "tren_negatif": "tren negatif",
          "nilai_akhir": "nilai akhir"}
# what the template's validation list offers (persentase is nilai akhir under another name)
CHOICES = ("tren positif", "tren negatif", "persentase", "nilai akhir")
_ALIASES = {"tren positif": "tren_positif", "positif": "tren_positif", "kumulatif": "tren_positif",
            "akumulasi": "tren_positif", "tren negatif": "tren_negatif", "negatif": "tren_negatif",
            "persentase": "nilai_akhir", "prosentase": "nilai_akhir", "nilai akhir": "nilai_akhir",
            "akhir": "nilai_akhir"}
RULES = {
    "tren_positif": "tren positif: realisasi s.d. triwulan = jumlah nilai triwulan; "
                    "capaian = jumlah / target × 100",
    "tren_negatif": "tren negatif: realisasi s.d. triwulan = nilai triwulan terakhir (makin rendah "
                    "makin baik); capaian = (2 × target − realisasi) / target × 100",
    "nilai_akhir": "nilai akhir/persentase: realisasi s.d. triwulan = nilai triwulan terakhir "
                   "(tidak dijumlah); capaian = realisasi / target × 100",
    "kategori": "nilai akhir (kategori): tingkat triwulan terakhir / tingkat target × 100",
}
# the leading word of an indicator's name -> the type it suggests
_SUM_WORDS = ("jumlah", "banyaknya", "total")
_LATEST_WORDS = ("persentase", "prosentase", "presentase", "proporsi", "rasio", "indeks",
                 "tingkat", "angka", "nilai", "rata", "kategori", "predikat", "cakupan", "skor")
_DECREASE_WORDS = ("penurunan", "menurunnya", "berkurangnya", "turunnya")
_PERCENT_UNITS = ("%", "persen")


def parse_type(text) -> str | None:
    """``'Tren Positif'`` -> ``'tren_positif'``; None for an empty cell; ValueError otherwise."""
    if text is None or not str(text).strip():
        return None
    key = " ".join(str(text).lower().replace("_", " ").split())
    if key not in _ALIASES:
        raise ValueError(f"{text!r} bukan tipe agregasi ({', '.join(CHOICES)})")
    return _ALIASES[key]


def polarity_of(agg: str, polaritas: str) -> str:
    """The capaian formula a type uses: tren negatif is lower-is-better; a category stays one."""
    if agg == "tren_negatif":
        return "negatif"
    return "kategori" if polaritas == "kategori" else "positif"


def conflict(agg: str, polaritas: str) -> str | None:
    """Why a stated type contradicts the stated polarity (None when they agree)."""
    if agg == "tren_negatif" and polaritas != "negatif":
        return f"tipe agregasi tren negatif menuntut polaritas negatif, bukan {polaritas!r}"
    if agg != "tren_negatif" and polaritas == "negatif":
        return (f"polaritas negatif (makin rendah makin baik) menuntut tipe agregasi tren negatif, "
                f"bukan {LABELS[agg]!r}")
    if agg == "tren_positif" and polaritas == "kategori":
        return "indikator kategori tidak dapat dijumlah (tren positif); pakai nilai akhir"
    return None


@dataclass(frozen=True)
class Inference:
    type: str
    reasons: tuple[str, ...]


def infer(indikator: str, satuan: str | None, polaritas: str,
          values: list[Value] = ()) -> Inference:
    """The type an indicator most likely has, and why (in words, for the warning). Order, first
    that applies: the polarity (negatif -> tren negatif; kategori -> nilai akhir), the leading word of
    the name ("Jumlah …" sums; "Persentase …", "Angka …", "Tingkat …" are final values; "Penurunan …"
    measured as a positive quantity is a final value), the unit (%), values printed as percentages,
    a series of counts that only grows (written cumulatively: summing would count twice), else a
    count summed over the quarters."""
    words = re.findall(r"[a-z]+", (indikator or "").lower())
    first = words[0] if words else ""
    unit = (satuan or "").strip().lower()
    numbers = [v.number for v in values if v.number is not None]
    percent_printed = any(v.text and "%" in v.text for v in values)
    grows = len(numbers) >= 2 and all(a <= b for a, b in zip(numbers, numbers[1:])) \
        and numbers[0] != numbers[-1]
    if polaritas == "negatif":
        return Inference("tren_negatif", ("polaritas negatif: makin rendah makin baik, "
                                          "nilai triwulan terakhir",))
    if polaritas == "kategori":
        return Inference("nilai_akhir", ("indikator kategori: tingkat triwulan terakhir",))
    if first in _SUM_WORDS:
        why = [f"nama diawali '{first.capitalize()}': hitungan yang dijumlah per triwulan"]
        if grows:
            why.append("tetapi nilai triwulannya terus naik: bila ditulis kumulatif s.d. triwulan, "
                       "nyatakan 'nilai akhir'")
        return Inference("tren_positif", tuple(why))
    if first in _LATEST_WORDS:
        return Inference("nilai_akhir", (f"nama diawali '{first.capitalize()}': nilai akhir/"
                                         "persentase, tidak dijumlah",))
    if first in _DECREASE_WORDS:
        return Inference("nilai_akhir", (
            f"nama diawali '{first.capitalize()}' dengan polaritas positif: besar penurunan sebagai "
            "nilai akhir; bila yang dicatat tingkatnya (makin rendah makin baik), nyatakan tren "
            "negatif dan polaritas negatif",))
    if unit.startswith(_PERCENT_UNITS):
        return Inference("nilai_akhir", (f"satuan {satuan!r}: persentase, tidak dijumlah",))
    if percent_printed:
        return Inference("nilai_akhir", ("nilai ditulis dengan tanda %: persentase, tidak dijumlah",))
    if grows:
        return Inference("nilai_akhir", ("nilai triwulan terus naik: dibaca kumulatif s.d. triwulan "
                                         "(menjumlahkannya menghitung dua kali)",))
    return Inference("tren_positif", ("tidak ada petunjuk nama atau satuan: dibaca sebagai hitungan "
                                      "yang dijumlah per triwulan",))


def to_date(values: dict[int, Value], quarter: int, agg: str) -> Value:
    """The year-to-date realisasi at ``quarter``: the sum of the quarters (tren positif) or the
    latest quarter's value (the others). Missing when a summed quarter is missing (never taken as 0)
    or when no quarter up to ``quarter`` has a value."""
    upto = [q for q in sorted(values) if q <= quarter]
    if agg == "tren_positif":
        if not upto or any(values.get(q) is None or values[q].number is None
                           for q in range(1, quarter + 1)):
            return Value(None)
        total = sum((values[q].number for q in range(1, quarter + 1)), Decimal(0))
        dec = max(values[q].decimals for q in range(1, quarter + 1))
        sign = "%" if any("%" in (values[q].text or "") for q in range(1, quarter + 1)) else ""
        return Value(_plain(total) + sign, total, decimals=dec)
    have = [q for q in upto if values[q] is not None and not values[q].missing]
    return values[have[-1]] if have else Value(None)


def _plain(d: Decimal) -> str:
    return format(d.normalize(), "f") if d == d.to_integral() else str(d)


@dataclass(frozen=True)
class QuarterCapaian:
    quarter: int
    value: Value           # this quarter's own value as written
    to_date: Value         # the year-to-date realisasi by type
    in_quarter: Capaian    # this quarter's value against the target
    cumulative: Capaian    # the year-to-date realisasi against the target (by type)


def series(values: dict[int, Value], target: Value, agg: str, polaritas: str,
           cap: Decimal | None = None) -> list[QuarterCapaian]:
    """Quarterly and year-to-date capaian for every quarter that has a sheet, by type; each
    :class:`Capaian` carries the rule (the type's rule, then the formula) beside its value."""
    pol = polarity_of(agg, polaritas)
    rule = RULES["kategori" if pol == "kategori" else agg]
    out = []
    for q in sorted(values):
        v = values[q] if values[q] is not None else Value(None)
        td = to_date(values, q, agg)
        inq = capaian(target, v, pol, cap)
        cum = capaian(target, td, pol, cap)
        out.append(QuarterCapaian(q, v, td, Capaian(inq.value, f"nilai triwulan ini; {inq.rule}",
                                                    inq.note),
                                  Capaian(cum.value, rule, cum.note)))
    return out


# the rules a sheet might have used for a stated year-to-date capaian
CANDIDATES = {
    "tren_positif": "jumlah nilai triwulan / target × 100 (tren positif)",
    "nilai_akhir": "nilai triwulan ini / target × 100 (nilai akhir/persentase)",
    "tren_negatif": "(2 × target − nilai triwulan ini) / target × 100 (tren negatif)",
}


def candidate_values(values: dict[int, Value], quarter: int, target: Value) -> dict[str, Decimal]:
    """What each rule gives at ``quarter`` (rules that cannot be computed are left out)."""
    out = {}
    for agg in CANDIDATES:
        pol = polarity_of(agg, "positif")
        c = capaian(target, to_date(values, quarter, agg), pol)
        if c.value is not None:
            out[agg] = c.value
    return out


def rule_used(stated: Value, values: dict[int, Value], quarter: int, target: Value,
              agrees) -> list[str]:
    """The rules whose result matches a stated capaian at its printed precision
    (``agrees(stated_text, computed)`` is the package's precision check)."""
    return [agg for agg, v in candidate_values(values, quarter, target).items()
            if agrees(stated.text, v)]
