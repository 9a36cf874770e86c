"""Importing a library without the optional modules it tries for features lkjip never uses."""
from __future__ import annotations

import sys
from contextlib import contextmanager


@contextmanager
def held_back(*names: str):
    """Within the block, importing ``names`` fails (``sys.modules[name] = None``), so a library's
    ``try: import name / except ImportError`` takes its quiet branch. Only names not imported yet
    are held back, and they are importable again after the block."""
    blocked = [name for name in names if name not in sys.modules]
    for name in blocked:
        sys.modules[name] = None
    try:
        yield
    finally:
        for name in blocked:
            if sys.modules.get(name, 0) is None:
                del sys.modules[name]
