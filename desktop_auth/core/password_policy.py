"""Which passwords are acceptable: NIST SP 800-63B, no composition rules."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from zxcvbn import zxcvbn
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from desktop_auth.core.passwords import normalize_password
from desktop_auth.core.policy_limits import check_limits

PRODUCT_NAMES = ("desktop-auth", "desktopauth")
#: zxcvbn refuses longer input; a longer password is scored on its start (and is long anyway).
ZXCVBN_MAX_LENGTH = 72
#: Context words shorter than this are too common to refuse inside a password.
MIN_CONTEXT_WORD = 4


class PasswordProblem(StrEnum):
    """A reason a password is refused; each has a message key ``password.problem.<value>``."""

    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"
    COMMON = "common"
    CONTAINS_CONTEXT = "contains_context"
    TOO_GUESSABLE = "too_guessable"
    SAME_AS_CURRENT = "same_as_current"
    #: A lone surrogate: bytes the system could not decode, which no store can keep.
    UNREADABLE = "unreadable"

    @property
    def message_key(self) -> str:
        return f"password.problem.{self.value}"


@dataclass(frozen=True, kw_only=True)
class PasswordPolicy:
    min_length: int = 12
    max_length: int = 256
    #: zxcvbn score (0–4) a password must reach.
    min_score: int = 3

    def __post_init__(self) -> None:
        # The bounds are "passwords.…" in POLICY_LIMITS; the longest allowed minimum is
        # below the shortest allowed maximum, so the two always fit together.
        check_limits("passwords", self)


@dataclass(frozen=True, kw_only=True)
class PasswordAssessment:
    problems: tuple[PasswordProblem, ...]
    #: zxcvbn's 0–4, for a strength meter.
    score: int
    length: int

    @property
    def acceptable(self) -> bool:
        return not self.problems


@cache
def _common_passwords() -> frozenset[str]:
    # zxcvbn's list of 30,000 common passwords, from published password leaks.
    return frozenset(FREQUENCY_LISTS["passwords"])


def _letters_and_digits(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", text).casefold() if ch.isalnum())


def _context_tokens(context_words: Iterable[str]) -> set[str]:
    tokens: set[str] = set()
    for word in context_words:
        whole = _letters_and_digits(word)
        if len(whole) >= MIN_CONTEXT_WORD:
            tokens.add(whole)
        for part in re.split(r"[\W_]+", word):
            part = _letters_and_digits(part)
            if len(part) >= MIN_CONTEXT_WORD:
                tokens.add(part)
    return tokens


def _is_common(password: str) -> bool:
    folded = password.casefold()
    common = _common_passwords()
    if folded in common:
        return True
    # "Welkom01!" and "password123" are a listed word dressed up with digits and signs.
    core = re.sub(r"^[\W\d_]+|[\W\d_]+$", "", folded)
    return len(core) >= MIN_CONTEXT_WORD and core in common


def _storable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def assess_password(
    password: str, policy: PasswordPolicy, context_words: Iterable[str] = ()
) -> PasswordAssessment:
    """Check a candidate password; ``context_words`` are the e-mail address, organisation, …"""
    text = normalize_password(password)
    words = [*context_words, *PRODUCT_NAMES]
    problems: list[PasswordProblem] = []
    length = len(text)
    if length < policy.min_length:
        problems.append(PasswordProblem.TOO_SHORT)
    if length > policy.max_length:
        problems.append(PasswordProblem.TOO_LONG)
    if not _storable(text):
        problems.append(PasswordProblem.UNREADABLE)
        text = text.encode("utf-8", "replace").decode("utf-8")  # zxcvbn scores the rest
    if _is_common(text):
        problems.append(PasswordProblem.COMMON)
    squeezed = _letters_and_digits(text)
    if any(token in squeezed for token in _context_tokens(words)):
        problems.append(PasswordProblem.CONTAINS_CONTEXT)
    score = int(zxcvbn(text[:ZXCVBN_MAX_LENGTH], user_inputs=words)["score"]) if text else 0
    if score < policy.min_score and not problems:
        problems.append(PasswordProblem.TOO_GUESSABLE)
    return PasswordAssessment(problems=tuple(problems), score=score, length=length)
