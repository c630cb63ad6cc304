"""The audit log: filter by user, event type and days; export as CSV; verify the chain (L2)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_auth.core.service import Actor, AuditEntry, AuditVerification
from desktop_auth.gui.admin.context import AdminContext, to_date
from desktop_auth.gui.colours import Tone, ToneLabel
from desktop_auth.gui.i18n import local_time, message, use_date_format
from desktop_auth.gui.labels import actor_label, details_text, event_label
from desktop_auth.gui.widgets import ErrorLabel, Screen, paragraph, read_only_table
from desktop_auth.gui.workers import TaskRunner
from desktop_auth.vocabulary import AuditEventType

# The newest events shown at once; the export has them all.
SHOWN_EVENTS = 500


@dataclass(frozen=True, kw_only=True)
class AuditFilter:
    subject: str | None
    event_type: str | None
    since: datetime | None
    until: datetime | None


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time()).astimezone()


def _date_edit() -> QDateEdit:
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    use_date_format(edit)
    edit.setDate(QDate.currentDate())
    edit.setEnabled(False)
    return edit


class AuditView(Screen):
    """The newest events that match; ``verdict`` says whether the chain holds."""

    def __init__(self, context: AdminContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.entries: list[AuditEntry] = []
        self.verification: AuditVerification | None = None
        self.exported: int | None = None
        self.subject = QLineEdit()
        self.subject.setClearButtonEnabled(True)
        self.subject.setMinimumWidth(self.subject.fontMetrics().averageCharWidth() * 28)
        self.subject.returnPressed.connect(self.load)
        self.event_type = QComboBox()
        self.event_type.addItem("", None)
        for event_type in AuditEventType:  # named in retranslate(), in the current language
            self.event_type.addItem(event_type.value, event_type.value)
        self.event_type.currentIndexChanged.connect(lambda _index: self.load())
        self.use_since, self.since = QCheckBox(), _date_edit()
        self.use_until, self.until = QCheckBox(), _date_edit()
        self.use_since.toggled.connect(self.since.setEnabled)
        self.use_until.toggled.connect(self.until.setEnabled)
        self.apply_button = QPushButton()
        self.apply_button.clicked.connect(self.load)
        filters = QHBoxLayout()
        for widget in (
            self.subject,
            self.event_type,
            self.use_since,
            self.since,
            self.use_until,
            self.until,
            self.apply_button,
        ):
            filters.addWidget(widget)
        self.table = read_only_table(6, single_selection=False)
        self.count = paragraph()
        self.export_button = QPushButton()
        self.export_button.clicked.connect(self.choose_export_file)
        self.verify_button = QPushButton()
        self.verify_button.clicked.connect(self.verify)
        # A runner of its own: a reload of the list (a filter filled in meanwhile) must not
        # drop the verdict the administrator asked for.
        self.checker = TaskRunner(self)
        self.checker.busy_changed.connect(lambda busy: self.verify_button.setEnabled(not busy))
        self.verdict = ToneLabel(Tone.SUCCESS)  # its tone follows the verdict and the palette
        self.verdict.setWordWrap(True)
        bold = self.verdict.font()
        bold.setBold(True)
        self.verdict.setFont(bold)
        self.export_note = paragraph()
        self.error = ErrorLabel()
        actions = QHBoxLayout()
        actions.addWidget(self.count, 1)
        actions.addWidget(self.export_button)
        actions.addWidget(self.verify_button)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)
        layout.addWidget(self.verdict)
        layout.addWidget(self.export_note)
        layout.addWidget(self.error)
        layout.addWidget(self.busy)
        self.retranslate()

    def inputs(self) -> list[QWidget]:
        return [self.apply_button, self.export_button, self.verify_button]

    def current_filter(self) -> AuditFilter:
        since = until = None
        if self.use_since.isChecked():
            since = local_midnight(to_date(self.since.date()))
        if self.use_until.isChecked():
            until = local_midnight(to_date(self.until.date()) + timedelta(days=1))
        data = self.event_type.currentData()
        return AuditFilter(
            subject=self.subject.text().strip() or None,
            event_type=str(data) if data else None,
            since=since,
            until=until,
        )

    def load(self) -> None:
        service, chosen, actor = self.context.service, self.current_filter(), self.context.actor()
        self.error.clear_error()
        self.runner.start(
            lambda: service.audit.events(
                actor=actor,
                subject=chosen.subject,
                event_type=chosen.event_type,
                since=chosen.since,
                until=chosen.until,
                limit=SHOWN_EVENTS,
            ),
            self._loaded,
            self.error.show_error,
        )

    def _loaded(self, entries: list[AuditEntry]) -> None:
        self.entries = entries
        self.table.setRowCount(len(entries))
        self.retranslate()  # fills the rows, in the current language

    def _fill_rows(self) -> None:
        entries = self.entries
        self.table.setRowCount(len(entries))
        for row, entry in enumerate(entries):
            cells = [
                local_time(entry.occurred_at),
                event_label(entry.event_type),
                actor_label(entry.actor),
                entry.subject or "",
                entry.workstation,
                details_text(entry.details),
            ]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == 1:
                    item.setToolTip(entry.event_type)  # the id, as the CSV export has it
                if column == 5 and entry.details:
                    item.setToolTip(json.dumps(dict(entry.details), ensure_ascii=False))
                self.table.setItem(row, column, item)

    def choose_export_file(self) -> None:
        name, _kind = QFileDialog.getSaveFileName(
            self, self.tr("Export audit log"), "audit-log.csv", self.tr("CSV files (*.csv)")
        )
        if name:
            self.export_to(Path(name))

    def export_to(self, path: Path) -> None:
        """The whole log, oldest first, through the core (which audits the export)."""
        service = self.context.service

        def work(actor: Actor) -> int:
            with path.open("w", encoding="utf-8", newline="") as stream:
                return service.audit.export_csv(stream, actor=actor)

        self.context.run(self.runner, work, self._exported, self.error)

    def _exported(self, count: int) -> None:
        self.exported = count
        self.retranslate()  # says so now, not after the list has reloaded
        self.load()

    def verify(self) -> None:
        service = self.context.service
        self.error.clear_error()
        actor = self.context.actor()
        self.checker.start(
            lambda: service.audit.verify(actor=actor), self._verified, self.error.show_error
        )

    def _verified(self, verification: AuditVerification) -> None:
        self.verification = verification
        self.retranslate()

    def retranslate(self) -> None:
        self.subject.setPlaceholderText(self.tr("User (e-mail)"))
        self.subject.setAccessibleName(self.tr("Filter by user"))
        self.event_type.setItemText(0, self.tr("All events"))
        for index in range(1, self.event_type.count()):
            self.event_type.setItemText(index, event_label(str(self.event_type.itemData(index))))
        for edit in (self.since, self.until):
            use_date_format(edit)
        self.event_type.setAccessibleName(self.tr("Filter by event type"))
        self.use_since.setText(self.tr("From"))
        self.since.setAccessibleName(self.tr("From date"))
        self.use_until.setText(self.tr("Until"))
        self.until.setAccessibleName(self.tr("Until date"))
        self.apply_button.setText(self.tr("&Show"))
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Time"),
                self.tr("Event"),
                self.tr("By"),
                self.tr("User"),
                self.tr("Workstation"),
                self.tr("Details"),
            ]
        )
        self.table.setAccessibleName(self.tr("Audit events"))
        self._fill_rows()
        self.count.setText(
            self.tr("%n events shown (newest first, at most %1).", "", len(self.entries)).replace(
                "%1", str(SHOWN_EVENTS)
            )
        )
        self.export_button.setText(self.tr("&Export CSV…"))
        self.verify_button.setText(self.tr("&Verify chain"))
        if self.exported is not None:
            self.export_note.setText(self.tr("Exported %n events.", "", self.exported))
        self._show_verdict()

    def _show_verdict(self) -> None:
        checked = self.verification
        if checked is None:
            return
        if checked.ok:
            self.verdict.set_tone(Tone.SUCCESS)
            text = self.tr(
                "Intact: all %n events are unchanged and none is missing.",
                "",
                checked.events_checked,
            )
        else:
            self.verdict.set_tone(Tone.ERROR)
            text = (
                self.tr("Tampered with: the chain breaks at event %1 (%2).")
                .replace("%1", str(checked.first_broken_id))
                .replace("%2", message(checked.problem or ""))
            )
        self.verdict.setText(text)
