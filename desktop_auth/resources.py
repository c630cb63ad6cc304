"""The one place that knows where ``resources/`` lives.

Three layouts exist: the source tree (``resources/`` beside the package), an
installed wheel (copied to ``desktop_auth/_resources`` by pyproject's
force-include) and a frozen bundle (PyInstaller's ``sys._MEIPASS``).
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

from desktop_auth.errors import DesktopAuthError

#: Every resource file the program opens; a test checks an installed wheel has each.
REQUIRED_RESOURCES = (
    "wordlists/en-eff-large.txt",
    "wordlists/en-eff-large.LICENSE.txt",
    "wordlists/nl-opentaal-short.txt",
    "wordlists/nl-opentaal-short.LICENSE.txt",
    "wordlists/unfit-for-work.txt",
    "translations/messages.en.json",
    "translations/messages.nl.json",
    "translations/desktop_auth_en.qm",
    "translations/desktop_auth_nl.qm",
    "icons/desktop-auth.svg",
    "desktop-auth.desktop",
)


class ResourceMissingError(DesktopAuthError):
    code = "resource_missing"


@cache
def resources_root() -> Path:
    """Return the folder holding the resources, whichever layout this is."""
    package_dir = Path(__file__).resolve().parent
    candidates = [package_dir / "_resources", package_dir.parent / "resources"]
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        candidates.insert(0, Path(bundle) / "resources")
    for candidate in candidates:
        if (candidate / "translations").is_dir():
            return candidate
    raise ResourceMissingError(name="resources/")


def resource_path(relative: str) -> Path:
    """Return the path of one resource file, failing clearly when it is absent."""
    path = resources_root() / relative
    if not path.is_file():
        raise ResourceMissingError(name=relative)
    return path
