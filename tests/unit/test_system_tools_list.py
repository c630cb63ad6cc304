"""The README names every Debian package ``tasks.py test`` installs, and no other."""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_readme_lists_the_packages_tasks_py_installs() -> None:
    sys.path.insert(0, str(ROOT))
    try:
        import tasks
    finally:
        sys.path.remove(str(ROOT))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    sentence = re.search(r"`test` also installs the Debian packages the tests need\s*\(([^)]*)\)",
                         readme)  # fmt: skip
    assert sentence, "the README no longer says which packages the tests need"
    listed = set(re.findall(r"`([^`]+)`", sentence[1]))
    assert listed == set(tasks.TEST_SYSTEM_TOOLS.values())
