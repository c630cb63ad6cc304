"""The workstation's side: fail closed and calm, and never plain HTTP to another host."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_auth.cli import main
from desktop_auth.config import load_config
from desktop_auth.errors import ServerInsecureError, ServerUnavailableError, SignInRequiredError
from desktop_auth.remote.client import RemoteService
from desktop_auth.remote.connect import open_service

PASSWORD = "koffie tafel regen zomer fiets"


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def unreachable() -> Iterator[RemoteService]:
    client = RemoteService(f"http://127.0.0.1:{_closed_port()}")
    yield client
    client.close()


def test_an_unreachable_server_is_one_calm_error(unreachable: RemoteService) -> None:
    with pytest.raises(ServerUnavailableError) as refused:
        unreachable.sign_in.with_password("jan@example.nl", PASSWORD)  # type: ignore[attr-defined]
    assert PASSWORD not in str(refused.value)
    assert refused.value.params["url"] == unreachable.url


def test_without_a_signed_in_administrator_no_admin_call_leaves_the_workstation(
    unreachable: RemoteService,
) -> None:
    """Refused before anything is sent: there is no local administrator on a server."""
    with pytest.raises(SignInRequiredError):
        unreachable.accounts.local_administrator()  # type: ignore[attr-defined]
    with pytest.raises(SignInRequiredError):
        unreachable.accounts.page()  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "url", ["http://signin.salariszaken.nl", "http://10.0.0.5:8443", "ftp://127.0.0.1"]
)
def test_plain_http_goes_only_to_this_host(url: str) -> None:
    with pytest.raises(ServerInsecureError):
        RemoteService(url)


def test_the_server_refuses_plain_http_off_loopback(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    database = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    code = main(
        ["--database", database, "server", "--listen", "0.0.0.0:8443", "--insecure-loopback"]
    )
    assert code != 0
    assert "plain HTTP to another machine" in capsys.readouterr().err
    assert not (tmp_path / "store.sqlite3").exists()  # refused before opening anything


def test_a_workstation_with_a_server_opens_no_store(tmp_path: Path) -> None:
    config_file = tmp_path / "config.toml"
    config_file.write_text('server_url = "https://signin.salariszaken.nl"\n')
    config = load_config(config_path=config_file, environ={})
    service = open_service(config)
    try:
        assert isinstance(service, RemoteService)
        assert config.data_key_file is None and config.source == config_file
        assert not any(tmp_path.glob("*.sqlite3"))
    finally:
        service.close()


def test_the_embedded_start_loads_no_client() -> None:
    """Choosing the service costs the window's start nothing when no server is configured:
    the HTTP client and the wire format load only with a server_url."""
    import subprocess
    import sys

    probe = (
        "import sys, desktop_auth.remote.connect\n"
        "print(sorted(m for m in ('httpx', 'pydantic', 'desktop_auth.remote.wire') "
        "if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "[]"


def test_doctor_on_a_workstation_says_the_server_cannot_be_reached(
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = f"http://127.0.0.1:{_closed_port()}"
    code = main(["--server", url, "admin", "doctor"])
    out = capsys.readouterr().out
    assert code != 0
    assert f"[XX] Sign-in server: {url} cannot be reached" in out
    assert "Check server_url" in out and "Database" not in out


def test_the_server_without_its_extra_says_how_to_install_it(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "uvicorn", None)  # as on a workstation's install
    database = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    code = main(["--database", database, "server", "--insecure-loopback"])
    err = capsys.readouterr().err
    assert code != 0 and "pip install 'desktop-auth[server]'" in err
    assert "Traceback" not in err
