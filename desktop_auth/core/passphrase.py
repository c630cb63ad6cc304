"""Passphrase suggestions from published word lists (EFF for English, OpenTaal for Dutch).

Without the words unfit for a workplace (``wordlists/unfit-for-work.txt``): a temporary
password is read out by the helpdesk and typed by a colleague, and "badass-scam-slain"
is no way to start someone's first day."""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass
from functools import cache

from desktop_auth.resources import resource_path

WORDLISTS = {"en": "wordlists/en-eff-large.txt", "nl": "wordlists/nl-opentaal-short.txt"}
UNFIT = "wordlists/unfit-for-work.txt"
DEFAULT_BITS = 77


@dataclass(frozen=True, kw_only=True)
class Passphrase:
    text: str
    words: int
    #: Entropy of the choice: words × log2(list length).  Every word is drawn uniformly.
    bits: float

    def __repr__(self) -> str:  # a suggestion may become someone's password
        return f"Passphrase(words={self.words}, bits={self.bits:.1f})"


def _words(name: str) -> list[str]:
    lines = resource_path(name).read_text(encoding="utf-8").splitlines()
    return [word for word in (line.strip() for line in lines) if word and not word.startswith("#")]


@cache
def unfit_words() -> frozenset[str]:
    return frozenset(_words(UNFIT))


@cache
def wordlist(language: str) -> tuple[str, ...]:
    unfit = unfit_words()
    words = _words(WORDLISTS.get(language, WORDLISTS["en"]))
    return tuple(dict.fromkeys(word for word in words if word not in unfit))


def suggest_passphrase(
    language: str = "en", *, min_bits: float = DEFAULT_BITS, separator: str = "-"
) -> Passphrase:
    words = wordlist(language)
    bits_per_word = math.log2(len(words))
    count = math.ceil(min_bits / bits_per_word)
    chosen = [secrets.choice(words) for _ in range(count)]
    return Passphrase(text=separator.join(chosen), words=count, bits=count * bits_per_word)
