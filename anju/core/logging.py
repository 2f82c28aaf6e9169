"""Blank anything shaped like an ID number or a phone in every log record of the process.

`scrub` knows the spellings people type and URLs carry (spaces, dashes, +86, full-width digits,
%20 and + in a query string). `install()` puts it into the log record factory, so every logger is
covered whatever its handlers: root, django.* (django.server has a handler of its own), gunicorn's
error and access logs, the task worker's, a library's. Django installs it through
`LOGGING_CONFIG = "anju.core.logging.configure"`, gunicorn through
`anju.core.gunicorn_logging.ScrubbingLogger`. The `ScrubPersonalData` filter does the same for a
handler configured elsewhere (a --log-config file).
"""

from __future__ import annotations

import logging
import logging.config
import re
import traceback
from typing import Any

BLANK = "[已隐去]"

_DIGIT = "[0-9\uff10-\uff19]"  # ASCII and full-width
_NOT_DIGIT_BEFORE = "(?<![0-9\uff10-\uff19])"
_NOT_DIGIT_AFTER = "(?![0-9\uff10-\uff19])"
# What may stand between the digit groups: spaces (also as %20 and + in a query string), dashes,
# parentheses and the ideographic space.
_SEP = r"(?:[ \t\-()\u3000\uff0d（）+]|%20|%2[dD]|%E3%80%80)*"
_PHONE = rf"(?:(?:\+|%2[bB]|\uff0b|00)?86{_SEP})?[1\uff11]{_SEP}[3-9\uff13-\uff19](?:{_SEP}{_DIGIT}){{9}}"
# A fixed line with its area code (0731-88881234); local numbers start with 2-9.
_FIXED_LINE = rf"[0\uff10][1-9\uff11-\uff19](?:{_SEP}{_DIGIT}){{1,2}}{_SEP}[2-9\uff12-\uff19](?:{_SEP}{_DIGIT}){{6,7}}"
_ID_NUMBER = rf"{_DIGIT}(?:{_SEP}{_DIGIT}){{16}}{_SEP}[0-9\uff10-\uff19Xx\uff38\uff58]"
_PERSONAL = re.compile(f"{_NOT_DIGIT_BEFORE}(?:{_ID_NUMBER}|{_PHONE}|{_FIXED_LINE}){_NOT_DIGIT_AFTER}")


# A letter's voting code in its QR link (/consultations/v/<code>/): whoever reads it can vote.
_LETTER_CODE = re.compile(r"(/consultations/v/)(?!receipt/)[A-Za-z0-9%+\-]{12,80}")


def scrub(text: str) -> str:
    """`text` with every ID number, mobile, fixed line and letter code replaced by [已隐去]."""
    return _LETTER_CODE.sub(r"\1" + BLANK, _PERSONAL.sub(BLANK, text))


def contains_personal_number(text: str) -> bool:
    """Whether `text` holds something `scrub` would blank."""
    return _PERSONAL.search(text) is not None


def scrub_record(record: logging.LogRecord) -> logging.LogRecord:
    """Blank personal numbers in the record's message, its exception trace and its stack."""
    try:
        message = record.getMessage()
    except Exception:  # a broken format string: leave it for logging to report as it always does
        return record
    scrubbed = scrub(message)
    if scrubbed != message:
        record.msg, record.args = scrubbed, None
    if record.exc_info and not record.exc_text:
        record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
    if record.exc_text:
        record.exc_text = scrub(record.exc_text)
    if record.stack_info:
        record.stack_info = scrub(record.stack_info)
    return record


class ScrubPersonalData(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        scrub_record(record)
        return True


def install() -> None:
    """Scrub every log record this process creates, from any logger (idempotent)."""
    factory = logging.getLogRecordFactory()
    if getattr(factory, "scrubs_personal_data", False):
        return

    def scrubbing_factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        return scrub_record(factory(*args, **kwargs))

    scrubbing_factory.scrubs_personal_data = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(scrubbing_factory)


def configure(config: dict[str, Any]) -> None:
    """Django's LOGGING_CONFIG: the scrubbing factory first, then the LOGGING dictionary."""
    install()
    logging.config.dictConfig(config)
