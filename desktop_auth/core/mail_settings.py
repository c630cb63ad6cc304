"""Where security e-mails go out: the [smtp] section of the configuration.

Apart from ``core.mail`` so that reading the configuration loads no mail or
database code.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, kw_only=True)
class SmtpSettings:
    host: str
    port: int
    #: "starttls" (port 587) or "tls" (implicit TLS, port 465); never plain text.
    security: str
    sender: str
    #: The login name; its password lives in the OS keyring under
    #: ("desktop-auth", "smtp/<username>@<host>"), never in the configuration.
    username: str | None = None
    #: A private CA's certificate (PEM) to trust besides the system's.
    ca_file: Path | None = None
    timeout: float = 15.0

    @property
    def keyring_username(self) -> str:
        return f"smtp/{self.username}@{self.host}"
