"""The fingerprints on a security key with a sensor (issue 18): listed, enrolled touch by
touch with a count-down and the sensor's advice, renamed, removed.  Behind the key's PIN;
the key is asked in a worker, and Cancel ends an enrolment on the key itself."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_auth.errors import DesktopAuthError
from desktop_auth.gui.i18n import message
from desktop_auth.gui.key_pin_dialog import KeyPinRow
from desktop_auth.gui.widgets import BusyBar, ErrorLabel, confirm, paragraph
from desktop_auth.gui.workers import Progress, TaskRunner

if TYPE_CHECKING:
    from desktop_auth.core.service import Fingerprint, OwnSecurityKey

# The most touches a sensor asks for, until the key says how many it wants.
TOUCHES_GUESS = 5


class FingerprintsDialog(QDialog):
    def __init__(
        self, open_key: Callable[[], OwnSecurityKey], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._open_key = open_key
        self._pin = ""
        self.fingerprints: tuple[Fingerprint, ...] | None = None
        self._cancel = threading.Event()
        self.runner = TaskRunner(self)
        self.progress = Progress(self)
        self.progress.reported.connect(self._sample)
        self.intro = paragraph()
        self.pin = KeyPinRow()
        self.pin.entered.connect(self.open_list)
        self.list = QListWidget()
        self.list.itemSelectionChanged.connect(self._selection_changed)
        self.add_button, self.rename_button, self.remove_button = (
            QPushButton(),
            QPushButton(),
            QPushButton(),
        )
        self.add_button.clicked.connect(self.add)
        self.rename_button.clicked.connect(self.rename)
        self.remove_button.clicked.connect(self.remove)
        self.touches = QProgressBar()
        self.touch_text = QLabel()
        self.touch_text.setWordWrap(True)
        self.error = ErrorLabel()
        # Cancel tells the key (the switch is read at each touch); the key's "cancelled"
        # then comes back like any answer, and the dialog is usable again.
        self.busy = BusyBar(self.runner, cancel=lambda: self._cancel.set())
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        for button in (self.add_button, self.rename_button, self.remove_button):
            row.addWidget(button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.pin)
        layout.addWidget(self.list)
        layout.addLayout(row)
        layout.addWidget(self.touch_text)
        layout.addWidget(self.touches)
        layout.addWidget(self.error)
        layout.addWidget(self.busy)
        layout.addWidget(self.buttons)
        self.resize(520, 420)
        self._enrolling(False)
        self._show_list(False)
        self.retranslate()

    # --- states ------------------------------------------------------------------------

    def _show_list(self, shown: bool) -> None:
        for widget in (self.list, self.add_button, self.rename_button, self.remove_button):
            widget.setVisible(shown)
        self.pin.setVisible(not shown)
        self._selection_changed()

    def _enrolling(self, enrolling: bool) -> None:
        self.touches.setVisible(enrolling)
        self.touch_text.setVisible(enrolling)
        for button in (self.add_button, self.rename_button, self.remove_button, self.list):
            button.setEnabled(not enrolling)
        if not enrolling:
            self._selection_changed()

    def selected(self) -> Fingerprint | None:
        row = self.list.currentRow()
        if self.fingerprints is None or not 0 <= row < len(self.fingerprints):
            return None
        return self.fingerprints[row]

    def _selection_changed(self) -> None:
        chosen = self.selected() is not None and bool(self.list.selectedItems())
        self.rename_button.setEnabled(chosen)
        self.remove_button.setEnabled(chosen)

    # --- the key ----------------------------------------------------------------------

    def open_list(self, pin: str) -> None:
        if self.runner.busy:
            return
        self.error.clear_error()
        open_key = self._open_key
        self._pin = pin
        self.runner.start(lambda: open_key().fingerprints().list(pin), self._listed, self._failed)

    def _listed(self, fingerprints: tuple[Fingerprint, ...]) -> None:
        self.fingerprints = fingerprints
        self.pin.field.clear()
        self._enrolling(False)
        self._show_list(True)
        self.list.clear()
        for fingerprint in fingerprints:
            self.list.addItem(fingerprint.name or self.tr("(no name)"))
        self._selection_changed()

    def _failed(self, error: DesktopAuthError) -> None:
        from desktop_auth.core.service import pin_stays_usable

        self._enrolling(False)
        self.error.show_error(error)
        self.pin.field.clear()
        if self.fingerprints is None or not pin_stays_usable(error):
            self._pin = ""  # back to the PIN: the list and the PIN typed are gone
            self.fingerprints = None
            self.list.clear()
            self._show_list(False)

    def add(self) -> None:
        if self.runner.busy:
            return
        name, ok = QInputDialog.getText(
            self, self.tr("Add a fingerprint"), self.tr("Name of the finger (e.g. Right index):")
        )
        if not ok:
            return
        self.enroll(name)

    def enroll(self, name: str) -> None:
        """Enroll a finger under ``name``: the key counts the touches down."""
        self.error.clear_error()
        self._cancel = threading.Event()
        cancel, report, open_key, pin = (
            self._cancel,
            self.progress.report,
            self._open_key,
            self._pin,
        )
        self.touches.setRange(0, TOUCHES_GUESS)
        self.touches.setValue(0)
        self.touch_text.setText(
            self.tr("Touch the sensor with the finger to add, and lift it between touches.")
        )
        self._enrolling(True)
        self.runner.start(
            lambda: open_key().fingerprints().enroll(pin, name, on_sample=report, cancel=cancel),
            self._listed,
            self._failed,
        )

    def _sample(self, sample: object) -> None:
        from desktop_auth.core.service import Sample

        assert isinstance(sample, Sample)
        done = self.touches.value()
        if sample.feedback is None:
            done += 1
        self.touches.setRange(0, max(done + sample.remaining, 1))
        self.touches.setValue(done)
        if sample.feedback is not None:
            text = message(sample.message_key) + " " + self.tr("Touch again.")
        elif sample.remaining:
            text = self.tr("Good. %n more touches.", "", sample.remaining)
        else:
            text = self.tr("Done.")
        self.touch_text.setText(text)

    def rename(self) -> None:
        chosen = self.selected()
        if chosen is None or self.runner.busy:
            return
        name, ok = QInputDialog.getText(
            self, self.tr("Rename the fingerprint"), self.tr("New name:"), text=chosen.name
        )
        if not ok:
            return
        open_key, pin = self._open_key, self._pin
        self.runner.start(
            lambda: open_key().fingerprints().rename(pin, chosen.template_id, name),
            self._listed,
            self._failed,
        )

    def remove(self) -> None:
        chosen = self.selected()
        if chosen is None or self.runner.busy:
            return
        open_key, pin = self._open_key, self._pin

        def remove() -> None:
            self.runner.start(
                lambda: open_key().fingerprints().remove(pin, chosen.template_id),
                self._listed,
                self._failed,
            )

        name = chosen.name or self.tr("(no name)")
        self.question = confirm(
            self,
            self.tr("Remove a fingerprint"),
            self.tr("Remove fingerprint %1? The key no longer accepts that finger.").replace(
                "%1", name
            ),
            remove,
        )

    def done(self, result: int) -> None:
        """However it closes (Close, Escape, the idle lock closing the settings): an
        enrolment under way is ended on the key, and the PIN forgotten."""
        self._cancel.set()
        self._pin = ""
        self.runner.cancel()
        super().done(result)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Fingerprints on your security key"))
        self.intro.setText(
            self.tr(
                "With a finger on the key's sensor, the key knows it is you without asking "
                "for its PIN. Add each finger you want to use."
            )
        )
        self.list.setAccessibleName(self.tr("Fingerprints on your security key"))
        self.add_button.setText(self.tr("&Add a fingerprint…"))
        self.rename_button.setText(self.tr("Re&name…"))
        self.remove_button.setText(self.tr("Re&move…"))
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("Close"))
        # Qt fills in %v (touches done) and %m (touches needed).
        self.touches.setFormat(self.tr("%v of %m touches"))
        self.touches.setAccessibleName(self.tr("Touches of the sensor"))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
