"""The SIPD-RI exports and the anggaran kas template behind the reader dispatch, and the step that
brings them together (:func:`combine`).

A realisasi export holds no pagu, and the data anggaran and the RAK hold no realisasi: the exports
of one SKPD and year are read one by one (each a :class:`SheetResult`), then :func:`combine` gives
every realisasi line the pagu of its sub kegiatan (the data anggaran's latest version, else the RAK's
Nilai Rincian), adds the sub kegiatan that spent nothing yet, and turns the plans into the
``cash_plan`` records (one row per sub kegiatan and month, monthly amounts). The budget and plan
sheets themselves then leave the list: they hold no period's realisasi.
"""
from __future__ import annotations

from decimal import Decimal

from ..errors import LayoutError
from ..period import Agency, quarter_of_month
from .result import SheetResult, Warning_, negative_amount
from .workbook import SheetGrid

ZERO = Decimal(0)
PLAN_READERS = ("sipd_anggaran", "sipd_rak", "kas_template")


class SipdReader:
    """The SIPD-RI flat exports (data anggaran, realisasi, anggaran kas), by their headers."""

    name = "sipd"

    def match(self, grid: SheetGrid, ctx):
        if ctx.mapping is not None:
            return None
        from .sipd import find_header

        return find_header(grid)

    def read(self, grid: SheetGrid, ctx, header) -> list[SheetResult]:
        from .sipd import read_flat

        flat = read_flat(grid, header, year=ctx.year, month=ctx.month)
        if flat.kind == "realisasi":
            other = _one_month_said(flat, grid, header, ctx.month)
            out = _realisasi_results(flat)
            if other is not None:
                from ..period import MONTHS

                for res in out:
                    res.warnings.append(Warning_(
                        flat.file, flat.sheet, other[1], "PERIOD_MISMATCH",
                        f"kolom bulan menyebut {MONTHS[other[0] - 1]}, dibaca sebagai "
                        f"{MONTHS[ctx.month - 1]} (dari --month atau manifest): periksa mana "
                        "yang benar"))
            return out
        reader = {"data_anggaran": "sipd_anggaran", "anggaran_kas": "sipd_rak"}[flat.kind]
        out = []
        groups = _by(flat.lines, "agency_code", "year")
        for (code, year), lines in groups.items():
            res = SheetResult(flat.file, flat.sheet, year, 4, agency=Agency(code, _name(lines)),
                              reader=reader)
            res.plan = lines
            res.plan_checks = [c for c in flat.checks if c.get("agency_code") == code
                               and c.get("year", year) == year and c["kind"] != "unread"]
            out.append(res)
        for c in (c for c in flat.checks if c["kind"] == "unread"):
            out[_owner(list(groups), c, ("agency_code", "year"))].plan_checks.append(c)
        return out


class KasTemplateReader:
    """The anggaran kas + realisasi template (Target / Realisasi per month, Triwulan columns)."""

    name = "kas_template"

    def match(self, grid: SheetGrid, ctx):
        if ctx.mapping is not None:
            return None
        from .kas import find_kas_header

        return find_kas_header(grid)

    def read(self, grid: SheetGrid, ctx, header) -> list[SheetResult]:
        from .kas import read_kas

        kas = read_kas(grid, header)
        month = ctx.month or kas.month
        agency = Agency("", kas.agency_name or "")
        res = SheetResult(kas.file, kas.sheet, kas.year, quarter_of_month(month) if month else None,
                          month=month, agency=agency, reader=self.name)
        # the spending: the BELANJA group, else its parts (BELANJA OPERASI, BELANJA MODAL, …)
        belanja = [g for g in kas.groups if g["group"] == "BELANJA"] or \
            [g for g in kas.groups if g["group"].startswith("BELANJA")]
        if kas.groups and not belanja:
            raise LayoutError("anggaran kas tanpa kelompok BELANJA (yang ada: "
                              f"{', '.join(g['group'] for g in kas.groups)})", grid.file,
                              grid.name, kas.groups[0]["source_cell"])
        res.roles = [{"row": s["row"], "role": "signature" if s["role"] == "signature" else
                      "reported", "note": s["text"][:200]} for s in kas.set_aside]
        res.plan_checks = kas.checks
        res.plan = []
        for n, g in enumerate(belanja, start=1):
            pagu = g["total"] if g["total"] is not None else sum(g["target"] or [], ZERO)
            real = sum((g["realisasi"] or [])[:month or 0], ZERO)
            if g["realisasi"] is None:
                res.warnings.append(Warning_(kas.file, kas.sheet, g["source_cell"],
                                             "MISSING_VALUE", f"kelompok {g['group']} tanpa "
                                             "baris Realisasi: realisasinya dibaca 0"))
            res.lines.append({"program_no": 1, "program": "BELANJA", "kegiatan": g["group"],
                              "level": "akun", "jenis": "belanja", "pagu": pagu,
                              "realisasi": real, "capaian": None, "capaian_decimals": None,
                              "line": n, "source_cell": g["source_cell"],
                              "pagu_cell": g["cells"].get("total"),
                              "realisasi_cell": (g["cells"].get("realisasi") or {}).get(month)})
            if not res.plan:  # the SKPD's one plan: its spending groups summed
                res.plan.append({"sub_kegiatan_code": None, "version": None, "pagu": ZERO,
                                 **{f"bulan{m}": ZERO for m in range(1, 13)},
                                 "source_file": kas.file, "source_sheet": kas.sheet,
                                 "source_cell": g["source_cell"]})
            plan = res.plan[0]
            plan["pagu"] += pagu
            for m in range(1, 13):
                plan[f"bulan{m}"] += (g["target"] or [ZERO] * 12)[m - 1]
        return [res]


def _by(lines: list[dict], *keys) -> dict[tuple, list[dict]]:
    out: dict[tuple, list[dict]] = {}
    for r in lines:
        out.setdefault(tuple(r[k] for k in keys), []).append(r)
    return out


def _name(lines: list[dict]) -> str:
    return next((r["agency_name"] for r in reversed(lines) if r.get("agency_name")), "")


def _owner(keys: list[tuple], check: dict, fields: tuple) -> int:
    """Which of the results (by their keys) a check belongs to: the first whose keys agree with
    every key the check knows; the first result when none does (a row naming no SKPD)."""
    known = [(i, check.get(f)) for i, f in enumerate(fields) if check.get(f) is not None]
    return next((n for n, k in enumerate(keys) if all(k[i] == v for i, v in known)), 0)


def _one_month_said(flat, grid: SheetGrid, header, month: int | None) -> tuple[int, str] | None:
    """--month (or the manifest's bulan) dates a whole sheet. A realisasi export whose own bulan
    column names several months holds several cumulative snapshots, which that one month would
    add up: refused, naming the column. A row's month that cannot be read is refused with its
    cell, as without --month. Returns the one month the column names, with its first cell, when
    that is another month (a PERIOD_MISMATCH warning), else None."""
    c = header.columns.get("periode")
    if month is None or c is None:
        return None
    from .sipd import month_of
    from .workbook import cell_name

    c_sub = header.columns["kode_sub_kegiatan"]
    seen: dict = {}
    for r in range(header.row + 1, len(grid.rows)):
        row = grid.rows[r]
        code = row[c_sub] if c_sub < len(row) else None
        value = row[c] if c < len(row) else None
        if value is None or code is None or \
                (type(code) is str and not any(ch.isdigit() for ch in code)):
            continue   # a total, a note: said as UNREAD_ROW by the reader, not dated
        if value not in seen:
            seen[value] = (month_of(value, cell_name(r, c), grid), cell_name(r, c))
    said = sorted({m for m, _ in seen.values()})
    if len(said) > 1:
        from ..period import MONTHS

        raise LayoutError(
            f"kolom bulan menyebut {len(said)} bulan ({', '.join(MONTHS[m - 1] for m in said)}), "
            f"tetapi --month atau manifest memberi satu bulan ({MONTHS[month - 1]}) untuk seluruh "
            "lembar: jalankan tanpa --month (atau tanpa bulan di manifest) agar tiap baris dibaca "
            "pada bulannya sendiri",
            grid.file, grid.name, cell_name(header.row, c))
    if said and said[0] != month:
        return said[0], next(cell for m, cell in seen.values())
    return None


def _realisasi_results(flat) -> list[SheetResult]:
    out = []
    groups = _by(flat.lines, "agency_code", "year", "month")
    for (code, year, month), lines in groups.items():
        res = SheetResult(flat.file, flat.sheet, year, quarter_of_month(month) if month else None,
                          month=month, agency=Agency(code, _name(lines)),
                          reader="sipd_realisasi")
        res.plan = lines          # kept for combine(): the pagu comes from the budget exports
        ours = [c for c in flat.checks if c["kind"] in ("ambiguous", "negative_amount",
                                                        "missing") and
                (c["agency_code"], c["year"], c["month"]) == (code, year, month)]
        res.warnings = [Warning_(flat.file, flat.sheet, c["cell"],
                                 {"ambiguous": "AMBIGUOUS_NUMBER", "missing": "MISSING_VALUE"}[
                                     c["kind"]], c["note"])
                        if c["kind"] in ("ambiguous", "missing") else
                        negative_amount(flat.file, flat.sheet, c["cell"], "realisasi", c["stated"])
                        for c in ours]
        out.append(res)
    for c in (c for c in flat.checks if c["kind"] == "unread"):
        out[_owner(list(groups), c, ("agency_code", "year", "month"))].warnings.append(
            Warning_(flat.file, flat.sheet, c["cell"], "UNREAD_ROW", c["note"]))
    return out


# ------------------------------------------------------------------ bringing the exports together
def combine(results: list[SheetResult]
            ) -> tuple[list[SheetResult], dict[str, list], list[tuple], list[tuple]]:
    """(the results with budget lines, the cash plan's columns, the plan checks as
    ``(file, sheet, agency, checks)``, the realisasi results refused as ``(result, why)``: no data
    anggaran and no anggaran kas of their SKPD and year among the files, so no pagu at all).
    Results of other readers pass unchanged."""
    from .sipd import version_rank

    budgets: dict[tuple, list[dict]] = {}         # (agency, year) -> every data anggaran line
    plans: dict[tuple, list[tuple[int, SheetResult]]] = {}
    checks, kept = [], []
    for res in results:
        if res.reader == "sipd_anggaran":
            for r in res.plan:
                budgets.setdefault((res.agency.code, r["year"]), []).append(r)
        elif res.reader in ("sipd_rak", "kas_template"):
            rank = max((version_rank(r.get("version")) for r in res.plan), default=0)
            plans.setdefault((res.agency.key, res.year), []).append((rank, res))
        if res.plan_checks:
            checks.append((res.file, res.sheet, res.agency, res.plan_checks))
        if res.reader not in PLAN_READERS or res.reader == "kas_template":
            kept.append(res)
    # the latest version of the budget replaces the earlier ones whole: a sub kegiatan it drops
    # has no pagu any more (never the older version's)
    budget: dict[tuple, dict[str, dict]] = {}     # (agency, year) -> sub code -> line
    for k, rows in budgets.items():
        top = max(version_rank(r["version"]) for r in rows)
        slot = budget[k] = {}
        for r in rows:
            if version_rank(r["version"]) != top:
                continue
            old = slot.get(r["sub_kegiatan_code"])
            if old is not None and old["source_file"] != r["source_file"] and \
                    old["pagu"] != r["pagu"]:   # two exports of one version that disagree
                checks.append((r["source_file"], r["source_sheet"], Agency(k[0], ""), [{
                    "kind": "same_version", "sub_kegiatan_code": r["sub_kegiatan_code"],
                    "agency_code": k[0], "year": k[1], "version": r["version"],
                    "stated": r["pagu"], "computed": old["pagu"], "cell": r["source_cell"],
                    "budget_file": old["source_file"]}]))
            slot[r["sub_kegiatan_code"]] = r
    latest = {k: [res for rank, res in v if rank == max(r for r, _ in v)] for k, v in plans.items()}
    for k, v in latest.items():   # an export of several versions (a Tahapan column): the latest
        for res in v:
            top = max((version_rank(r.get("version")) for r in res.plan), default=0)
            res.plan = [r for r in res.plan if version_rank(r.get("version")) == top]
        checks += _one_plan_per_sub(v)
    cash_plan = plan_columns([res for k in sorted(latest) for res in latest[k]])
    for k in sorted(latest):
        for res in latest[k]:
            found = _against_budget(res, budget.get((res.agency.code, res.year), {}))
            if found:
                checks.append((res.file, res.sheet, res.agency, found))
    unpriced = []
    for res in kept:
        if res.reader == "sipd_realisasi":
            rak: dict[str, dict] = {}   # a sub kegiatan planned by several sub units: summed
            for p in latest.get((res.agency.key, res.year), []):
                for r in p.plan:
                    got = rak.get(r["sub_kegiatan_code"])
                    rak[r["sub_kegiatan_code"]] = r if got is None else \
                        {**got, "nilai_rincian": _plan_pagu(got) + _plan_pagu(r)}
            own = budget.get((res.agency.code, res.year), {})
            if not own and not rak:
                unpriced.append((res, f"realisasi SKPD {res.agency.code} {res.year} tanpa pagu: "
                                      f"sertakan ekspor data anggaran (atau anggaran kas) SIPD-RI "
                                      f"SKPD dan tahun itu"))
                continue
            _fill_pagu(res, own, rak)
    kept = [r for r in kept if all(r is not u for u, _ in unpriced)]
    return kept, cash_plan, checks, unpriced


def _one_plan_per_sub(plans: list[SheetResult]) -> list[tuple]:
    """Two RAK files of one version that both plan a sub kegiatan for the same sub units (an old
    download beside a new one): the plan read last is kept, the earlier dropped (the two were
    added up in the cash plan), and a PLAN_MISMATCH names both files where their months differ.
    Plans of other sub units (a Dinas and its UPT), or on two sheets of one file, add up."""
    seen: dict[tuple, tuple[SheetResult, dict]] = {}
    drop: set[int] = set()
    checks = []
    for res in plans:
        if res.reader != "sipd_rak":
            continue
        for r in res.plan:
            code = r.get("sub_kegiatan_code")
            if code is None:
                continue
            key = (code, r.get("sub_unit_codes"))
            old = seen.get(key)
            if old is not None and old[0].file != res.file:
                drop.add(id(old[1]))
                if any(old[1][b] != r[b] for b in _BULAN):
                    here, there = (sum((x[b] for b in _BULAN), ZERO) for x in (r, old[1]))
                    checks.append((res.file, res.sheet, res.agency, [{
                        "kind": "same_version_rak" if here != there else "same_version_rak_months",
                        "sub_kegiatan_code": code, "agency_code": res.agency.code,
                        "year": res.year, "version": r.get("version"), "cell": r["source_cell"],
                        "stated": here, "computed": there, "budget_file": old[0].file}]))
            seen[key] = (res, r)
    if drop:
        for res in plans:
            res.plan = [r for r in res.plan if id(r) not in drop]
    return checks


def _against_budget(res: SheetResult, budget: dict[str, dict]) -> list[dict]:
    """A plan's sub kegiatan whose Σ bulan differs from the data anggaran's pagu of the same
    version (compared only where both name the same version, or neither names one)."""
    out = []
    for r in res.plan:
        b = budget.get(r.get("sub_kegiatan_code"))
        if b is None or b.get("version") != r.get("version"):
            continue
        total = sum((r[f"bulan{m}"] for m in range(1, 13)), ZERO)
        if total != b["pagu"]:
            out.append({"kind": "pagu", "stated": total, "computed": b["pagu"],
                        "cell": r["source_cell"], "sub_kegiatan_code": r["sub_kegiatan_code"],
                        "agency_code": res.agency.code, "year": res.year,
                        "version": r.get("version"), "budget_file": b["source_file"]})
    return out


_NAMES = ("program_code", "program", "kegiatan_code", "kegiatan", "sub_kegiatan_code",
          "sub_kegiatan")
_BULAN = tuple(f"bulan{m}" for m in range(1, 13))


def plan_columns(plans: list[SheetResult]) -> dict[str, list]:
    """The ``cash_plan`` table's columns for these plans: one row per line and month (the month's
    own amount), built column by column (a pemda's plan has millions of rows)."""
    from ..schema import SPECS

    cols: dict[str, list] = {c: [] for c in SPECS["cash_plan"]}
    per_line = [c for c in cols if c not in ("month", "quarter", "plan")]
    months, quarters = list(range(1, 13)), [quarter_of_month(m) for m in range(1, 13)]
    for res in plans:
        fixed = {**res.agency.columns(), "year": res.year}
        for r in res.plan:
            line = {**fixed, **{k: r.get(k) for k in _NAMES}, "version": r.get("version"),
                    "pagu": r.get("nilai_rincian", r.get("pagu")), "source_file": r["source_file"],
                    "source_sheet": r["source_sheet"], "source_cell": r["source_cell"]}
            for c in per_line:
                cols[c] += [line[c]] * 12
            cols["month"] += months
            cols["quarter"] += quarters
            cols["plan"] += [r[b] for b in _BULAN]
    return cols


def _plan_pagu(r: dict) -> Decimal:
    for key in ("nilai_rincian", "total_rak"):
        if r.get(key) is not None:
            return r[key]
    return sum((r.get(f"bulan{m}") or ZERO for m in range(1, 13)), ZERO)


def _fill_pagu(res: SheetResult, budget: dict[str, dict], rak: dict[str, dict]) -> None:
    """Budget lines of a realisasi result: every sub kegiatan of the budget (or the plan), with the
    realisasi of the export (0 when it has no row), and the export's lines without a pagu."""
    spent = {r["sub_kegiatan_code"]: r for r in res.plan}
    # without a data anggaran the plan's pagu: its Nilai Rincian, else its Total RAK, else the
    # sum of its months (never 0 for a plan that states its amounts)
    source = budget or {k: {**r, "pagu": _plan_pagu(r)} for k, r in rak.items()}
    codes = sorted(set(source) | set(spent))
    programs = {c: i for i, c in enumerate(sorted({_code(source, spent, c)["program_code"]
                                                   for c in codes}), start=1)}
    res.lines = []
    unknown = [c for c in codes if c not in source]
    if unknown:  # one note for the lot: spending on sub kegiatan the budget does not hold
        res.warnings.append(Warning_(
            res.file, res.sheet, spent[unknown[0]]["source_cell"], "MISSING_VALUE",
            f"{len(unknown)} sub kegiatan tidak ada di data anggaran maupun anggaran kas "
            f"({', '.join(unknown[:3])}{', …' if len(unknown) > 3 else ''}): pagunya tidak "
            f"diketahui, dihitung 0"))
    for n, code in enumerate(codes, start=1):
        r = _code(source, spent, code)
        s, b = spent.get(code), source.get(code)
        res.lines.append({
            "program_no": programs[r["program_code"]],
            "program": r.get("program") or r["program_code"],
            "kegiatan": r.get("kegiatan") or r["kegiatan_code"],
            "sub_kegiatan": r.get("sub_kegiatan") or code, "kode": code, "level": "sub_kegiatan",
            "jenis": "belanja", "pagu": b["pagu"] if b is not None else ZERO,
            "realisasi": s["realisasi"] if s is not None else ZERO,
            "capaian": None, "capaian_decimals": None, "line": n,
            "source_cell": (s or b)["source_cell"],
            "pagu_cell": None, "realisasi_cell": s["source_cell"] if s is not None else None})
    res.plan = []


def _code(source: dict, spent: dict, code: str) -> dict:
    """The record naming a sub kegiatan: the realisasi's (its names are the latest), else the
    budget's."""
    return spent.get(code) or source[code]
