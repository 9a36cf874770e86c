"""The period a figure belongs to, and the agency (SKPD) it belongs to.

A :class:`Period` is a year and either a quarter (``kind="Q"``, a quarterly source: month empty) or a
month (``kind="M"``, a monthly source). The quarter of a month is derived: months 3, 6, 9 and 12 close
TW I–IV, so January–March are TW I. Periods order by year, then by the month that closes them
(a quarter sorts with the last month of its quarter).

Every tidy table carries ``agency_code, agency_name, year, month, quarter``; :func:`period_columns`
and :func:`agency_columns` give those values for a record, :func:`period_of` reads them back.
"""
from __future__ import annotations

from dataclasses import dataclass

ROMAN = ("I", "II", "III", "IV")
MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
          "Oktober", "November", "Desember")


def quarter_of_month(month: int) -> int:
    """1–3 -> 1, 4–6 -> 2, 7–9 -> 3, 10–12 -> 4."""
    if not 1 <= int(month) <= 12:
        raise ValueError(f"month {month!r} is not 1..12")
    return (int(month) - 1) // 3 + 1


def tw(quarter: int) -> str:
    """``TW III``."""
    return "TW " + ROMAN[int(quarter) - 1]


@dataclass(frozen=True)
class Period:
    """``Period(2020, "Q", 4)`` is TW IV 2020; ``Period(2022, "M", 11)`` is November 2022."""

    year: int
    kind: str  # "Q" or "M"
    n: int

    def __post_init__(self):
        if self.kind not in ("Q", "M"):
            raise ValueError(f"period kind {self.kind!r} is not 'Q' or 'M'")
        if not 1 <= self.n <= (4 if self.kind == "Q" else 12):
            raise ValueError(f"{self.kind}{self.n} is not a period")

    @classmethod
    def quarterly(cls, year: int, quarter: int) -> "Period":
        return cls(int(year), "Q", int(quarter))

    @classmethod
    def monthly(cls, year: int, month: int) -> "Period":
        return cls(int(year), "M", int(month))

    @property
    def month(self) -> int | None:
        return self.n if self.kind == "M" else None

    @property
    def quarter(self) -> int:
        return self.n if self.kind == "Q" else quarter_of_month(self.n)

    @property
    def closing_month(self) -> int:
        """The month whose end the figures stand at (a quarter: its last month)."""
        return self.n if self.kind == "M" else self.n * 3

    @property
    def closes_quarter(self) -> bool:
        """A quarter, or a month that closes one (3, 6, 9, 12)."""
        return self.kind == "Q" or self.n % 3 == 0

    @property
    def label(self) -> str:
        """``TW IV`` or ``November``."""
        return tw(self.n) if self.kind == "Q" else MONTHS[self.n - 1]

    @property
    def long_label(self) -> str:
        return f"{self.label} {self.year}"

    @property
    def folder(self) -> str:
        """The report folder's name under its year: ``TW4``, or ``B05`` (bulan) for May."""
        return f"TW{self.n}" if self.kind == "Q" else f"B{self.n:02d}"

    def is_year_end(self) -> bool:
        """TW IV or December: the year's figures are final."""
        return self.closing_month == 12

    def sort_key(self) -> tuple[int, int, int]:
        return (self.year, self.closing_month, 0 if self.kind == "M" else 1)

    def __lt__(self, other: "Period") -> bool:
        return self.sort_key() < other.sort_key()

    def __le__(self, other: "Period") -> bool:
        return self.sort_key() <= other.sort_key()

    def __gt__(self, other: "Period") -> bool:
        return self.sort_key() > other.sort_key()

    def __ge__(self, other: "Period") -> bool:
        return self.sort_key() >= other.sort_key()

    def __str__(self) -> str:
        return self.long_label


def period_of(year, month, quarter) -> Period:
    """The period of a row of a tidy table (month missing: a quarterly source)."""
    if month is None or str(month) in ("<NA>", "nan", "NaT"):
        return Period.quarterly(int(year), int(quarter))
    return Period.monthly(int(year), int(month))


def row_labels(table) -> list[str]:
    """Each row's period in a tidy table: ``TW II``, or ``Mei`` where the row has a month."""
    months = table["month"] if "month" in table.columns else [None] * len(table)
    return [period_of(y, m, q).label for y, m, q in zip(table["year"], months, table["quarter"])]


def period_columns(period: Period) -> dict:
    """``{"year", "month", "quarter"}`` of a period, as every tidy table holds them."""
    return {"year": period.year, "month": period.month, "quarter": period.quarter}


@dataclass(frozen=True)
class Agency:
    """An agency (SKPD/OPD): its code where the source gives one, and its name. Two agencies are
    the same when their :attr:`key` is: the code when there is one, else the folded name."""

    code: str = ""
    name: str = ""

    @property
    def key(self) -> str:
        return self.code.strip() if self.code.strip() else " ".join(self.name.casefold().split())

    def columns(self) -> dict:
        return {"agency_code": self.code, "agency_name": self.name}

    def same_as(self, other: "Agency") -> bool:
        """Do two namings agree: the same code where both give one, else the same folded name or
        one within the other ("Dinas Sosial", "Dinas Sosial P3A"); a blank one agrees."""
        if self.code.strip() and other.code.strip():
            return self.code.strip() == other.code.strip()
        x, y = (" ".join(n.casefold().split()) for n in (self.name, other.name))
        return not x or not y or x in y or y in x

    @property
    def label(self) -> str:
        return " ".join(x for x in (self.code, self.name) if x) or "(instansi tanpa nama)"

