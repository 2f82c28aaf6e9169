"""Irreversible actions ask first, naming what will happen (anju.js reads `data-confirm`).

Each form that posts one of these actions carries a Chinese question on the form or its button; the
browser test (tests/e2e/test_confirm_browser.py) checks that the dialog shows and that "no" sends nothing.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR) / "anju"

# (template, the action's URL name, the button text people click)
IRREVERSIBLE = [
    ("consultations/templates/consultations/detail.html", "consultations:close", "截止"),
    ("consultations/templates/consultations/detail.html", "consultations:next_round", "下一轮"),
    ("consultations/templates/consultations/detail.html", "consultations:resolve", "以此为准"),
    ("consultations/templates/consultations/owner_conflicts.html", "consultations:owner_settle", "以此为准"),
    ("programme/templates/programme/project.html", "programme:stage_sign_off", "签认完成"),
    ("participation/templates/participation/suggestion.html", "participation:suggestion_act", "办结"),
    ("participation/templates/participation/notice_detail.html", "participation:notice_publish", "撤回"),
]
FORM = re.compile(r"<form\b[^>]*>.*?</form>", re.S)
# The attribute's value: text, {{ variables }} and {% tags %} (whose own quotes do not end it).
CONFIRM = re.compile(r'data-confirm="((?:\{%[^%]*%\}|\{\{[^}]*\}\}|[^"{])*)"')


def forms_of(template: str, url_name: str, text: str) -> list[str]:
    source = (ROOT / template).read_text(encoding="utf-8")
    return [f for f in FORM.findall(source) if f"'{url_name}'" in f and text in f]


def test_every_irreversible_action_asks_naming_what_will_happen():
    for template, url_name, text in IRREVERSIBLE:
        forms = forms_of(template, url_name, text)
        assert forms, f"{template}: no form for {url_name} with “{text}”"
        for form in forms:
            # The question sits on the form or on its button (a form with several buttons).
            questions = CONFIRM.findall(form)
            assert questions, f"{template}: {url_name} ({text}) submits without asking"
            question = questions[0]
            # A sentence that says what happens, then the question: not a bare "确定吗？".
            assert question.count("。") >= 1 and re.search(r"[吗？]", question) and len(question) > 25, question


def test_the_shared_script_reads_the_question_from_the_form_or_its_button():
    script = (ROOT / "core/static/core/anju.js").read_text(encoding="utf-8")
    assert "event.submitter" in script and "window.confirm" in script
