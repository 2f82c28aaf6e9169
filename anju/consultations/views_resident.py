"""Pages without login: a household's voting page (from its letter) and the public ballot list.

The link carries only a random token; the page asks the owner's name and the last 4 digits of
their ID number or phone (rate-limited per token and per address), then keeps the check in the session.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from anju.consultations import queries, services
from anju.consultations.models import Ballot, BallotState, Channel, Consultation, Status
from anju.core.audit import Actor
from anju.core.errors import AnjuError, user_message

IDENTITY_LIMITS = {"token": (5, 3600), "ip": (30, 3600)}  # failed checks per window (s)


class TooMany(AnjuError):
    status = 429


def _limit_key(kind: str, value: str) -> str:
    return "anju:vote:" + kind + ":" + hashlib.sha256(value.encode()).hexdigest()[:32]


def _limits() -> dict[str, tuple[int, int]]:
    return getattr(settings, "ANJU_VOTE_IDENTITY_LIMITS", IDENTITY_LIMITS)


def _blocked(request: HttpRequest, token: str) -> bool:
    limits = _limits()
    return any((cache.get(_limit_key(kind, value)) or 0) >= limits[kind][0]
               for kind, value in (("token", token), ("ip", request.META.get("REMOTE_ADDR", ""))))


def _count_failure(request: HttpRequest, token: str) -> None:
    limits = _limits()
    for kind, value in (("token", token), ("ip", request.META.get("REMOTE_ADDR", ""))):
        key = _limit_key(kind, value)
        cache.add(key, 0, limits[kind][1])
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, limits[kind][1])


def _session_key(letter_pk: int) -> str:
    return f"anju-vote-{letter_pk}"


@never_cache
def vote(request: HttpRequest, token: str) -> HttpResponse:
    """The resident's page: identity check, then the questions, then what was recorded."""
    letter = services.letter_for_token(token)
    elector = letter.elector
    consultation = services.close_if_due(elector.consultation)
    ctx = {"consultation": consultation, "elector": elector, "token": token,
           "accepting": services.is_accepting(consultation)}
    if not request.session.get(_session_key(letter.pk)):
        return _identity(request, token, letter, ctx)
    current = Ballot.objects.filter(elector=elector, online=True,
                                    state__in=[BallotState.COUNTED, BallotState.CONFLICT]).first()
    questions = list(consultation.questions.all())
    ctx.update(questions=questions, current=current)
    if request.method == "POST" and request.POST.get("step") == "ballot":
        answers = {str(q.pk): (request.POST.getlist(f"q{q.pk}") if q.kind == "multiple" else request.POST.get(f"q{q.pk}"))
                   for q in questions}
        try:
            ballot = services.ballot_cast(consultation=consultation, household=elector, answers=answers,
                                          channel=Channel.ONLINE, actor=Actor.system(f"resident:{elector.key}"),
                                          expected=request.POST.get("expected", ""))
        except AnjuError as error:
            ctx.update(error=user_message(error), posted=answers)
            return render(request, "consultations/vote.html", ctx, status=error.status)
        return redirect("consultations:vote_receipt", token=token, receipt=ballot.receipt)
    ctx["recorded"] = _recorded(questions, current.answers) if current else []
    return render(request, "consultations/vote.html", ctx)


def _identity(request: HttpRequest, token: str, letter, ctx: dict) -> HttpResponse:
    if request.method == "POST" and request.POST.get("step") == "identity":
        if _blocked(request, token):
            ctx["error"] = _("核对失败次数过多，请一小时后再试，或联系社区工作人员上门或用纸质表决票表决。")
            return render(request, "consultations/vote_identity.html", ctx, status=429)
        if services.identity_matches(letter.elector, name=request.POST.get("name", ""),
                                     digits=request.POST.get("digits", "")):
            request.session.cycle_key()
            request.session[_session_key(letter.pk)] = True
            return redirect("consultations:vote", token=token)
        _count_failure(request, token)
        ctx["error"] = _("姓名或号码后四位与登记的业主信息不符，请核对后重试（需填写产权人本人的姓名）。")
        return render(request, "consultations/vote_identity.html", ctx, status=400)
    return render(request, "consultations/vote_identity.html", ctx)


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
def vote_receipt(request: HttpRequest, token: str, receipt: str) -> HttpResponse:
    letter = services.letter_for_token(token)
    if not request.session.get(_session_key(letter.pk)):
        return redirect("consultations:vote", token=token)
    ballot = get_object_or_404(Ballot, elector=letter.elector, receipt=receipt)
    questions = list(letter.elector.consultation.questions.all())
    return render(request, "consultations/vote_receipt.html", {
        "ballot": ballot, "consultation": letter.elector.consultation, "elector": letter.elector, "token": token,
        "recorded": _recorded(questions, ballot.answers)})


def public(request: HttpRequest, pk: int) -> HttpResponse:
    """The published ballot list of a closed consultation (no names), so anyone can recompute the digest."""
    consultation = services.close_if_due(get_object_or_404(Consultation.objects.select_related("compound"), pk=pk))
    if consultation.status != Status.CLOSED:
        raise Http404
    lines = queries.canonical_lines(consultation)
    if request.GET.get("format") == "txt":
        return HttpResponse("".join(lines), content_type="text/plain; charset=utf-8")
    return render(request, "consultations/public.html", {
        "consultation": consultation, "rows": [line.rstrip("\n").split("\t") for line in lines],
        "digest": queries.digest(lines), "canonical_form": queries.CANONICAL_FORM,
        "questions": list(consultation.questions.all()), "tally": queries.tally(consultation)})
