"""`anju consent --input FILE|-`: evaluate a vote from JSON, print the result as JSON (issue 5 §1).

The input and output documents are described in `anju.domain.consent.jsonio`.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from decimal import Decimal
from typing import NoReturn, TextIO

from anju.domain.errors import DomainError

from .jsonio import evaluate_json


def main(argv: Sequence[str] | None = None, *, stdin: TextIO | None = None, stdout: TextIO | None = None,
         stderr: TextIO | None = None) -> int:
    """Run `anju consent --input FILE|-`; 0 with the result on stdout, 2 for invalid input."""
    stdin, stdout, stderr = stdin or sys.stdin, stdout or sys.stdout, stderr or sys.stderr
    parser = argparse.ArgumentParser(prog="anju consent", description=__doc__.splitlines()[0])
    parser.add_argument("--input", required=True, metavar="FILE|-", help="JSON input; - reads stdin")

    def one_line(message: str) -> NoReturn:  # argparse's usage block would make it several lines
        print(f"anju consent: 参数有误 / bad arguments: {message}", file=stderr)
        raise SystemExit(2)

    parser.error = one_line  # type: ignore[method-assign]
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    try:
        if args.input == "-":
            text = stdin.read()
        else:
            with open(args.input, encoding="utf-8") as f:
                text = f.read()
    except OSError as error:
        print(f"anju consent: input: 无法读取 {args.input} / cannot read {args.input}: {error.strerror}", file=stderr)
        return 2
    try:
        document = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as error:
        print(f"anju consent: input: JSON 无效（第 {error.lineno} 行第 {error.colno} 列）/ invalid JSON at line "
              f"{error.lineno}, column {error.colno}: {error.msg}", file=stderr)
        return 2
    try:
        output = evaluate_json(document)
    except DomainError as error:
        print(f"anju consent: {error.field}: {error.zh} / {error.en}", file=stderr)
        return 2
    json.dump(output, stdout, ensure_ascii=False, indent=2)
    stdout.write("\n")
    return 0

