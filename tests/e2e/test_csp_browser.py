"""Every page passes the Content-Security-Policy in a real browser: no inline script, no eval, no inline style.

The demo sub-district is loaded, then a crawler follows every link a sub-district worker and the
superuser can reach (at most two addresses per page name), plus the residents' pages, at desktop
size. Each page is watched for `securitypolicyviolation` events, console errors and script errors;
the charts are drawn and their tooltips shown, htmx swaps happen. The test fails on any violation,
and on any page name of the site it did not reach (a new page must be reachable or listed below).
"""

from __future__ import annotations

import time
from collections import deque
from urllib.parse import urlsplit

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.urls import Resolver404, get_resolver, resolve, reverse
from playwright.sync_api import TimeoutError as PlaywrightTimeout

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DEMO_PASSWORD = "anju-demo-2021"

# Installed before any page script: the browser reports each refused script, style or eval here.
WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " blocked " + (e.blockedURI || "inline") + " at " +
                    e.sourceFile + ":" + e.lineNumber + " " + (e.sample || ""));
}, true);
"""

# Page names that are not pages to look at: files (PDF, xlsx, images), POST-only actions, and
# the logout. The crawler skips these; every other name of the site must be visited.
NOT_PAGES = {
    # files
    "consultations:letter_pdf", "consultations:notice", "dashboard:report", "elevators:statement",
    "participation:meeting_signin", "participation:notice_pdf", "participation:notice_image",
    "participation:suggestion_photo", "programme:attachment", "programme:photo", "programme:progress_template",
    "roster:transfer_template", "core:job_download", "api:openapi-json", "stewardship:fees_pledge_pdf",
    "stewardship:fees_letter", "stewardship:committee_pack", "stewardship:disclosure_pdf",
    "consultations:vote_statement",
    "field:sw", "field:manifest",  # the door-to-door app's service worker (script) and manifest (JSON)
    # actions that only take a POST (their forms are on the pages walked)
    "dashboard:first_steps_dismiss", "dashboard:reports_export", "dashboard:reports_submit", "programme:item_results",
    "stewardship:committee_decisions_publish", "stewardship:committee_meeting", "stewardship:common_income",
    "stewardship:manager_line", "stewardship:satisfaction_start", "stewardship:formation_candidates_notice",
    "stewardship:formation_result_notice",
    "accounts:logout", "set_language", "dashboard:work_assign", "dashboard:outbox_opt_out", "consultations:close", "consultations:correct", "consultations:open",
    "consultations:next_round", "consultations:owner_settle", "consultations:paper", "consultations:question_new",
    "consultations:resolve", "consultations:scan", "consultations:letters_job", "consultations:letter_unlock",
    "accounts:unlock", "consultations:vote_link",  # a redirect to consultations:vote, which is walked
    "elevators:compensation_add",
    "elevators:negotiate", "elevators:plan_save", "elevators:project_status", "elevators:rides_save",
    "elevators:statements_job", "elevators:table_save", "elevators:project_money",
    "participation:meeting_act", "participation:notice_image_add", "participation:notice_publish",
    "participation:organisation_act", "participation:suggestion_act", "programme:attachment_upload",
    "programme:beneficiaries_refresh", "programme:inspection_photos", "programme:item_progress",
    "programme:progress_upload", "programme:stage_sign_off", "programme:stage_edit", "participation:meeting_new", "roster:transfer_confirm", "roster:transfer_export",
    "consultations:describe", "consultations:vote_home_suggest", "roster:setup_subdistrict", "roster:setup_communities",
    "roster:setup_structure", "roster:setup_structure_confirm", "roster:setup_invite",
    "roster:household_move_out", "roster:household_transfer", "roster:person_death", "roster:person_reveal", "participation:suggestion_reveal",
    "stewardship:management_set", "stewardship:contract_create", "stewardship:contract_file",
    "stewardship:contract_terminate", "stewardship:handover", "stewardship:formation_applicant",
    "stewardship:formation_member", "stewardship:formation_candidate", "stewardship:formation_seats",
    "stewardship:formation_step", "stewardship:formation_assembly", "stewardship:formation_elected",
    "stewardship:fees_standard", "stewardship:fees_bill", "stewardship:fees_payment",
    "stewardship:fees_import", "stewardship:fees_letters",
    "stewardship:fund_entry", "stewardship:fund_contributions", "stewardship:fund_unit_ledger",
    "stewardship:fund_case_create", "stewardship:fund_entry_reverse", "stewardship:fund_case_vote",
    "stewardship:fund_case_approve", "stewardship:fund_case_escalate", "stewardship:fund_case_pay",
    "stewardship:fund_case_accept", "stewardship:fund_case_publish",
    "stewardship:committee_elect", "stewardship:committee_interim",
    "stewardship:party_link", "stewardship:committee_officers", "stewardship:committee_file",
    "stewardship:committee_report", "stewardship:committee_member_add", "stewardship:committee_member_leave",
    "stewardship:committee_change_file", "stewardship:disclosure_generate", "stewardship:disclosure_publish",
    "stewardship:disclosure_correct",
    # polled fragments, seen inside their pages (job status, tally) or reached only after an upload
    "core:job", "roster:transfer_job", "consultations:tally", "consultations:elector_choices",
    "dashboard:work_count",  # the header's badge, loaded into every staff page
    # a redirect to 我的待办 (walked from START)
    "index",
}
START = ["/dashboard/work/", "/field/", "/dashboard/outbox/", "/roster/", "/dashboard/", "/consultations/", "/elevators/", "/programme/", "/participation/",
         "/accounts/password/", "/accounts/locked/", "/api/docs", "/roster/search/?q=1-1-101"]
PER_NAME = 2


def page_names() -> set[str]:
    """Every named, non-API (except the docs), non-admin URL of the site."""
    names: set[str] = set()

    def walk(patterns, namespace=None):
        for p in patterns:
            if hasattr(p, "url_patterns"):
                if p.namespace == "admin":
                    continue
                walk(p.url_patterns, p.namespace or namespace)
            elif p.name and (namespace != "api" or p.name in ("openapi-view",)):
                names.add(f"{namespace}:{p.name}" if namespace else p.name)

    walk(get_resolver().url_patterns)
    return names


def url_name(url: str) -> str | None:
    try:
        match = resolve(urlsplit(url).path)
    except Resolver404:
        return None
    return match.view_name


class Walker:
    def __init__(self, page, base: str) -> None:
        self.page, self.base = page, base
        self.problems: list[str] = []
        self.visited: dict[str, list[str]] = {}
        self.errors: list[str] = []
        page.add_init_script(WATCH)
        page.on("console", self._console)
        page.on("response", self._response)
        page.on("pageerror", lambda e: self.errors.append(f"script error: {e}"))
        page.on("dialog", lambda d: d.dismiss())  # data-confirm asks; the walk answers no

    def _console(self, message) -> None:
        # A refused resource shows here as well as in __csp; a failed load is judged by _response.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.errors.append(f"console error: {message.text}")

    def _response(self, response) -> None:
        # A page may answer 4xx on purpose (a wrong identity is a 400); a missing script or style may not.
        if response.status >= 400 and response.request.resource_type != "document" and not response.url.endswith("/favicon.ico"):
            self.errors.append(f"{response.status} for {response.request.resource_type} {response.url}")

    def look(self, url: str, *, then=None) -> list[str]:
        """Open `url`, let scripts and fonts settle, run `then(page)`; returns the links on the page."""
        self.errors.clear()
        response = self.page.goto(url)
        self.page.wait_for_load_state("load")
        self.page.evaluate("document.fonts.ready.then(() => true)")
        self.page.wait_for_timeout(150)
        if then:
            try:
                then(self.page)
            except (PlaywrightTimeout, AssertionError) as stuck:  # a script that never ran: say so, walk on
                self.problems.append(f"{urlsplit(url).path}: {getattr(then, '__name__', 'interaction')} failed: "
                                     f"{str(stuck).splitlines()[0] if str(stuck) else 'assertion'}")
        found = self.page.evaluate("window.__csp || []")
        status = response.status if response else 0
        if status >= 500:
            self.problems.append(f"{url}: HTTP {status}")
        for line in found + self.errors:
            self.problems.append(f"{urlsplit(url).path}: {line}")
        return self.page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")

    def crawl(self, starts: list[str], *, limit: int = 400) -> None:
        queue = deque(self.base + s for s in starts)
        seen: set[str] = set()
        while queue and len(seen) < limit:
            url = queue.popleft().split("#")[0]
            if url in seen or not url.startswith(self.base):
                continue
            name = url_name(url)
            if name is None or name in NOT_PAGES or name.startswith("admin:"):
                continue
            if "format=" in url or len(self.visited.get(name, [])) >= PER_NAME:
                continue
            seen.add(url)
            self.visited.setdefault(name, []).append(url)
            for link in self.look(url, then=interact):
                if link.startswith(self.base) and link.split("#")[0] not in seen:
                    queue.append(link)


def interact(page) -> None:
    """What a person does on pages with scripts: charts drawn and hovered, htmx results swapped in."""
    charts = page.locator("div.chart, #chart")
    for i in range(charts.count()):
        chart = charts.nth(i)
        chart.scroll_into_view_if_needed()
        try:
            page.wait_for_function("el => el.querySelector('canvas')", arg=chart.element_handle(), timeout=15000)
        except PlaywrightTimeout:
            page.evaluate("m => window.__csp.push(m)", "a chart was not drawn (its script did not run)")
            continue
        box = chart.bounding_box()
        if box:
            page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)  # the tooltip appears
            page.wait_for_timeout(100)
    if page.locator("form#calc input#id_subsidy").count():
        with page.expect_response(lambda r: "/calculator/" in r.url and r.request.method == "POST"):
            page.fill("#id_subsidy", "1000")
            page.locator("#id_subsidy").dispatch_event("change")
        page.wait_for_timeout(300)
    search = page.locator("input[name=q][hx-get]")
    if search.count():
        with page.expect_response(lambda r: "/roster/search/" in r.url):
            search.first.fill("1-1")
        page.wait_for_timeout(200)
    confirm = page.locator("form[data-confirm] button")
    if confirm.count():
        before = page.url
        confirm.first.click()  # the dialog is dismissed: nothing is sent
        page.wait_for_timeout(100)
        assert page.url == before


def choose_a_compound(page) -> None:
    """The suggestion form reloads itself for the compound chosen (participation/suggest.js)."""
    option = page.locator("#id_compound option:not([value=''])").nth(1).get_attribute("value")
    with page.expect_navigation():
        page.select_option("#id_compound", option)
    assert f"compound={option}" in page.url


def cast_a_ballot(page) -> None:
    """On the ballot page: the first answer to each question, then submit; lands on the receipt."""
    page.wait_for_selector("label.choice")
    for fieldset in page.locator("main form fieldset").all():
        fieldset.locator("label.choice").first.click()
    page.click("main form button[type=submit]")
    page.wait_for_selector("#receipt")


@pytest.fixture
def demo(live_server):
    from anju.demo import load_demo

    started = time.monotonic()
    subdistrict, _ = load_demo()
    print(f"demo loaded in {time.monotonic() - started:.0f} s")
    return subdistrict


def log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def test_every_staff_and_resident_page_passes_the_content_security_policy(browser, live_server, demo):
    from anju.consultations import services
    from anju.consultations.models import Consultation, Status
    from anju.participation.models import Suggestion
    from tests.consultations.conftest import issue_letter

    base = live_server.url
    problems: list[str] = []
    visited: dict[str, list[str]] = {}

    # A sub-district worker sees every compound; the crawl follows what the pages link to.
    staff = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = staff.new_page()
    page.set_default_timeout(20000)
    log_in(page, base, "jiedao")
    walker = Walker(page, base)
    # The demo's fund cases sit in one compound the crawl may not pick among its two per page name.
    from anju.stewardship.models_disclosure import Disclosure
    from anju.stewardship.models_fund import FundCase

    walker.crawl(START + [f"/stewardship/fund/cases/{c.pk}/" for c in FundCase.objects.order_by("pk")[:2]]
                 + [f"/stewardship/disclosures/{d.pk}/" for d in Disclosure.objects.order_by("pk")[:1]])
    problems += walker.problems
    visited.update(walker.visited)
    staff.close()

    # Residents: no login. The public pages, the letter link's identity check, the ballot and the receipt.
    resident = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = resident.new_page()
    page.set_default_timeout(20000)
    walker = Walker(page, base)
    # A vote, not this year's satisfaction survey (its questions differ) or the election (numbered candidates).
    open_vote = (Consultation.objects.filter(status=Status.OPEN, kind="vote")
                 .exclude(questions__kind="election").order_by("pk").first())
    closed = Consultation.objects.filter(status=Status.CLOSED).first()
    code, elector = issue_letter(open_vote, open_vote.electors.order_by("key").first().key)
    letter = services.letter_valid(elector.letters.get(revoked_at__isnull=True).pk)
    vote_url = f"/consultations/v/{code}/"
    suggestion = Suggestion.objects.exclude(receipt_code="").first()
    walker.crawl(["/accounts/login/", "/participation/s/new/", "/participation/s/track/", "/participation/s/board/",
                  f"/participation/s/r/{suggestion.receipt_code}/", f"/consultations/public/{closed.pk}/",
                  "/consultations/v/", vote_url]
                 + [f"/stewardship/d/{d.pk}/" for d in Disclosure.objects.filter(published_on__isnull=False)[:1]])
    walker.look(base + "/participation/s/new/", then=choose_a_compound)
    walker.look(base + vote_url, then=lambda p: (p.fill("#name", "不是业主"), p.fill("#number", "13800000000"),
                                                 p.click("main button[type=submit]"), p.wait_for_selector(".alert")))
    # The ballot page as the verified owner sees it (the identity check keeps its result in the session).
    session = SessionStore()
    session["anju-vote"] = {"letter": letter.pk, "verified": True}
    session.create()
    resident.add_cookies([{"name": "sessionid", "value": session.session_key, "url": base}])
    walker.look(base + "/consultations/v/", then=cast_a_ballot)
    receipt = page.url
    walker.look(receipt, then=lambda p: p.wait_for_selector("#receipt"))
    walker.visited.setdefault(url_name(receipt), []).append(receipt)
    home = base + reverse("consultations:vote_home")  # 我的家, behind the same letter session
    walker.look(home)
    walker.visited.setdefault("consultations:vote_home", []).append(home)
    # A new colleague's one-time invitation link, as the office hands it over.
    from anju.accounts.invitations import invitation_create
    from anju.accounts.models import Role
    from anju.core.audit import Actor
    from anju.core.scoping import Scope

    _invited, key = invitation_create(scope=Scope(everything=True, sees_personal_data=True, can_edit=True), role=Role.SUBDISTRICT_STAFF,
                                      subdistrict_id=demo.pk, username="csp-invited", link_for=lambda k: k,
                                      actor=Actor.system("test"))
    invitation = base + reverse("accounts:invitation", args=[key])
    walker.look(invitation)
    walker.visited.setdefault("accounts:invitation", []).append(invitation)
    # The opt-out link at the end of a reminder SMS, as the resident opens it on the phone.
    from anju.core.outbox import services as outbox
    from anju.core.outbox.models import Channel, RecipientKind

    sms = outbox.message_queue(kind="vote_closing", channel=Channel.SMS, recipient_kind=RecipientKind.HOUSEHOLD,
                               address="13800000000", subject="", body="表决将于明天截止。", subdistrict_id=demo.pk,
                               dedupe_key="csp-walk-opt-out")
    opt_out = base + reverse("core:opt_out", args=[sms.opt_out_code])
    walker.look(opt_out)
    walker.visited.setdefault("core:opt_out", []).append(opt_out)
    problems += walker.problems
    for name, urls in walker.visited.items():
        visited.setdefault(name, []).extend(urls)
    resident.close()

    # The superuser: Django's admin (index, each model's list and add form, one change form each).
    admin = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = admin.new_page()
    page.set_default_timeout(20000)
    log_in(page, base, "admin")
    walker = Walker(page, base)
    lists = [u for u in walker.look(f"{base}/admin/") if urlsplit(u).path.count("/") == 4 and "/admin/" in u]
    for changelist in sorted(set(lists)):
        links = walker.look(changelist)
        add = [u for u in links if u.endswith("/add/")]
        change = [u for u in links if urlsplit(u).path.endswith("/change/")]
        for u in (add[:1] + change[:1]):
            walker.look(u)
    problems += walker.problems
    admin.close()

    missing = sorted(page_names() - NOT_PAGES - set(visited))
    print(f"pages looked at: {sum(len(v) for v in visited.values())} addresses of {len(visited)} page names, "
          f"admin lists {len(set(lists))}")
    for line in problems:
        print("PROBLEM", line)
    assert not problems, "\n".join(problems[:60])
    assert not missing, f"pages the walk did not reach: {missing}"
