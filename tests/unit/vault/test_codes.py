"""A pasted block of codes is split as the services print them."""

from __future__ import annotations

import pytest

from desktop_auth.vault.codes import split_codes


@pytest.mark.parametrize(
    ("block", "codes"),
    [
        ("a1b2c3d4\ne5f6g7h8\n\n", ["a1b2c3d4", "e5f6g7h8"]),  # one per line
        # Google: numbered, two columns, each code two groups of four digits
        (
            "1. 4938 2019    2. 4923 8821\n3. 1111 2222    4. 3333 4444",
            ["4938 2019", "4923 8821", "1111 2222", "3333 4444"],
        ),
        # GitHub: dashed codes in two columns
        (
            "abcde-12345    fghij-67890\nklmno-11111\tpqrst-22222",
            ["abcde-12345", "fghij-67890", "klmno-11111", "pqrst-22222"],
        ),
        ("01) AB12CD\n02) EF34GH", ["AB12CD", "EF34GH"]),
        ("[ ] 1. AB12CD\n[x] 2. EF34GH\n• IJ56KL", ["AB12CD", "EF34GH", "IJ56KL"]),
        ("abcdefgh ijklmnop qrstuvwx", ["abcdefgh", "ijklmnop", "qrstuvwx"]),
        ("aaaa1111, bbbb2222; cccc3333", ["aaaa1111", "bbbb2222", "cccc3333"]),
        # Microsoft's one long recovery code stays whole
        ("XXXXX-XXXXX-XXXXX-XXXXX-XXXXX", ["XXXXX-XXXXX-XXXXX-XXXXX-XXXXX"]),
        ("same1234\nsame1234", ["same1234"]),
        ("   \n\t\n", []),
    ],
)
def test_layouts(block: str, codes: list[str]) -> None:
    assert split_codes(block) == codes
