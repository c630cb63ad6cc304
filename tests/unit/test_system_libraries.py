"""The window's system libraries, checked before Qt loads (issue 20: never Qt's abort)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from desktop_auth import system_libraries
from desktop_auth.system_libraries import (
    WINDOW_LIBRARIES,
    WindowProblem,
    missing_libraries,
    packages_for,
    window_problem,
)


def plugin_needing(tmp_path: Path, soname: str) -> Path:
    """A shared library that needs ``soname``, which is then hidden: built with the real
    compiler and read back by the real dynamic linker (ldd), as Qt's plugin would be."""
    gcc = shutil.which("gcc")
    assert gcc, "gcc is missing: run 'python3 tasks.py system-deps'"
    (tmp_path / "stub.c").write_text("int stub(void) { return 1; }\n")
    (tmp_path / "plugin.c").write_text("int stub(void);\nint plugin(void) { return stub(); }\n")
    hidden = tmp_path / "hidden" / soname
    hidden.parent.mkdir()
    plugin = tmp_path / "platforms" / "libqxcb.so"
    plugin.parent.mkdir()
    subprocess.run([gcc, "-shared", "-fPIC", "-o", hidden, tmp_path / "stub.c"], check=True)
    subprocess.run(
        [gcc, "-shared", "-fPIC", "-o", plugin, tmp_path / "plugin.c", hidden], check=True
    )
    assert missing_libraries(plugin) == ()
    hidden.unlink()
    return plugin


def test_a_hidden_library_is_named_with_the_package_that_brings_it(tmp_path: Path) -> None:
    plugin = plugin_needing(tmp_path, "libxcb-icccm.so.4")
    assert missing_libraries(plugin) == ("libxcb-icccm.so.4",)
    assert packages_for(missing_libraries(plugin)) == ("libxcb-icccm4",)


def test_the_check_uses_the_plugin_qt_would_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plugin = plugin_needing(tmp_path, "libxcb-keysyms.so.1")
    monkeypatch.setattr(system_libraries, "platform_plugin", lambda name: plugin)
    problem = window_problem({"DISPLAY": ":0"})
    assert problem == WindowProblem(missing=("libxcb-keysyms.so.1",))
    assert problem.install_command == "sudo apt-get install libxcb-keysyms1"


def test_no_display_is_its_own_problem_and_offscreen_needs_none() -> None:
    assert window_problem({}) == WindowProblem()
    assert window_problem({"QT_QPA_PLATFORM": "xcb"}) == WindowProblem()
    assert window_problem({"QT_QPA_PLATFORM": "offscreen"}) is None


def test_the_real_xcb_plugin_is_found_and_read() -> None:
    plugin = system_libraries.platform_plugin("xcb")
    assert plugin is not None and plugin.name == "libqxcb.so"
    # Whatever it still lacks on this machine is in the table, so its package can be named.
    assert set(missing_libraries(plugin)) <= set(WINDOW_LIBRARIES)


def test_a_complete_plugin_is_remembered_until_the_linker_cache_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plugin = plugin_needing(tmp_path, "libxcb-keysyms.so.1")
    linker_cache = tmp_path / "ld.so.cache"
    linker_cache.write_text("1")
    monkeypatch.setattr(system_libraries, "LINKER_CACHE", linker_cache)
    monkeypatch.setattr(system_libraries, "platform_plugin", lambda name: plugin)
    stamp = tmp_path / "cache" / "window-libraries.ok"
    assert window_problem({"DISPLAY": ":0"}, known_good=stamp) is not None
    assert not stamp.exists()  # only a complete plugin is remembered
    monkeypatch.setattr(system_libraries, "missing_libraries", lambda library: ())
    assert window_problem({"DISPLAY": ":0"}, known_good=stamp) is None
    assert stamp.exists()
    asked: list[Path] = []
    monkeypatch.setattr(system_libraries, "missing_libraries", lambda lib: asked.append(lib) or ())
    assert window_problem({"DISPLAY": ":0"}, known_good=stamp) is None
    assert asked == []  # remembered: no ldd
    os.utime(linker_cache, ns=(1, 1))  # a package changed the libraries
    assert window_problem({"DISPLAY": ":0"}, known_good=stamp) is None
    assert asked == [plugin]


def test_the_window_command_says_what_to_install_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`desktop-auth` itself, never Qt's abort: the missing library, the package, the fix."""
    from desktop_auth.cli import main

    plugin = plugin_needing(tmp_path, "libxcb-icccm.so.4")
    monkeypatch.setattr(system_libraries, "platform_plugin", lambda name: plugin)
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    config = tmp_path / "config.toml"
    config.write_text("")
    assert main(["--config", str(config), "--language", "en"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        "desktop-auth: The window cannot open: the system lacks libxcb-icccm.so.4. "
        "Install them with: sudo apt-get install libxcb-icccm4"
    ]
    monkeypatch.delenv("DISPLAY")
    assert main(["--config", str(config), "--language", "nl"]) == 1
    assert "geen scherm" in capsys.readouterr().err
