"""Message catalogue: turns a message key and its parameters into text.

The core never formats user-facing text itself; it names a key.  The CLI prints
``translate(key, …)``; the GUI uses the same catalogue for messages that come
from below it (errors, reasons) beside Qt's own translations for widget labels.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import datetime
from functools import cache

from desktop_auth.resources import resource_path

SUPPORTED_LANGUAGES = ("en", "nl")
DEFAULT_LANGUAGE = "en"


@cache
def catalogue(language: str) -> Mapping[str, str]:
    """Return the messages of one language (keys to format strings)."""
    if language not in SUPPORTED_LANGUAGES:
        language = DEFAULT_LANGUAGE
    import json  # only here: the window paints before any message is needed

    with resource_path(f"translations/messages.{language}.json").open(encoding="utf-8") as fh:
        data: dict[str, str] = json.load(fh)
    return data


def detect_language(environ: Mapping[str, str] | None = None) -> str:
    """Pick the user's language from the usual locale variables (POSIX order)."""
    env = os.environ if environ is None else environ
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(variable, "")
        for candidate in value.split(":"):
            code = candidate.split("_")[0].split(".")[0].lower()
            if code in SUPPORTED_LANGUAGES:
                return code
    if environ is None:
        import locale  # only here: most systems say it in the variables above

        system = locale.getlocale()[0] or ""
        code = system.split("_")[0].lower()
        if code in SUPPORTED_LANGUAGES:
            return code
    return DEFAULT_LANGUAGE


def _format_param(value: object) -> str:
    if isinstance(value, datetime):
        return value.astimezone().strftime("%Y-%m-%d %H:%M")
    return str(value)


#: The parameters a text's number is in: with the number 1, ``<key>.one`` is said where a
#: catalogue has it ("1 code left", not "1 codes left"). English and Dutch both have one
#: singular and one plural, so one extra text per message is all either needs.
COUNT_PARAMETERS = ("count", "left", "tries_left")


def translate(key: str, language: str = DEFAULT_LANGUAGE, /, **params: object) -> str:
    """Return the text for ``key``; an unknown key falls back to English, then the key."""
    if any(params.get(name) == 1 for name in COUNT_PARAMETERS):
        singular = f"{key}.one"
        if singular in catalogue(language) or singular in catalogue(DEFAULT_LANGUAGE):
            key = singular
    template = catalogue(language).get(key) or catalogue(DEFAULT_LANGUAGE).get(key) or key
    return template.format_map({name: _format_param(v) for name, v in params.items()})


def error_message(key: str, language: str, params: Mapping[str, object]) -> str:
    """An error's text; a refused answer that is not yet the last one also says how many
    tries are left (``tries_left``), so the lock never comes as a surprise (issue 19)."""
    text = translate(key, language, **params)
    if "tries_left" in params:
        text = f"{text} {translate('second_step.tries_left', language, **params)}"
    return text
