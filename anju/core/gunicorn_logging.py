"""gunicorn's logger with no ID number or phone in any field it writes: `--logger-class
anju.core.gunicorn_logging.ScrubbingLogger`.

The access log's atoms (request line, path, query string, referer, user agent, any header or
environ value) are scrubbed one by one, after percent-decoding where that reveals a number
(`%EF%BC%91…` full-width digits, `%2B86+138…`); the finished line and every error-log line are
scrubbed again by the record factory that `anju.core.logging.install` puts in place, and each
handler gunicorn sets up carries the filter too (for handlers a --log-config file adds).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote_plus

from gunicorn.config import Config
from gunicorn.glogging import Logger, SafeAtoms

from anju.core.logging import ScrubPersonalData, install, scrub


def scrub_atom(value: str) -> str:
    """One logged field without personal numbers: as sent when it holds none, else decoded and blanked."""
    decoded = unquote_plus(value)
    blanked = scrub(decoded)
    if blanked == decoded:
        return scrub(value)
    return blanked.replace('"', '\\"')


class ScrubbedAtoms(SafeAtoms):
    """gunicorn's atoms, each scrubbed when the format reads it (only the fields logged cost anything)."""

    def __getitem__(self, key: str) -> Any:
        value = super().__getitem__(key)
        return scrub_atom(value) if isinstance(value, str) else value


class ScrubbingLogger(Logger):
    atoms_wrapper_class = ScrubbedAtoms

    def setup(self, cfg: Config) -> None:
        install()
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                if not any(isinstance(f, ScrubPersonalData) for f in handler.filters):
                    handler.addFilter(ScrubPersonalData())


__all__ = ["ScrubbedAtoms", "ScrubbingLogger", "scrub_atom"]
