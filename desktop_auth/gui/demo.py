"""Demo mode: a throw-away store, demo accounts, and an authenticator app on the screen.

The manual's "clickable demo": anyone walks every flow without a phone.  The
store lives in a temporary folder with its own key file and vanishes on exit.
The on-screen app computes codes from the key URI it "scanned" (pyotp), exactly
as a phone app would from the QR code.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlparse

import pyotp
from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtWidgets import QGridLayout, QLabel, QProgressBar, QVBoxLayout, QWidget

from desktop_auth.config import Config

if TYPE_CHECKING:
    from desktop_auth.core.service import AuthService
from desktop_auth.gui.widgets import monospace, paragraph

ORGANISATION = "Demo Salariszaken"
RP_ID = "demo.example"
ADMIN_EMAIL = "beheer@demo.example"
EMPLOYEE_EMAIL = "jan@demo.example"
NEW_EMPLOYEE_EMAIL = "nieuw@demo.example"
# Known on purpose: this is a demo, and the hint on the sign-in screen shows it.
DEMO_PASSWORD = "groene appel boven de rivier"  # noqa: S105


@dataclass(frozen=True, kw_only=True)
class DemoAccounts:
    # Key URIs the on-screen app has "scanned" already.
    app_uris: tuple[str, ...]


def demo_config(folder: Path) -> Config:
    return Config(
        database_url=f"sqlite:///{folder / 'demo.sqlite3'}", data_key_file=folder / "data.key"
    )


def prepare_demo(service: AuthService, now: Callable[[], float] = time.time) -> DemoAccounts:
    """An organisation, an administrator, Jan with an app, and a new employee to set up."""
    from desktop_auth.core.service import SignInOutcome  # on first use: the window paints first

    admin = service.accounts.local_administrator()
    service.initialize(
        actor=admin,
        organisation_name=ORGANISATION,
        rp_id=RP_ID,
        admin_email=ADMIN_EMAIL,
        admin_display_name="Anna Beheer",
        admin_password=DEMO_PASSWORD,
    )
    uris = []
    for email, name in ((EMPLOYEE_EMAIL, "Jan de Vries"), (NEW_EMPLOYEE_EMAIL, "Nina Nieuw")):
        issued = service.accounts.create(actor=admin, email=email, display_name=name)
        first = service.sign_in.with_password(email, issued.temporary_password)
        assert first.ticket is not None
        setup = service.sign_in.complete_password_change(first.ticket, DEMO_PASSWORD)
        if email != EMPLOYEE_EMAIL:
            continue
        assert setup.outcome is SignInOutcome.SETUP_REQUIRED
        assert setup.ticket is not None
        enrollment = service.authenticator_apps.begin_setup(setup.ticket, "Telefoon")
        # The step before now proves the app, so the code on screen works at once.
        phone = pyotp.parse_uri(enrollment.uri)
        assert isinstance(phone, pyotp.TOTP)
        code = phone.at(now() - 30)
        service.authenticator_apps.finish_setup(setup.ticket, enrollment.enrollment_id, code)
        uris.append(enrollment.uri)
    return DemoAccounts(app_uris=tuple(uris))


class AuthenticatorAppWindow(QWidget):
    """A phone's authenticator app, on screen: each account's current code and its time left."""

    def __init__(self, now: Callable[[], float] = time.time, parent: QWidget | None = None):
        super().__init__(parent)
        self.now = now
        self.setObjectName("demo_authenticator")
        # It stands beside the sign-in window and must not take its keyboard focus.
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.intro = paragraph()
        self.grid = QGridLayout()
        self.entries: list[tuple[pyotp.TOTP, QLabel, QLabel, QProgressBar]] = []
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(self.grid)
        layout.addStretch(1)
        self.timer = QTimer(self)
        self.timer.setInterval(1000)
        self.timer.timeout.connect(self.tick)
        self.timer.start()
        self.resize(340, 240)
        self.retranslate()

    def add_uri(self, uri: str) -> None:
        """What scanning the QR code does on a phone."""
        totp = pyotp.parse_uri(uri)
        assert isinstance(totp, pyotp.TOTP)
        account = QLabel(unquote(urlparse(uri).path.lstrip("/")))
        code = QLabel()
        code.setFont(monospace(2.0))
        code.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        left = QProgressBar()
        left.setRange(0, totp.interval)
        left.setTextVisible(False)
        left.setMaximumHeight(6)
        row = self.grid.rowCount()
        self.grid.addWidget(account, row, 0)
        self.grid.addWidget(code, row + 1, 0)
        self.grid.addWidget(left, row + 2, 0)
        self.entries.append((totp, account, code, left))
        self.tick()

    def codes(self) -> list[str]:
        return [totp.at(self.now()) for totp, *_widgets in self.entries]

    def tick(self) -> None:
        moment = self.now()
        for totp, _account, code, left in self.entries:
            current = totp.at(moment)
            code.setText(f"{current[:3]} {current[3:]}")
            code.setAccessibleName(self.tr("Current code"))
            left.setValue(totp.interval - int(moment) % totp.interval)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Authenticator app — DEMO"))
        self.intro.setText(
            self.tr("This window plays your phone. A new code appears every 30 seconds.")
        )

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


@dataclass
class Demo:
    """The running demo (``gui.app`` builds it): its temporary folder, the accounts made in
    it, and the on-screen phone."""

    folder: tempfile.TemporaryDirectory[str]
    phone: AuthenticatorAppWindow
    uris: list[str] = field(default_factory=list)

    def open_service(self) -> AuthService:
        from desktop_auth.core.service import AuthService  # on first use: the window paints first

        # Demo mode: the software security key is "plugged in" and accepted.
        service = AuthService.open(demo_config(Path(self.folder.name)), demo=True)
        self.uris = list(prepare_demo(service).app_uris)
        return service

    def opened(self, _service: object) -> None:
        for uri in self.uris:
            self.phone.add_uri(uri)
        self.phone.show()
