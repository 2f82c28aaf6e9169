"""Fill English msgstr entries of anju/locale/en/LC_MESSAGES/django.po from tools/en*.json.

Usage: python tools/fill_po.py  (after `anju makemessages -l en`); then `anju compilemessages`.
Prints the msgids that still have no English so a reviewer can add them to en.json.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "anju/locale/en/LC_MESSAGES/django.po"
TABLES = sorted((ROOT / "tools").glob("en*.json"))

ENTRY = re.compile(r'(?ms)^(msgid (?:"(?:[^"\\]|\\.)*"\n)+)(msgid_plural (?:"(?:[^"\\]|\\.)*"\n)+)?((?:msgstr(?:\[\d\])? (?:"(?:[^"\\]|\\.)*"\n)+)+)')


def _join(block: str) -> str:
    return "".join(json.loads(part) for part in re.findall(r'"(?:[^"\\]|\\.)*"', block))


def main() -> int:
    table: dict[str, str] = {}
    for path in TABLES:  # tools/en.json plus one tools/en_<app>.json per capability
        table.update(json.loads(path.read_text(encoding="utf-8")))
    text = PO.read_text(encoding="utf-8")
    missing: list[str] = []

    def fill(m: re.Match) -> str:
        msgid = _join(m.group(1))
        if not msgid:
            return m.group(0)
        english = table.get(msgid)
        if english is None:
            missing.append(msgid)
            return m.group(0)
        quoted = json.dumps(english, ensure_ascii=False)
        if m.group(2):
            plural = json.dumps(table.get(msgid + "|plural", english), ensure_ascii=False)
            return f"{m.group(1)}{m.group(2)}msgstr[0] {quoted}\nmsgstr[1] {plural}\n"
        return f"{m.group(1)}msgstr {quoted}\n"

    text = ENTRY.sub(fill, text)
    text = text.replace("#, fuzzy\n", "")
    PO.write_text(text, encoding="utf-8")
    for msgid in missing:
        print("missing:", msgid)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
