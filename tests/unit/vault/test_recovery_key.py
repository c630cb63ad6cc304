"""The printed vault recovery key: 160 bits, typed back forgivingly, typos named by group."""

from __future__ import annotations

import pytest

from desktop_auth.errors import VaultRecoveryKeyMalformedError, VaultRecoveryKeyTypoError
from desktop_auth.vault.recovery_key import ALPHABET, GROUPS, RecoveryKey, parse_recovery_key


def test_a_key_is_160_bits_in_eight_checked_groups() -> None:
    key = RecoveryKey.new()
    assert len(key.material) * 8 >= 128
    groups = key.formatted().split("-")
    assert len(groups) == GROUPS and all(len(g) == 5 for g in groups)
    assert set("".join(groups)) <= set(ALPHABET)
    assert RecoveryKey.new() != key
    assert key.formatted() not in repr(key)


def test_typed_back_in_any_case_with_spaces_and_look_alikes() -> None:
    key = RecoveryKey(bytes(range(20)))
    text = key.formatted()
    assert parse_recovery_key(text) == key
    assert parse_recovery_key(text.lower().replace("-", " ")) == key
    assert parse_recovery_key(" " + text.replace("-", "") + "\n") == key
    assert parse_recovery_key(text.replace("0", "O").replace("1", "l")) == key


def test_every_single_typo_and_every_swap_of_neighbours_is_named_by_its_group() -> None:
    """Not by chance: every one-character change of every position, for 20 keys."""
    for _ in range(20):
        groups = RecoveryKey.new().formatted().split("-")
        for number in range(1, 9):
            for position in range(5):
                group = groups[number - 1]
                for other in ALPHABET:
                    if other == group[position]:
                        continue
                    typo = list(groups)
                    typo[number - 1] = group[:position] + other + group[position + 1 :]
                    with pytest.raises(VaultRecoveryKeyTypoError) as raised:
                        parse_recovery_key("-".join(typo))
                    assert raised.value.params["groups"] == str(number)
            for position in range(4):
                group = groups[number - 1]
                if group[position] == group[position + 1]:
                    continue
                swapped = list(groups)
                swapped[number - 1] = (
                    group[:position] + group[position + 1] + group[position] + group[position + 2 :]
                )
                with pytest.raises(VaultRecoveryKeyTypoError):
                    parse_recovery_key("-".join(swapped))


def test_two_groups_swapped_are_caught() -> None:
    groups = RecoveryKey.new().formatted().split("-")
    groups[2], groups[3] = groups[3], groups[2]
    with pytest.raises(VaultRecoveryKeyTypoError) as raised:
        parse_recovery_key("-".join(groups))
    assert raised.value.params["groups"] == "3, 4"


@pytest.mark.parametrize("typed", ["", "ABCD", "U" * 40, "!" * 40, "0" * 41])
def test_what_cannot_be_a_key(typed: str) -> None:
    with pytest.raises(VaultRecoveryKeyMalformedError) as raised:
        parse_recovery_key(typed)
    assert not isinstance(raised.value, VaultRecoveryKeyTypoError)
