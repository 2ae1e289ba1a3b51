"""Project checks, one concern per module, each returning `Issue`s.

files.py        where a file is, how big, how it is encoded and delimited
descriptors.py  whether schemas and metadata are themselves valid
cells.py        what frictionless accepts silently: units, full-width digits,
                formulas, markup, invisible characters, ...
tables.py       frictionless' own errors, reworded with a fix
columns.py      the column engine: cells, types, constraints and keys of a large
                table a column at a time (pyarrow), with the same findings
consistency.py  rules across rows and datasets (ranges, derived figures, totals)

validate.py runs them in that order; none of them writes any file.
"""
