"""The admin console, driven as a helpdesk person would (SECURITY.md P8, M5, M8, S1, L1, L2).

Every view loads in a worker; each action goes through AuthService as the signed-in admin.
"""

from __future__ import annotations

import contextlib
import csv
from collections.abc import Iterator
from pathlib import Path
from typing import cast

import pytest
from PySide6.QtCore import QDate, QPoint, Qt
from PySide6.QtGui import QFont, QPalette
from PySide6.QtPrintSupport import QPrintDialog
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QFileDialog,
    QLineEdit,
    QMessageBox,
    QWidget,
)
from pytestqt.qtbot import QtBot

from desktop_auth.core.passphrase import wordlist
from desktop_auth.core.policy_limits import POLICY_LIMITS
from desktop_auth.core.service import Actor, AuthService, Session, SignInOutcome
from desktop_auth.errors import DesktopAuthError
from desktop_auth.gui.admin import AdminConsole
from desktop_auth.gui.admin.one_time import BackupCodeDialog, TemporaryPasswordDialog
from desktop_auth.gui.admin.user_dialogs import CreateUserDialog, MethodsDialog
from desktop_auth.gui.colours import MIN_CONTRAST, contrast_ratio
from desktop_auth.gui.dialogs import ReauthDialog
from desktop_auth.gui.i18n import install_language
from desktop_auth.gui.main_window import MainWindow
from desktop_auth.gui.workers import wait_for_workers
from tests.conftest import ADMIN_PASSWORD
from tests.gui.conftest import shoot
from tests.gui.helpers import sign_in, type_into, type_phone_code, wait_page
from tests.gui.palettes import clipped_texts, dark_palette, text_contrast
from tests.helpers import USER_PASSWORD, PinnedClock, make_user, pdf_text
from tests.remote_helpers import serving
from tests.totp_helpers import make_user_with_app, phone_code, secret_from_uri

ADMIN_EMAIL = "beheer@salariszaken.nl"


def admin_with_app(service: AuthService, clock: PinnedClock) -> tuple[Session, str]:
    """The first administrator with an authenticator app, signed in at AAL2."""
    setup = service.sign_in.with_password(ADMIN_EMAIL, ADMIN_PASSWORD)
    assert setup.ticket
    enrollment = service.authenticator_apps.begin_setup(setup.ticket, "Telefoon")
    secret = secret_from_uri(enrollment.uri)
    done = service.authenticator_apps.finish_setup(
        setup.ticket, enrollment.enrollment_id, phone_code(secret, clock)
    )
    assert done.session is not None
    clock.advance(seconds=30)
    return done.session, secret


@pytest.fixture
def admin_app(service: AuthService, admin: Actor, clock: PinnedClock) -> tuple[Session, str]:
    return admin_with_app(service, clock)


@pytest.fixture(params=["embedded", "server"])
def console(
    request: pytest.FixtureRequest,
    qtbot: QtBot,
    service: AuthService,
    admin_app: tuple[Session, str],
) -> Iterator[AdminConsole]:
    """The console in-process, and on a workstation of a sign-in server over the same store
    (every call then goes through the server, with the administrator's session)."""
    with contextlib.ExitStack() as stack:
        used = service
        if request.param == "server":
            used = cast(AuthService, stack.enter_context(serving(service)))
        window = AdminConsole(used, admin_app[0])
        qtbot.addWidget(window)
        window.show()
        qtbot.waitUntil(lambda: window.dashboard.report is not None, timeout=10_000)
        qtbot.waitUntil(lambda: window.policy.policy is not None)
        yield window
        window.close()
        wait_for_workers()  # as the app does at exit: no job outlives its store


def visible(kind: type[QWidget]) -> QWidget | None:
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, kind) and widget.isVisible():
            return widget
    return None


def wait_visible(qtbot: QtBot, kind: type[QWidget]) -> QWidget:
    qtbot.waitUntil(lambda: visible(kind) is not None, timeout=10_000)
    found = visible(kind)
    assert found is not None
    return found


def fail_sign_ins(service: AuthService, clock: PinnedClock, email: str, times: int) -> None:
    for _ in range(times):
        with contextlib.suppress(DesktopAuthError):
            service.sign_in.with_password(email, "wrong password entirely")
        clock.advance(seconds=61)  # past the growing wait, so each failure counts


def print_to_file(qtbot: QtBot, button: QAbstractButton, target: Path) -> None:
    """Click ``button`` and answer its print dialog with "print to file" at ``target``."""
    button.click()
    printing = wait_visible(qtbot, QPrintDialog)
    assert isinstance(printing, QPrintDialog)
    file_name = printing.findChild(QLineEdit, "filename")
    assert file_name is not None
    file_name.setText(str(target))
    printing.accept()


def click_when_ready(qtbot: QtBot, button: QAbstractButton) -> None:
    """A view's buttons are off while its list loads (Screen.inputs): click once it is done,
    as a person would.  Clicked at once, the click fell on a disabled button now and then."""
    qtbot.waitUntil(button.isEnabled, timeout=10_000)
    button.click()


def select_user(qtbot: QtBot, console: AdminConsole, email: str) -> None:
    users = console.users
    type_into(qtbot, users.search, email)
    qtbot.waitUntil(lambda: [r.user.email for r in users.model.rows] == [email], timeout=10_000)
    users.table.selectRow(0)


def cell(console: AdminConsole, column: int) -> str:
    return console.users.model.cell(console.users.model.rows[0], column)


def test_an_admin_opens_the_console_from_home_and_every_view_loads(
    qtbot: QtBot,
    window: MainWindow,
    service: AuthService,
    admin_app: tuple[Session, str],
    clock: PinnedClock,
) -> None:
    jan = make_user_with_app(service, service.accounts.local_administrator(), clock)
    sign_in(qtbot, window, ADMIN_EMAIL, ADMIN_PASSWORD)
    wait_page(qtbot, window, window.second_factor)
    type_phone_code(qtbot, window.second_factor.code, admin_app[1], clock)
    wait_page(qtbot, window, window.home)
    assert window.home.admin_button.isVisible()
    window.home.admin_button.click()
    console = window.admin_console
    assert console is not None and console.isVisible()
    qtbot.waitUntil(lambda: console.dashboard.report is not None, timeout=10_000)
    qtbot.waitUntil(lambda: len(console.users.model.rows) == 2)
    qtbot.waitUntil(lambda: len(console.audit.entries) > 0)
    qtbot.waitUntil(lambda: console.policy.policy is not None)
    assert [r.user.email for r in console.users.model.rows] == [ADMIN_EMAIL, jan.email]
    console.close()

    # An employee's home page has no way in.
    window.home.show_session(jan.session)
    assert not window.home.admin_button.isVisible()


def test_someone_without_the_admin_role_is_refused_in_their_language(
    qtbot: QtBot, service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    jan = make_user_with_app(service, admin, clock)
    install_language("nl")
    window = AdminConsole(service, jan.session)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: bool(window.dashboard.error.text()), timeout=10_000)
    assert window.dashboard.report is None
    assert "beheerder" in window.dashboard.error.text().lower()
    window.close()
    wait_for_workers()  # every view's first load ends before the store closes


def test_search_as_you_type_filters_on_email_and_name(
    qtbot: QtBot, console: AdminConsole, service: AuthService, admin: Actor
) -> None:
    service.accounts.create(actor=admin, email="jan@example.nl", display_name="Jan de Vries")
    service.accounts.create(actor=admin, email="piet@example.nl", display_name="Piet Jansen")
    users = console.users
    users.model.refresh()
    qtbot.waitUntil(lambda: len(users.model.rows) == 3)
    type_into(qtbot, users.search, "vries")
    qtbot.waitUntil(lambda: [r.user.email for r in users.model.rows] == ["jan@example.nl"])
    type_into(qtbot, users.search, "JAN")  # e-mail of one, surname of the other
    qtbot.waitUntil(
        lambda: [r.user.email for r in users.model.rows] == ["jan@example.nl", "piet@example.nl"]
    )
    assert users.model.headerData(0, Qt.Orientation.Horizontal) == "E-mail"


def test_the_table_holds_only_the_pages_it_shows_wherever_it_scrolls(
    qtbot: QtBot, service: AuthService, admin: Actor, admin_app: tuple[Session, str]
) -> None:
    """A row per user from the count; pages fetched as shown; the oldest page dropped."""
    for number in range(7):
        service.accounts.create(
            actor=admin, email=f"u{number}@example.nl", display_name=f"U {number}"
        )
    from desktop_auth.gui.admin.users_model import PLACEHOLDER, UsersModel

    everyone = [u.email for u in service.accounts.page()]
    model = UsersModel(service, page_size=3, cached_pages=2)
    model.set_search("")
    qtbot.waitUntil(lambda: model.rowCount() == 8)  # counted after the first page
    assert sorted(model.pages) == [0]
    assert model.data(model.index(7, 0)) == PLACEHOLDER  # the last page, asked for
    qtbot.waitUntil(lambda: model.row_at(7) is not None)
    assert model.data(model.index(7, 0)) == everyone[7]
    assert model.data(model.index(4, 0)) == PLACEHOLDER
    qtbot.waitUntil(lambda: model.row_at(4) is not None)
    assert sorted(model.pages) == [1, 2]  # page 0 went: two are held at most
    assert model.row_at(0) is None
    model.data(model.index(0, 0))
    qtbot.waitUntil(lambda: model.row_at(0) is not None)
    assert [model.data(model.index(r, 0)) for r in (0, 1, 2)] == everyone[:3]
    assert len(model.pages) == 2
    model.stop()
    model.data(model.index(7, 0))  # page 2 went; a stopped model asks for nothing
    qtbot.wait(20)
    assert not model.runner.busy and model.row_at(7) is None
    wait_for_workers()


def test_a_header_click_sorts_the_whole_list_and_the_count_is_shown(
    qtbot: QtBot, console: AdminConsole, service: AuthService, admin: Actor
) -> None:
    service.accounts.create(actor=admin, email="a.zwart@example.nl", display_name="Zeger Zwart")
    service.accounts.create(actor=admin, email="z.appel@example.nl", display_name="Anna Appel")
    users = console.users
    console.tabs.setCurrentWidget(users)
    users.model.refresh()
    qtbot.waitUntil(lambda: len(users.model.rows) == 3)
    assert users.found.text() == "3 users"
    header = users.table.horizontalHeader()

    def click_header(column: int) -> None:
        at = QPoint(header.sectionViewportPosition(column) + 8, header.height() // 2)
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=at)

    def names() -> list[str]:
        return [r.user.display_name for r in users.model.rows]

    click_header(1)  # "Name"
    qtbot.waitUntil(lambda: names() == ["Anna Appel", "Anna Beheer", "Zeger Zwart"])
    assert users.model.listing.sort == "name"
    assert [r.user.email for r in users.model.rows] == [
        u.email for u in service.accounts.page(sort="name")
    ]
    click_header(1)
    qtbot.waitUntil(lambda: names() == ["Zeger Zwart", "Anna Beheer", "Anna Appel"])
    click_header(4)  # "Methods" has no order: the indicator stays where it was
    assert header.sortIndicatorSection() == 1
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    assert users.model.listing.sort == "name"
    type_into(qtbot, users.search, "appel")
    qtbot.waitUntil(lambda: users.found.text() == "1 user")
    shoot(console, "61-admin-users-sorted")


@pytest.mark.parametrize("language", ["en", "nl"])
def test_p8_create_user_shows_the_temporary_password_once(
    qtbot: QtBot, console: AdminConsole, service: AuthService, language: str
) -> None:
    install_language(language)
    console.tabs.setCurrentWidget(console.users)
    click_when_ready(qtbot, console.users.create_button)
    dialog = wait_visible(qtbot, CreateUserDialog)
    assert isinstance(dialog, CreateUserDialog)
    type_into(qtbot, dialog.email, "kees@example.nl")
    type_into(qtbot, dialog.name, "Kees Bakker")
    shoot(dialog, "60-admin-new-user")
    dialog.buttons.accepted.emit()
    shown = wait_visible(qtbot, TemporaryPasswordDialog)
    assert isinstance(shown, TemporaryPasswordDialog)
    password = shown.secret.edit.text()
    assert len(password) >= 12
    # In the helpdesk's language, from words fit for a workplace (issue 19).
    assert set(password.split("-")) <= set(wordlist(language))
    assert service.accounts.get("kees@example.nl").language == language
    shown.secret.copy_button.click()
    assert QApplication.clipboard().text() == password
    first = service.sign_in.with_password("kees@example.nl", password)
    assert first.outcome is SignInOutcome.MUST_CHANGE_PASSWORD
    shown.reject()
    assert shown.secret.edit.text() == ""  # gone from the screen
    assert QApplication.clipboard().text() != password  # and from the clipboard
    qtbot.waitUntil(lambda: "kees@example.nl" in [r.user.email for r in console.users.model.rows])
    created = service.audit.events(event_type="user.created")
    assert created[0].subject == "kees@example.nl"


def test_a_reset_password_is_shown_whole_and_prints_in_the_users_language(
    qtbot: QtBot, console: AdminConsole, service: AuthService, admin: Actor, tmp_path: Path
) -> None:
    """Tried (issue 19): the field cut the passphrase to "…en-magenta-shout-…"; read over the
    phone it came out incomplete.  Now it is shown whole, and printed on a slip."""
    service.accounts.create(
        actor=admin, email="anouk@example.nl", display_name="Anouk", language="nl"
    )
    issued = service.accounts.reset_password(actor=admin, email="anouk@example.nl")
    shown = TemporaryPasswordDialog(issued, console)
    qtbot.addWidget(shown)
    shown.resize(480, shown.sizeHint().height())
    shown.show()
    qtbot.waitExposed(shown)
    assert clipped_texts(shown) == []
    shoot(shown, "61-admin-temporary-password")
    password = shown.secret.edit.text()
    assert password == issued.temporary_password
    target = tmp_path / "temporary.pdf"
    print_to_file(qtbot, shown.print_button, target)
    qtbot.waitUntil(lambda: shown.printed.text() == "Sent to the printer.")
    text = pdf_text(target)
    assert password in text.replace("\n", "")
    assert "Tijdelijk wachtwoord" in text and "anouk@example.nl" in text
    assert "Salariszaken" in text and "eigen wachtwoord" in text
    assert target.stat().st_mode & 0o777 == 0o600
    shown.reject()
    assert shown.secret.edit.text() == "" and shown.issued is None


def test_t1_unlock_a_locked_account(
    qtbot: QtBot, console: AdminConsole, service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    email = make_user(service, admin)
    select_user(qtbot, console, email)
    assert not console.users.unlock_button.isEnabled()  # nothing to unlock (issue 19)
    fail_sign_ins(service, clock, email, service.policy.current().throttle.lock_after)
    console.users.search.clear()  # search again: the row as it is now
    qtbot.waitUntil(lambda: len(console.users.model.rows) > 1, timeout=10_000)
    select_user(qtbot, console, email)
    assert cell(console, 3) == "locked"
    qtbot.waitUntil(console.users.unlock_button.isEnabled)
    console.users.unlock_button.click()
    qtbot.waitUntil(lambda: cell(console, 3) == "active")
    assert service.sign_in.with_password(email, USER_PASSWORD).outcome is not SignInOutcome.LOCKED
    assert service.audit.events(event_type="user.unlocked")[0].actor == f"user:{ADMIN_EMAIL}"


def test_m8_issue_a_backup_code_shown_once_and_it_works(
    qtbot: QtBot, console: AdminConsole, service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    jan = make_user_with_app(service, admin, clock)
    select_user(qtbot, console, jan.email)
    assert cell(console, 4) == "authenticator app"
    console.users.backup_button.click()
    dialog = wait_visible(qtbot, BackupCodeDialog)
    assert isinstance(dialog, BackupCodeDialog)
    assert dialog.remove_methods.isChecked()
    dialog.issue_button.click()
    qtbot.waitUntil(lambda: dialog.code is not None)
    code = dialog.secret.edit.text()
    assert code and dialog.code is not None and code == dialog.code.code
    assert not dialog.issue_button.isEnabled()  # one code per request
    qtbot.waitUntil(lambda: cell(console, 4) == "none")  # the lost phone is switched off
    shoot(dialog, "61-admin-backup-code")
    dialog.reject()
    assert dialog.secret.edit.text() == ""
    ticket = service.sign_in.with_password(jan.email, USER_PASSWORD).ticket
    assert ticket
    assert service.sign_in.with_second_factor(ticket, "backup", code).outcome in (
        SignInOutcome.SETUP_REQUIRED,
        SignInOutcome.DONE,
    )


def test_m8_the_backup_code_slip_prints_in_the_users_language(
    qtbot: QtBot, console: AdminConsole, service: AuthService, admin: Actor, tmp_path: Path
) -> None:
    """Printed through the real print dialog (to a PDF file), read back with pdftotext."""
    service.accounts.create(
        actor=admin, email="anouk@example.nl", display_name="Anouk", language="nl"
    )
    select_user(qtbot, console, "anouk@example.nl")
    console.users.backup_button.click()
    dialog = wait_visible(qtbot, BackupCodeDialog)
    assert isinstance(dialog, BackupCodeDialog)
    assert not dialog.print_button.isEnabled()  # nothing to print before the code exists
    dialog.issue_button.click()
    qtbot.waitUntil(lambda: dialog.code is not None)
    code = dialog.secret.edit.text()
    dialog.print_button.click()
    printing = wait_visible(qtbot, QPrintDialog)
    assert isinstance(printing, QPrintDialog)
    target = tmp_path / "slip.pdf"
    file_name = printing.findChild(QLineEdit, "filename")  # "Print to File (PDF)"
    assert file_name is not None
    file_name.setText(str(target))
    printing.accept()
    qtbot.waitUntil(lambda: dialog.printed.text() == "Sent to the printer.")
    text = pdf_text(target)
    assert code in text
    assert "Backupcode van de helpdesk" in text  # Anouk reads Dutch; the admin's UI is English
    assert "anouk@example.nl" in text and "Salariszaken" in text
    assert "Werkt één keer, tot" in text
    assert target.stat().st_mode & 0o777 == 0o600  # C2: a file of codes is its owner's only
    assert dialog.slip is not None and code not in repr(dialog.slip)
    dialog.reject()
    assert dialog.code is None and dialog.slip is None and dialog.secret.edit.text() == ""


def test_m5_s1_remove_a_lost_method_after_signing_in_again(
    qtbot: QtBot,
    console: AdminConsole,
    service: AuthService,
    admin: Actor,
    clock: PinnedClock,
    admin_app: tuple[Session, str],
) -> None:
    jan = make_user_with_app(service, admin, clock)
    select_user(qtbot, console, jan.email)
    console.users.methods_button.click()
    dialog = wait_visible(qtbot, MethodsDialog)
    assert isinstance(dialog, MethodsDialog)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1)
    shoot(dialog, "62-admin-methods")
    clock.advance(minutes=6)  # the admin's sign-in is no longer fresh
    dialog.remove_button.click()
    question = wait_visible(qtbot, QMessageBox)
    assert isinstance(question, QMessageBox) and jan.email in question.text()
    assert "backup code" in question.text()  # what to do when they have no codes left
    question.button(QMessageBox.StandardButton.Yes).click()
    reauth = wait_visible(qtbot, ReauthDialog)
    assert isinstance(reauth, ReauthDialog)
    type_into(qtbot, reauth.password.edit, ADMIN_PASSWORD)
    reauth.buttons.accepted.emit()
    qtbot.waitUntil(reauth.code.isEnabled, timeout=10_000)
    type_phone_code(qtbot, reauth.code, admin_app[1], clock)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 0, timeout=10_000)
    assert service.accounts.methods(jan.email) == []
    assert console.context.session.authenticated_at == clock.now()
    removed = service.audit.events(event_type="factor.removed")[0]
    assert removed.subject == jan.email
    qtbot.waitUntil(lambda: cell(console, 4) == "none")
    dialog.reject()


def test_disable_asks_first_then_role_exemption_and_deadline(
    qtbot: QtBot, console: AdminConsole, service: AuthService, admin: Actor
) -> None:
    email = make_user(service, admin)
    select_user(qtbot, console, email)
    console.users.disable_button.click()
    box = wait_visible(qtbot, QMessageBox)
    assert isinstance(box, QMessageBox)
    box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: cell(console, 3) == "disabled")
    assert service.accounts.get(email).disabled
    assert console.users.disable_button.text() == "&Enable"
    console.users.set_role("admin")  # asks first (issue 19): a role is not a toggle
    box = wait_visible(qtbot, QMessageBox)
    assert isinstance(box, QMessageBox) and "administrator" in box.text()
    assert cell(console, 2) != "administrator"
    box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: cell(console, 2) == "administrator")
    console.users.toggle_exempt()
    qtbot.waitUntil(lambda: cell(console, 6) == "exempt")
    assert service.accounts.get(email).second_factor_exempt


def test_l1_l2_audit_filter_verify_and_export(
    qtbot: QtBot, console: AdminConsole, service: AuthService, admin: Actor, tmp_path: Path
) -> None:
    email = make_user(service, admin)
    audit = console.audit
    console.tabs.setCurrentWidget(audit)
    type_into(qtbot, audit.subject, email)
    click_when_ready(qtbot, audit.apply_button)
    qtbot.waitUntil(lambda: audit.entries and {e.subject for e in audit.entries} == {email})
    audit.event_type.setCurrentIndex(audit.event_type.findData("user.created"))
    qtbot.waitUntil(lambda: [e.event_type for e in audit.entries] == ["user.created"])
    audit.use_since.setChecked(True)
    audit.since.setDate(QDate(2026, 7, 3))  # the pinned clock says 1 July
    audit.apply_button.click()
    qtbot.waitUntil(lambda: audit.entries == [])
    audit.use_since.setChecked(False)
    audit.apply_button.click()
    qtbot.waitUntil(lambda: len(audit.entries) == 1)

    audit.verify_button.click()
    qtbot.waitUntil(lambda: audit.verification is not None)
    assert audit.verdict.text().startswith("Intact")

    target = tmp_path / "audit.csv"
    audit.export_to(target)
    qtbot.waitUntil(lambda: audit.exported is not None, timeout=10_000)
    with target.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.reader(stream))
    assert len(rows) - 1 == audit.exported == len(service.audit.events(limit=None)) - 1
    assert service.audit.events(event_type="audit.exported")[0].actor == f"user:{ADMIN_EMAIL}"
    assert "Exported" in audit.export_note.text()


def test_the_audit_log_reads_as_sentences_in_dutch_and_is_fresh_when_opened(
    qtbot: QtBot, console: AdminConsole, service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    """Issue 19 item 13: raw ids and JSON, the actor written four ways, times without a
    date, nothing in Dutch, no refresh when the tab opens."""
    install_language("nl")
    audit = console.audit
    console.tabs.setCurrentWidget(console.users)
    email = make_user(service, admin)  # by the workstation's own administrator ("cli:…")
    service.rollout.set_exemption(actor=admin, email=email, exempt=True)
    console.tabs.setCurrentWidget(audit)  # opening the tab loads what happened meanwhile
    qtbot.waitUntil(
        lambda: any(e.subject == email for e in audit.entries) and not audit.runner.busy
    )
    rows = {
        audit.table.item(row, 1).text(): row  # type: ignore[union-attr]
        for row in range(audit.table.rowCount())
    }
    assert "Gebruiker aangemaakt" in rows and "user.created" not in rows
    row = rows["Vrijstelling gewijzigd"]
    by = audit.table.item(row, 2).text()  # type: ignore[union-attr]
    assert by.endswith("(opdrachtregel)") and not by.startswith("cli:")
    when = audit.table.item(row, 0).text()  # type: ignore[union-attr]
    assert when.startswith("1 juli 2026 ")  # the pinned clock's day, in words, and a time
    details = audit.table.item(row, 5).text()  # type: ignore[union-attr]
    assert "{" not in details and "vrijgesteld: ja" in details
    assert audit.event_type.itemText(audit.event_type.findData("user.created")) == (
        "Gebruiker aangemaakt"
    )
    shoot(audit, "65-admin-audit-readable")
    signed_in = [
        audit.table.item(r, 2).text()  # type: ignore[union-attr]
        for r in range(audit.table.rowCount())
        if audit.table.item(r, 1).text() == "Ingelogd"  # type: ignore[union-attr]
    ]
    assert signed_in and all(not who.startswith("user:") for who in signed_in)


def test_a_policy_change_persists_and_is_audited(
    qtbot: QtBot, console: AdminConsole, service: AuthService
) -> None:
    policy = console.policy
    console.tabs.setCurrentWidget(policy)
    policy.lock_after.setValue(7)
    policy.enforce.setChecked(True)
    policy.enforcement_date.setDate(QDate(2026, 9, 1))
    policy.passwordless.setChecked(False)
    policy.aaguids.setPlainText("CB69481E-8FF7-4039-93EC-0A2729A154A8\n")
    assert all(box.isChecked() for box in policy.methods.values())
    policy.methods["windows_hello"].setChecked(False)
    assert set(policy.changes()) == {
        "throttle.lock_after",
        "enforcement_date",
        "passwordless_allowed",
        "aaguid_allowlist",
        "allowed_methods",
    }
    policy.save_button.click()
    qtbot.waitUntil(lambda: "Saved" in policy.saved.text(), timeout=10_000)
    stored = service.policy.current()
    assert stored.throttle.lock_after == 7
    assert stored.enforcement_date == "2026-09-01"
    assert not stored.passwordless_allowed
    assert stored.aaguid_allowlist == ("cb69481e-8ff7-4039-93ec-0a2729a154a8",)
    assert stored.allowed_methods == ("security_key", "authenticator_app")
    event = service.audit.events(event_type="policy.changed")[0]
    assert event.details["settings"] == (
        "aaguid_allowlist,allowed_methods,enforcement_date,passwordless_allowed,throttle.lock_after"
    )
    assert policy.changes() == {}
    policy.save_button.click()
    assert policy.saved.text() == "Nothing changed."
    for box in policy.methods.values():  # none at all: refused, in words
        box.setChecked(False)
    policy.save_button.click()
    qtbot.waitUntil(lambda: "at least one method" in policy.error.text(), timeout=10_000)
    assert service.policy.current().allowed_methods == ("security_key", "authenticator_app")


def test_the_policy_screens_ranges_and_units_are_the_policys_own(console: AdminConsole) -> None:
    """Issue 13.5: the spin boxes read POLICY_LIMITS, so screen and rules cannot drift."""
    policy = console.policy
    assert set(policy.spins) <= set(POLICY_LIMITS)
    assert policy.lock_minutes is policy.spins["throttle.lock_minutes"]
    for setting, spin in policy.spins.items():
        limit = POLICY_LIMITS[setting]
        assert (spin.minimum(), spin.maximum()) == (limit.minimum, limit.maximum), setting
    assert policy.lock_minutes.maximum() > 24 * 60  # the old screen's maximum
    assert policy.lock_minutes.suffix() == " min"
    assert policy.backup_code_hours.suffix() == " h"
    assert policy.totp_window.suffix() == ""


def test_saving_the_reminder_leaves_a_long_lock_alone(
    qtbot: QtBot, console: AdminConsole, service: AuthService, admin: Actor
) -> None:
    """The reported bug: lock_minutes=5000 became 1440 when only the reminder was saved."""
    service.policy.update(actor=admin, changes={"throttle.lock_minutes": 5000})
    policy = console.policy
    console.tabs.setCurrentWidget(policy)
    policy.load()
    qtbot.waitUntil(lambda: policy.lock_minutes.value() == 5000, timeout=10_000)
    policy.reminder_text.setText("Zet tweestapsverificatie aan vóór 1 juli.")
    assert policy.changes() == {"reminder_text": "Zet tweestapsverificatie aan vóór 1 juli."}
    policy.save_button.click()
    qtbot.waitUntil(lambda: "Saved" in policy.saved.text(), timeout=10_000)
    stored = service.policy.current()
    assert stored.throttle.lock_minutes == 5000
    assert stored.reminder_text == "Zet tweestapsverificatie aan vóór 1 juli."
    assert service.audit.events(event_type="policy.changed")[0].details["settings"] == (
        "reminder_text"
    )

    # Even an input that cannot show the stored value (here: narrowed to the old
    # maximum) leaves it alone: Save compares with what the input showed, not the policy.
    policy.lock_minutes.setMaximum(24 * 60)
    policy.show_policy(stored)
    assert policy.lock_minutes.value() == 24 * 60
    policy.reminder_text.setText("Vóór 1 juli, graag.")
    assert set(policy.changes()) == {"reminder_text"}
    policy.save_button.click()
    qtbot.waitUntil(
        lambda: service.policy.current().reminder_text == "Vóór 1 juli, graag.", timeout=10_000
    )
    assert service.policy.current().throttle.lock_minutes == 5000


def test_dashboard_counts_enrollment_by_method_and_lists_who_is_missing(
    qtbot: QtBot,
    qapp: QApplication,
    service: AuthService,
    admin: Actor,
    clock: PinnedClock,
    admin_app: tuple[Session, str],
) -> None:
    make_user_with_app(service, admin, clock)
    make_user(service, admin, email="piet@example.nl")
    make_user(service, admin, email="kees@example.nl")
    fail_sign_ins(service, clock, "kees@example.nl", 3)
    window = AdminConsole(service, admin_app[0])
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.dashboard.report is not None, timeout=10_000)
    board = window.dashboard
    assert [(b.value, b.total) for b in board.chart.bars] == [(2, 4), (0, 4), (2, 4)]
    assert board.summary.text().startswith("2 of 4 active users (50%)")
    items = [board.not_enrolled.item(i).text() for i in range(board.not_enrolled.count())]
    assert items == ["kees@example.nl", "piet@example.nl"]
    assert board.failures.text().startswith("3 failed")
    assert "Any method: 2/4 (50%)" in board.chart.accessibleDescription()
    # Progress over time, and the day everyone is done at this pace (issue 19 item 14).
    assert len(board.progress.shares) == 30 and board.progress.shares[-1] == 0.5
    assert "2 to go" in board.pace.text() and "15 July 2026" in board.pace.text()
    assert board.progress.accessibleDescription().endswith("to 50% set up over the last 30 days.")
    qtbot.waitUntil(lambda: board.chart.height() >= board.chart.sizeHint().height())
    shoot(board, "73-admin-dashboard-progress")
    window.close()


def test_the_dashboards_lists_lead_on_to_the_user_and_unlock_a_locked_account(
    qtbot: QtBot, console: AdminConsole, service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    """Issue 19 item 14: the lists were dead ends, and empty ones showed nothing."""
    board = console.dashboard
    make_user(service, admin, email="piet@example.nl")
    kees = make_user(service, admin, email="kees@example.nl")
    fail_sign_ins(service, clock, kees, service.policy.current().throttle.lock_after)
    console.tabs.setCurrentWidget(console.users)
    console.tabs.setCurrentWidget(board)  # opened again: counted afresh
    qtbot.waitUntil(lambda: board.report is not None and kees in board.report.locked)
    assert [board.cloned.item(i).text() for i in range(board.cloned.count())] == ["Nobody"]
    assert not board.cloned.item(0).flags() & Qt.ItemFlag.ItemIsSelectable
    assert not board.unlock_button.isEnabled()  # nothing chosen yet
    shoot(board, "72-admin-dashboard-lists")

    board.locked.setCurrentRow(0)
    qtbot.waitUntil(board.unlock_button.isEnabled)
    board.unlock_button.click()
    qtbot.waitUntil(lambda: board.report is not None and kees not in board.report.locked)
    assert service.sign_in.with_password(kees, USER_PASSWORD).outcome is not SignInOutcome.LOCKED

    piet = next(
        board.not_enrolled.item(i)
        for i in range(board.not_enrolled.count())
        if board.not_enrolled.item(i).text() == "piet@example.nl"
    )
    board.not_enrolled.itemActivated.emit(piet)  # a double-click, or Enter
    assert console.tabs.currentWidget() is console.users
    qtbot.waitUntil(lambda: [r.user.email for r in console.users.model.rows] == ["piet@example.nl"])


def test_every_view_in_both_languages_for_review(
    qtbot: QtBot, console: AdminConsole, service: AuthService, admin: Actor, clock: PinnedClock
) -> None:
    make_user_with_app(service, admin, clock)
    make_user(service, admin, email="piet@example.nl")
    console.dashboard.load()
    console.users.model.refresh()
    qtbot.waitUntil(lambda: len(console.users.model.rows) == 3)
    console.audit.verify()
    qtbot.waitUntil(lambda: console.audit.verification is not None)
    console.audit.load()
    qtbot.waitUntil(lambda: len(console.audit.entries) > 10)
    qtbot.waitUntil(lambda: not console.dashboard.runner.busy)
    for language, users_tab in (("en", "&Users"), ("nl", "&Gebruikers")):
        install_language(language)  # Qt posts LanguageChange to every widget
        qtbot.waitUntil(lambda tab=users_tab: console.tabs.tabText(1) == tab)  # type: ignore[misc]
        for number, view in enumerate(
            (console.dashboard, console.users, console.audit, console.policy)
        ):
            console.tabs.setCurrentWidget(view)
            console.users.table.selectRow(1)
            path = shoot(console, f"5{number}-admin-{type(view).__name__.lower()}")
            assert path.stat().st_size > 10_000
    assert console.users.model.cell(console.users.model.rows[1], 3) == "actief"


def test_signals_emitted_while_scrolling_leave_pythons_true_alone(
    qtbot: QtBot, service: AuthService, admin: Actor, admin_app: tuple[Session, str]
) -> None:
    """Every page fetched emits signals; PySide6 6.12.0's emit() dropped a reference to True
    each time, and the process aborted once it reached zero (pyproject excludes 6.12.0)."""
    import sys

    from desktop_auth.gui.admin.users_model import UsersModel

    model = UsersModel(service)
    before = sys.getrefcount(True)
    for _ in range(200):
        model.page_loaded.emit(0)
    assert sys.getrefcount(True) - before > -50  # 6.12.0: exactly -200


def test_import_users_from_csv_reports_bad_rows_then_imports_all(
    qtbot: QtBot,
    console: AdminConsole,
    service: AuthService,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issue 9 from the console: one bad row imports nothing; a good file imports all."""
    from desktop_auth.gui.admin.rollout_dialogs import ImportUsersDialog

    console.tabs.setCurrentWidget(console.users)
    click_when_ready(qtbot, console.users.import_button)
    dialog = wait_visible(qtbot, ImportUsersDialog)
    assert isinstance(dialog, ImportUsersDialog)
    bad = tmp_path / "bad.csv"
    bad.write_text("email,name\ngoed@example.nl,Goed\nkapot,Fout\n", encoding="utf-8")
    dialog.import_file(bad)
    qtbot.waitUntil(lambda: "Nothing was imported" in dialog.report.toPlainText())
    assert "3: kapot — Enter a valid e-mail address" in dialog.report.toPlainText()
    assert service.accounts.page(search="goed") == []
    shoot(dialog, "63-admin-import-refused")  # before any password is on the screen
    good = tmp_path / "good.csv"
    good.write_text("email,name,role\nnina@example.nl,Nina,\nomar@example.nl,Omar,admin\n")
    dialog.import_file(good)
    qtbot.waitUntil(lambda: "Imported 2 users" in dialog.report.toPlainText())
    line = next(li for li in dialog.report.toPlainText().splitlines() if "nina@" in li)
    password = line.split()[-1]
    first = service.sign_in.with_password("nina@example.nl", password)
    assert first.outcome is SignInOutcome.MUST_CHANGE_PASSWORD

    # 350 new users are handed their passwords on slips or by mail merge (issue 19).
    assert dialog.print_button.isEnabled() and dialog.save_button.isEnabled()
    saved = tmp_path / "passwords.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(saved), ""))
    dialog.save_button.click()
    assert saved.stat().st_mode & 0o777 == 0o600
    rows = saved.read_text(encoding="utf-8").splitlines()
    assert rows[0] == "email,temporary_password" and f"nina@example.nl,{password}" in rows
    slips = tmp_path / "slips.pdf"
    print_to_file(qtbot, dialog.print_button, slips)
    qtbot.waitUntil(lambda: dialog.saved.text() == "Sent to the printer.")
    pages = pdf_text(slips).split("\f")
    assert len([page for page in pages if page.strip()]) == 2  # a slip per new user
    assert password in pages[0].replace("\n", "") and "omar@example.nl" in pages[1]
    assert slips.stat().st_mode & 0o777 == 0o600

    dialog.reject()
    assert dialog.report.toPlainText() == ""  # the passwords are gone from the screen
    assert dialog.created is None and not dialog.print_button.isEnabled()
    assert service.accounts.get("omar@example.nl").role == "admin"


def test_switch_off_old_methods_from_the_console(
    qtbot: QtBot,
    console: AdminConsole,
    service: AuthService,
    admin: Actor,
    clock: PinnedClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from PySide6.QtWidgets import QMessageBox

    from desktop_auth.gui.admin.rollout_dialogs import RetireDialog

    jan = make_user_with_app(service, admin, clock, "jan@example.nl")
    console.tabs.setCurrentWidget(console.users)
    click_when_ready(qtbot, console.users.retire_button)
    dialog = wait_visible(qtbot, RetireDialog)
    assert isinstance(dialog, RetireDialog)
    monkeypatch.setattr(QMessageBox, "question", lambda *_a, **_k: QMessageBox.StandardButton.Yes)
    dialog.retire_button.click()
    qtbot.waitUntil(lambda: "Switched off" in dialog.result_text.text(), timeout=10_000)
    shoot(dialog, "64-admin-retire")
    # The admin's own app and Jan's: both authenticator apps are off.
    assert dialog.result_text.text() == "Switched off 2 methods of 2 users."
    assert service.accounts.methods(jan.email) == []
    result = service.sign_in.with_password(jan.email, USER_PASSWORD)
    assert result.outcome is SignInOutcome.SETUP_REQUIRED


@pytest.mark.usefixtures("restore_palette")
def test_the_audit_verdict_and_the_dashboard_read_on_a_dark_window(
    qtbot: QtBot, console: AdminConsole
) -> None:
    """The console's colours come from the palette, as the employee screens' do."""
    QApplication.setPalette(dark_palette())
    audit = console.audit
    console.tabs.setCurrentWidget(audit)
    click_when_ready(qtbot, audit.verify_button)
    qtbot.waitUntil(lambda: audit.verification is not None or audit.error.isVisible())
    assert audit.verification is not None, audit.error.text()  # a refusal says which
    qtbot.waitUntil(lambda: audit.verdict.text().startswith("Intact"))
    assert text_contrast(console, audit.verdict) >= MIN_CONTRAST  # #1e7d32 gave 3.1:1
    shoot(console, "70-admin-audit-verified", folder="dark")
    console.tabs.setCurrentWidget(console.dashboard)
    chart = console.dashboard.chart
    bar = chart.palette().color(QPalette.ColorRole.Highlight)
    track = chart.palette().color(QPalette.ColorRole.Mid)
    assert contrast_ratio(bar, track) >= 3  # the share stands out from the rest of its track
    shoot(console, "71-admin-dashboard", folder="dark")


def test_a_confirmed_action_acts_on_the_user_it_named(
    qtbot: QtBot, console: AdminConsole, service: AuthService, admin: Actor
) -> None:
    """The table may change under an open confirmation (pages refetched, another search):
    Yes acts on the user the question named, not on whoever is selected by then."""
    for email, name in (("anna@example.nl", "Anna"), ("bert@example.nl", "Bert")):
        service.accounts.create(actor=admin, email=email, display_name=name)
    console.tabs.setCurrentWidget(console.users)
    select_user(qtbot, console, "anna@example.nl")
    click_when_ready(qtbot, console.users.disable_button)
    box = wait_visible(qtbot, QMessageBox)
    assert isinstance(box, QMessageBox) and "anna@example.nl" in box.text()
    type_into(qtbot, console.users.search, "bert@example.nl")  # meanwhile, the table moves on
    qtbot.waitUntil(lambda: [r.user.email for r in console.users.model.rows] == ["bert@example.nl"])
    console.users.table.selectRow(0)
    box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: service.accounts.get("anna@example.nl").disabled, timeout=10_000)
    assert not service.accounts.get("bert@example.nl").disabled


@pytest.mark.parametrize("language", ["en", "nl"])
def test_every_users_table_header_is_shown_whole(
    qtbot: QtBot, console: AdminConsole, language: str
) -> None:
    """Tried (issue 19): "2FA deadline" was cut off, on a desktop whose font is larger
    than the offscreen one."""
    users = console.users
    console.tabs.setCurrentWidget(users)
    header = users.table.horizontalHeader()
    larger = QFont(header.font())
    larger.setPointSizeF(larger.pointSizeF() * 1.6)
    header.setFont(larger)
    install_language(language)  # the texts are set anew, and the widths with them
    QApplication.sendPostedEvents()  # LanguageChange reaches every widget now
    qtbot.waitUntil(lambda: users.model.rowCount() > 0)
    cut = [
        str(users.model.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole))
        for c in range(users.model.columnCount())
        if header.sectionSize(c) < header.sectionSizeHint(c)
    ]
    assert cut == []
    assert clipped_texts(console) == []
    shoot(console, "62-admin-users-headers")
