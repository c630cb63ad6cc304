"""The dashboard: enrollment toward the enforcement date, and the accounts that need a look."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QPainter, QPainterPath, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
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


class ProgressChart(QWidget):
    """Set-ups over the last weeks: the share of active users with a second factor, day
    by day, as a line over a 0–100 % track; painted in the palette's colours."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.shares: list[float] = []
        # The first and the last day, written under the line's ends.
        self.ends = ("", "")

    def set_shares(self, shares: list[float], ends: tuple[str, str], description: str) -> None:
        self.shares, self.ends = shares, ends
        self.setAccessibleDescription(description)
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(480, 90 + self.fontMetrics().height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(240, 70)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        if len(self.shares) < 2:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        line_height = self.fontMetrics().height()
        area = QRectF(self.rect()).adjusted(4, 6, -4, -6 - line_height)
        painter.setPen(QPen(palette.color(QPalette.ColorRole.Mid), 1))
        painter.drawRect(area)
        painter.setPen(palette.color(QPalette.ColorRole.WindowText))
        inside = area.adjusted(4, 2, -4, -2)
        painter.drawText(
            inside, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop), "100%"
        )
        painter.drawText(
            inside, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom), "0%"
        )
        below = QRectF(area.left(), area.bottom() + 2, area.width(), line_height)
        painter.drawText(below, int(Qt.AlignmentFlag.AlignLeft), self.ends[0])
        painter.drawText(below, int(Qt.AlignmentFlag.AlignRight), self.ends[1])
        step = area.width() / (len(self.shares) - 1)
        path = QPainterPath()
        for index, share in enumerate(self.shares):
            point = QPointF(area.left() + index * step, area.bottom() - share * area.height())
            if index == 0:
                path.moveTo(point)
            else:
                path.lineTo(point)
        painter.setPen(QPen(palette.color(QPalette.ColorRole.Highlight), 2.5))
        painter.drawPath(path)
        painter.end()


class DashboardView(Screen):
    """Figures from ``enrollment_report``; Refresh reads them again.  Each list leads on:
    a double-click (or Enter) shows that user in the users tab, and a locked account can
    be unlocked from its list."""

    # An address in one of the lists was chosen: the console shows that user.
    user_chosen = Signal(str)

    def __init__(self, context: AdminContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.report: EnrollmentReport | None = None
        self.title = heading()
        self.summary = paragraph()
        self.chart = ShareChart()
        self.progress = ProgressChart()
        self.pace = paragraph()
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
            widget.itemActivated.connect(self._chosen)
        self.unlock_button = QPushButton()
        self.unlock_button.clicked.connect(self.unlock_selected)
        self.unlock_button.setEnabled(False)
        self.locked.currentItemChanged.connect(lambda *_: self._offer_unlock())
        self.runner.busy_changed.connect(lambda _busy: self._offer_unlock())
        lists.addWidget(self.unlock_button, 2, 2)
        self.refresh_button = QPushButton()
        self.refresh_button.clicked.connect(self.load)
        self.error = ErrorLabel()
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.summary)
        layout.addWidget(self.chart)
        layout.addWidget(self.progress)
        layout.addWidget(self.pace)
        layout.addWidget(self.failures)
        layout.addLayout(lists, 1)
        layout.addWidget(self.refresh_button)
        layout.addWidget(self.error)
        layout.addWidget(self.busy)
        self.retranslate()

    def inputs(self) -> list[QWidget]:
        return [self.refresh_button]  # Unlock follows the choice too: _offer_unlock

    def _chosen(self, item: QListWidgetItem) -> None:
        email = item.data(Qt.ItemDataRole.UserRole)
        if email:
            self.user_chosen.emit(str(email))

    def _offer_unlock(self) -> None:
        item = self.locked.currentItem()
        self.unlock_button.setEnabled(
            item is not None and bool(item.data(Qt.ItemDataRole.UserRole)) and not self.runner.busy
        )

    def unlock_selected(self) -> None:
        item = self.locked.currentItem()
        email = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if not email:
            return
        service = self.context.service
        self.context.run(
            self.runner,
            lambda actor: service.accounts.unlock(actor=actor, email=str(email)),
            lambda _user: self.load(),
            self.error,
        )

    def _fill(self, widget: QListWidget, entries: list[tuple[str, str]]) -> None:
        """``entries``: (address, text); an empty list says so rather than show nothing."""
        widget.clear()
        for email, text in entries:
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, email)
            item.setToolTip(self.tr("Double-click to show this user"))
            widget.addItem(item)
        if not entries:
            empty = QListWidgetItem(self.tr("Nobody"))
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            widget.addItem(empty)

    def load(self) -> None:
        service, actor = self.context.service, self.context.actor()

        def work() -> EnrollmentReport:
            return service.rollout.report(actor=actor)

        self.error.clear_error()
        self.runner.start(work, self._loaded, self.error.show_error)

    def _loaded(self, report: EnrollmentReport) -> None:
        self.report = report
        self.retranslate()  # fills the lists, "Nobody" in this language where empty
        self._offer_unlock()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Two-step sign-in"))
        self.list_titles[0].setText(self.tr("&Not set up yet"))
        self.list_titles[1].setText(self.tr("Possibly c&opied security keys"))
        self.list_titles[2].setText(self.tr("&Locked accounts"))
        self.not_enrolled.setAccessibleName(self.tr("Users without two-step sign-in"))
        self.cloned.setAccessibleName(self.tr("Possibly copied security keys"))
        self.locked.setAccessibleName(self.tr("Locked accounts"))
        self.refresh_button.setText(self.tr("&Refresh"))
        self.unlock_button.setText(self.tr("Unlock the chosen account"))
        self.chart.setAccessibleName(self.tr("Share of users with two-step sign-in"))
        report = self.report
        if report is None:
            self.summary.setText(self.tr("Counting…"))
            return
        self._fill(self.not_enrolled, [(email, email) for email in report.not_enrolled])
        self._fill(
            self.cloned,
            [(key.email, f"{key.email} — {key.nickname}") for key in report.possibly_cloned],
        )
        self._fill(self.locked, [(email, email) for email in report.locked])
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
            self.tr(
                "%n of %1 active users (%2%) have set up two-step sign-in; %3 exempt.",
                "",
                report.enrolled,
            )
            .replace("%1", str(total))
            .replace("%2", f"{report.share_enrolled * 100:.0f}")
            .replace("%3", str(report.exempt))
        )
        day = report.enforcement_date
        if day is None:
            summary += " " + self.tr("It is required now.")
        else:
            summary += " " + self.tr("It is required from %1.").replace("%1", local_date(day))
        self.summary.setText(summary)
        self._show_progress(report)
        self.failures.setText(
            self.tr(
                "%n failed sign-ins or second steps in the last 24 hours.",
                "",
                report.recent_failures,
            )
        )

    def _show_progress(self, report: EnrollmentReport) -> None:
        total = report.active_users
        shares = [h.enrolled / total if total else 0.0 for h in report.history]
        first = report.history[0] if report.history else None
        described = (
            self.tr("From %1 to %2 set up over the last %3 days.")
            .replace("%1", f"{shares[0]:.0%}")
            .replace("%2", f"{shares[-1]:.0%}")
            .replace("%3", str(len(shares)))
            if first is not None
            else ""
        )
        ends = (
            (local_date(report.history[0].day), local_date(report.history[-1].day))
            if report.history
            else ("", "")
        )
        self.progress.set_shares(shares, ends, described)
        self.progress.setAccessibleName(self.tr("Set-ups over the last weeks"))
        done, deadline = report.projected_complete, report.enforcement_date
        if report.remaining == 0:
            text = self.tr("Everyone who must is set up.")
        elif done is None:
            text = self.tr(
                "Nobody set up in the last two weeks: at this pace %1 users never will."
            ).replace("%1", str(report.remaining))
        else:
            text = (
                self.tr(
                    "%1 to go. At the pace of the last two weeks (%2 a day) everyone is set "
                    "up by %3."
                )
                .replace("%1", str(report.remaining))
                .replace("%2", f"{report.pace_per_day:.1f}")
                .replace("%3", local_date(done))
            )
            if deadline is not None and done > deadline:
                text += " " + self.tr(
                    "That is %n days after the deadline.", "", (done - deadline).days
                )
            elif deadline is not None:
                text += " " + self.tr("That is before the deadline.")
        self.pace.setText(f"{described} {text}".strip())
