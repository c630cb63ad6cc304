"""``admin doctor`` on a sign-in server's workstation: its clock against the server's.

Authenticator codes, sessions and signed sign-in tokens are judged by clocks; a
workstation more than a minute off its server's is told, in its language, to set it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest

from desktop_auth.cli import main
from desktop_auth.config import load_config
from desktop_auth.core import doctor
from desktop_auth.core.checks import CheckStatus
from desktop_auth.core.service import Actor, AuthService
from tests.helpers import PinnedClock
from tests.remote_helpers import InProcessServer

SERVER_NOW = datetime(2026, 12, 2, 19, 0, 0, tzinfo=UTC)
SERVER_DATE = format_datetime(SERVER_NOW, usegmt=True)  # "Wed, 02 Dec 2026 19:00:00 GMT"


@pytest.mark.parametrize(
    ("local_offset", "status", "detail", "seconds"),
    [
        (timedelta(0), CheckStatus.OK, "doctor.clock.ok", "60"),
        (timedelta(seconds=59), CheckStatus.OK, "doctor.clock.ok", "60"),
        (timedelta(seconds=-60), CheckStatus.OK, "doctor.clock.ok", "60"),
        (timedelta(seconds=61), CheckStatus.WARNING, "doctor.clock.ahead", "61"),
        (timedelta(minutes=-5), CheckStatus.WARNING, "doctor.clock.behind", "300"),
    ],
)
def test_a_clock_more_than_a_minute_off_the_servers_is_a_warning(
    local_offset: timedelta, status: CheckStatus, detail: str, seconds: str
) -> None:
    result = doctor.compare_clocks(SERVER_DATE, SERVER_NOW + local_offset)
    assert result is not None
    assert (result.status, result.detail_key, result.params["seconds"]) == (
        status,
        detail,
        seconds,
    )
    assert result.fix_key == (None if status is CheckStatus.OK else "doctor.fix.clock")


@pytest.mark.parametrize("date", ["", "yesterday", "Wed, 02 Dec 2026 19:00:00 -0000"])
def test_without_a_readable_server_time_the_clock_is_not_judged(date: str) -> None:
    assert doctor.compare_clocks(date, SERVER_NOW) is None


def test_doctor_compares_with_the_date_the_server_answers_with(
    service: AuthService, admin: Actor, tmp_path: Path
) -> None:
    server = InProcessServer(service)
    server.start()
    try:
        config = load_config(config_path=_empty(tmp_path), server_url=server.url, environ={})
        ahead = PinnedClock(datetime.now(UTC) + timedelta(minutes=10))
        results = {r.name_key: r for r in doctor.run_checks(config, clock=ahead)}
        on_time = {r.name_key: r for r in doctor.run_checks(config)}
    finally:
        server.stop()
    assert results["doctor.server"].status is CheckStatus.OK
    clock = results["doctor.clock"]
    assert clock.status is CheckStatus.WARNING and clock.detail_key == "doctor.clock.ahead"
    assert 595 <= int(clock.params["seconds"]) <= 601
    assert on_time["doctor.clock"].status is CheckStatus.OK


def test_doctor_says_so_in_dutch(
    service: AuthService, admin: Actor, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    server = InProcessServer(service)
    server.start()
    try:
        main(["--config", str(_empty(tmp_path)), "--language", "nl", "--server", server.url,
              "admin", "doctor"])  # fmt: skip
    finally:
        server.stop()
    out = capsys.readouterr().out
    assert "[ok] Klok: minder dan 60 s naast de klok van de aanmeldserver" in out


def _empty(tmp_path: Path) -> Path:
    empty = tmp_path / "config.toml"
    empty.write_text("")
    return empty
