"""The sign-ins stored on the security key plugged in (passkeys): by site and account,
this organisation's own first and marked, with the room left; one deleted after a
question (issue 18).  Behind the key's PIN; every call to the key runs in a worker."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_auth.errors import DesktopAuthError
from desktop_auth.gui.key_pin_dialog import KeyPinRow
from desktop_auth.gui.widgets import BusyBar, ErrorLabel, confirm, paragraph, read_only_table
from desktop_auth.gui.workers import TaskRunner

if TYPE_CHECKING:
    from desktop_auth.core.service import OwnSecurityKey, StoredSignIn, StoredSignIns


class KeySignInsDialog(QDialog):
    def __init__(
        self,
        open_key: Callable[[], OwnSecurityKey],
        our_rp_id: str | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._open_key = open_key
        self._our_rp_id = our_rp_id
        self._pin = ""
        self.found: StoredSignIns | None = None
        self.runner = TaskRunner(self)
        self.intro = paragraph()
        self.pin = KeyPinRow()
        self.pin.entered.connect(self.open_list)
        self.table = read_only_table(2)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.room = paragraph()
        self.delete_button = QPushButton()
        self.delete_button.clicked.connect(self.delete_selected)
        self.error = ErrorLabel()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.room, 1)
        row.addWidget(self.delete_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.pin)
        layout.addWidget(self.table)
        layout.addLayout(row)
        layout.addWidget(self.error)
        layout.addWidget(BusyBar(self.runner))
        layout.addWidget(self.buttons)
        self.resize(600, 420)
        self._show_list(False)
        self.retranslate()

    def _show_list(self, shown: bool) -> None:
        self.table.setVisible(shown)
        self.room.setVisible(shown)
        self.delete_button.setVisible(shown)
        self.pin.setVisible(not shown)
        self._selection_changed()

    def open_list(self, pin: str) -> None:
        if self.runner.busy:
            return
        self.error.clear_error()
        open_key, rp_id = self._open_key, self._our_rp_id
        self._pin = pin
        self.runner.start(
            lambda: open_key().sign_ins().list(pin, our_rp_id=rp_id), self._listed, self._failed
        )

    def _listed(self, found: StoredSignIns) -> None:
        self.found = found
        self.pin.field.clear()
        self.table.clearSelection()
        self.table.setRowCount(len(found.sign_ins))
        for row, stored in enumerate(found.sign_ins):
            site = stored.rp_id
            if stored.ours:
                site = self.tr("%1 (this organisation)").replace("%1", site)
            for column, text in enumerate((site, stored.user_name)):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self._show_list(True)
        self.retranslate()

    def _failed(self, error: DesktopAuthError) -> None:
        from desktop_auth.core.service import pin_stays_usable

        self.error.show_error(error)
        self.pin.field.clear()
        if self.found is None or not pin_stays_usable(error):
            self._forget()
            self.pin.field.setFocus()

    def _forget(self) -> None:
        """Back to the PIN: the list and the PIN typed are gone."""
        self._pin = ""
        self.found = None
        self.table.setRowCount(0)
        self._show_list(False)

    def selected(self) -> StoredSignIn | None:
        rows = self.table.selectionModel().selectedRows()
        if self.found is None or not rows or rows[0].row() >= len(self.found.sign_ins):
            return None
        return self.found.sign_ins[rows[0].row()]

    def _selection_changed(self) -> None:
        self.delete_button.setEnabled(self.selected() is not None)

    def delete_selected(self) -> None:
        chosen = self.selected()
        if chosen is None or self.runner.busy:
            return
        open_key, rp_id, pin = self._open_key, self._our_rp_id, self._pin

        def delete() -> None:
            self.runner.start(
                lambda: open_key().sign_ins().delete(pin, chosen.credential_id, our_rp_id=rp_id),
                self._listed,
                self._failed,
            )

        if chosen.ours:
            text = self.tr(
                "Delete your sign-in to this organisation (%1) from the key? This key will "
                "no longer sign you in, while My security settings still lists it: remove "
                "the key there instead. It cannot be brought back."
            ).replace("%1", chosen.rp_id)
        else:
            text = (
                self.tr("Delete the sign-in for %1 at %2 from this key? It cannot be brought back.")
                .replace("%1", chosen.user_name)
                .replace("%2", chosen.rp_id)
            )
        self.question = confirm(self, self.tr("Delete a sign-in"), text, delete)

    def done(self, result: int) -> None:
        """However it closes (Close, Escape, the idle lock closing the settings)."""
        self._pin = ""
        self.runner.cancel()
        super().done(result)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Sign-ins on your security key"))
        self.intro.setText(
            self.tr(
                "The sign-ins (passkeys) stored on the key plugged in, for this organisation "
                "and other sites. A key holds only a few dozen: delete the ones you no "
                "longer use to make room."
            )
        )
        self.table.setHorizontalHeaderLabels([self.tr("Site"), self.tr("Account")])
        self.table.setAccessibleName(self.tr("Sign-ins on your security key"))
        found = self.found
        if found is not None:
            if not found.sign_ins:
                text = self.tr("No sign-ins are stored on this key.")
            else:
                text = self.tr("%n sign-ins on the key.", "", len(found.sign_ins))
            if found.free_slots is not None:
                text += " " + self.tr("Room for %1 more.").replace("%1", str(found.free_slots))
            self.room.setText(text)
        self.delete_button.setText(self.tr("&Delete…"))
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("Close"))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
