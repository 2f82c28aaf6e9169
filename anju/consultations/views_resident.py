"""Pages without login: a household's voting pages (from its letter) and the public ballot list.

The letter's QR link carries its random code once: the first request puts the letter in the
session and redirects to a page without the code, so the code stays out of later URLs, referrers
and logs. The owner then confirms their name and full ID number (or, registered without one, their
mobile number); too many failures lock the letter until staff unlock it.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from anju.consultations import queries, services
from anju.consultations.models import Ballot, BallotState, Channel, Consultation, Letter, Status
from anju.core import ratelimit
from anju.core.audit import Actor
from anju.core.errors import AnjuError, NotFound, user_message

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
    ctx = {"consultation": consultation, "elector": elector, "accepting": services.is_accepting(consultation)}
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
        answers = {str(q.pk): (request.POST.getlist(f"q{q.pk}") if q.kind == "multiple" else request.POST.get(f"q{q.pk}"))
                   for q in questions}
        try:
            ballot = services.ballot_cast(consultation=consultation, household=elector, answers=answers,
                                          channel=Channel.ONLINE, actor=RESIDENT,
                                          expected=request.POST.get("expected", ""))
        except AnjuError as error:
            ctx.update(error=user_message(error), posted=answers)
            return render(request, "consultations/vote.html", ctx, status=error.status)
        return redirect("consultations:vote_receipt", receipt=ballot.receipt)
    ctx["recorded"] = _recorded(questions, current.answers) if current else []
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


def _recorded(questions, answers: dict) -> list[tuple[object, object]]:
    labels = {"yes": _("同意"), "no": _("不同意"), "abstain": _("弃权")}
    out = []
    for q in questions:
        a = answers.get(str(q.pk))
        if isinstance(a, list):
            a = "、".join(a)
        out.append((q, labels.get(a, a) if a else _("未作答")))
    return out


@never_cache
def vote_receipt(request: HttpRequest, receipt: str) -> HttpResponse:
    letter, verified = _held(request)
    if not verified:
        return redirect("consultations:vote")
    ballot = get_object_or_404(Ballot, elector=letter.elector, receipt=receipt)
    questions = list(letter.elector.consultation.questions.all())
    return render(request, "consultations/vote_receipt.html", {
        "ballot": ballot, "consultation": letter.elector.consultation, "elector": letter.elector,
        "recorded": _recorded(questions, ballot.answers)})


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
