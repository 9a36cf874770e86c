"""Indicator achievement (capaian) by polarity, ratings on configurable scales, progress to the
Renstra target, and efficiency — each computed one way, with the rule stated.

Sources (see the README): PermenPAN-RB 8/2021 for the negative polarity; PMK 214/PMK.02/2017 for
efficiency; the sample LKjIP's own efficiency (Tabel 3.1.x.G) for comparison.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .config import load_yaml
from .errors import ConfigError

POLARITIES = ("positif", "negatif", "kategori")
KLA_LEVELS = ("Pratama", "Madya", "Nindya", "Utama", "KLA")
_LEVEL_ALIASES = {"pratama": 1, "madya": 2, "nindya": 3, "nindia": 3, "utama": 4, "kla": 5,
                  "kota layak anak": 5}
# KLA evaluation scores (500-1000) -> level, as domain.md gives them
_KLA_SCORE = ((901, 5), (801, 4), (701, 3), (601, 2), (500, 1))

RULES = {
    "positif": "capaian = realisasi / target × 100",
    "negatif": "capaian = (2 × target − realisasi) / target × 100 (PermenPAN-RB 8/2021)",
    "kategori": ("capaian = tingkat realisasi / tingkat target × 100, tingkat: Pratama 1, Madya 2, "
                 "Nindya 3, Utama 4, KLA 5 (tercapai bila tingkat realisasi ≥ tingkat target)"),
}


@dataclass(frozen=True)
class Value:
    """An indicator value as typed: a number (percent sign dropped) or a category level."""

    text: str | None
    number: Decimal | None = None
    level: int | None = None
    decimals: int = 0

    @property
    def missing(self) -> bool:
        return self.number is None and self.level is None


def parse_value(text) -> Value:
    """``'86%'``, ``'70,31%'``, ``'161.5%'``, ``'49.25'``, ``'95 %'``, ``'Madya'``, ``'-'``, 0.86."""
    if text is None or (isinstance(text, float) and text != text):
        return Value(None)
    if isinstance(text, (int, float, Decimal)) and not isinstance(text, bool):
        d = Decimal(repr(round(text, 10))) if isinstance(text, float) else Decimal(text)
        exp = d.normalize().as_tuple().exponent
        return Value(str(text), d, decimals=max(0, -exp) if isinstance(exp, int) else 0)
    raw = str(text).strip()
    t = raw.lower().replace("kategori", "").strip(" :.-")
    if t in _LEVEL_ALIASES:
        return Value(raw, level=_LEVEL_ALIASES[t])
    words = re.findall(r"kota layak anak|[a-z]+", t)  # "Kategori II Nindia" -> nindia
    levels = [_LEVEL_ALIASES[w] for w in words if w in _LEVEL_ALIASES]
    if len(levels) == 1:
        return Value(raw, level=levels[0])
    body = raw.replace(" ", "").rstrip("%")
    if re.fullmatch(r"-?\d+(?:[.,]\d+)?", body):
        dec = len(body) - max(body.find(","), body.find(".")) - 1 if re.search(r"[.,]", body) else 0
        return Value(raw, Decimal(body.replace(",", ".")), decimals=dec)
    return Value(raw)


ZERO_BOTH = "target nol dan realisasi nol: dihitung 100% (tidak ada yang ditargetkan)"


@dataclass(frozen=True)
class Capaian:
    value: Decimal | None
    rule: str
    note: str | None = None


def capaian(target: Value, realisasi: Value, polarity: str, cap: Decimal | None = None) -> Capaian:
    """Achievement in % by polarity. A missing or zero target or realisasi has a defined outcome,
    never a division error — the one definition used everywhere (docs/indicators.md):

    * target or realisasi empty: no value (``None``), the note says which;
    * target 0 and realisasi 0: 100% for both polarities (nothing was required, nothing happened);
    * target 0, realisasi not 0: positive polarity gives no value (a division by zero: the note says
      so); negative polarity gives 0% (lower-is-better with nothing allowed);
    * realisasi 0 against a target not 0 is a value like any other: 0% (positive), 200% (negative).

    ``cap`` (a setting) limits the negative polarity's result, which can exceed 200% or go below 0.
    """
    if polarity not in POLARITIES:
        raise ConfigError(f"polaritas {polarity!r} tidak dikenal (positif, negatif, kategori)")
    rule = RULES[polarity]
    if polarity == "kategori":
        if realisasi.missing:
            return Capaian(None, rule, "realisasi kosong: capaian belum dapat dihitung")
        t, r = _level(target), _level(realisasi)
        if t is None or r is None:
            return Capaian(None, rule, "target atau realisasi bukan tingkat kategori yang dikenal")
        return Capaian(Decimal(r * 100) / Decimal(t), rule,
                       "tercapai" if r >= t else "belum tercapai")
    if target.number is None:
        return Capaian(None, rule, _unusable("target", target, "tidak"))
    if realisasi.number is None:
        return Capaian(None, rule, _unusable("realisasi", realisasi, "belum"))
    t, r = target.number, realisasi.number
    if polarity == "positif":
        if t == 0:
            if r == 0:
                return Capaian(Decimal(100), rule, ZERO_BOTH)
            return Capaian(None, rule, "target nol: capaian tidak dapat dihitung (dibagi nol)")
        return Capaian(r * 100 / t, rule)
    if t == 0:  # lower is better and the target is zero: met only by a zero
        return Capaian(Decimal(100) if r == 0 else Decimal(0), rule,
                       ZERO_BOTH if r == 0 else "target nol: realisasi di atas nol, capaian 0%")
    value = (2 * t - r) * 100 / t
    note = None
    if cap is not None and value > cap:
        value, note = Decimal(cap), f"dibatasi pada {cap}%"
    return Capaian(value, rule, note)


def _unusable(what: str, v: Value, when: str) -> str:
    """Why a capaian has no value: the cell is empty, or holds what is no number ("≥ 80%")."""
    if v.text is None or not str(v.text).strip() or str(v.text).strip() in ("-", "–"):
        return f"{what} kosong: capaian {when} dapat dihitung"
    return f"{what} {str(v.text).strip()!r} bukan angka: capaian tidak dapat dihitung"


def _level(v: Value) -> int | None:
    if v.level is not None:
        return v.level
    if v.number is not None and 500 <= v.number <= 1000:
        return next(level for lower, level in _KLA_SCORE if v.number >= lower)
    return None


# ------------------------------------------------------------------ scales
@dataclass(frozen=True)
class Band:
    label: str
    min: float | None = None
    max: float | None = None
    min_inclusive: bool = True
    max_inclusive: bool = True

    def contains(self, x: float) -> bool:
        if self.min is not None and (x < self.min or (x == self.min and not self.min_inclusive)):
            return False
        if self.max is not None and (x > self.max or (x == self.max and not self.max_inclusive)):
            return False
        return True


@dataclass(frozen=True)
class Scale:
    name: str
    source: str
    bands: tuple[Band, ...]  # highest first


def load_scale(name: str | None = None, data: dict | None = None) -> Scale:
    data = data or load_yaml("rating_scales")
    name = name or data["default"]
    try:
        s = data["scales"][name]
        bands = tuple(Band(**b) for b in s["bands"])
    except (KeyError, TypeError) as exc:
        raise ConfigError(f"skala {name!r} tidak lengkap ({exc})") from None
    return Scale(name, str(s.get("source", "")).strip(), bands)


def check_scale(scale: Scale) -> list[str]:
    """Gaps and overlaps between neighbouring bands, in words (empty when the scale is sound)."""
    issues = []
    bands = sorted(scale.bands, key=lambda b: (b.min if b.min is not None else float("-inf")))
    if bands[0].min is not None:
        issues.append(f"celah: di bawah {bands[0].min}% tidak tercakup")
    if bands[-1].max is not None:
        issues.append(f"celah: di atas {bands[-1].max}% tidak tercakup")
    for lo, hi in zip(bands, bands[1:]):
        a, b = lo.max, hi.min
        if a is None or b is None:
            issues.append(f"tumpang tindih: {lo.label} dan {hi.label} tidak berbatas")
        elif a < b or (a == b and not lo.max_inclusive and not hi.min_inclusive):
            issues.append(f"celah: {_n(a)}%–{_n(b)}% tidak tercakup (antara {lo.label} dan "
                          f"{hi.label})")
        elif a > b or (a == b and lo.max_inclusive and hi.min_inclusive):
            span = f"{_n(b)}%" if a == b else f"{_n(b)}%–{_n(a)}%"
            issues.append(f"tumpang tindih: {span} masuk {lo.label} dan {hi.label}")
    return issues


def _n(x: float) -> str:
    return f"{x:g}".replace(".", ",")


def rate(value: Decimal | float | None, scale: Scale) -> tuple[str | None, str | None]:
    """The band of a capaian. Rule (documented): the highest band that contains the value wins
    (so at an overlap the higher band); a value in a gap takes the band just below the gap, with the
    note ``di celah skala``."""
    if value is None:
        return None, None
    x = float(value)
    for band in scale.bands:  # highest first
        if band.contains(x):
            return band.label, None
    below = [b for b in scale.bands if b.max is not None and b.max <= x]
    if below:
        return max(below, key=lambda b: b.max).label, "di celah skala"
    return scale.bands[-1].label, "di celah skala"


# ------------------------------------------------------------------ other measures
def progress(realisasi: Value, renstra_target: Value, polarity: str) -> Decimal | None:
    """Tingkat kemajuan: realisasi this year / Renstra end target × 100 (for the negative polarity,
    the negative capaian formula against the Renstra target); None when it cannot be computed."""
    if polarity == "kategori":
        c = capaian(renstra_target, realisasi, "kategori")
        return c.value
    return capaian(renstra_target, realisasi, polarity).value


def efficiency_seed(penyerapan: Decimal | None, capaian_kinerja: Decimal | None) -> Decimal | None:
    """The sample report's Tabel 3.1.x.G: penyerapan / capaian kinerja × 100 (86 / 107 → 80%).
    Its prose calls 100 minus this the efficiency gained."""
    if penyerapan is None or not capaian_kinerja:
        return None
    return Decimal(penyerapan) * 100 / Decimal(capaian_kinerja)


def efficiency_pmk(items: list[tuple[Decimal, Decimal, Decimal | None]]) -> Decimal | None:
    """PMK 214/PMK.02/2017: E = Σ(PAK·CK − RAK) / Σ(PAK·CK) × 100, CK as a fraction capped at 1;
    items are (pagu, realisasi, capaian %). None when no item has a capaian."""
    num = den = Decimal(0)
    for pak, rak, ck in items:
        if ck is None:
            continue
        c = min(Decimal(ck) / 100, Decimal(1))
        num += Decimal(pak) * c - Decimal(rak)
        den += Decimal(pak) * c
    return num * 100 / den if den else None


def round_to(value: Decimal | None, decimals: int) -> Decimal | None:
    if value is None:
        return None
    return value.quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)
