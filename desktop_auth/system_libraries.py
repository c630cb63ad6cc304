"""What the window needs from the operating system, checked before Qt is loaded.

Qt's xcb platform plugin needs a dozen X11 libraries that a minimal Debian lacks; when
one is missing Qt prints "Could not load the Qt platform plugin" and aborts the process.
So ``desktop-auth`` asks the dynamic linker first (``ldd`` on the plugin it would load)
and says in one line which libraries are missing and which packages bring them; without
a display at all it says that instead.  ``tasks.py run`` installs the same packages, and
the Debian package depends on them: the table below is the one list.

No Qt import here: this runs where Qt may not load.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

#: The libraries Qt's xcb plugin links against that a minimal Debian may lack → the Debian
#: package that brings each (Debian 12 names; Ubuntu's are the same).
WINDOW_LIBRARIES: Mapping[str, str] = {
    "libxcb.so.1": "libxcb1",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libX11.so.6": "libx11-6",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libGLX.so.0": "libglx0",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libdbus-1.so.3": "libdbus-1-3",
    "libglib-2.0.so.0": "libglib2.0-0",
}

#: Where the dynamic linker's cache lives: installing or removing a library rewrites it.
LINKER_CACHE = Path("/etc/ld.so.cache")

#: Platforms that need no display and no X11 libraries.
HEADLESS_PLATFORMS = frozenset({"offscreen", "minimal", "vnc", "linuxfb", "eglfs"})


@dataclass(frozen=True, kw_only=True)
class WindowProblem:
    """Why no window can open here; ``missing`` empty means there is no display at all."""

    missing: tuple[str, ...] = ()

    @property
    def packages(self) -> tuple[str, ...]:
        return packages_for(self.missing)

    @property
    def install_command(self) -> str:
        return "sudo apt-get install " + " ".join(self.packages)


def packages_for(sonames: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """The Debian packages for these libraries, in one order (unknown ones left out)."""
    return tuple(sorted({WINDOW_LIBRARIES[name] for name in sonames if name in WINDOW_LIBRARIES}))


def platform_plugin(name: str) -> Path | None:
    """Where PySide6 keeps Qt's platform plugin ``name``, found without importing Qt."""
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations)))
    plugin = folder / "Qt" / "plugins" / "platforms" / f"libq{name}.so"
    return plugin if plugin.is_file() else None


def missing_libraries(library: Path) -> tuple[str, ...]:
    """The shared libraries ``library`` needs that the dynamic linker cannot find."""
    ldd = shutil.which("ldd")
    if ldd is None:
        return ()  # no way to ask: let Qt try
    listed = subprocess.run([ldd, str(library)], capture_output=True, text=True, check=False)
    missing = []
    for line in listed.stdout.splitlines():
        name, _, where = line.strip().partition(" => ")
        if where.strip() == "not found":
            missing.append(Path(name).name)
    return tuple(dict.fromkeys(missing))


def window_problem(
    environ: Mapping[str, str], *, known_good: Path | None = None
) -> WindowProblem | None:
    """None when Qt can open a window here; else what stands in the way (Linux only).

    ``known_good`` is a file that remembers a plugin found complete, with the linker
    cache it was found with: asking ``ldd`` costs a process start (~9 ms) on every
    launch, and the answer changes only when a package changes the libraries.
    """
    if not sys.platform.startswith("linux"):
        return None
    platform = environ.get("QT_QPA_PLATFORM", "").split(":", 1)[0].strip().lower()
    if platform in HEADLESS_PLATFORMS:
        return None
    if not platform:
        if environ.get("WAYLAND_DISPLAY") and _loads("wayland"):
            return None
        if not environ.get("DISPLAY"):
            return WindowProblem()
        platform = "xcb"
    if platform == "xcb" and not environ.get("DISPLAY"):
        return WindowProblem()
    plugin = platform_plugin(platform)
    if plugin is None:
        return None  # a platform we do not know the needs of: let Qt try
    fingerprint = _fingerprint(plugin)
    if known_good is not None and _read(known_good) == fingerprint:
        return None
    missing = missing_libraries(plugin)
    if missing:
        return WindowProblem(missing=missing)
    if known_good is not None:
        try:
            known_good.parent.mkdir(parents=True, exist_ok=True)
            known_good.write_text(fingerprint, encoding="utf-8")
        except OSError:
            pass  # a read-only home: ask again next time
    return None


def _fingerprint(plugin: Path) -> str:
    def stamp(path: Path) -> str:
        try:
            return str(path.stat().st_mtime_ns)
        except OSError:
            return "-"

    return f"{plugin}:{stamp(plugin)}:{stamp(LINKER_CACHE)}"


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return None


def _loads(platform: str) -> bool:
    plugin = platform_plugin(platform)
    return plugin is not None and not missing_libraries(plugin)


def main() -> int:
    """``python -m desktop_auth.system_libraries``: the packages the window still needs,
    one line (``tasks.py run`` installs them); nothing when all are there."""
    plugin = platform_plugin("xcb")
    missing = missing_libraries(plugin) if plugin is not None else ()
    print(" ".join(packages_for(missing)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
