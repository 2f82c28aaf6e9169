"""The `anju` command: Django management with Anju's settings, plus the pure tools that need no database."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "costshare":
        from anju.domain.costshare.cli import main as costshare

        return costshare(argv[1:])
    if argv and argv[0] == "consent":
        from anju.domain.consent_cli import main as consent

        return consent(argv[1:])
    if argv and not argv[0].startswith("-"):
        argv[0] = argv[0].replace("-", "_")  # `anju import-roster` runs the import_roster command
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anju.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:  # unsafe or missing settings (a development key in production): one line, not a traceback
        settings.INSTALLED_APPS  # noqa: B018  (reading it loads the settings)
    except ImproperlyConfigured as unsafe:
        print(f"anju: {unsafe}", file=sys.stderr)
        return 2

    execute_from_command_line(["anju", *argv])
    return 0


if __name__ == "__main__":
    sys.exit(main())
