"""Languages: Qt's translator for widget texts, the message catalogue for core errors.

Widget texts go through ``tr()`` and the ``.qm`` files built from
``resources/translations/desktop_auth_<lang>.ts``; errors from below the GUI
carry a message key that ``desktop_auth.messages`` translates.  One language is
current for both at any time; switching sends Qt's LanguageChange event, on
which every screen sets its texts again.
"""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import QCoreApplication, QDate, QLibraryInfo, QLocale, QTranslator

from desktop_auth.errors import DesktopAuthError, WeakPasswordError
from desktop_auth.messages import DEFAULT_LANGUAGE, SUPPORTED_LANGUAGES, translate
from desktop_auth.resources import resource_path

#: The Qt message file of each language but English (the source language).
QM_FILES = {"nl": "translations/desktop_auth_nl.qm"}

_state: dict[str, object] = {"language": DEFAULT_LANGUAGE, "translators": []}


def current_language() -> str:
    language = _state["language"]
    assert isinstance(language, str)
    return language


def install_language(language: str) -> None:
    """Make ``language`` current for Qt's translator and for core messages."""
    app = QCoreApplication.instance()
    if language not in SUPPORTED_LANGUAGES:
        language = DEFAULT_LANGUAGE
    old = _state["translators"]
    assert isinstance(old, list)
    if app is not None:
        for translator in old:
            app.removeTranslator(translator)
    translators: list[QTranslator] = []
    if language in QM_FILES and app is not None:
        ours = QTranslator(app)
        if not ours.load(str(resource_path(QM_FILES[language]))):
            raise OSError(f"cannot load the {language} translation")
        qt_own = QTranslator(app)  # Qt's own dialogs (file chooser, print dialog)
        if qt_own.load(
            f"qtbase_{language}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        ):
            translators.append(qt_own)
        translators.append(ours)
        for translator in translators:
            app.installTranslator(translator)
    _state["translators"] = translators
    _state["language"] = language
    QLocale.setDefault(QLocale(language))


def error_text(error: DesktopAuthError) -> str:
    """The plain-words message for an error from the core, in the current language."""
    language = current_language()
    text = translate(error.message_key, language, **error.params)
    if isinstance(error, WeakPasswordError):
        reasons = [
            translate(f"password.problem.{r}", language, **error.params) for r in error.reasons
        ]
        text = "\n".join([text, *(f"• {reason}" for reason in reasons)])
    return text


def message(key: str, **params: object) -> str:
    """A message from the catalogue (kinds of methods, password problems)."""
    return translate(key, current_language(), **params)


def local_time(moment: datetime | None) -> str:
    """A moment as this user reads a clock: local time, with the date when not today."""
    if moment is None:
        return "—"
    local = moment.astimezone()
    if local.date() == datetime.now().astimezone().date():
        return local.strftime("%H:%M")
    return local.strftime("%Y-%m-%d %H:%M")


def local_date(day: date) -> str:
    """A day as the current language writes it in full ("vrijdag 1 januari 2027"), never
    digits that read differently per country (issue 19)."""
    return QLocale().toString(QDate(day.year, day.month, day.day), QLocale.FormatType.LongFormat)
