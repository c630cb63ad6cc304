"""Splitting a pasted block of recovery codes, in the layouts services hand them out.

One per line; numbered ("1. 4938 2019", "01) abcd-efgh"); several per line in columns
(two or more spaces, tabs, commas or semicolons between them); a row of long codes
separated by single spaces; checkboxes ("[ ]") and bullets.  Inside one code a single
space or dash stays, so Google's "4938 2019" and GitHub's "a1b2c-3d4e5" stay whole.
"""

from __future__ import annotations

import re

#: A number that numbers a code: "1.", "12)", "3:" at the start or after a gap.
_NUMBERING = re.compile(r"(?:(?<=\s)|^)\d{1,3}[.):]\s+")
_MARKERS = re.compile(r"\[\s?[xX]?\s?\]|[•*·▪◦]")
_GAP = re.compile(r"\s{2,}|\t|[,;|]")
#: Shorter parts separated by a single space are halves of one code ("4938 2019").
_LONG_ENOUGH = 6
MAX_CODE_LENGTH = 64


def split_codes(block: str) -> list[str]:
    """The codes in ``block``, in order, each once."""
    codes: list[str] = []
    for line in block.splitlines():
        line = _MARKERS.sub(" ", line)
        line = _NUMBERING.sub("\t", line)
        for chunk in _GAP.split(line):
            for code in _split_chunk(chunk.strip()):
                if code and code not in codes:
                    codes.append(code)
    return codes


def _split_chunk(chunk: str) -> list[str]:
    parts = chunk.split(" ")
    if len(parts) > 1 and all(len(part) >= _LONG_ENOUGH for part in parts):
        return parts
    return [chunk]
