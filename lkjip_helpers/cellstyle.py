"""Styles set on many cells of an openpyxl workbook, each style object looked up once.

openpyxl stores a cell's font, fill, border and alignment as indexes into its workbook's lists,
and finds a style object's index at every assignment by hashing every field of it: a fifth of the
time it took to write the findings workbook and the Renja form. :func:`style` assigns through
openpyxl the first time a style object is used in a workbook and then sets the index it got; the
cells are the same (``tests/test_export.py`` compares the workbooks written both ways). Style
objects are compared by identity: use one object (a module constant) for one style."""
from __future__ import annotations

from openpyxl.styles.cell_style import StyleArray
from openpyxl.styles.styleable import StyleableObject, StyleDescriptor

_MEMO = "_lkjip_style_index"   # on the workbook: (attribute, id(object)) -> (object, index)


def style(cell, **styles) -> None:
    """``cell.font = …`` and so on for each of ``styles`` (font, fill, border, alignment; any
    other attribute is simply assigned)."""
    book = cell.parent.parent
    memo = book.__dict__.setdefault(_MEMO, {})
    for attr, value in styles.items():
        slot = StyleableObject.__dict__.get(attr)
        if not isinstance(slot, StyleDescriptor):
            setattr(cell, attr, value)
            continue
        known = memo.get((attr, id(value)))
        if known is None:
            setattr(cell, attr, value)
            memo[(attr, id(value))] = (value, getattr(cell._style, slot.key))  # keeps it alive
            continue
        if not cell._style:
            cell._style = StyleArray()
        setattr(cell._style, slot.key, known[1])
