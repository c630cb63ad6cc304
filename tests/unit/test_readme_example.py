"""The README's Python API example runs as written, on a fresh store."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[2] / "README.md"


def api_example() -> str:
    """The first Python block of the README's "Python API" section."""
    section = README.read_text(encoding="utf-8").split("\n## Python API\n", 1)[1]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    assert match, "the Python API section has no Python block"
    return match.group(1)


def test_the_readme_api_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "config.toml"
    config.write_text("", encoding="utf-8")  # no file of the machine's own is read
    monkeypatch.setenv("DESKTOP_AUTH_CONFIG", str(config))
    monkeypatch.setenv("DESKTOP_AUTH_DATABASE_URL", f"sqlite:///{tmp_path / 'store.sqlite3'}")
    monkeypatch.setenv("DESKTOP_AUTH_DATA_KEY_FILE", str(tmp_path / "data.key"))
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(api_example(), "README.md", "exec"), {})  # noqa: S102 - our own README
    assert printed.getvalue().split() == ["jan@example.nl", "AAL2"]
