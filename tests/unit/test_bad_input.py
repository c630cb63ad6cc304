"""I1: bad input of any kind, on every surface where it enters, gets a typed error (one
translated line) and leaves nothing half-written.

Each surface is driven by hypothesis with what the red team tried and what it did not think
of: CSV files with fields over the csv module's limit, config files, database URLs, the
JSON a security key's client sends (nested thousands deep), codes, passwords with lone
surrogates, and names.  The assertion is the same each time: the call either does its job
or raises a ``DesktopAuthError`` whose message exists in both languages; and the store
holds what it held before (no user, no method), with the attempt audited where it counts.
The draws are fixed for CI; ``HYPOTHESIS_PROFILE=explore`` looks further (tests/conftest.py).
"""

from __future__ import annotations

import contextlib
import json
import string
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from desktop_auth.config import load_config
from desktop_auth.core.service import Actor, AuthService
from desktop_auth.errors import DesktopAuthError, ImportMalformedError, UserNotLockedError
from desktop_auth.messages import translate
from desktop_auth.store.db import Store
from tests.helpers import USER_PASSWORD, MemoryKeyring, PinnedClock
from tests.totp_helpers import EnrolledUser, sign_in_ticket

#: Any text, lone surrogates (undecodable bytes) and control characters included.
ANY_TEXT = st.text(st.characters(codec=None, exclude_categories=()), max_size=80)
HOSTILE = st.sampled_from(
    [
        "\ud800",
        "jan\udcff@example.nl",
        "\x00",
        "=cmd|'/Ccalc'!A0",
        "a" * 5000,
        "\u202e" + "lnk.exe",
        "ﬀ" * 40,
        "",
        " ",
    ]
)
TEXT = st.one_of(ANY_TEXT, HOSTILE)


def typed(call: Callable[[], object]) -> object | None:
    """The call's answer, or None when it refused with a typed, translated error."""
    try:
        return call()
    except DesktopAuthError as error:
        refused = error
    for language in ("en", "nl"):
        line = translate(refused.message_key, language, **refused.params)
        assert line and "\n" not in line.strip() and refused.message_key not in line
    return None


def nested(depth: int) -> str:
    return '{"id": ' * depth + "1" + "}" * depth


def json_values() -> st.SearchStrategy[Any]:
    leaves = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), TEXT)
    return st.recursive(
        leaves,
        lambda inner: st.one_of(
            st.lists(inner, max_size=4), st.dictionaries(TEXT, inner, max_size=4)
        ),
        max_leaves=20,
    )


def assertion_like() -> st.SearchStrategy[Any]:
    """Answers shaped like an AuthenticationResponseJSON, with any field replaced."""
    fields = {
        "id": TEXT,
        "rawId": TEXT,
        "type": st.sampled_from(["public-key", "", "x"]),
        "response": st.one_of(
            json_values(),
            st.fixed_dictionaries(
                {
                    "clientDataJSON": TEXT,
                    "authenticatorData": TEXT,
                    "signature": TEXT,
                    "userHandle": st.one_of(st.none(), TEXT),
                }
            ),
        ),
        "clientExtensionResults": json_values(),
    }
    return st.fixed_dictionaries({}, optional=fields)


def audit_count(service: AuthService, admin: Actor) -> int:
    return len(service.audit.events(limit=None, actor=admin))


# --- CSV ----------------------------------------------------------------------------------


CSV_CELL = st.one_of(
    TEXT,
    st.sampled_from(["x" * 140_000, '"open quote', 'a"b', "\r", "\n", ",", "employee", "admin"]),
)


@given(
    header=st.one_of(st.just(["email", "name", "role"]), st.lists(TEXT, max_size=4)),
    rows=st.lists(st.lists(CSV_CELL, max_size=5), max_size=4),
)
def test_i1_csv_import_answers_typed_and_imports_all_or_nothing(
    service: AuthService, admin: Actor, header: list[str], rows: list[list[str]]
) -> None:
    text = "\n".join(",".join(line) for line in [header, *rows])
    before = service.accounts.count(actor=admin)
    report = typed(lambda: service.rollout.import_users(actor=admin, csv_text=text))
    after = service.accounts.count(actor=admin)
    if report is None or not getattr(report, "created", ()):
        assert after == before
    else:
        assert after == before + len(report.created)  # type: ignore[attr-defined]


def test_i1_a_csv_field_over_the_limit_says_which_line(service: AuthService, admin: Actor) -> None:
    """Tried: a field over 131,072 characters crashed with ``_csv.Error``."""
    text = "email,name\nanna@example.nl,Anna\njan@example.nl," + "a" * 140_000 + "\n"
    with pytest.raises(ImportMalformedError) as refused:
        service.rollout.import_users(actor=admin, csv_text=text)
    assert refused.value.params["line"] == 3
    assert "Line 3" in translate(refused.value.message_key, "en", **refused.value.params)
    assert service.accounts.count(actor=admin) == 1  # the administrator alone: no Anna


# --- config files and database URLs -------------------------------------------------------


@example(text="\udcff = 1")  # not UTF-8 once written: tomllib raised UnicodeDecodeError
@given(text=st.one_of(TEXT, st.builds(lambda key, value: f"{key} = {value}", TEXT, TEXT)))
def test_i1_any_config_file_loads_or_is_refused_in_one_line(tmp_path: Path, text: str) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    typed(lambda: load_config(config_path=path, environ={}))


URL_OPTION = st.one_of(
    st.sampled_from(["PASSWORD", "password", "sslmode", "SSLMODE", "connect_timeout", "x"]),
    st.text(string.ascii_letters + "_", min_size=1, max_size=12),
)


@example(scheme="postgresql", rest="", options={"PASSWORD": "x"})  # tried: a traceback
@example(scheme="postgresql", rest="", options={"connect_timeout": ":"})
@example(scheme="sqlite", rest="\x00", options={})
@given(
    scheme=st.sampled_from(["postgresql", "postgresql+psycopg", "sqlite", "mysql", "x"]),
    rest=TEXT,
    options=st.dictionaries(URL_OPTION, st.text(string.printable, max_size=8), max_size=3),
)
def test_i1_any_database_url_opens_or_is_refused_in_one_line(
    tmp_path: Path, scheme: str, rest: str, options: dict[str, str]
) -> None:
    """Tried: ``?PASSWORD=`` gave a psycopg traceback.  Every URL here points nowhere
    reachable (a closed port, a fresh folder), so opening it must end in a typed error."""
    query = "&".join(f"{key}={value}" for key, value in options.items())
    host = "127.0.0.1:9/db" if scheme.startswith("postgresql") else f"/{tmp_path}/s.db"
    url = f"{scheme}://{host}{rest}" + (f"?{query}" if query else "")

    def open_it() -> None:
        store = Store.open(url, keyring_backend=MemoryKeyring())
        try:
            store.upgrade()
        finally:
            store.dispose()

    typed(open_it)


# --- what a security key's client sends ---------------------------------------------------


@example(answer={}, depth=5000)  # tried: RecursionError, and not audited
@given(answer=st.one_of(assertion_like(), json_values()), depth=st.sampled_from([0, 0, 5000]))
def test_i1_any_webauthn_answer_is_refused_typed_and_audited(
    service: AuthService, admin: Actor, answer: Any, depth: int
) -> None:
    """Tried: JSON nested thousands deep raised RecursionError, and that passwordless
    failure was not audited."""
    text = nested(depth) if depth else json.dumps(answer)
    service.security_keys.begin_passwordless()
    before = audit_count(service, admin)
    assert typed(lambda: service.security_keys.finish_passwordless(text)) is None
    assert audit_count(service, admin) == before + 1


# --- codes and passwords ------------------------------------------------------------------


@given(code=TEXT, kind=st.sampled_from(["totp", "recovery", "backup", "webauthn", "", "x"]))
def test_i1_any_code_is_refused_typed(
    service: AuthService, user_with_app: EnrolledUser, clock: PinnedClock, code: str, kind: str
) -> None:
    clock.advance(minutes=20)  # each example starts past the last one's delays
    ticket = sign_in_ticket(service, user_with_app.email)
    assert typed(lambda: service.sign_in.with_second_factor(ticket, kind, code)) is None


@example(password="\ud800")  # tried: UnicodeEncodeError, neither counted nor audited
@given(password=TEXT.filter(lambda text: text != USER_PASSWORD))
def test_i1_t1_any_wrong_password_is_refused_typed_counted_and_audited(
    service: AuthService, admin: Actor, user: str, clock: PinnedClock, password: str
) -> None:
    """Tried: a password with a lone surrogate raised UnicodeEncodeError, neither counted
    nor audited.  Now it is a wrong password like any other."""
    clock.advance(minutes=20)
    with contextlib.suppress(UserNotLockedError):  # only a lock stands in the way
        service.accounts.unlock(actor=admin, email=user)
    before = audit_count(service, admin)
    result = typed(lambda: service.sign_in.with_password(user, password))
    assert result is None or getattr(result, "session", None) is None
    assert audit_count(service, admin) > before


@example(email="jan\udcff@example.nl", password="\ud800")
@given(email=TEXT, password=TEXT)
def test_i1_any_address_signs_in_to_nothing(
    service: AuthService, admin: Actor, clock: PinnedClock, email: str, password: str
) -> None:
    clock.advance(minutes=20)
    result = typed(lambda: service.sign_in.with_password(email, password))
    assert result is None or getattr(result, "session", None) is None


# --- names --------------------------------------------------------------------------------


@example(name="\ud800", email="anna@example.nl")
@given(name=TEXT, email=TEXT)
def test_i1_any_name_and_address_create_a_user_or_nothing(
    service: AuthService, admin: Actor, name: str, email: str
) -> None:
    before = service.accounts.count(actor=admin)
    created = typed(lambda: service.accounts.create(actor=admin, email=email, display_name=name))
    assert service.accounts.count(actor=admin) == before + (created is not None)


@pytest.mark.parametrize("label", ["\ud800", "x" * 61, "\x00", ""])
def test_i1_a_method_name_is_refused_typed(
    service: AuthService, user_with_app: EnrolledUser, label: str
) -> None:
    before = service.my_account.methods(user_with_app.session)
    assert (
        typed(
            lambda: service.my_account.rename_method(
                user_with_app.session, "totp", user_with_app.method_id, label
            )
        )
        is None
    )
    assert service.my_account.methods(user_with_app.session) == before
