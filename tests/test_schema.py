"""The tables' checks: the quicker text type gives pandera's own verdicts."""
import pandas as pd
import pandera.pandas as pa
import pytest

from lkjip_helpers.schema import TEXT, _text_type, frame

ARRAYS = {
    "text and missing": pd.array(["x", None], dtype=TEXT),
    "python strings": pd.array(["x", None], dtype=pd.StringDtype("python")),
    "str": pd.array(["x", None], dtype="str"),
    "objects, text and None": pd.array(["x", None], dtype=object),
    "objects, a number among them": pd.array([1, "x"], dtype=object),
    "no objects": pd.array([], dtype=object),
    "numbers": pd.array([1, 2]),
    "categories": pd.Categorical(["x"]),
}


@pytest.mark.parametrize("name", ARRAYS)
@pytest.mark.parametrize("nullable", [True, False])
def test_text_type_gives_panderas_verdict(name, nullable):
    df = pd.DataFrame({"a": ARRAYS[name]})

    def verdict(dtype):
        try:
            pa.DataFrameSchema({"a": pa.Column(dtype, nullable=nullable)}).validate(df)
            return "ok"
        except pa.errors.SchemaError as exc:
            return exc.reason_code

    assert verdict(_text_type()) == verdict(TEXT)


def test_a_table_with_a_missing_name_is_refused():
    row = {"agency_code": "", "agency_name": "", "source_file": "a.xlsx", "source_sheet": "TW I",
           "row": 1, "role": "line", "note": ""}
    assert len(frame([row], "row_roles")) == 1
    with pytest.raises(pa.errors.SchemaError):
        frame([{**row, "source_file": None}], "row_roles")
