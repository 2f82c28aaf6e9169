"""Pages without login: a household's voting pages and 我的家 (from its letter) and the public ballot list.

The letter's QR link carries its random code once: the first request puts the letter in the
session and redirects to a page without the code, so the code stays out of later URLs, referrers
and logs. The owner then confirms their name and full ID number (or, registered without one, their
mobile number); too many failures lock the letter until staff unlock it. Once confirmed, the same
session opens 我的家 and the household's own statements (明白账), never another household's.
"""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from anju.consultations import queries, queries_resident, services
from anju.consultations.models import LIST_KINDS, Ballot, BallotState, Channel, Consultation, Letter, Status
from anju.core import ratelimit
from anju.core.audit import Actor
from anju.core.errors import AnjuError, NotFound, user_message
from anju.elevators.queries import household as elevators

SESSION_KEY = "anju-vote"
RESIDENT = Actor.system("居民本人（网上）")


def address_limit() -> ratelimit.Limit:
    """Failed codes and owner checks from one address (a flat's router is shared, so more than a letter's)."""
    return ratelimit.Limit("vote-address", settings.ANJU_VOTE_ADDRESS_FAILURES, settings.ANJU_VOTE_ADDRESS_WINDOW)


def _too_many(request: HttpRequest, ctx: dict, template: str) -> HttpResponse:
    ctx["error"] = _("尝试次数过多，请稍后再试，或联系社区工作人员上门，或用纸质表决票表决。")
    return render(request, template, ctx, status=429)


def _held(request: HttpRequest) -> tuple[Letter | None, bool]:
    """The letter this browser holds (None if none, or it was replaced) and whether the owner is confirmed."""
    held = request.session.get(SESSION_KEY) or {}
    letter = services.letter_valid(held["letter"]) if held.get("letter") else None
    if held and letter is None:
        request.session.pop(SESSION_KEY, None)
    return letter, bool(letter and held.get("verified"))


@never_cache
def vote_link(request: HttpRequest, code: str) -> HttpResponse:
    """The QR link: remember the letter in the session, then continue at a URL without the code."""
    return _enter(request, code, {})


def _enter(request: HttpRequest, code: str, ctx: dict) -> HttpResponse:
    if ratelimit.exceeded(address_limit(), ratelimit.client_address(request)):
        return _too_many(request, ctx, "consultations/vote_code.html")
    try:
        letter = services.letter_for_code(code)
    except NotFound as error:
        ratelimit.record_failure(address_limit(), ratelimit.client_address(request))
        ctx["error"] = user_message(error)
        return render(request, "consultations/vote_code.html", ctx, status=404)
    request.session.cycle_key()
    request.session[SESSION_KEY] = {"letter": letter.pk, "verified": False}
    return redirect("consultations:vote")


@never_cache
def vote(request: HttpRequest) -> HttpResponse:
    """The resident's page: the letter's code (if not scanned), the owner check, the questions, the record."""
    letter, verified = _held(request)
    if letter is None:
        if request.method == "POST" and request.POST.get("step") == "code":
            return _enter(request, request.POST.get("code", ""), {})
        return render(request, "consultations/vote_code.html", {})
    elector = letter.elector
    consultation = services.close_if_due(elector.consultation)
    ctx = {"consultation": consultation, "elector": elector, "accepting": services.is_accepting(consultation),
           "proposal": queries_resident.proposal(consultation, elector.household_id)}
    if letter.locked_at is not None:
        ctx["error"] = _("这封告知书因多次核对不符已被锁定。请联系社区工作人员核实后解锁，或用纸质表决票表决。")
        return render(request, "consultations/vote_identity.html", ctx | {"locked": True}, status=423)
    if not verified:
        return _identity(request, letter, ctx)
    current = Ballot.objects.filter(elector=elector, online=True,
                                    state__in=[BallotState.COUNTED, BallotState.CONFLICT]).first()
    questions = list(consultation.questions.all())
    ctx.update(questions=questions, current=current)
    if request.method == "POST" and request.POST.get("step") == "ballot":
        answers = {str(q.pk): (request.POST.getlist(f"q{q.pk}") if q.kind in LIST_KINDS
                        else request.POST.get(f"q{q.pk}"))
                   for q in questions}
        try:
            ballot = services.ballot_cast(consultation=consultation, household=elector, answers=answers,
                                          channel=Channel.ONLINE, actor=RESIDENT,
                                          expected=request.POST.get("expected", ""))
        except AnjuError as error:
            ctx.update(error=user_message(error), posted=answers)
            return render(request, "consultations/vote.html", ctx, status=error.status)
        return redirect("consultations:vote_receipt", receipt=ballot.receipt)
    ctx["recorded"] = queries_resident.answers_read(questions, current.answers) if current else []
    return render(request, "consultations/vote.html", ctx)


def _identity(request: HttpRequest, letter: Letter, ctx: dict) -> HttpResponse:
    template = "consultations/vote_identity.html"
    if request.method != "POST" or request.POST.get("step") != "identity":
        return render(request, template, ctx)
    address = ratelimit.client_address(request)
    if ratelimit.exceeded(address_limit(), address):
        return _too_many(request, ctx, template)
    try:
        ok = services.identity_matches(letter.elector, name=request.POST.get("name", ""),
                                       number=request.POST.get("number", ""))
    except services.IdentityFormat as error:  # a typing slip, not a guess: said plainly, not counted
        ctx["error"] = user_message(error)
        return render(request, template, ctx, status=400)
    if ok:
        ratelimit.clear(services.letter_limit(), str(letter.pk))
        request.session.cycle_key()
        request.session[SESSION_KEY] = {"letter": letter.pk, "verified": True}
        return redirect("consultations:vote")
    ratelimit.record_failure(address_limit(), address)
    if ratelimit.record_failure(services.letter_limit(), str(letter.pk)) >= services.letter_limit().count:
        services.letter_lock(letter=letter, actor=Actor.system("多次核对不符 / too many failed checks"))
        ctx["error"] = _("多次核对不符，这封告知书已被锁定。请联系社区工作人员核实后解锁，或用纸质表决票表决。")
        return render(request, template, ctx | {"locked": True}, status=423)
    ctx["error"] = _("姓名或号码与登记的业主信息不符，请核对后重试（需填写产权人本人的姓名和完整的身份证号码）。")
    return render(request, template, ctx, status=400)


@never_cache
def vote_receipt(request: HttpRequest, receipt: str) -> HttpResponse:
    letter, verified = _held(request)
    if not verified:
        return redirect("consultations:vote")
    ballot = get_object_or_404(Ballot, elector=letter.elector, receipt=receipt)
    questions = list(letter.elector.consultation.questions.all())
    return render(request, "consultations/vote_receipt.html", {
        "ballot": ballot, "consultation": letter.elector.consultation, "elector": letter.elector,
        "recorded": queries_resident.answers_read(questions, ballot.answers)})


@never_cache
def home(request: HttpRequest) -> HttpResponse:
    """我的家: the household's consultations with its own answers, its statements and the notices of its
    building and compound, for the owner the letter session confirmed."""
    letter, verified = _held(request)
    if not verified or letter.locked_at is not None:
        return redirect("consultations:vote")
    return _home(request, letter)


def _home(request: HttpRequest, letter: Letter, ctx: dict | None = None, status: int = 200) -> HttpResponse:
    household = letter.elector.household
    return render(request, "consultations/vote_home.html", {
        "home": queries_resident.home(household, letter_elector_id=letter.elector_id),
        "room": household.room_label, "compound": household.compound, **(ctx or {})}, status=status)


@never_cache
@require_POST
def home_suggest(request: HttpRequest) -> HttpResponse:
    """A suggestion sent from 我的家: for the household's compound and building, listed there with its reply."""
    letter, verified = _held(request)
    if not verified or letter.locked_at is not None:
        return redirect("consultations:vote")
    fields = {k: request.POST.get(k, "") for k in ("category", "title", "body")}
    try:
        ratelimit.per_address(request, "suggest", settings.ANJU_PARTICIPATION_RATE_LIMITS["suggest"])
        link = services.home_suggestion_submit(household=letter.elector.household, actor=RESIDENT, **fields)
    except AnjuError as error:
        return _home(request, letter, {"suggest_error": user_message(error), "posted": fields}, status=error.status)
    messages.success(request, _("已提交，回执码 %(code)s。社区答复后会显示在下面。") % {"code": link.receipt_code})
    return redirect("consultations:vote_home")


@never_cache
def statement(request: HttpRequest, plan: int) -> HttpResponse:
    """The confirmed household's own statement (明白账) under one saved plan; any other plan is 404."""
    letter, verified = _held(request)
    if not verified or letter.locked_at is not None:
        return redirect("consultations:vote")
    pdf, filename = elevators.household_statement_pdf(plan, letter.elector.household_id)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(filename)}"
    return response


def public(request: HttpRequest, pk: int) -> HttpResponse:
    """The published ballot list of a closed consultation: by alias (or, open ballots, by room), no names."""
    consultation = services.close_if_due(get_object_or_404(Consultation.objects.select_related("compound"), pk=pk))
    if consultation.status != Status.CLOSED:
        raise Http404
    lines = queries.canonical_lines(consultation)
    if request.GET.get("format") == "txt":
        return HttpResponse("".join(lines), content_type="text/plain; charset=utf-8")
    return render(request, "consultations/public.html", {
        "consultation": consultation, "rows": [line.rstrip("\n").split("\t") for line in lines],
        "digest": queries.digest(lines), "canonical_form": queries.canonical_form(consultation),
        "questions": list(consultation.questions.all()), "tally": queries.tally(consultation)})
