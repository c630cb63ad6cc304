"""The server's OpenAPI document, as kept in ``docs/openapi.json``.

``python -m desktop_auth.remote.openapi`` writes it again after a capability changed;
a test fails while the kept one differs from what the server serves.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from desktop_auth.core.service import AuthService
from desktop_auth.remote.server import create_app
from desktop_auth.store.db import Store
from desktop_auth.store.keys import KeyFileDataKeyStore

KEPT = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"


def document() -> dict[str, Any]:
    """The document of a server on a throw-away store (routes do not depend on data)."""
    store = Store.open("sqlite://")
    try:
        service = AuthService(store, data_keys=KeyFileDataKeyStore(Path("/nonexistent")))
        return create_app(service).openapi()
    finally:
        store.dispose()


def text() -> str:
    return json.dumps(document(), indent=1, sort_keys=True, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else KEPT
    target.write_text(text(), encoding="utf-8")
