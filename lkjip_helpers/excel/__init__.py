"""Reading agency workbooks: opening files, finding tables, periods, columns and the hierarchy."""
