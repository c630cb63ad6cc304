"""Configuration precedence and what it refuses (SECURITY.md C4)."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_auth.config import load_config
from desktop_auth.core.passwords import Argon2Parameters
from desktop_auth.core.service import AuthService
from desktop_auth.errors import ConfigError
from desktop_auth.store.db import Store


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_put_sqlite_in_the_user_data_dir() -> None:
    import platformdirs

    config = load_config(config_path=None, environ={})
    data_dir = platformdirs.user_data_path("desktop-auth", appauthor=False)
    assert config.database_url == f"sqlite:///{data_dir / 'desktop-auth.sqlite3'}"
    assert config.argon2 == Argon2Parameters()
    assert config.data_key_file is None


def test_option_beats_environment_beats_file(tmp_path: Path) -> None:
    file = write(tmp_path / "c.toml", 'database_url = "sqlite:////file.db"\nlanguage = "nl"\n')
    assert load_config(config_path=file, environ={}).database_url == "sqlite:////file.db"
    env = {"DESKTOP_AUTH_DATABASE_URL": "sqlite:////env.db"}
    assert load_config(config_path=file, environ=env).database_url == "sqlite:////env.db"
    chosen = load_config(config_path=file, environ=env, database_url="sqlite:////opt.db")
    assert chosen.database_url == "sqlite:////opt.db"
    assert chosen.language == "nl" and chosen.source == file
    env_file = load_config(environ={"DESKTOP_AUTH_CONFIG": str(file)})
    assert env_file.source == file


def test_c4_a_database_password_in_the_file_is_refused(tmp_path: Path) -> None:
    """C4: database passwords belong in the keyring, not in config files."""
    file = write(
        tmp_path / "c.toml",
        'database_url = "postgresql+psycopg://auth:Geheim123@db.example.nl/auth"\n',
    )
    config = load_config(config_path=file, environ={})
    assert config.database_url_file == file
    with pytest.raises(ConfigError) as info:
        AuthService.open(config)  # before any connection is tried
    assert info.value.code == "config_password_in_file"
    assert "Geheim123" not in str(info.value) and "Geheim123" not in repr(dict(info.value.params))


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("database_url = [", "config_syntax"),
        ("unknown = 1\n", "config_unknown_key"),
        ("[argon2]\nmemory_kib = 1024\ntime_cost = 1\n", "argon2_too_weak"),
        ("[argon2]\nmemory = 1\n", "config_unknown_key"),
        ('database_url = "::not a url::"\n', "database_url_invalid"),
        ('vault_escrow_key = "not base64!"\n', "config_escrow_key"),
        ('vault_escrow_key = "AAAA"\n', "config_escrow_key"),  # 3 bytes, not a key
        (f'vault_escrow_key = "{"A" * 43}=:{"A" * 43}="\n', "config_escrow_key"),  # twice
        ("vault_escrow_key = 12\n", "config_escrow_key"),
    ],
)
def test_bad_files_get_a_clear_error(tmp_path: Path, text: str, code: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(config_path=write(tmp_path / "c.toml", text), environ={})
    assert info.value.code == code


def test_the_escrow_key_is_pinned_only_by_the_file_it_deploys(tmp_path: Path) -> None:
    key = ":".join(base64.b64encode(os.urandom(31) + b"\x01").decode() for _ in range(2))
    path = write(tmp_path / "c.toml", f'vault_escrow_key = "{key}"\n')
    assert load_config(config_path=path, environ={}).vault_escrow_key == key
    without = write(tmp_path / "without.toml", 'language = "nl"\n')
    assert load_config(config_path=without, environ={}).vault_escrow_key == ""
    # The earlier one-key form, left by an upgrade that switched that escrow off: it
    # pins nothing, and the workstation still starts.
    single = base64.b64encode(os.urandom(31) + b"\x01").decode()  # below the field prime
    older = write(tmp_path / "older.toml", f'vault_escrow_key = "{single}"\n')
    assert load_config(config_path=older, environ={}).vault_escrow_key == ""


def test_an_explicit_missing_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        load_config(config_path=tmp_path / "absent.toml", environ={})


def test_argon2_can_be_raised_and_key_file_set(tmp_path: Path) -> None:
    file = write(
        tmp_path / "c.toml", "[argon2]\nmemory_kib = 131072\ntime_cost = 4\nparallelism = 4\n"
    )
    config = load_config(
        config_path=file, environ={"DESKTOP_AUTH_DATA_KEY_FILE": str(tmp_path / "k")}
    )
    assert config.argon2.memory_kib == 131072 and config.argon2.time_cost == 4
    assert config.data_key_file == tmp_path / "k"


def test_smtp_section_and_webauthn_origins(tmp_path: Path) -> None:
    file = write(
        tmp_path / "c.toml",
        'webauthn_origins = ["https://login.salariszaken.nl"]\n'
        '[smtp]\nhost = "mail.salariszaken.nl"\nsender = "beveiliging@salariszaken.nl"\n'
        'username = "desktop-auth"\n',
    )
    config = load_config(config_path=file, environ={})
    assert config.smtp is not None
    assert (config.smtp.port, config.smtp.security) == (587, "starttls")
    assert config.smtp.keyring_username == "smtp/desktop-auth@mail.salariszaken.nl"
    assert config.webauthn_origins == ("https://login.salariszaken.nl",)


@pytest.mark.parametrize(
    "text",
    [
        '[smtp]\nhost = "m"\nsender = "s@x.nl"\npassword = "geheim"\n',  # C4
        '[smtp]\nhost = "m"\nsender = "s@x.nl"\nsecurity = "none"\n',  # never plain text
        '[smtp]\nsender = "s@x.nl"\n',
        'webauthn_origins = ["http://insecure.example"]\n',
    ],
)
def test_c4_smtp_password_plain_text_and_bad_origins_are_refused(tmp_path: Path, text: str) -> None:
    with pytest.raises(ConfigError):
        load_config(config_path=write(tmp_path / "c.toml", text), environ={})


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://u:Geheim123@db/x",
        "postgresql://u:Gehe@m123@db/x",
        "postgresql://u:Zomer/2026!@db:5432/x",  # "/" ends urllib's host part early
        "postgresql://u:pa?ss@db/x",
        "postgresql://u:pa#ss@db/x",
        "postgresql://u:/secret@db/x",
        "postgresql://u@db/x?password=Geheim123",  # libpq takes it from the query too
        "postgresql://u@db/x?sslmode=verify-full&sslpassword=Geheim123",
        "mysql://u:G@[::1]/x",
    ],
)
def test_c4_any_password_in_the_files_url_is_refused(tmp_path: Path, url: str) -> None:
    """However the URL is written, SQLAlchemy's own reading of it finds the password."""
    file = write(tmp_path / "c.toml", f'database_url = "{url}"\n')
    config = load_config(config_path=file, environ={})
    with pytest.raises(ConfigError) as info:
        Store.open(config.database_url, written_in=config.database_url_file)
    assert info.value.code == "config_password_in_file"


def test_c4_the_same_url_from_the_environment_or_the_command_line_is_not_a_file(
    tmp_path: Path,
) -> None:
    """Only a file is refused: the environment and --database are the operator's own."""
    url = "sqlite:///" + str(tmp_path / "s.sqlite3")
    file = write(tmp_path / "c.toml", f'database_url = "{url}"\n')
    assert (
        load_config(config_path=file, environ={"DESKTOP_AUTH_DATABASE_URL": url}).database_url_file
        is None
    )
    assert load_config(config_path=file, database_url=url, environ={}).database_url_file is None


@pytest.mark.parametrize("url", ["postgresql://u@db:notaport/x", "a-b://db/x"])
def test_a_url_only_the_database_library_rejects_fails_calmly_when_the_store_opens(
    url: str,
) -> None:
    config = load_config(database_url=url, environ={})
    with pytest.raises(ConfigError) as info:
        Store.open(config.database_url)
    assert info.value.code == "database_url_invalid"


def test_reading_the_configuration_does_not_load_the_database_library(tmp_path: Path) -> None:
    """The window paints before SQLAlchemy loads (a third of a second): see gui_startup.py."""
    file = write(tmp_path / "c.toml", 'database_url = "postgresql+psycopg://u@db/x"\n')
    probe = (
        "import sys; from pathlib import Path; from desktop_auth.config import load_config; "
        f"load_config(config_path=Path({str(file)!r}), environ={{}}); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'argon2')))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
