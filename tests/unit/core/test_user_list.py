"""The helpdesk's user list: substring search through the trigram index, sort orders, pages."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import insert, select, text

from desktop_auth.core.service import Actor, AuthService, UserSummary
from desktop_auth.errors import InvalidInputError
from desktop_auth.store.db import Store
from desktop_auth.store.models import User
from desktop_auth.store.user_search import user_matches
from desktop_auth.vocabulary import UserSort
from tests.conftest import ENGINES

pytestmark = pytest.mark.parametrize("engine", ENGINES, indirect=True)

FIRST = ["Jan", "Piet", "Anna", "Özlem", "Li", "Zoë", "Daan", "Noor"]
LAST = ["de Vries", "Bakker", "Müller", "O'Brien", "van 't Hek", "Smit", "Strauß"]
QUERIES = [
    "j", "JA", "x", "li", "ö", "öz", "özlem", "zoë", "de v", "de vries", "bakker", "VRIES",
    "example", "@example.nl", "example.nl", "user1", "user17", "user4", "o'b", "van 't",
    "%", "_", "a_b", "100%", '"', "piet.bakker", "nobody", "qq", "e", "an", "u", "va", "'t",
    "mü", "v", "h", "he", "hek", "@mail", ".nl", "Strauß", "STRAUSS", "strauß", "auß", "ß",
]  # fmt: skip
NOBODY = {"x", "%", "_", "a_b", "100%", '"', "nobody", "qq", "e", "ß"}


def add_users(store: Store, count: int) -> list[tuple[str, str]]:
    """Users straight into the table (as an import would), through the search triggers."""
    now = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)
    rows, people = [], []
    for number in range(count):
        first, last = FIRST[number % len(FIRST)], LAST[(number // len(FIRST)) % len(LAST)]
        local = f"{first}.{last}".casefold().replace(" ", "").replace("'", "")
        email = f"{local}.user{number}@example.nl" if number % 5 else f"u{number}@mail.nl"
        people.append((email, f"{first} {last}"))
        rows.append(
            {
                "email": email,
                "email_key": email.casefold(),
                "display_name": f"{first} {last}",
                "name_key": f"{first} {last}".casefold(),  # as User's validator sets it
                "role": "admin" if number % 11 == 0 else "employee",
                "disabled": number % 7 == 0,
                "password_hash": "$argon2id$v=19$m=1024,t=1,p=1$eA$eA",
                "password_changed_at": now,
                "must_change_password": False,
                "failed_attempts": 0,
                "locked_until": now + timedelta(minutes=5) if number % 13 == 0 else None,
                "created_at": now,
                "last_sign_in_at": None if number % 4 == 0 else now - timedelta(hours=number),
                "second_factor_failures": 0,
                "language": "nl",
                "second_factor_exempt": False,
                "setup_deadline": date(2026, 7, 1) + timedelta(days=number % 3)
                if number % 2
                else None,
            }
        )
    with store.engine.begin() as connection:
        connection.execute(insert(User), rows)
    return people


def finds(query: str, email: str, name: str) -> bool:
    """The rule: three characters or more anywhere; fewer at the start of the address or
    of a word of the name."""
    needle, email, name = query.casefold(), email.casefold(), name.casefold()
    if len(needle) >= 3:
        return needle in email or needle in name
    return email.startswith(needle) or any(word.startswith(needle) for word in name.split())


def expected(people: list[tuple[str, str]], query: str) -> list[str]:
    return sorted(email.casefold() for email, name in people if finds(query, email, name))


def emails(users: list[UserSummary]) -> list[str]:
    return [user.email.casefold() for user in users]


@pytest.fixture
def people(store: Store, service: AuthService, admin: Actor) -> list[tuple[str, str]]:
    return [("beheer@salariszaken.nl", "Anna Beheer"), *add_users(store, 120)]


@pytest.mark.parametrize("query", QUERIES)
def test_search_finds_exactly_the_users_whose_email_or_name_holds_the_text(
    service: AuthService, people: list[tuple[str, str]], query: str
) -> None:
    """Any piece of text, in any case, with LIKE's and FTS5's special characters as text."""
    assert expected(people, query) or query in NOBODY
    found = service.accounts.page(search=query, limit=1000)
    assert emails(found) == expected(people, query)
    assert service.accounts.count(search=query) == len(expected(people, query))


def test_the_index_follows_new_and_renamed_users(
    store: Store, service: AuthService, people: list[tuple[str, str]]
) -> None:
    assert service.accounts.page(search="Gerrit") == []
    service.accounts.create(
        actor=service.accounts.local_administrator(),
        email="g.jansen@salariszaken.nl",
        display_name="Gerrit Jansen",
    )
    assert emails(service.accounts.page(search="gerrit")) == ["g.jansen@salariszaken.nl"]
    with store.transaction() as db:  # a rename, as the ORM does it: name_key follows
        user = db.execute(select(User).where(User.email_key == "g.jansen@salariszaken.nl"))
        user.scalar_one().display_name = "Geertje Jansen"
    assert service.accounts.page(search="gerrit") == []
    assert emails(service.accounts.page(search="geertje")) == ["g.jansen@salariszaken.nl"]


def test_rare_text_is_looked_up_in_the_index_and_common_text_walks_the_table(
    store: Store, people: list[tuple[str, str]]
) -> None:
    """The trigram index answers rare text; text most users hold is met sooner in order."""
    with store.transaction() as db:
        rare = str(user_matches(db, "user17"))
        common = str(user_matches(db, ".nl"))  # every address
        nowhere = user_matches(db, "qqq")
        if db.get_bind().dialect.name == "sqlite":
            # At head the index and its three triggers are there (a rebuilt "users"
            # table would have lost the triggers, and the search would scan).
            triggers = db.execute(
                text("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'users'")
            ).scalars()
            assert {"user_search_insert", "user_search_update", "user_search_delete"} <= set(
                triggers
            )
            assert "MATCH" in rare
            assert "MATCH" not in common
            assert nowhere is None
        else:
            assert nowhere is not None  # PostgreSQL's planner picks the trigram index itself
            indexes = db.execute(
                text("SELECT indexname FROM pg_indexes WHERE tablename = 'users'")
            ).scalars()
            assert {"ix_users_email_trgm", "ix_users_name_trgm"} <= set(indexes)


@pytest.mark.parametrize("sort", tuple(UserSort))
@pytest.mark.parametrize("descending", [False, True])
def test_every_sort_order_pages_through_everyone_once_in_order(
    service: AuthService, people: list[tuple[str, str]], sort: str, descending: bool
) -> None:
    everyone = service.accounts.page(sort=sort, descending=descending, limit=1000)
    pages = [
        user
        for offset in range(0, len(people), 25)
        for user in service.accounts.page(sort=sort, descending=descending, limit=25, offset=offset)
    ]
    assert [u.id for u in pages] == [u.id for u in everyone]
    assert len({u.id for u in everyone}) == len(people) == service.accounts.count()
    now = service.accounts.now()
    keys = {
        "email": lambda u: (u.email.casefold(),),
        "name": lambda u: (u.display_name.casefold(),),
        "role": lambda u: (u.role,),
        "status": lambda u: (["active", "locked", "disabled"].index(u.status(now)),),
        "last_sign_in": lambda u: (u.last_sign_in_at is None, u.last_sign_in_at),
        "deadline": lambda u: (u.setup_deadline is None, u.setup_deadline),
    }
    primary = [keys[sort](u) for u in everyone]
    nones_last = [k for k in primary if k[0] is not True]
    if sort in ("last_sign_in", "deadline"):
        # "Never" and "no deadline" come last in both directions.
        assert all(k[0] is True for k in primary[len(nones_last) :])
        primary = nones_last
    assert primary == sorted(primary, reverse=descending)


def test_search_and_sort_together(service: AuthService, people: list[tuple[str, str]]) -> None:
    found = service.accounts.page(search="bakker", sort="name", descending=True, limit=1000)
    assert sorted(emails(found)) == expected(people, "bakker")
    names = [u.display_name.casefold() for u in found]
    assert names == sorted(names, reverse=True)


def test_an_unknown_sort_order_is_refused_with_the_choices(
    service: AuthService, people: list[tuple[str, str]]
) -> None:
    with pytest.raises(InvalidInputError) as raised:
        service.accounts.page(sort="salary")
    assert raised.value.code == "invalid_sort"
    assert "last_sign_in" in str(raised.value.params["sorts"])
