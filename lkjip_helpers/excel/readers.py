"""One dispatch on what a sheet's header says: the reader registry.

Like papermill's I/O handlers (``iorw``): readers are registered in a :class:`Registry`, the last
registered is tried first, and the first whose :meth:`Reader.match` recognises the sheet reads it.
Every reader returns the same type, a list of :class:`~lkjip_helpers.excel.result.SheetResult`
(one per agency and period the sheet holds)::

    registry = default_registry()          # the built-in readers, in BUILTIN order
    registry.register(MyReader())          # tried before the built-ins
    found = registry.get(grid, ctx)        # (reader, token) or None
    results = found[0].read(grid, ctx, found[1])

Writing a reader (e.g. a SIPD-RI export, the anggaran kas):

* ``name``: a short identifier, recorded in the warnings and the row roles.
* ``match(grid, ctx)``: look at the header only; return a token (anything but None: the header row,
  a layout) when the sheet is this reader's, else None. It may raise a
  :class:`~lkjip_helpers.errors.LayoutError` when the header is recognisably its own but unusable;
  the registry then tries the other readers and raises that error only if none matches.
* ``read(grid, ctx, token)``: the list of results. Fill each line dict with the keys of the
  ``budget_lines`` table (see :mod:`lkjip_helpers.schema`) except agency and period, which come from
  the result's ``agency`` and ``year``/``month``/``quarter``. Leave the period None when the sheet
  does not say it: ingest fills it from ``ctx`` (``--year``/``--month``, the manifest) or refuses.
  Refuse bad input with :class:`~lkjip_helpers.errors.CellError` naming the cell.

To add a built-in reader, add its ``"module:Class"`` to :data:`BUILTIN` (one line); the module is
imported only when a registry is built.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from importlib import import_module
from typing import Any, Protocol

from ..errors import LayoutError
from ..period import Agency
from .result import SheetResult
from .workbook import SheetGrid

# tried last to first: a reader placed later wins over an earlier one on the same sheet
BUILTIN = (
    "lkjip_helpers.excel.readers:MatrixReader",
    "lkjip_helpers.excel.readers:LongReader",
    "lkjip_helpers.excel.plan_readers:SipdReader",
    "lkjip_helpers.excel.plan_readers:KasTemplateReader",
    "lkjip_helpers.excel.lra:LraReader",
)


@dataclass(frozen=True)
class ReadContext:
    """What the caller knows beyond the sheet: ``--year/--quarter/--month``, ``--agency``, the
    mapping of a long table, and the manifest row of the file (when one is given)."""

    year: int | None = None
    quarter: int | None = None
    month: int | None = None
    agency: Agency | None = None
    mapping: Any = None
    extra: dict = field(default_factory=dict)


class Reader(Protocol):
    name: str

    def match(self, grid: SheetGrid, ctx: ReadContext) -> Any | None: ...

    def read(self, grid: SheetGrid, ctx: ReadContext, token: Any) -> list[SheetResult]: ...


class Registry:
    """Readers in registration order; :meth:`get` tries them last to first."""

    def __init__(self, readers=()):
        self._readers: list[Reader] = list(readers)

    def register(self, reader: Reader) -> "Registry":
        self._readers.append(reader)
        return self

    @property
    def readers(self) -> list[Reader]:
        return list(self._readers)

    def get(self, grid: SheetGrid, ctx: ReadContext) -> tuple[Reader, Any] | None:
        """The reader for this sheet and its token, or None when no reader knows the header.
        A reader's :class:`LayoutError` is raised only when no other reader matches."""
        refused: LayoutError | None = None
        for reader in reversed(self._readers):
            try:
                token = reader.match(grid, ctx)
            except LayoutError as exc:
                refused = refused or exc
                continue
            if token is not None:
                return reader, token
        if refused is not None:
            raise refused
        return None

    def read(self, grid: SheetGrid, ctx: ReadContext) -> list[SheetResult] | None:
        found = self.get(grid, ctx)
        if found is None:
            return None
        reader, token = found
        results = reader.read(grid, ctx, token)
        for res in results:
            res.reader = res.reader or reader.name
        return results


def default_registry() -> Registry:
    """A new registry holding the built-in readers (:data:`BUILTIN`)."""
    readers = []
    for spec in BUILTIN:
        module, _, cls = spec.partition(":")
        readers.append(getattr(import_module(module), cls)())
    return Registry(readers)


# ------------------------------------------------------------------ the built-in readers
class MatrixReader:
    """The hand-made quarterly matrix (Pengukuran Kinerja): 'Program/Kegiatan' and 'Pagu'."""

    name = "matrix"

    def match(self, grid, ctx):
        if ctx.mapping is not None:
            return None
        from .layout import find_layout

        return find_layout(grid)

    def read(self, grid, ctx, layout):
        from .matrix import read_sheet

        return [read_sheet(grid, ctx.year, ctx.quarter, layout, month=ctx.month)]


class LongReader:
    """A long table (one row per line per period) read through a YAML mapping of its headers."""

    name = "long"

    def match(self, grid, ctx):
        if ctx.mapping is None:
            return None
        from .long import find_long_header

        return find_long_header(grid, ctx.mapping)

    def read(self, grid, ctx, header):
        from .long import read_long_sheet

        return read_long_sheet(grid, ctx.mapping, header)
