from decimal import Decimal as D

from conftest import SEED

from lkjip_helpers.excel.hierarchy import infer_hierarchy


def seed_rows(tw):
    rows = SEED["quarters"][tw]["rows"]
    return rows, [D(r["pagu"]) for r in rows], [D(r["realisasi"]) for r in rows]


def test_seed_quarters_split_exactly_as_transcribed():
    for tw in ("TW1", "TW2", "TW3", "TW4"):
        rows, pagu, real = seed_rows(tw)
        split = infer_hierarchy(pagu, real)
        expected = [i for i, r in enumerate(rows) if r["level"] == "program"]
        assert split.programs == expected, tw
        assert split.alternatives == 1, tw
        assert split.matched_pagu == 8


def test_stale_realisasi_subtotal_does_not_change_the_split():
    # TW IV: program 7's realisasi (7.387.500) is stale; its kegiatan spent 129.814.800
    rows, pagu, real = seed_rows("TW4")
    split = infer_hierarchy(pagu, real)
    p7 = next(i for i, r in enumerate(rows) if r["level"] == "program" and r["program_no"] == 7)
    assert p7 in split.programs
    assert split.parent[p7 + 1] == p7


def test_wrong_pagu_subtotal_keeps_the_other_blocks():
    pagu = [D(x) for x in (300, 100, 200, 999, 400, 600, 50, 50)]  # 999 should be 1000
    real = [D(0)] * 8
    split = infer_hierarchy(pagu, real)
    assert split.programs == [0, 3, 6]
    assert split.parent == [0, 0, 0, 3, 3, 3, 6, 6]
    assert split.matched_pagu == 2


def test_two_programs_with_the_same_name_are_kept_apart():
    # the numbers decide, not the names: two "Pembinaan Lingkungan Sosial" in the seed
    rows, pagu, real = seed_rows("TW1")
    split = infer_hierarchy(pagu, real)
    names = [rows[i]["name"] for i in split.programs]
    assert names.count("Pembinaan Lingkungan Sosial") == 2
    a, b = [i for i in split.programs if rows[i]["name"] == "Pembinaan Lingkungan Sosial"]
    assert sum(1 for p in split.parent if p == a) - 1 == 4
    assert sum(1 for p in split.parent if p == b) - 1 == 1


def test_by_realisasi_alone_the_split_is_ambiguous_because_of_zeros():
    rows, pagu, real = seed_rows("TW1")
    split_by_realisasi = infer_hierarchy(real, [D(0)] * len(real))
    assert split_by_realisasi.alternatives > 1


def test_single_row_and_empty():
    assert infer_hierarchy([], []).programs == []
    assert infer_hierarchy([D(5)], [D(1)]).programs == [0]
