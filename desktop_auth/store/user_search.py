"""Which users an admin's search text finds, fast at 100,000 users.

Text of three characters or more is looked for anywhere in the e-mail address and the
name; shorter text (the first keystrokes) only at the start of the address or of a word
of the name, since "j" anywhere would find nearly everyone.

A plain ``LIKE '%text%'`` reads every row.  Where migration 0006 made a trigram index
(SQLite's FTS5 trigram tokenizer; PostgreSQL's pg_trgm, which the planner uses for
``LIKE`` by itself), SQLite finds the users through it.  Each value is indexed between
spaces, so " ja" is the trigram of every address or word starting with "ja".  The
index's vocabulary also tells how many users hold each trigram: text that nearly
everyone holds ("example.nl") is met at once by walking the sorted table instead.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Integer, bindparam, column, func, or_, select, text
from sqlalchemy.orm import Session

from desktop_auth.store.models import User

#: Made by migration 0006, with its vocabulary "user_search_terms".
SEARCH_TABLE = "user_search"
#: The triggers of migration 0006 that keep the index: user_search_insert, …
TRIGGERS = ("insert", "update", "delete")
TRIGRAM = 3
#: Text whose rarest trigram this share of users holds is searched by walking the table.
NEARLY_EVERYONE = 0.9
_LAST_CHARACTER = "\U0010ffff"


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _like(needle: str) -> ColumnElement[bool]:
    """The same rule as a plain condition: for PostgreSQL, and SQLite without FTS5."""
    name = User.name_key
    escaped = _escape_like(needle)
    if len(needle) < TRIGRAM:
        return or_(
            User.email_key.like(f"{escaped}%", escape="\\"),
            name.like(f"{escaped}%", escape="\\"),
            name.like(f"% {escaped}%", escape="\\"),
        )
    return or_(
        User.email_key.like(f"%{escaped}%", escape="\\"),
        name.like(f"%{escaped}%", escape="\\"),
    )


def _has_trigram_index(db: Session) -> bool:
    """The index and the triggers that keep it.  A later migration that rebuilds ``users``
    (Alembic's batch mode on SQLite) drops the triggers with the table: then the index
    would go stale, so the search scans instead (and a test says so at head)."""
    found = db.execute(
        text(
            "SELECT count(*) FROM sqlite_master WHERE (type = 'table' AND name = :table) "
            "OR (type = 'trigger' AND name IN (:insert, :update, :delete))"
        ),
        {"table": SEARCH_TABLE, **{verb: f"{SEARCH_TABLE}_{verb}" for verb in TRIGGERS}},
    ).scalar_one()
    return bool(found == 1 + len(TRIGGERS))


def _quoted(term: str) -> str:
    """An FTS5 string: the text as it is, never query syntax."""
    return '"' + term.replace('"', '""') + '"'


def _indexed(query: str) -> ColumnElement[bool]:
    found = text("SELECT rowid FROM user_search WHERE user_search MATCH :query")
    return User.id.in_(found.bindparams(query=query).columns(column("rowid", Integer)))


def _word_starts(db: Session, needle: str) -> list[str]:
    """The trigrams of every address or name word that starts with ``needle`` (1–2 letters)."""
    terms = text("SELECT term FROM user_search_terms WHERE term >= :low AND term < :high")
    start = " " + needle
    return list(db.execute(terms, {"low": start, "high": start + _LAST_CHARACTER}).scalars())


def _holders(db: Session, needle: str) -> list[int] | None:
    """How many users hold each trigram of ``needle``; None when one occurs nowhere."""
    trigrams = {needle[i : i + TRIGRAM] for i in range(len(needle) - TRIGRAM + 1)}
    terms = text("SELECT doc FROM user_search_terms WHERE term IN :terms")
    found = db.execute(
        terms.bindparams(bindparam("terms", expanding=True)), {"terms": sorted(trigrams)}
    ).scalars()
    counts = [int(count) for count in found]
    return counts if len(counts) == len(trigrams) else None


def user_matches(db: Session, search: str) -> ColumnElement[bool] | None:
    """A condition on ``User`` for the users ``search`` finds; None when it finds nobody.

    Text and keys are case-folded alike, in Python ("STRAUSS" finds "Strauß").
    """
    needle = search.casefold()
    if db.get_bind().dialect.name != "sqlite" or not _has_trigram_index(db):
        return _like(needle)
    if len(needle) < TRIGRAM:
        starts = _word_starts(db, needle)
        return _indexed(" OR ".join(map(_quoted, starts))) if starts else None
    holders = _holders(db, needle)
    if holders is None:
        return None
    users = db.execute(select(func.count()).select_from(User)).scalar_one()
    if min(holders) >= NEARLY_EVERYONE * users:
        return _like(needle)
    return _indexed(_quoted(needle))  # a phrase of trigrams: exactly the text, anywhere
