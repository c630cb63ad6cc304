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
from PySide6.QtWidgets import QDateEdit

from desktop_auth.errors import DesktopAuthError, WeakPasswordError
from desktop_auth.messages import (
    DEFAULT_LANGUAGE,
    SUPPORTED_LANGUAGES,
    error_message,
    translate,
)
from desktop_auth.resources import resource_path

# The Qt message file of each language; English's holds only plural forms ("%n codes":
# "1 code", "2 codes"), the rest is the source text itself.
QM_FILES = {"en": "translations/desktop_auth_en.qm", "nl": "translations/desktop_auth_nl.qm"}

_state: dict[str, object] = {"language": DEFAULT_LANGUAGE, "translators": []}

# One way to write a day per language, on every screen and in every date field: the
# month in words, so that 3/12 never reads as March to one colleague and December to
# the next (issue 19 found three formats on Dutch screens).
DATE_FORMAT = "d MMMM yyyy"
# The country whose conventions each language follows (our English is British).
LOCALES = {
    "en": (QLocale.Language.English, QLocale.Country.UnitedKingdom),
    "nl": (QLocale.Language.Dutch, QLocale.Country.Netherlands),
}


def ui_locale(language: str | None = None) -> QLocale:
    return QLocale(*LOCALES.get(language or current_language(), LOCALES[DEFAULT_LANGUAGE]))


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
    QLocale.setDefault(ui_locale(language))


def error_text(error: DesktopAuthError) -> str:
    """The plain-words message for an error from the core, in the current language."""
    language = current_language()
    text = error_message(error.message_key, language, error.params)
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
    """A moment in local time, always with its day ("Added 19:53" said nothing of when)."""
    if moment is None:
        return "—"
    local = moment.astimezone()
    return f"{local_date(local.date())} {clock_time(local)}"


def clock_time(moment: datetime) -> str:
    """Only the time of day, for a moment minutes away ("try again at 14:05")."""
    return moment.astimezone().strftime("%H:%M")


def use_date_format(edit: QDateEdit) -> None:
    """A date field that writes the day as every screen does."""
    edit.setLocale(ui_locale())
    edit.setDisplayFormat(DATE_FORMAT)


def local_date(day: date) -> str:
    """A day as the current language writes it ("1 januari 2027", "1 January 2027")."""
    return ui_locale().toString(QDate(day.year, day.month, day.day), DATE_FORMAT)
