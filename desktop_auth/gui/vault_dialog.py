"""My recovery codes: the vault screen (issue 17).

The vault is opened here, on the workstation, with one touch of a security key or the
printed vault recovery key (``desktop_auth.vault``); what it shows is decrypted in a
worker and kept only while the screen is open.  Closing the screen, the idle lock and
signing out lock it: the vault key is forgotten.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QEvent, QMimeData, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_auth.errors import (
    DesktopAuthError,
    VaultRecoveryKeyMalformedError,
    VaultWrongKeyError,
)
from desktop_auth.gui import recovery_sheet
from desktop_auth.gui.dialogs import sign_in_again_or_show
from desktop_auth.gui.i18n import current_language, local_date, local_time
from desktop_auth.gui.security_key import KeyPromptBridge
from desktop_auth.gui.widgets import BusyBar, ErrorLabel, confirm, heading, monospace, paragraph
from desktop_auth.gui.workers import TaskRunner
from desktop_auth.vault.client import (
    OpenVault,
    RecoveryKeyReplacement,
    VaultClient,
    VaultCreation,
    VaultSummary,
)
from desktop_auth.vault.codes import split_codes
from desktop_auth.vault.entries import EntryContent, StoredCode, VaultEntry
from desktop_auth.vault.sheets import EntrySheet, RecoveryKeySheet
from desktop_auth.vocabulary import VaultSlotKind

if TYPE_CHECKING:
    from desktop_auth.core.service import AuthService, RecoveryStatus, Session, VaultKeyChoice

# A copied code leaves the clipboard after this long, unless something else replaced it.
CLIPBOARD_SECONDS = 45


class RecoveryKeyDialog(QDialog):
    """A new printed vault recovery key: print or save it, then type it back.

    ``finish(typed)`` is called with what was typed; the dialog closes when it succeeds
    (the caller's ``done``), and shows the caller's error otherwise.
    """

    def __init__(self, sheet: RecoveryKeySheet, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.sheet = sheet
        self.print_dialog: QWidget | None = None
        self.intro = paragraph()
        self.key = QLabel(sheet.recovery_key.formatted())
        self.key.setFont(monospace(1.4))
        self.key.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.key.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.print_button = QPushButton()
        self.print_button.clicked.connect(self.print_sheet)
        self.pdf_button = QPushButton()
        self.pdf_button.clicked.connect(self.save_pdf)
        self.saved = QLabel()
        self.retype_label = QLabel()
        self.retype = QLineEdit()
        self.retype.setFont(monospace())
        self.retype_label.setBuddy(self.retype)
        self.error = ErrorLabel()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setEnabled(False)
        self.retype.textChanged.connect(lambda text: self.ok_button.setEnabled(bool(text.strip())))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.print_button)
        row.addWidget(self.pdf_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.key)
        layout.addLayout(row)
        layout.addWidget(self.saved)
        layout.addWidget(self.retype_label)
        layout.addWidget(self.retype)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.resize(620, 360)
        self.retranslate()

    def typed(self) -> str:
        return self.retype.text()

    def print_sheet(self) -> None:
        self.print_dialog = recovery_sheet.print_sheet(
            [(self.sheet, current_language())], self, self._printed
        )

    def _printed(self, printed: bool) -> None:
        self.saved.setText(
            self.tr("Sent to the printer.") if printed else self.tr("Could not print.")
        )

    def save_pdf(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self,
            self.tr("Save the vault recovery key as PDF"),
            str(Path.home() / self.tr("vault-recovery-key.pdf")),
            "PDF (*.pdf)",
        )
        if path:
            recovery_sheet.save_pdf([(self.sheet, current_language())], Path(path))
            self.saved.setText(self.tr("Saved: %1").replace("%1", path))

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Your vault recovery key"))
        self.intro.setText(
            self.tr(
                "With this key your vault opens even when no security key can: lost, broken "
                "or replaced. Print it or save it, and keep it away from this computer. It is "
                "shown only now."
            )
        )
        self.key.setAccessibleName(self.tr("Your vault recovery key"))
        self.print_button.setText(self.tr("&Print…"))
        self.pdf_button.setText(self.tr("Save as P&DF…"))
        self.retype_label.setText(self.tr("Type the key from the sheet to confirm you have it:"))
        self.retype.setAccessibleName(self.tr("The vault recovery key, typed back"))
        self.ok_button.setText(self.tr("&Confirm"))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


class EntryDialog(QDialog):
    """Add or change one entry: service, account, the codes (pasted as a block), notes."""

    def __init__(self, entry: VaultEntry | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.entry = entry
        self.service = QLineEdit()
        self.account = QLineEdit()
        self.codes = QPlainTextEdit()
        self.codes.setFont(monospace())
        self.found = QLabel()
        self.notes = QPlainTextEdit()
        self.notes.setMaximumHeight(80)
        self.labels = [QLabel() for _ in range(4)]
        form = QFormLayout()
        for label, field in zip(
            self.labels, (self.service, self.account, self.codes, self.notes), strict=True
        ):
            label.setBuddy(field)
            form.addRow(label, field)
        form.insertRow(3, "", self.found)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        if entry is not None:
            self.service.setText(entry.content.service)
            self.account.setText(entry.content.account)
            self.codes.setPlainText("\n".join(c.code for c in entry.content.codes))
            self.notes.setPlainText(entry.content.notes)
        self.service.textChanged.connect(lambda _t: self._update())
        self.codes.textChanged.connect(self._update)
        self.resize(520, 460)
        self.retranslate()

    def content(self) -> EntryContent:
        """What was typed; codes kept from before keep the day they were used."""
        used = {c.code: c.used_on for c in self.entry.content.codes} if self.entry else {}
        codes = tuple(
            StoredCode(code=code, used_on=used.get(code))
            for code in split_codes(self.codes.toPlainText())
        )
        return EntryContent(
            service=self.service.text(),
            account=self.account.text(),
            codes=codes,
            notes=self.notes.toPlainText(),
        )

    def _update(self) -> None:
        count = len(split_codes(self.codes.toPlainText()))
        self.found.setText(self.tr("%n codes found.", "", count))
        self.save_button.setEnabled(bool(self.service.text().strip()))

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Change entry") if self.entry else self.tr("New entry"))
        texts = (self.tr("Ser&vice:"), self.tr("&Account:"), self.tr("C&odes:"), self.tr("&Notes:"))
        for label, text in zip(self.labels, texts, strict=True):
            label.setText(text)
        self.service.setPlaceholderText(self.tr("For example: GitHub, Microsoft, payroll"))
        self.codes.setPlaceholderText(
            self.tr(
                "Paste the codes as the service shows them: one per line, numbered, or in columns."
            )
        )
        self.save_button.setText(self.tr("&Save"))
        self._update()


class VaultDialog(QDialog):
    """The employee's recovery codes for other services, sealed by their own key."""

    def __init__(
        self,
        service: AuthService,
        session: Session,
        parent: QWidget | None = None,
        *,
        trusted_escrow_key: str = "",
    ):
        super().__init__(parent)
        self.service = service
        self.session = session
        self.trusted_escrow_key = trusted_escrow_key
        self.client = self._client_for(session)
        self.vault: OpenVault | None = None
        self.summary: VaultSummary | None = None
        self.own_codes: RecoveryStatus | None = None
        self.entries: list[VaultEntry] = []
        self.keys: tuple[VaultKeyChoice, ...] = ()
        self.child: QDialog | None = None
        self.question: Any = None
        self.runner = TaskRunner(self)
        self.busy = BusyBar(self.runner)
        self.error = ErrorLabel()
        # The policy's escrow key is not the one this workstation pins (SECURITY.md V2).
        self.escrow_warning = ErrorLabel()
        # What just happened or what to do now (touch the key): not an error's colour.
        self.note = paragraph()
        self.prompts = KeyPromptBridge(self)
        self.prompts.touch_requested.connect(
            lambda: self._say(self.tr("Touch your security key now."))
        )
        self.clipboard_timer = QTimer(self)
        self.clipboard_timer.setSingleShot(True)
        self.clipboard_timer.timeout.connect(self._clear_clipboard)
        self._copied = ""

        self.pages = QStackedWidget()
        # --- no vault yet
        self.intro_page = QWidget()
        self.intro_title = heading()
        self.intro_text = paragraph()
        self.create_button = QPushButton()
        self.create_button.clicked.connect(self.create_vault)
        intro = QVBoxLayout(self.intro_page)
        intro.addWidget(self.intro_title)
        intro.addWidget(self.intro_text)
        intro.addWidget(self.create_button, 0, Qt.AlignmentFlag.AlignLeft)
        intro.addStretch(1)
        # --- locked
        self.locked_page = QWidget()
        self.locked_title = heading()
        self.locked_text = paragraph()
        self.open_key_button = QPushButton()
        self.open_key_button.clicked.connect(self.open_with_key)
        self.open_printed_button = QPushButton()
        self.open_printed_button.clicked.connect(self.open_with_recovery_key)
        locked = QVBoxLayout(self.locked_page)
        locked.addWidget(self.locked_title)
        locked.addWidget(self.locked_text)
        locked.addWidget(self.open_key_button, 0, Qt.AlignmentFlag.AlignLeft)
        locked.addWidget(self.open_printed_button, 0, Qt.AlignmentFlag.AlignLeft)
        locked.addStretch(1)
        # --- open
        self.open_page = QWidget()
        self.search = QLineEdit()
        self.search.textChanged.connect(lambda _t: self._fill_list())
        self.list = QListWidget()
        self.list.currentRowChanged.connect(lambda _r: self._show_selected())
        self.detail_title = heading()
        self.detail_text = paragraph()
        self.warning = ErrorLabel()
        self.codes = QListWidget()
        self.codes.setFont(monospace())
        self.codes.itemDoubleClicked.connect(lambda _item: self.copy_and_mark_used())
        self.copy_button = QPushButton()
        self.copy_button.clicked.connect(self.copy_and_mark_used)
        self.add_button = QPushButton()
        self.add_button.clicked.connect(self.add_entry)
        self.edit_button = QPushButton()
        self.edit_button.clicked.connect(self.edit_entry)
        self.remove_button = QPushButton()
        self.remove_button.clicked.connect(self.remove_entry)
        self.print_button = QPushButton()
        self.print_button.clicked.connect(self.print_entry)
        self.ways_label = paragraph()
        self.add_key_button = QPushButton()
        self.add_key_button.clicked.connect(self.add_key)
        self.new_printed_button = QPushButton()
        self.new_printed_button.clicked.connect(self.new_recovery_key)
        self.print_dialog: QWidget | None = None
        left = QVBoxLayout()
        left.addWidget(self.search)
        left.addWidget(self.list, 1)
        left.addWidget(self.add_button)
        right = QVBoxLayout()
        right.addWidget(self.detail_title)
        right.addWidget(self.detail_text)
        right.addWidget(self.warning)
        right.addWidget(self.codes, 1)
        entry_buttons = QHBoxLayout()
        for button in (self.copy_button, self.edit_button, self.remove_button, self.print_button):
            entry_buttons.addWidget(button)
        entry_buttons.addStretch(1)
        right.addLayout(entry_buttons)
        ways = QHBoxLayout()
        ways.addWidget(self.ways_label, 1)
        ways.addWidget(self.add_key_button)
        ways.addWidget(self.new_printed_button)
        opened = QVBoxLayout(self.open_page)
        columns = QHBoxLayout()
        columns.addLayout(left, 2)
        columns.addLayout(right, 3)
        opened.addLayout(columns, 1)
        opened.addLayout(ways)

        for page in (self.intro_page, self.locked_page, self.open_page):
            self.pages.addWidget(page)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.escrow_warning)
        layout.addWidget(self.note)
        layout.addWidget(self.error)
        layout.addWidget(self.busy)
        layout.addWidget(self.buttons)
        self.finished.connect(lambda _result: self.lock())
        self.resize(820, 520)
        self.retranslate()
        self.load()

    # --- state --------------------------------------------------------------------------

    def load(self) -> None:
        client = self.client

        def work() -> tuple[VaultSummary, tuple[VaultKeyChoice, ...], RecoveryStatus]:
            return client.summary(), client.key_choices(), client.own_recovery_codes()

        self.runner.start(work, self._loaded, self.error.show_error)

    def _loaded(
        self, loaded: tuple[VaultSummary, tuple[VaultKeyChoice, ...], RecoveryStatus]
    ) -> None:
        self.summary, self.keys, self.own_codes = loaded
        if self.vault is not None and self.vault.is_open:
            self.pages.setCurrentWidget(self.open_page)
        elif self.summary.exists:
            self.pages.setCurrentWidget(self.locked_page)
        else:
            self.pages.setCurrentWidget(self.intro_page)
        self.retranslate()

    def lock(self) -> None:
        """Forget the vault key and what was opened (closing, idle lock, signing out)."""
        self.prompts.stop()
        self.clipboard_timer.stop()
        self._clear_clipboard()  # a copied code goes with the key
        if self.vault is not None:
            self.vault.lock()
        self.vault = None
        self.entries = []
        self.list.clear()
        self.codes.clear()

    # --- making and opening ---------------------------------------------------------------

    def _pick_key(self, keys: list[VaultKeyChoice]) -> VaultKeyChoice | None:
        if len(keys) == 1:
            return keys[0]
        names = [key.label for key in keys]
        name, ok = QInputDialog.getItem(
            self, self.tr("Which security key?"), self.tr("Security key:"), names, 0, False
        )
        return keys[names.index(name)] if ok else None

    def create_vault(self) -> None:
        key = self._pick_key(list(self.keys))
        if key is None:
            return
        client, prompts = self.client, self.prompts
        cancel = prompts.start()
        self._say(self.tr("Touch your security key now."))
        self.runner.start(
            lambda: client.begin_create(key, prompts=prompts, cancel=cancel),
            self._show_new_recovery_key,
            self._failed,
        )

    def _recovery_key_sheet(
        self, vault_id: str, creation: VaultCreation | RecoveryKeyReplacement
    ) -> RecoveryKeySheet:
        return RecoveryKeySheet(
            email=self.session.email,
            made_on=date.today(),
            vault_id=vault_id,
            recovery_key=creation.recovery_key,
        )

    def _show_new_recovery_key(self, creation: VaultCreation | RecoveryKeyReplacement) -> None:
        self._say("")
        dialog = RecoveryKeyDialog(self._recovery_key_sheet(creation.vault_id, creation), self)
        label = self.tr("Printed vault recovery key")

        def confirmed() -> None:
            typed = dialog.typed()

            def done(result: object) -> None:
                if isinstance(result, OpenVault):
                    self.vault = result
                dialog.done(QDialog.DialogCode.Accepted)
                if isinstance(creation, RecoveryKeyReplacement):
                    self._say(self._replaced(creation.dropped_keys))
                self._refresh_open()

            self.runner.start(
                lambda: creation.finish(typed, label=label), done, dialog.error.show_error
            )

        dialog.buttons.accepted.disconnect()
        dialog.buttons.accepted.connect(confirmed)
        self.child = dialog
        dialog.open()

    def open_with_key(self) -> None:
        client, prompts = self.client, self.prompts
        cancel = prompts.start()
        self._say(self.tr("Touch your security key now."))
        self.runner.start(
            lambda: client.open_with_key(prompts=prompts, cancel=cancel), self._opened, self._failed
        )

    def open_with_recovery_key(self) -> None:
        ask = QInputDialog(self)
        ask.setWindowTitle(self.tr("Printed vault recovery key"))
        ask.setLabelText(self.tr("Type the key from your sheet (8 groups of 5):"))
        ask.setOkButtonText(self.tr("&Open"))
        ask.setCancelButtonText(self.tr("Cancel"))
        ask.textValueSelected.connect(self._open_with_typed_key)
        self.child = ask
        ask.open()

    def _open_with_typed_key(self, typed: str) -> None:
        if not typed.strip():
            return
        client = self.client
        self.runner.start(lambda: client.open_with_recovery_key(typed), self._opened, self._failed)

    def _opened(self, vault: OpenVault) -> None:
        self._say("")
        self.vault = vault
        self._refresh_open()
        if vault.escrow_opened_at is not None or vault.slot_removed_at is not None:
            # The helpdesk knows this vault key, or a removed (lost?) key still unwraps
            # it from an old copy of the store: the owner's first step is a new one.
            self.new_recovery_key()

    def _say(self, text: str) -> None:
        self.error.clear_error()
        self.note.setText(text)

    def _failed(self, error: DesktopAuthError) -> None:
        self.note.clear()
        if isinstance(error, VaultWrongKeyError | VaultRecoveryKeyMalformedError):
            self.error.show_error(error)
            return
        sign_in_again_or_show(
            error,
            service=self.service,
            email=self.session.email,
            parent=self,
            retry=self._renewed,
            shown=self.error,
        )

    def _client_for(self, session: Session) -> VaultClient:
        return VaultClient(self.service, session, trusted_escrow_key=self.trusted_escrow_key)

    def _renewed(self, session: Session) -> None:
        self.session = session
        self.client = self._client_for(session)
        if self.vault is not None:
            self.vault.rebind(self.client)
        self._say(self.tr("Signed in again. Try once more."))

    # --- the open vault -------------------------------------------------------------------

    def _refresh_open(self, select: str | None = None) -> None:
        vault = self.vault
        if vault is None:
            return
        self.runner.start(
            vault.entries, lambda found: self._entries_loaded(found, select), self._failed
        )

    def _entries_loaded(self, found: list[VaultEntry], select: str | None) -> None:
        self.entries = sorted(found, key=lambda e: e.content.service.casefold())
        self.pages.setCurrentWidget(self.open_page)
        self._fill_list(select)
        self.load()

    def _visible(self) -> list[VaultEntry]:
        needle = self.search.text().strip().casefold()
        return [
            e
            for e in self.entries
            if not needle
            or needle in e.content.service.casefold()
            or needle in e.content.account.casefold()
        ]

    def _fill_list(self, select: str | None = None) -> None:
        current = self.selected()
        wanted = select or (current.entry_id if current else None)
        self.list.clear()
        own = QListWidgetItem(self.tr("desktop-auth (this sign-in)"))
        own.setData(Qt.ItemDataRole.UserRole, None)
        self.list.addItem(own)
        for entry in self._visible():
            text = entry.content.service
            if entry.content.account:
                text += f" — {entry.content.account}"
            if entry.used_up:
                text += "  " + self.tr("(used up)")
            elif entry.running_low:
                text += "  " + self.tr("(running low)")
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, entry.entry_id)
            self.list.addItem(item)
            if entry.entry_id == wanted:
                self.list.setCurrentItem(item)
        if self.list.currentRow() < 0:
            self.list.setCurrentRow(1 if self.list.count() > 1 else 0)
        self._show_selected()
        self.ways_label.setText(self._ways_in())

    def selected(self) -> VaultEntry | None:
        item = self.list.currentItem()
        entry_id = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        return next((e for e in self.entries if e.entry_id == entry_id), None)

    def _show_selected(self) -> None:
        entry = self.selected()
        self.codes.clear()
        self.warning.clear_error()
        for button in (self.copy_button, self.edit_button, self.remove_button, self.print_button):
            button.setEnabled(entry is not None)
        if entry is None:  # desktop-auth's own codes: counts only, never the codes
            status = self.own_codes
            self.detail_title.setText(self.tr("desktop-auth recovery codes"))
            if status is None or status.total == 0:
                self.detail_text.setText(
                    self.tr(
                        "You have no recovery codes for signing in here. Make them under My "
                        "security settings."
                    )
                )
            else:
                self.detail_text.setText(
                    self.tr(
                        "%1 of %2 left, made on %3. They are kept as hashes: not even the vault "
                        "can show them."
                    )
                    .replace("%1", str(status.left))
                    .replace("%2", str(status.total))
                    .replace("%3", local_time(status.created_at))
                )
            return
        self.detail_title.setText(entry.content.service)
        details = []
        if entry.content.account:
            details.append(self.tr("Account: %1").replace("%1", entry.content.account))
        details.append(
            self.tr("Added %1, changed %2")
            .replace("%1", local_time(entry.added_at))
            .replace("%2", local_time(entry.changed_at))
        )
        if entry.content.notes:
            details.append(entry.content.notes)
        self.detail_text.setText("\n".join(details))
        if entry.used_up:
            self.warning.show_text(
                self.tr("Every code is used. Make new codes at the service and paste them here.")
            )
        elif entry.running_low:
            self.warning.show_text(
                self.tr("Only %n codes left. Make new codes at the service soon.", "", entry.left)
            )
        for stored in entry.content.codes:
            if stored.used_on is None:
                text = stored.code
            else:
                text = (
                    self.tr("%1 — used %2")
                    .replace("%1", stored.code)
                    .replace("%2", local_date(stored.used_on))
                )
            item = QListWidgetItem(text)
            if stored.used_on is not None:
                font = item.font()
                font.setStrikeOut(True)
                item.setFont(font)
            self.codes.addItem(item)
        first_unused = next(
            (i for i, c in enumerate(entry.content.codes) if c.used_on is None), None
        )
        if first_unused is not None:
            self.codes.setCurrentRow(first_unused)
        self.copy_button.setEnabled(first_unused is not None)

    def copy_and_mark_used(self) -> None:
        """Copy the chosen code and mark it used, in one action: the vault then never
        offers a spent code again."""
        entry, vault, row = self.selected(), self.vault, self.codes.currentRow()
        if entry is None or vault is None or row < 0:
            return
        stored = entry.content.codes[row]
        if stored.used_on is not None:
            self.warning.show_text(self.tr("That code is used already: pick an unused one."))
            return
        self._copied = stored.code
        data = QMimeData()
        data.setText(stored.code)
        # KeePassXC's hint: clipboard managers (Klipper and others that read it) keep no
        # history of this entry.
        data.setData("x-kde-passwordManagerHint", QByteArray(b"secret"))
        QGuiApplication.clipboard().setMimeData(data)
        self.clipboard_timer.start(CLIPBOARD_SECONDS * 1000)
        today = date.today()
        self.runner.start(
            lambda: vault.mark_used(entry, row, on=today),
            lambda changed: self._changed(
                changed,
                self.tr("Copied and marked used. The clipboard is cleared in %1 seconds.").replace(
                    "%1", str(CLIPBOARD_SECONDS)
                ),
            ),
            self._failed,
        )

    def _clear_clipboard(self) -> None:
        clipboard = QGuiApplication.clipboard()
        if self._copied and clipboard.text() == self._copied:
            clipboard.clear()
        self._copied = ""

    def _changed(self, entry: VaultEntry, note: str = "") -> None:
        self.entries = [e for e in self.entries if e.entry_id != entry.entry_id] + [entry]
        self.entries.sort(key=lambda e: e.content.service.casefold())
        self._fill_list(entry.entry_id)
        self._say(note)

    def add_entry(self) -> None:
        self._edit(None)

    def edit_entry(self) -> None:
        entry = self.selected()
        if entry is not None:
            self._edit(entry)

    def _edit(self, entry: VaultEntry | None) -> None:
        vault = self.vault
        if vault is None:
            return
        dialog = EntryDialog(entry, self)

        def save() -> None:
            content = dialog.content()
            work = (
                (lambda: vault.add(content))
                if entry is None
                else (lambda: vault.change(entry, content))
            )
            self.runner.start(work, self._changed, self._failed)

        dialog.accepted.connect(save)
        self.child = dialog
        dialog.open()

    def remove_entry(self) -> None:
        entry, vault = self.selected(), self.vault
        if entry is None or vault is None:
            return

        def remove() -> None:
            def done(_none: object) -> None:
                self.entries = [e for e in self.entries if e.entry_id != entry.entry_id]
                self._fill_list()

            self.runner.start(lambda: vault.remove(entry), done, self._failed)

        self.question = confirm(
            self,
            self.tr("Remove entry"),
            self.tr(
                "Remove “%1” and its codes from the vault? They cannot be brought back."
            ).replace("%1", entry.content.service),
            remove,
        )

    def print_entry(self) -> None:
        entry = self.selected()
        if entry is None:
            return
        sheet = EntrySheet(email=self.session.email, printed_on=date.today(), entry=entry)
        self.print_dialog = recovery_sheet.print_sheet(
            [(sheet, current_language())],
            self,
            lambda ok: self._say(
                self.tr("Sent to the printer.") if ok else self.tr("Could not print.")
            ),
        )

    def add_key(self) -> None:
        vault = self.vault
        keys = [k for k in self.keys if not k.has_slot]
        if vault is None:
            return
        if not keys:
            self._say(
                self.tr(
                    "Each of your security keys opens the vault already. Add a key under My "
                    "security settings first."
                )
            )
            return
        key = self._pick_key(keys)
        if key is None:
            return
        prompts = self.prompts
        cancel = prompts.start()
        self._say(self.tr("Touch your security key now."))
        self.runner.start(
            lambda: vault.add_key(key, prompts=prompts, cancel=cancel),
            lambda _none: self._after_slots(self.tr("That key opens the vault too now.")),
            self._failed,
        )

    def new_recovery_key(self) -> None:
        vault = self.vault
        if vault is None:
            return

        def touch() -> None:
            prompts = self.prompts
            cancel = prompts.start()
            self._say(self.tr("Touch your security key now."))
            self.runner.start(
                lambda: vault.begin_new_recovery_key(prompts=prompts, cancel=cancel),
                self._show_new_recovery_key,
                self._failed,
            )

        text = self.tr(
            "You get a new sheet, and your vault a new key: the old sheet opens nothing "
            "from now on. Touch one of your security keys for it; your other keys can be "
            "added again afterwards."
        )
        if vault.slot_removed_at is not None:
            text = self._slot_removed_text(vault.slot_removed_at) + "\n\n" + text
        if vault.escrow_opened_at is not None:
            text = self._escrow_opened_text(vault.escrow_opened_at) + "\n\n" + text
        self.question = confirm(self, self.tr("New printed vault recovery key"), text, touch)

    def _escrow_opened_text(self, when: datetime) -> str:
        return self.tr(
            "The helpdesk opened your vault with the organisation's escrow on %1, so it "
            "knows the vault's key. Make a new printed key now: then only you hold it."
        ).replace("%1", local_time(when))

    def _slot_removed_text(self, when: datetime) -> str:
        return self.tr(
            "A way into your vault was removed on %1, but the vault's key is still the "
            "same: with a copy of the store from before, a lost key still opens it. Make "
            "a new printed key now: then the removed one opens nothing."
        ).replace("%1", local_time(when))

    def _replaced(self, dropped_keys: tuple[str, ...]) -> str:
        text = self.tr("Your new printed key and a new vault key are in place.")
        if dropped_keys:
            text += " " + self.tr(
                "These keys no longer open the vault until you add them again: %1"
            ).replace("%1", ", ".join(dropped_keys))
        return text

    def _after_slots(self, note: str) -> None:
        self._say(note)
        self.load()

    # --- texts ----------------------------------------------------------------------------

    def _ways_in(self) -> str:
        # The open vault's own state is the latest (a summary may be a load behind).
        source = self.vault if self.vault is not None else self.summary
        if source is None:
            return ""
        keys = [s.label for s in source.slots if s.kind is VaultSlotKind.SECURITY_KEY]
        text = self.tr("Opens with: %1, and your printed vault recovery key.").replace(
            "%1", ", ".join(keys) if keys else self.tr("no security key")
        )
        if any(s.kind is VaultSlotKind.ESCROW for s in source.slots):
            text += " " + self._escrow_text()
        if not source.accepts_entries:
            text += " " + self.tr("Add a security key: until then no new codes can be kept.")
        if source.escrow_opened_at is not None:
            text += " " + self._escrow_opened_text(source.escrow_opened_at)
        if source.slot_removed_at is not None:
            text += " " + self._slot_removed_text(source.slot_removed_at)
        return text

    def _escrow_text(self) -> str:
        return self.tr(
            "Your organisation can open your vault too, but only two administrators "
            "together, and you get an e-mail if they do."
        )

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("My recovery codes"))
        self.intro_title.setText(self.tr("Keep your recovery codes safe here"))
        has_keys = bool(self.keys)
        untrusted = self.summary is not None and self.summary.escrow_untrusted
        # An escrow key this workstation does not trust gets nothing sealed to it: then
        # the warning below says what holds, not this sentence.
        escrow_on = self.summary is not None and self.summary.escrow_on and not untrusted
        self.intro_text.setText(
            self.tr(
                "Services such as Microsoft, Google or GitHub give you recovery codes for when "
                "your phone is lost. Keep them here: they are locked with your own security key, "
                "and with a vault recovery key you print."
            )
            + " "
            + (
                self._escrow_text()
                if escrow_on
                else self.tr("Nobody else can read them, not even the helpdesk.")
            )
            + (
                ""
                if has_keys
                else "\n\n"
                + self.tr(
                    "The vault opens with a security key or Windows Hello. Add one under My "
                    "security settings first."
                )
            )
        )
        self.create_button.setText(self.tr("&Set up the vault…"))
        self.create_button.setEnabled(has_keys and not untrusted)
        self.locked_title.setText(self.tr("Your vault is locked"))
        self.locked_text.setText(
            self.tr(
                "Open it with one touch of your security key, or with the vault recovery key you "
                "printed."
            )
        )
        self.open_key_button.setText(self.tr("&Open with my security key"))
        self.open_printed_button.setText(self.tr("Use the &printed vault recovery key…"))
        self.search.setPlaceholderText(self.tr("Search"))
        self.search.setAccessibleName(self.tr("Search the vault"))
        self.list.setAccessibleName(self.tr("Services in your vault"))
        self.codes.setAccessibleName(self.tr("Codes of this service"))
        self.copy_button.setText(self.tr("&Copy and mark used"))
        self.add_button.setText(self.tr("&New entry…"))
        self.edit_button.setText(self.tr("C&hange…"))
        self.remove_button.setText(self.tr("&Remove"))
        self.print_button.setText(self.tr("&Print…"))
        self.add_key_button.setText(self.tr("Add a &key…"))
        self.new_printed_button.setText(self.tr("Ne&w printed key…"))
        self.new_printed_button.setEnabled(not untrusted)
        self.ways_label.setText(self._ways_in())
        if self.summary is not None and self.summary.escrow_untrusted:
            self.escrow_warning.show_text(
                self.tr(
                    "Your organisation's policy names an escrow key this workstation was not "
                    "set up to trust. Your vault opens, but it cannot be set up or given a new "
                    "printed key here, and nothing is sealed to that key. Tell IT."
                )
            )
        else:
            self.escrow_warning.clear_error()
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("Close"))
        if self.vault is not None and self.entries:
            self._fill_list()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
