"""The dashboard: enrollment toward the enforcement date, and the accounts that need a look."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_auth.core.service import EnrollmentReport
from desktop_auth.gui.admin.context import AdminContext
from desktop_auth.gui.i18n import local_date
from desktop_auth.gui.labels import kind_label
from desktop_auth.gui.widgets import ErrorLabel, Screen, heading, paragraph
from desktop_auth.vocabulary import ENROLLABLE_KINDS


@dataclass(frozen=True, kw_only=True)
class Bar:
    label: str
    value: int
    total: int

    @property
    def share(self) -> float:
        return self.value / self.total if self.total else 0.0


class ShareChart(QWidget):
    """Horizontal bars, one per method, each the share of active users; painted, no library."""

    ROW = 30

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bars: list[Bar] = []

    def set_bars(self, bars: list[Bar]) -> None:
        self.bars = bars
        self.setAccessibleDescription(
            "; ".join(f"{b.label}: {b.value}/{b.total} ({b.share:.0%})" for b in bars)
        )
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(480, self.ROW * max(1, len(self.bars)) + 8)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(240, self.sizeHint().height())

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        label_width = min(200.0, self.width() * 0.35)
        figure_width = 110.0
        track = max(10.0, self.width() - label_width - figure_width - 16)
        # The palette's own colours, so the chart reads on light and dark windows alike.
        palette = self.palette()
        text_colour = palette.color(QPalette.ColorRole.WindowText)
        track_colour = palette.color(QPalette.ColorRole.Mid)
        bar_colour = palette.color(QPalette.ColorRole.Highlight)
        for number, bar in enumerate(self.bars):
            top = 4 + number * self.ROW
            painter.setPen(text_colour)
            painter.drawText(
                QRectF(0, top, label_width - 8, self.ROW - 6),
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
                bar.label,
            )
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(track_colour)
            painter.drawRoundedRect(QRectF(label_width, top + 4, track, self.ROW - 14), 3, 3)
            painter.setBrush(bar_colour)
            painter.drawRoundedRect(
                QRectF(label_width, top + 4, track * bar.share, self.ROW - 14), 3, 3
            )
            painter.setPen(text_colour)
            painter.drawText(
                QRectF(label_width + track + 8, top, figure_width, self.ROW - 6),
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                f"{bar.share:.0%} ({bar.value})",
            )
        painter.end()


class DashboardView(Screen):
    """Figures from ``enrollment_report``; Refresh reads them again."""

    def __init__(self, context: AdminContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.report: EnrollmentReport | None = None
        self.title = heading()
        self.summary = paragraph()
        self.chart = ShareChart()
        self.failures = paragraph()
        self.list_titles = [QLabel() for _ in range(3)]
        self.not_enrolled = QListWidget()
        self.cloned = QListWidget()
        self.locked = QListWidget()
        lists = QGridLayout()
        for column, (title, widget) in enumerate(
            zip(self.list_titles, (self.not_enrolled, self.cloned, self.locked), strict=True)
        ):
            title.setBuddy(widget)
            lists.addWidget(title, 0, column)
            lists.addWidget(widget, 1, column)
        self.refresh_button = QPushButton()
        self.refresh_button.clicked.connect(self.load)
        self.error = ErrorLabel()
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.summary)
        layout.addWidget(self.chart)
        layout.addWidget(self.failures)
        layout.addLayout(lists, 1)
        layout.addWidget(self.refresh_button)
        layout.addWidget(self.error)
        layout.addWidget(self.busy)
        self.retranslate()

    def inputs(self) -> list[QWidget]:
        return [self.refresh_button]

    def load(self) -> None:
        service, actor = self.context.service, self.context.actor()

        def work() -> EnrollmentReport:
            return service.rollout.report(actor=actor)

        self.error.clear_error()
        self.runner.start(work, self._loaded, self.error.show_error)

    def _loaded(self, report: EnrollmentReport) -> None:
        self.report = report
        self.not_enrolled.clear()
        self.not_enrolled.addItems(list(report.not_enrolled))
        self.cloned.clear()
        self.cloned.addItems([f"{key.email} — {key.nickname}" for key in report.possibly_cloned])
        self.locked.clear()
        self.locked.addItems(list(report.locked))
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Two-step verification"))
        self.list_titles[0].setText(self.tr("&Not set up yet"))
        self.list_titles[1].setText(self.tr("Possibly c&opied security keys"))
        self.list_titles[2].setText(self.tr("&Locked accounts"))
        self.not_enrolled.setAccessibleName(self.tr("Users without two-step verification"))
        self.cloned.setAccessibleName(self.tr("Possibly copied security keys"))
        self.locked.setAccessibleName(self.tr("Locked accounts"))
        self.refresh_button.setText(self.tr("&Refresh"))
        self.chart.setAccessibleName(self.tr("Share of users with two-step verification"))
        report = self.report
        if report is None:
            self.summary.setText(self.tr("Counting…"))
            return
        total = report.active_users
        self.chart.set_bars(
            [
                Bar(label=self.tr("Any method"), value=report.enrolled, total=total),
                *(
                    Bar(label=kind_label(kind), value=report.by_kind[kind], total=total)
                    for kind in ENROLLABLE_KINDS
                ),
            ]
        )
        summary = (
            self.tr("%1 of %2 active users (%3%) have set up two-step verification; %4 exempt.")
            .replace("%1", str(report.enrolled))
            .replace("%2", str(total))
            .replace("%3", f"{report.share_enrolled * 100:.0f}")
            .replace("%4", str(report.exempt))
        )
        day = report.enforcement_date
        if day is None:
            summary += " " + self.tr("It is required now.")
        else:
            summary += " " + self.tr("It is required from %1.").replace("%1", local_date(day))
        self.summary.setText(summary)
        self.failures.setText(
            self.tr("%1 failed sign-ins or second steps in the last 24 hours.").replace(
                "%1", str(report.recent_failures)
            )
        )
