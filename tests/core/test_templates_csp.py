"""No template carries what the Content-Security-Policy refuses: inline scripts, handlers, styles, eval.

The browser walk (tests/e2e/test_csp_browser.py) proves the pages pass; this finds the line to fix
in a template a walk might not reach, and fails before a page is ever opened. PDF templates are
rendered by WeasyPrint, where no policy applies, and may keep their <style>.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

ANJU = Path(settings.BASE_DIR) / "anju"
PDF_TEMPLATES = ("core/print_base.html",)

REFUSED = {
    "inline <script>": re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I),
    "inline event handler": re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I),
    "hx-on handler": re.compile(r"\bhx-on[:\-]", re.I),
    "javascript: link": re.compile(r"javascript:", re.I),
    "style attribute": re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I),
    "<style> block": re.compile(r"<style\b", re.I),
    "js: values (eval)": re.compile(r"hx-va(?:ls|rs)\s*=\s*['\"]\s*(?:js:|javascript:)", re.I),
}
EVAL = re.compile(r"\beval\s*\(|\bnew\s+Function\s*\(|set(?:Timeout|Interval)\s*\(\s*['\"`]")


def page_templates() -> list[Path]:
    found = []
    for path in sorted(ANJU.glob("*/templates/**/*.html")):
        name = path.as_posix().split("/templates/", 1)[1]  # as {% extends %} names it
        if "/print/" in f"/{name}" or name in PDF_TEMPLATES:
            continue
        found.append(path)
    return found


def without_comments(text: str) -> str:
    text = re.sub(r"\{#.*?#\}", "", text, flags=re.S)
    text = re.sub(r"\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}", "", text, flags=re.S)
    return re.sub(r"<!--.*?-->", "", text, flags=re.S)


def test_the_templates_are_found():
    names = {p.name for p in page_templates()}
    assert {"base.html", "calculator.html", "vote.html", "index.html"} <= names
    assert not any("/print/" in p.as_posix() for p in page_templates())


@pytest.mark.parametrize("path", page_templates(), ids=lambda p: p.relative_to(ANJU).as_posix())
def test_a_page_template_has_nothing_the_policy_refuses(path):
    text = without_comments(path.read_text(encoding="utf-8"))
    problems = []
    for what, pattern in REFUSED.items():
        for match in pattern.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            problems.append(f"{path.relative_to(ANJU)}:{line}: {what}: {match.group(0)[:80]}")
    assert not problems, "\n".join(problems)


def test_our_scripts_do_not_evaluate_strings():
    scripts = sorted(ANJU.glob("*/static/**/*.js"))
    assert scripts
    problems = [f"{p.relative_to(ANJU)}: {m.group(0)}" for p in scripts for m in EVAL.finditer(p.read_text(encoding="utf-8"))]
    assert not problems, problems


def test_the_policy_allows_no_inline_script_no_eval_and_no_inline_style():
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    for name in ("script-src", "style-src"):
        assert directives[name] == ["'self'"], name
    assert directives["object-src"] == ["'none'"] and directives["frame-ancestors"] == ["'none'"]
