"""From the files read to the results kept: refusals and duplicate periods.

In a run over many agencies (a manifest, or more than one agency in the folder) a file that cannot
be read is a refusal (``FILE_REFUSED``) and the others go on; ``strict`` keeps today's rule (the first
refusal stops the run, exit 2). Two files for one agency and period are a ``DUPLICATE_PERIOD``: the
later upload is used (the manifest's ``uploaded_at``, else its ``as_of``, else the later file name)
and both are listed with the difference. Without a manifest, in a one-agency folder, two sheets of
one period are refused as before (nothing says which one holds).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .errors import LayoutError, LkjipError
from .excel.result import SheetResult
from .period import Agency, Period


@dataclass(frozen=True)
class Refusal:
    """A file that could not be read, with the one-line reason."""

    file: str
    sheet: str | None
    cell: str | None
    message: str
    agency: Agency | None = None
    period: Period | None = None

    def __str__(self) -> str:
        where = ", ".join(x for x in (self.file, f"sheet {self.sheet!r}" if self.sheet else "",
                                       f"sel {self.cell}" if self.cell else "") if x)
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class Duplicate:
    """Two (or more) files for one agency and period: which one is used, and how they differ."""

    agency: Agency
    period: Period
    used: str                    # "file, sheet"
    others: tuple[str, ...]
    why: str                     # how the used one was chosen
    pagu_difference: Decimal | None  # used − other (spending lines), for the first other;
    realisasi_difference: Decimal | None  # None: an amount is unknown


@dataclass
class FileRead:
    """What one file gave: its results, or why it was set aside or refused."""

    name: str
    results: list[SheetResult] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    annual: object = None
    refusal: Refusal | None = None
    error: LkjipError | None = None
    entry: object = None          # the manifest row, when there is one


@dataclass
class Gathered:
    results: list[SheetResult] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    annuals: list = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)
    lenient: bool = False


def gather(reads: list[FileRead], many: bool | None = None, strict: bool = False) -> Gathered:
    """Keep what was read. ``many``: a run over many agencies (None: more than one agency among
    the files read). Raises the first refusal when the run is not lenient. One result per agency
    and period is :func:`one_per_period`'s job (after the plan readers' results are combined)."""
    out = Gathered()
    good = [fr for fr in reads if fr.error is None and fr.refusal is None]
    agencies = {res.agency.key for fr in good for res in fr.results}
    lenient = not strict and (many if many is not None else len(agencies) > 1)
    for fr in reads:
        if fr.error is not None or fr.refusal is not None:
            if not lenient:
                raise fr.error or LkjipError(fr.refusal.message, fr.name)
            entry = fr.entry
            out.refused.append(fr.refusal or Refusal(
                fr.name, fr.error.sheet, fr.error.cell, fr.error.message,
                getattr(entry, "agency", None), getattr(entry, "period", None)))
            continue
        out.skipped.extend(fr.skipped)
        if fr.annual is not None:
            out.annuals.append(fr.annual)
            continue
        out.files.append(fr.name)
    out.results = [res for fr in good for res in fr.results]
    out.lenient = lenient
    return out


def one_per_period(results: list[SheetResult], reads: list[FileRead], lenient: bool,
                   duplicates: list) -> list[SheetResult]:
    """One result per agency and period: refused when two are found (not lenient), else the
    later upload, the others told in ``duplicates``."""
    by_file = {fr.name: fr for fr in reads}
    kept = [(by_file.get(res.file) or FileRead(res.file), res) for res in results]
    return [res for _, res in _one_per_period(kept, lenient, duplicates)]


def _order(fr: FileRead, res: SheetResult):
    e = fr.entry
    return (getattr(e, "uploaded_at", None) is not None, getattr(e, "uploaded_at", None) or 0,
            getattr(e, "as_of", None) is not None, getattr(e, "as_of", None) or 0, res.file,
            res.sheet)


def _why(fr: FileRead) -> str:
    e = fr.entry
    if getattr(e, "uploaded_at", None) is not None:
        return f"unggahan terakhir ({e.uploaded_at:%Y-%m-%d %H:%M})"
    if getattr(e, "as_of", None) is not None:
        return f"tanggal data terakhir ({e.as_of:%Y-%m-%d})"
    return "nama berkas terakhir (tanggal unggah tidak diketahui)"


def _spending(res: SheetResult) -> tuple[Decimal | None, Decimal | None]:
    """Pagu and realisasi over the spending lines; None where an amount is unknown."""
    lines = [r for r in res.lines if r.get("jenis", "belanja") == "belanja"]
    return tuple(None if any(r[k] is None for r in lines) else sum((r[k] for r in lines),
                                                                   Decimal(0))
                 for k in ("pagu", "realisasi"))


def _minus(a: Decimal | None, b: Decimal | None) -> Decimal | None:
    return None if a is None or b is None else a - b


def _one_per_period(kept, lenient: bool, duplicates: list) -> list:
    groups: dict[tuple, list] = {}
    for fr, res in kept:
        groups.setdefault((res.agency.key, res.period), []).append((fr, res))
    out = []
    for (_, period), group in groups.items():
        if len(group) == 1:
            out.append(group[0])
            continue
        if not lenient:
            first, second = group[0][1], group[1][1]
            named = f"TW {period.quarter} {period.year}" if period.kind == "Q" \
                else period.long_label
            raise LayoutError(
                f"{named} juga ada di {first.file}, sheet {first.sheet!r}: simpan satu workbook "
                f"per {'triwulan' if period.kind == 'Q' else 'bulan'} di folder (atau sebutkan "
                "file satu per satu, atau --manifest dengan tanggal_upload)", second.file,
                second.sheet)
        group = sorted(group, key=lambda fr_res: _order(*fr_res))
        fr, used = group[-1]
        other = group[-2][1]
        (pu, ru), (po, ro) = _spending(used), _spending(other)
        duplicates.append(Duplicate(used.agency, period, f"{used.file}, sheet {used.sheet!r}",
                                    tuple(f"{r.file}, sheet {r.sheet!r}" for _, r in group[:-1]),
                                    _why(fr), _minus(pu, po), _minus(ru, ro)))
        out.append((fr, used))
    return out
