"""The policy: the main settings, changed through ``policy.update`` (which audits each change)."""

from __future__ import annotations

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

from desktop_auth.core.service import Actor, Policy
from desktop_auth.gui.admin.context import AdminContext, to_date
from desktop_auth.gui.labels import method_label
from desktop_auth.gui.widgets import ErrorLabel, Screen, paragraph
from desktop_auth.vocabulary import Method

USER_VERIFICATION = ("required", "preferred", "discouraged")


def _spin(low: int, high: int) -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(low, high)
    return spin


class PolicyView(Screen):
    """A form over the policy; Save sends only what changed."""

    def __init__(self, context: AdminContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.policy: Policy | None = None
        self.enforce = QCheckBox()
        self.enforcement_date = QDateEdit()
        self.enforcement_date.setCalendarPopup(True)
        self.enforcement_date.setDisplayFormat("yyyy-MM-dd")
        self.enforce.toggled.connect(self.enforcement_date.setEnabled)
        self.reminder_text = QLineEdit()
        self.reminder_text.setMaxLength(500)
        self.user_verification = QComboBox()
        for value in USER_VERIFICATION:
            self.user_verification.addItem("", value)
        self.passwordless = QCheckBox()
        self.totp_window = _spin(0, 2)
        self.lock_after = _spin(1, 100)
        self.lock_minutes = _spin(1, 24 * 60)
        self.second_factor_lock_after = _spin(1, 100)
        self.recovery_code_count = _spin(5, 16)
        self.backup_code_hours = _spin(1, 168)
        self.attestation_required = QCheckBox()
        self.aaguids = QPlainTextEdit()
        self.aaguids.setMaximumHeight(80)
        self.methods = {method: QCheckBox() for method in Method}
        methods = QVBoxLayout()  # one under another: fits beside the label in Dutch too
        for box in self.methods.values():
            methods.addWidget(box)
        self.labels = [QLabel() for _ in range(11)]
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
        self.retranslate()

    def inputs(self) -> list[QWidget]:
        return [self.save_button]

    def load(self) -> None:
        self.runner.start(
            self.context.service.policy.current, self.show_policy, self.error.show_error
        )

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
        self.totp_window.setValue(policy.totp_window)
        self.lock_after.setValue(policy.throttle.lock_after)
        self.lock_minutes.setValue(policy.throttle.lock_minutes)
        self.second_factor_lock_after.setValue(policy.second_factor_lock_after)
        self.recovery_code_count.setValue(policy.recovery_code_count)
        self.backup_code_hours.setValue(policy.backup_code_hours)
        self.attestation_required.setChecked(policy.attestation_required)
        self.aaguids.setPlainText("\n".join(policy.aaguid_allowlist))

    def changes(self) -> dict[str, object]:
        """The settings on screen that differ from the policy loaded ("section.name" keys)."""
        policy = self.policy
        if policy is None:
            return {}
        day = (
            to_date(self.enforcement_date.date()).isoformat() if self.enforce.isChecked() else None
        )
        aaguids = [line.strip().lower() for line in self.aaguids.toPlainText().split() if line]
        wanted: dict[str, tuple[object, object]] = {
            "enforcement_date": (day, policy.enforcement_date),
            "reminder_text": (self.reminder_text.text().strip(), policy.reminder_text),
            "allowed_methods": (
                [method for method, box in self.methods.items() if box.isChecked()],
                list(policy.allowed_methods),
            ),
            "webauthn_user_verification": (
                str(self.user_verification.currentData()),
                policy.webauthn_user_verification,
            ),
            "passwordless_allowed": (self.passwordless.isChecked(), policy.passwordless_allowed),
            "totp_window": (self.totp_window.value(), policy.totp_window),
            "throttle.lock_after": (self.lock_after.value(), policy.throttle.lock_after),
            "throttle.lock_minutes": (self.lock_minutes.value(), policy.throttle.lock_minutes),
            "second_factor_lock_after": (
                self.second_factor_lock_after.value(),
                policy.second_factor_lock_after,
            ),
            "recovery_code_count": (self.recovery_code_count.value(), policy.recovery_code_count),
            "backup_code_hours": (self.backup_code_hours.value(), policy.backup_code_hours),
            "attestation_required": (
                self.attestation_required.isChecked(),
                policy.attestation_required,
            ),
            "aaguid_allowlist": (aaguids, list(policy.aaguid_allowlist)),
        }
        return {key: new for key, (new, old) in wanted.items() if new != old}

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
            self.tr("2FA &required from:"),
            self.tr("Re&minder text:"),
            self.tr("Methods users may set &up:"),
            self.tr("Security key &user verification:"),
            self.tr("Authenticator &code window (30-second steps either side):"),
            self.tr("&Lock the password after this many failures:"),
            self.tr("Lock for (&minutes):"),
            self.tr("Lock the &second step after this many failures:"),
            self.tr("Recovery codes &per sheet:"),
            self.tr("&Backup code lifetime (hours):"),
            self.tr("Allowed security key &models (AAGUID, one a line; empty: any):"),
        ]
        for label, text in zip(self.labels, texts, strict=True):
            label.setText(text)
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
        self.aaguids.setAccessibleName(self.tr("Allowed security key models"))
        self.save_button.setText(self.tr("&Save policy"))
