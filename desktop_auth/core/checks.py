"""What ``admin doctor`` reports: one result per check.  Light, so the service can name
these types without loading the checks themselves (which load every library)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class CheckStatus(StrEnum):
    OK = "ok"
    WARNING = "warning"
    FAILED = "failed"


@dataclass(frozen=True, kw_only=True)
class CheckResult:
    name_key: str
    status: CheckStatus
    detail_key: str
    params: dict[str, str] = field(default_factory=dict)
    fix_key: str | None = None
