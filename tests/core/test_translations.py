"""The English catalogue is complete and the compiled file the server reads is the one in git.

The .po file is where translations live (CONTRIBUTING.md, "Translations"): an entry makemessages
adds without English, or marks fuzzy, fails here instead of showing Chinese on an English page.
"""

from __future__ import annotations

import gettext
import json
import re
from pathlib import Path

from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "anju/locale/en/LC_MESSAGES"
QUOTED = r'"(?:[^"\\]|\\.)*"'
STRING = QUOTED + r"\n"
ENTRY = re.compile(rf"(?ms)^(?P<comments>(?:#[^\n]*\n)*)(?:msgctxt (?P<ctx>(?:{STRING})+))?msgid (?P<id>(?:{STRING})+)"
                   rf"(?:msgid_plural (?P<plural>(?:{STRING})+))?(?P<strs>(?:msgstr(?:\[\d\])? (?:{STRING})+)+)")


def _text(block: str | None) -> str:
    return "".join(json.loads(part) for part in re.findall(QUOTED, block or ""))


def entries(po: Path) -> list[dict]:
    found = []
    for m in ENTRY.finditer(po.read_text(encoding="utf-8")):
        strs = [_text(s) for s in re.findall(rf"msgstr(?:\[\d\])? ((?:{STRING})+)", m["strs"])]
        found.append({"ctx": _text(m["ctx"]), "id": _text(m["id"]), "plural": _text(m["plural"]), "strs": strs,
                      "fuzzy": "#, fuzzy" in m["comments"] or ", fuzzy" in m["comments"]})
    return found


def test_every_message_has_english_and_none_is_fuzzy():
    messages = [e for e in entries(LOCALE / "django.po") if e["id"]]
    assert len(messages) > 900  # the parser read the catalogue, not nothing
    untranslated = [e["id"] for e in messages if not all(e["strs"])]
    fuzzy = [e["id"] for e in messages if e["fuzzy"]]
    assert untranslated == [] and fuzzy == []


def test_the_committed_mo_is_the_po_compiled():
    compiled = gettext.GNUTranslations((LOCALE / "django.mo").open("rb"))._catalog  # type: ignore[attr-defined]
    expected: dict = {}
    for e in entries(LOCALE / "django.po"):
        if not e["id"]:
            continue
        key = f"{e['ctx']}\x04{e['id']}" if e["ctx"] else e["id"]
        if e["plural"]:
            expected.update({(key, i): s for i, s in enumerate(e["strs"])})
        else:
            expected[key] = e["strs"][0]
    compiled = {k: v for k, v in compiled.items() if k != ""}  # the header
    stale = sorted(str(k) for k in set(expected) | set(compiled) if expected.get(k) != compiled.get(k))
    assert stale == [], "run `anju compilemessages -l en` and commit django.mo"
