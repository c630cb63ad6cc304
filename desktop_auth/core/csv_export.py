"""The one CSV writer for every export (audit log, imported users' temporary passwords).

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return as a formula (CSV injection: ``=cmd|'/Ccalc'!A0`` in an e-mail address): every text
cell of every export is written through here, so none can forget it (SECURITY.md C5).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from typing import IO

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int


def safe_cell(value: Cell) -> Cell:
    """Text a spreadsheet shows as text: a leading ``'`` before a formula start."""
    if isinstance(value, str) and value[:1] in FORMULA_STARTS:
        return "'" + value
    return value


def write_rows(stream: IO[str], header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> int:
    """The header, then every row with each cell made safe; returns how many rows."""
    writer = csv.writer(stream)
    writer.writerow(header)
    count = 0
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
        count += 1
    return count
