"""Paths and settings. Scales and band tables are package data (YAML) that an agency may replace."""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import yaml

PACKAGE_DATA = Path(__file__).resolve().parent / "data"


def project_root() -> Path:
    """The project folder: ``LKJIP_ROOT`` if set, else the checkout holding this package, else
    the current folder (an installed package outside a checkout)."""
    env = os.environ.get("LKJIP_ROOT")
    if env:
        return Path(env)
    here = Path(__file__).resolve().parents[1]
    if (here / "pyproject.toml").exists():
        return here
    return Path.cwd()


def raw_dir(year: int) -> Path:
    return project_root() / "data" / "raw" / str(year)


def processed_dir(year: int) -> Path:
    return project_root() / "data" / "processed" / str(year)


def reports_dir(year: int, quarter: int) -> Path:
    return project_root() / "reports" / str(year) / f"TW{quarter}"


@lru_cache(maxsize=None)
def load_yaml(name: str) -> dict:
    """A settings file shipped with the package (``lkjip_helpers/data/<name>.yaml``)."""
    return yaml.safe_load((PACKAGE_DATA / f"{name}.yaml").read_text(encoding="utf-8"))


def resolve(path: str | Path) -> Path:
    """A path given relative to the project folder (as notebook parameters are) made absolute."""
    p = Path(path)
    return p if p.is_absolute() else project_root() / p
