"""`anju costshare --input FILE|- [--format json|table] [--lang zh|en]`: shares from a JSON quote."""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from collections.abc import Sequence
from decimal import Decimal
from typing import TextIO

from anju.domain.errors import DomainError

from .engine import allocate_quote
from .jsonio import allocation_to_json, quote_from_json
from .model import Allocation
from .money import format_yuan

EXIT_OK = 0
EXIT_INVALID = 2


class _Stop(Exception):
    def __init__(self, status: int, message: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class _Parser(argparse.ArgumentParser):
    """argparse that reports through our streams instead of exiting the process."""

    def __init__(self, *args: object, out: TextIO, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._out = out

    def _print_message(self, message: str, file: object = None) -> None:
        if message:
            self._out.write(message)

    def exit(self, status: int = 0, message: str | None = None) -> None:  # type: ignore[override]
        raise _Stop(status, message or "")

    def error(self, message: str) -> None:  # type: ignore[override]
        raise _Stop(EXIT_INVALID, f"{self.prog}: {message}\n")


def main(argv: Sequence[str] | None = None, *, stdin: TextIO | None = None, stdout: TextIO | None = None,
         stderr: TextIO | None = None) -> int:
    """Run the command; 0 on success, 2 on invalid input (message on stderr, nothing on stdout)."""
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    parser = _Parser(prog="anju costshare", out=stdout,
                     description="Elevator cost shares from a JSON quote (issue 4 §2). 电梯费用分摊。")
    parser.add_argument("--input", required=True, metavar="FILE|-", help="JSON quote, or - for standard input")
    parser.add_argument("--format", choices=("json", "table"), default="json")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of the steps")
    try:
        args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    except _Stop as stop:
        (stderr if stop.status else stdout).write(stop.message)
        return stop.status
    try:
        text = stdin.read() if args.input == "-" else _read(args.input)
        try:
            data = json.loads(text, parse_float=Decimal)
        except json.JSONDecodeError as error:
            raise DomainError(f"输入不是有效的 JSON（第 {error.lineno} 行第 {error.colno} 列）：{error.msg}",
                              f"input is not valid JSON (line {error.lineno}, column {error.colno}): {error.msg}",
                              field="input") from None
        allocation = allocate_quote(quote_from_json(data))
    except DomainError as error:
        stderr.write(f"anju costshare: {error.field or 'input'}: {error.zh} / {error.en}\n")
        return EXIT_INVALID
    language = "zh-hans" if args.lang == "zh" else "en"
    if args.format == "json":
        output = json.dumps(allocation_to_json(allocation, language), ensure_ascii=False, indent=2) + "\n"
    else:
        output = render_table(allocation, language)
    stdout.write(output)
    return EXIT_OK


def _read(path: str) -> str:
    try:
        with open(path, encoding="utf-8-sig") as handle:
            return handle.read()
    except (OSError, UnicodeDecodeError) as error:
        raise DomainError(f"无法读取输入文件 {path}：{error}", f"cannot read input file {path}: {error}",
                          field="--input") from None


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, right: bool) -> str:
    fill = " " * (width - _width(text))
    return fill + text if right else text + fill


def render_table(allocation: Allocation, language: str = "zh-hans") -> str:
    """A plain-text table of the shares with the totals above it, for a terminal or a quick print."""
    zh = language.lower().startswith("zh")
    head = ["户号", "楼层", "分摊（元）", "占比 %", "补偿（元）"] if zh else ["id", "floor", "share (yuan)", "%",
                                                                       "compensation"]
    rows = [[s.household_id, str(s.floor), format_yuan(s.amount), format_yuan(s.percent_bp), format_yuan(s.compensation)]
            for s in allocation.shares]
    widths = [max(_width(row[i]) for row in [head, *rows]) for i in range(len(head))]
    lines = [
        (f"方法 {allocation.method}  费用 {format_yuan(allocation.gross)}  补贴 {format_yuan(allocation.subsidy)}  "
         f"补偿 {format_yuan(allocation.compensation)}  净额 {format_yuan(allocation.net)}") if zh else
        (f"method {allocation.method}  costs {format_yuan(allocation.gross)}  subsidies {format_yuan(allocation.subsidy)}  "
         f"compensation {format_yuan(allocation.compensation)}  net {format_yuan(allocation.net)}"),
        "  ".join(_pad(cell, widths[i], i > 0) for i, cell in enumerate(head)),
        "  ".join("-" * w for w in widths),
    ]
    lines += ["  ".join(_pad(cell, widths[i], i > 0) for i, cell in enumerate(row)) for row in rows]
    return "\n".join(lines) + "\n"
