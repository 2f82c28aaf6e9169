"""No serious or critical accessibility problem on any staff or resident page (axe-core, in a real browser).

axe-core comes from npm (package.json, node_modules/axe-core) and is put into each page by the
browser itself (an init script, which the Content-Security-Policy does not govern), never from a
CDN. The walk:
- staff: a sub-district worker opens every page of tests/test_permission_matrix.py's PAGES that
  they may read, with the ids of the matrix's own objects (community A's side), so a new page
  joins the walk as soon as it has its row there;
- residents (no login): the public pages of PAGES, the letter code's identity check, the ballot
  as the confirmed owner sees it and its receipt, the public ballot list of a closed vote and a
  published notice;
both at desktop size (1366×768) and on a phone (390×844), one browser context per size. The test
fails on any violation of impact serious or critical and prints the rule, the page and the elements.
"""

from __future__ import annotations

import datetime
import time
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD, SYSTEM

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SIZES = {"desktop": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}
FAIL_ON = ("serious", "critical")

# PAGES rows a sub-district worker may read that are not pages: files (PDF, xlsx) the browser
# downloads, and fragments polled into a page (seen there). Every other readable row is walked.
NOT_PAGES = {
    "roster:transfer_template", "programme:progress_template", "participation:notice_pdf",
    "participation:meeting_signin", "dashboard:report", "participation:notice_image", "stewardship:committee_pack",
    "consultations:tally",  # the live tally, swapped into consultations:detail by htmx
    "consultations:elector_choices",  # the paper-ballot picker's choices, swapped into the form by htmx
    "dashboard:work_count",  # the header's 我的待办 badge, swapped into every staff page by htmx
    "accounts:logout",
    "stewardship:fees_pledge_pdf",  # the half-yearly list as a PDF
    "stewardship:disclosure_pdf",  # a 公示 as the A4 notice to post
    "field:sw", "field:manifest",  # the door-to-door app's service worker and manifest: script and JSON
}
# Pages left with serious/critical violations on purpose: name → reason. The goal is none.
ALLOWED: dict[str, str] = {}

AXE = settings.BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"
RUN = r"""async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map(n => n.target.join(" ")),
    summary: (v.nodes[0].failureSummary || "").replace(/\s+/g, " ")}));
}"""


def axe_script() -> Path:
    if not AXE.exists():
        pytest.fail(f"axe-core 未安装，请运行 npm ci / axe-core is missing ({AXE}): run `npm ci`")
    return AXE


class Audit:
    """The violations found, by page and size."""

    def __init__(self) -> None:
        self.found: list[tuple[str, str, str, dict]] = []  # (size, page name, path, violation)
        self.pages = 0
        self.lesser: Counter[str] = Counter()  # moderate and minor (and allowed) nodes, shown, not failed

    def check(self, page, size: str, name: str) -> None:
        page.wait_for_load_state("load")
        page.wait_for_timeout(100)  # htmx swaps (the tally, job status) settle
        self.pages += 1
        path = page.url.split(page.url.split("/")[2], 1)[1]
        for violation in page.evaluate(RUN):
            if violation["impact"] in FAIL_ON and name not in ALLOWED:
                self.found.append((size, name, path, violation))
            else:
                self.lesser[f"{violation['id']} ({violation['impact']})"] += len(violation["targets"])

    def visit(self, page, size: str, name: str, url: str) -> None:
        response = page.goto(url)
        assert response is not None and response.status < 500, f"{url}: HTTP {response and response.status}"
        self.check(page, size, name)

    def report(self) -> str:
        lines = []
        for size, name, path, v in self.found:
            targets = ", ".join(v["targets"][:12]) + (f" … (+{len(v['targets']) - 12})" if len(v["targets"]) > 12 else "")
            lines.append(f"[{size}] {name} {path}: {v['id']} ({v['impact']}, {len(v['targets'])} nodes) {v['help']}: "
                         f"{targets} — first: {v['summary'][:200]}")
        by_rule: Counter[str] = Counter()
        for *_, v in self.found:
            by_rule[v["id"]] += len(v["targets"])
        lines.append(f"nodes by rule: {dict(by_rule.most_common())}")
        return "\n".join(lines)


def staff_pages(side) -> dict[str, str]:
    """Every page of the matrix a sub-district worker may read, at its address for side a's objects."""
    from tests.test_permission_matrix import PAGES, RULES

    urls = {}
    for name, row in PAGES.items():
        if name in NOT_PAGES or RULES[row.read]["subdistrict"]["a"] != "ok":
            continue
        urls[name] = reverse(name, kwargs=row.args(side) if row.args else None)
    return urls


def resident_pages(side) -> dict[str, str]:
    """The matrix's pages anyone may read without logging in."""
    from tests.test_permission_matrix import PAGES, RULES

    return {name: reverse(name, kwargs=row.args(side) if row.args else None) for name, row in PAGES.items()
            if name not in NOT_PAGES and RULES[row.read]["anonymous"]["a"] == "ok"}


@pytest.fixture
def cast(live_server, settings, tmp_path):
    from anju.consultations import services as consultations
    from anju.participation import services as participation
    from anju.participation.models import Suggestion
    from anju.programme import services as programme
    from tests.test_permission_matrix import build_cast

    settings.MEDIA_ROOT = tmp_path / "media"
    users, sides = build_cast()
    # States that bring their own page parts: a closed vote (its correction form, residents' public
    # ballot list), a published notice, a stage signed off (a green row), a suggestion overdue (a pink row).
    consultations.consultation_close(consultation=sides["b"].consultation, actor=SYSTEM)
    participation.notice_publish(notice=sides["a"].notice, actor=SYSTEM)
    programme.stage_sign_off(stage=sides["a"].stage, actual_end=datetime.date.today(), actor=SYSTEM)
    Suggestion.objects.filter(pk=sides["b"].suggestion.pk).update(
        created=timezone.now() - datetime.timedelta(days=90))
    return users, sides


def new_page(browser, size: str):
    context = browser.new_context(viewport=SIZES[size], locale="zh-CN")
    context.add_init_script(path=str(axe_script()))
    page = context.new_page()
    page.set_default_timeout(20000)
    return context, page


def test_no_serious_or_critical_accessibility_violation_on_any_page(browser, live_server, cast):
    from anju.consultations import services as consultations
    from tests.consultations.conftest import issue_letter

    _, sides = cast
    a, b = sides["a"], sides["b"]
    base = live_server.url
    audit = Audit()
    staff = staff_pages(a)
    staff["consultations:detail (closed)"] = reverse("consultations:detail", kwargs={"pk": b.consultation.pk})
    public = resident_pages(a)
    public["consultations:public"] = reverse("consultations:public", kwargs={"pk": b.consultation.pk})
    public["participation:notice"] = reverse("participation:notice", kwargs={"pk": a.notice.pk})
    assert len(staff) > 50 and len(public) > 8, (staff, public)
    started = time.monotonic()
    electors = list(a.consultation.electors.order_by("-key")[:len(SIZES)])  # one who has not voted, per size
    for size, elector in zip(SIZES, electors, strict=True):
        context, page = new_page(browser, size)
        page.goto(f"{base}/accounts/login/")
        page.fill("#id_username", "jiedao")
        page.fill("#id_password", PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        if page.locator(".navbar-toggler").is_visible():  # on the phone the menu is folded: open it once
            page.click(".navbar-toggler")
            page.wait_for_selector("#mainnav.show")
            audit.check(page, size, "menu (opened)")
        for name, url in staff.items():
            audit.visit(page, size, name, base + url)
        context.close()

        context, page = new_page(browser, size)
        for name, url in public.items():
            audit.visit(page, size, name, base + url)
        # The letter's code: the identity check, then a wrong answer's message.
        code, _ = issue_letter(a.consultation, elector.key)
        audit.visit(page, size, "consultations:vote_link", f"{base}/consultations/v/{code}/")
        page.fill("#name", "不是业主")
        page.fill("#number", "13800000000")
        page.click("main button[type=submit]")
        page.wait_for_selector(".alert")
        audit.check(page, size, "consultations:vote (identity refused)")
        # The ballot as the confirmed owner sees it, then the receipt.
        letter = consultations.letter_valid(elector.letters.get(revoked_at__isnull=True).pk)
        session = SessionStore()
        session["anju-vote"] = {"letter": letter.pk, "verified": True}
        session.create()
        context.add_cookies([{"name": "sessionid", "value": session.session_key, "url": base}])
        audit.visit(page, size, "consultations:vote (ballot)", f"{base}/consultations/v/")
        page.wait_for_selector("label.choice")
        for fieldset in page.locator("main form fieldset").all():
            fieldset.locator("label.choice").first.click()
        page.click("main form button[type=submit]")
        page.wait_for_selector("#receipt")
        audit.check(page, size, "consultations:vote_receipt (cast)")
        context.close()
    print(f"pages checked: {audit.pages} in {time.monotonic() - started:.0f} s")
    print(f"not failing (moderate/minor): {dict(audit.lesser.most_common())}")
    print(audit.report())
    assert not audit.found, audit.report()


def test_the_api_documentation_has_no_serious_or_critical_violation(browser, live_server, subdistrict_staff):
    """/api/docs (django-ninja's Swagger UI from its own static files) is a page staff open too."""
    audit = Audit()
    for size in SIZES:
        context, page = new_page(browser, size)
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", subdistrict_staff.username)
        page.fill("#id_password", PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        page.goto(f"{live_server.url}/api/docs")
        page.wait_for_selector(".opblock", timeout=20000)  # the operations are drawn by script
        audit.check(page, size, "api:docs")
        context.close()
    print(f"not failing (moderate/minor): {dict(audit.lesser.most_common())}")
    assert not audit.found, audit.report()
