"""Setting up an authenticator app: the QR code, the key for typing, the first code."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QEvent, Qt, Signal
from PySide6.QtSvgWidgets import QSvgWidget
from PySide6.QtWidgets import QGridLayout, QLabel, QVBoxLayout, QWidget

if TYPE_CHECKING:
    from desktop_auth.core.service import TotpEnrollment
from desktop_auth.errors import DesktopAuthError
from desktop_auth.gui.colours import Tone, ToneLabel
from desktop_auth.gui.widgets import CodeField, ErrorLabel, monospace, paragraph

QR_SIZE = 220


class AppEnrollmentPanel(QWidget):
    """``code_entered(code)`` when six digits are typed; the owner checks them."""

    code_entered = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.steps = paragraph()
        self.qr = QSvgWidget()
        self.qr.setFixedSize(QR_SIZE, QR_SIZE)
        # A QR code needs a light background and dark modules, whatever the palette.
        self.qr.setStyleSheet("background: white;")
        self.qr.setAutoFillBackground(True)
        self.key_title = QLabel()
        self.key = QLabel()
        self.key.setFont(monospace(1.2))
        self.key.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.key.setWordWrap(True)
        self.key_hint = paragraph()
        self.code_label = QLabel()
        self.code = CodeField()
        self.code_label.setBuddy(self.code)
        self.code.code_complete.connect(self.code_entered)
        self.status = ToneLabel(Tone.SUCCESS)
        bold = self.status.font()
        bold.setBold(True)
        self.status.setFont(bold)
        self.status.hide()
        self.error = ErrorLabel()

        side = QVBoxLayout()
        side.addWidget(self.key_title)
        side.addWidget(self.key)
        side.addWidget(self.key_hint)
        side.addStretch(1)
        side.addWidget(self.code_label)
        side.addWidget(self.code)
        side.addWidget(self.status)
        side.addWidget(self.error)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.steps, 0, 0, 1, 2)
        grid.addWidget(self.qr, 1, 0, Qt.AlignmentFlag.AlignTop)
        grid.addLayout(side, 1, 1)
        grid.setColumnStretch(1, 1)
        self.setFocusProxy(self.code)
        self.retranslate()

    def show_enrollment(self, enrollment: TotpEnrollment) -> None:
        self.qr.load(QByteArray(enrollment.qr_svg().encode("utf-8")))
        self.key.setText(enrollment.secret_groups)
        self.code.reset()
        self.code.setEnabled(True)
        self.status.hide()
        self.error.clear_error()

    def show_error(self, error: DesktopAuthError) -> None:
        self.error.show_error(error)
        self.code.reset()
        self.code.setFocus()

    def mark_done(self) -> None:
        self.error.clear_error()
        self.status.show()
        self.code.setEnabled(False)

    def retranslate(self) -> None:
        self.steps.setText(
            self.tr(
                "1. Open your authenticator app (Google Authenticator, Microsoft Authenticator, "
                "Authy or Visma Authenticator) and add an account.\n"
                "2. Scan this QR code with your phone's camera."
            )
        )
        self.qr.setAccessibleName(self.tr("QR code for your authenticator app"))
        self.key_title.setText(self.tr("Cannot scan? Type this key instead:"))
        self.key.setAccessibleName(self.tr("Key for typing"))
        self.key_hint.setText(self.tr("Choose “time based” if the app asks. Spaces do not matter."))
        self.code_label.setText(self.tr("3. Type the &code your app now shows:"))
        self.code.setAccessibleName(self.tr("Six-digit code from the app"))
        self.status.setText(self.tr("✓ That works: your app is set up."))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
