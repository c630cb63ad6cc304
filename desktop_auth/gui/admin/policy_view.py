"""The policy: the main settings, changed through ``policy.update`` (which audits each change).

The spin boxes take their ranges and units from ``POLICY_LIMITS``, the table the policy
checks itself against, so the screen and the rules cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop_auth.core.service import (
    POLICY_LIMITS,
    REMINDER_TEXT_MAX_LENGTH,
    Actor,
    KeyTrust,
    Policy,
    Unit,
)
from desktop_auth.gui.admin.context import AdminContext, to_date
from desktop_auth.gui.i18n import local_date, use_date_format
from desktop_auth.gui.labels import method_label
from desktop_auth.gui.widgets import ErrorLabel, Screen, paragraph
from desktop_auth.vocabulary import Method

USER_VERIFICATION = ("required", "preferred", "discouraged")
# The whole-number settings on this screen ("section.name" keys of ``POLICY_LIMITS``).
NUMBERS = (
    "totp_window",
    "throttle.lock_after",
    "throttle.lock_minutes",
    "throttle.helpdesk_lock_after",
    "second_factor_lock_after",
    "recovery_code_count",
    "backup_code_hours",
)


def _spin(setting: str) -> QSpinBox:
    limit = POLICY_LIMITS[setting]
    spin = QSpinBox()
    spin.setRange(limit.minimum, limit.maximum)
    return spin


class PolicyView(Screen):
    """A form over the policy; Save sends only what the administrator changed on screen.

    Each input is compared with what it showed after loading, not with the policy: a value
    an input cannot show as stored is never written back unless someone changed it.
    """

    def __init__(self, context: AdminContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.policy: Policy | None = None
        self.trust: KeyTrust | None = None
        self.enforce = QCheckBox()
        self.enforcement_date = QDateEdit()
        self.enforcement_date.setCalendarPopup(True)
        use_date_format(self.enforcement_date)
        self.enforce.toggled.connect(self.enforcement_date.setEnabled)
        self.reminder_text = QLineEdit()
        self.reminder_text.setMaxLength(REMINDER_TEXT_MAX_LENGTH)
        self.user_verification = QComboBox()
        for value in USER_VERIFICATION:
            self.user_verification.addItem("", value)
        self.passwordless = QCheckBox()
        self.spins = {setting: _spin(setting) for setting in NUMBERS}
        self.totp_window = self.spins["totp_window"]
        self.lock_after = self.spins["throttle.lock_after"]
        self.lock_minutes = self.spins["throttle.lock_minutes"]
        self.helpdesk_lock_after = self.spins["throttle.helpdesk_lock_after"]
        self.second_factor_lock_after = self.spins["second_factor_lock_after"]
        self.recovery_code_count = self.spins["recovery_code_count"]
        self.backup_code_hours = self.spins["backup_code_hours"]
        self.attestation_required = QCheckBox()
        self.synced_passkeys = QCheckBox()
        # What attestations are checked against (A1): read here, imported from the shell.
        self.key_trust = paragraph()
        self.aaguids = QPlainTextEdit()
        self.aaguids.setMaximumHeight(80)
        self.methods = {method: QCheckBox() for method in Method}
        methods = QVBoxLayout()  # one under another: fits beside the label in Dutch too
        for box in self.methods.values():
            methods.addWidget(box)
        self.labels = [QLabel() for _ in range(12)]
        enforcement = QHBoxLayout()
        enforcement.addWidget(self.enforce)
        enforcement.addWidget(self.enforcement_date, 1)
        fields: list[QWidget | QHBoxLayout | QVBoxLayout] = [
            enforcement,
            self.reminder_text,
            methods,
            self.user_verification,
            self.totp_window,
            self.lock_after,
            self.lock_minutes,
            self.helpdesk_lock_after,
            self.second_factor_lock_after,
            self.recovery_code_count,
            self.backup_code_hours,
            self.aaguids,
        ]
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        buddies = {
            id(enforcement): self.enforce,
            id(methods): self.methods[Method.SECURITY_KEY],
        }
        for label, field in zip(self.labels, fields, strict=True):
            label.setBuddy(field if isinstance(field, QWidget) else buddies[id(field)])
            form.addRow(label, field)
        form.addRow("", self.passwordless)
        form.addRow("", self.attestation_required)
        form.addRow("", self.synced_passkeys)
        form.addRow("", self.key_trust)
        inner = QWidget()
        inner.setLayout(form)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        self.save_button = QPushButton()
        self.save_button.clicked.connect(self.save)
        self.saved = paragraph()
        self.error = ErrorLabel()
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.save_button)
        layout.addWidget(self.saved)
        layout.addWidget(self.error)
        layout.addWidget(self.busy)
        # What each setting's input says now ("section.name" keys, as ``update_policy``).
        self.readers: dict[str, Callable[[], object]] = {
            "enforcement_date": self._enforcement_date,
            "reminder_text": lambda: self.reminder_text.text().strip(),
            "allowed_methods": lambda: [m for m, box in self.methods.items() if box.isChecked()],
            "webauthn_user_verification": lambda: str(self.user_verification.currentData()),
            "passwordless_allowed": self.passwordless.isChecked,
            **{setting: spin.value for setting, spin in self.spins.items()},
            "attestation_required": self.attestation_required.isChecked,
            "synced_passkeys_allowed": self.synced_passkeys.isChecked,
            "aaguid_allowlist": self._aaguids,
        }
        # What the inputs said right after the policy was shown: Save compares with this.
        self.shown: dict[str, object] = {}
        self.retranslate()

    def inputs(self) -> list[QWidget]:
        return [self.save_button]

    def load(self) -> None:
        service, actor = self.context.service, self.context.actor()
        self.runner.start(
            lambda: (service.policy.current(), service.policy.key_trust(actor=actor)),
            self._loaded,
            self.error.show_error,
        )

    def _loaded(self, loaded: tuple[Policy, KeyTrust]) -> None:
        policy, self.trust = loaded
        self.show_policy(policy)
        self._show_trust()

    def _show_trust(self) -> None:
        trust = self.trust
        if trust is None:
            return
        if trust.metadata_number is None or trust.metadata_next_update is None:
            text = self.tr(
                "No FIDO metadata imported: a key's model is proven only by your own roots "
                "(desktop-auth admin keys metadata import FILE)."
            )
        else:
            text = (
                self.tr("FIDO metadata no. %1 (%2 models); next update due %3.")
                .replace("%1", str(trust.metadata_number))
                .replace("%2", str(trust.metadata_entries))
                .replace("%3", local_date(trust.metadata_next_update))
            )
        if trust.roots:
            text += " " + self.tr("Own roots: %1.").replace("%1", ", ".join(trust.roots))
        self.key_trust.setText(text)

    def show_policy(self, policy: Policy) -> None:
        self.policy = policy
        day = policy.enforcement_day
        self.enforce.setChecked(day is not None)
        self.enforcement_date.setEnabled(day is not None)
        shown = QDate.currentDate() if day is None else QDate(day.year, day.month, day.day)
        self.enforcement_date.setDate(shown)
        self.reminder_text.setText(policy.reminder_text)
        for method, box in self.methods.items():
            box.setChecked(policy.allows(method))
        self.user_verification.setCurrentIndex(
            max(0, self.user_verification.findData(policy.webauthn_user_verification))
        )
        self.passwordless.setChecked(policy.passwordless_allowed)
        values = policy.to_dict()
        for setting, spin in self.spins.items():
            section, _, name = setting.rpartition(".")
            spin.setValue(int((values[section] if section else values)[name]))
        self.attestation_required.setChecked(policy.attestation_required)
        self.synced_passkeys.setChecked(policy.synced_passkeys_allowed)
        self.aaguids.setPlainText("\n".join(policy.aaguid_allowlist))
        self.shown = {setting: read() for setting, read in self.readers.items()}

    def _enforcement_date(self) -> str | None:
        if not self.enforce.isChecked():
            return None
        return to_date(self.enforcement_date.date()).isoformat()

    def _aaguids(self) -> list[str]:
        return [line.strip().lower() for line in self.aaguids.toPlainText().split() if line]

    def changes(self) -> dict[str, object]:
        """The settings the administrator changed on screen ("section.name" keys)."""
        if self.policy is None:
            return {}
        now = {setting: read() for setting, read in self.readers.items()}
        return {setting: value for setting, value in now.items() if value != self.shown[setting]}

    def save(self) -> None:
        changes = self.changes()
        self.saved.clear()
        if not changes:
            self.saved.setText(self.tr("Nothing changed."))
            return
        service = self.context.service

        def work(actor: Actor) -> Policy:
            return service.policy.update(actor=actor, changes=changes)

        self.context.run(self.runner, work, self._saved, self.error)

    def _saved(self, policy: Policy) -> None:
        self.show_policy(policy)
        self.saved.setText(self.tr("Saved. The change is in the audit log."))

    def retranslate(self) -> None:
        texts = [
            self.tr("Two-step sign-in &required from:"),
            self.tr("Reminder te&xt:"),
            self.tr("Methods users may se&t up:"),
            self.tr("Security key user &verification:"),
            self.tr("Authenticator &code window (30-second steps either side):"),
            self.tr("&Lock the password after this many failures:"),
            self.tr("Lock the password &for:"),
            self.tr("After this many locks only the &helpdesk unlocks:"),
            self.tr("Lock the second step after this ma&ny failures:"),
            self.tr("Recover&y codes per sheet:"),
            self.tr("&Backup code lifetime:"),
            self.tr("Allowed security key &models (AAGUID, one a line; empty: any):"),
        ]
        for label, text in zip(self.labels, texts, strict=True):
            label.setText(text)
        suffixes = {
            Unit.MINUTES: self.tr(" min"),
            Unit.HOURS: self.tr(" h"),
            Unit.SECONDS: self.tr(" s"),
        }
        for setting, spin in self.spins.items():
            spin.setSuffix(suffixes.get(POLICY_LIMITS[setting].unit, ""))
        self.enforce.setText(self.tr("on a date (unticked: now)"))
        self.enforcement_date.setAccessibleName(self.tr("Enforcement date"))
        for method, box in self.methods.items():
            box.setText(method_label(method))
        self.methods[Method.SECURITY_KEY].setToolTip(
            self.tr("Methods set up before stay usable; to switch one off, use the Users tab.")
        )
        self.reminder_text.setAccessibleName(self.tr("Reminder text"))
        self.reminder_text.setPlaceholderText(self.tr("Empty: the standard text"))
        names = {
            "required": self.tr("required (PIN or fingerprint every time)"),
            "preferred": self.tr("preferred"),
            "discouraged": self.tr("discouraged"),
        }
        for number in range(self.user_verification.count()):
            self.user_verification.setItemText(
                number, names[str(self.user_verification.itemData(number))]
            )
        self.passwordless.setText(
            self.tr("Allow signing in with a security key or fingerprint, without a password")
        )
        self.attestation_required.setText(
            self.tr("Require an attestation from an allowed security key model")
        )
        self.synced_passkeys.setText(
            self.tr("Allow passkeys that can be copied to other devices (never the highest level)")
        )
        self._show_trust()
        self.aaguids.setAccessibleName(self.tr("Allowed security key models"))
        self.save_button.setText(self.tr("&Save policy"))
