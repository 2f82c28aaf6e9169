"""The `anju` command: Django management with Anju's settings, plus the pure tools that need no database.

Every error a user can act on (a bad argument, a missing file or folder, an unknown user or id)
ends the command with one line in Chinese and English on stderr and exit code 2, never a Python
traceback; `--traceback` still shows one. Errors that are bugs keep their traceback.
"""

from __future__ import annotations

import errno
import os
import sys

EXIT_USAGE = 2

_OS_ZH = {
    errno.ENOENT: "文件或文件夹不存在", errno.ENOTDIR: "路径中有一段不是文件夹", errno.EISDIR: "这是文件夹，不是文件",
    errno.EACCES: "没有权限", errno.EPERM: "没有权限", errno.ENOSPC: "磁盘空间不足", errno.EROFS: "磁盘只读",
    errno.EEXIST: "已经存在",
}


def os_error_line(error: OSError) -> str:
    """An OSError as one line in Chinese and English, naming the path."""
    where = error.filename if error.filename is not None else ""
    zh = _OS_ZH.get(error.errno or 0, "系统错误")
    en = (error.strerror or str(error)).rstrip(".")
    return f"{where}：{zh} / {where}: {en}" if where else f"{zh} / {en}"


def error_line(error: BaseException) -> str | None:
    """The one line for an error the user can act on; None for a bug (which keeps its traceback)."""
    from django.core.management.base import CommandError

    from anju.core.errors import AnjuError
    from anju.domain.errors import DomainError

    if isinstance(error, (AnjuError, DomainError)):
        return f"{error.zh} / {error.en}"
    if isinstance(error, OSError):
        return os_error_line(error)
    if isinstance(error, CommandError):
        text = " ".join(str(error).split())
        if text.startswith("Error: "):  # the argument parser's words
            return f"参数有误 / bad arguments: {text.removeprefix('Error: ')}"
        return text
    return None


def run_command(name: str, argv: list[str]) -> int:
    """Run one management command like Django's run_from_argv, with Anju's one-line errors."""
    from django.core.management import get_commands, load_command_class
    from django.core.management.base import SystemCheckError, handle_default_options
    from django.db import connections

    shown = f"anju {name.replace('_', '-')}"
    app = get_commands()[name]
    command = app if not isinstance(app, str) else load_command_class(app, name)
    command._called_from_command_line = False  # the parser raises CommandError instead of printing usage
    parser = command.create_parser("anju", name)
    traceback = "--traceback" in argv
    try:
        options = parser.parse_args(argv)
        cmd_options = vars(options)
        args = cmd_options.pop("args", ())
        handle_default_options(options)
        command.execute(*args, **cmd_options)
    except SystemCheckError as error:
        command.stderr.write(str(error), lambda x: x)  # a list of problems, formatted by Django
        return 1
    except Exception as error:
        line = error_line(error)
        if line is None or traceback:
            raise
        sys.stderr.write(f"{shown}: {line}（{shown} --help）\n" if line.startswith("参数有误") else f"{shown}: {line}\n")
        # A writer left half-way (openpyxl's write-only sheet) complains when it is collected at exit:
        # the one line above has said what went wrong, so that noise is not printed after it.
        sys.unraisablehook = lambda unraisable: None
        return EXIT_USAGE
    finally:
        connections.close_all()
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "costshare":
        from anju.domain.costshare.cli import main as costshare

        return costshare(argv[1:])
    if argv and argv[0] == "consent":
        from anju.domain.consent.cli import main as consent

        return consent(argv[1:])
    if argv and not argv[0].startswith("-"):
        argv[0] = argv[0].replace("-", "_")  # `anju import-roster` runs the import_roster command
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anju.settings")
    import django
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line, get_commands

    try:  # unsafe or missing settings (a development key in production): one line, not a traceback
        settings.INSTALLED_APPS  # noqa: B018  (reading it loads the settings)
    except ImproperlyConfigured as unsafe:
        print(f"anju: {unsafe}", file=sys.stderr)
        return EXIT_USAGE

    if not argv or argv[0].startswith("-") or argv[0] in ("help", "version") or "-h" in argv or "--help" in argv:
        execute_from_command_line(["anju", *argv])
        return 0
    django.setup()
    if argv[0] not in get_commands():
        sys.stderr.write(f"anju: 没有命令“{argv[0].replace('_', '-')}”，用 anju help 查看全部命令 / "
                         f"no command “{argv[0].replace('_', '-')}”; anju help lists them\n")
        return EXIT_USAGE
    return run_command(argv[0], argv[1:])


if __name__ == "__main__":
    sys.exit(main())
