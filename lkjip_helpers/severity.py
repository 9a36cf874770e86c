"""A finding's severity as people read it (the report, the findings workbook, the console, the
batch's outcomes and the pemda report): the codes ``error``, ``warning``, ``info`` stay identifiers.
Imports nothing, so that the batch's client can use it without loading pandas."""

SEVERITY_LABEL = {"error": "Kesalahan", "warning": "Perlu diperiksa", "info": "Catatan"}
SEVERITY_WORDS = {k: v.lower() for k, v in SEVERITY_LABEL.items()}
