"""A log filter that blanks anything shaped like an ID number or a mainland phone."""

from __future__ import annotations

import logging
import re

_PERSONAL = re.compile(r"(?<!\d)(\d{17}[\dXx]|1[3-9]\d{9})(?!\d)")


class ScrubPersonalData(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        scrubbed = _PERSONAL.sub("[已隐去]", message)
        if scrubbed != message:
            record.msg, record.args = scrubbed, None
        return True
