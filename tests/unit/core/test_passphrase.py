"""Passphrase words fit for a workplace (issue 19): the helpdesk reads a temporary
password out to a colleague, in the colleague's language."""

from __future__ import annotations

import math

import pytest

from desktop_auth.core import passphrase
from desktop_auth.core.passphrase import suggest_passphrase, unfit_words, wordlist
from desktop_auth.core.service import Actor, AuthService
from desktop_auth.resources import resource_path

#: What the usability walk-through found in temporary passwords.
FOUND = ("badass", "scam", "slain", "deceiver")


def published(language: str) -> set[str]:
    path = resource_path(passphrase.WORDLISTS[language])
    return {line.strip() for line in path.read_text(encoding="utf-8").splitlines()}


@pytest.mark.parametrize("language", ["en", "nl"])
def test_no_unfit_word_is_ever_drawn(language: str) -> None:
    words = set(wordlist(language))
    assert not words & unfit_words()
    assert words == published(language) - unfit_words() - {""}
    # Still a big list: each word about as strong as before (EFF's 7776 give 12.9 bits).
    assert math.log2(len(words)) > 12.5


def test_every_unfit_word_is_on_one_of_the_lists_and_the_reported_ones_are_gone() -> None:
    assert unfit_words() <= published("en") | published("nl")  # no typo that blocks nothing
    assert set(FOUND) <= unfit_words()
    for _ in range(200):
        drawn = suggest_passphrase("en").text.split("-")
        assert not set(drawn) & set(FOUND)


def test_a_new_accounts_temporary_password_is_in_its_language(
    service: AuthService, admin: Actor
) -> None:
    issued = service.accounts.create(
        actor=admin, email="jan@example.nl", display_name="Jan", language="nl"
    )
    words = issued.temporary_password.split("-")
    assert set(words) <= set(wordlist("nl"))
