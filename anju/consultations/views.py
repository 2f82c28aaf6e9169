"""Staff pages: consultations in scope, a new one from a template, the live tally (htmx), paper
ballots with scans, conflicts, letters (a background job), closing, corrections, the notice PDF."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from anju.consultations import jobs, letters, queries, question_templates, services
from anju.consultations.access import (
    Action,
    access_ballot,
    access_consultation,
    access_elector,
    access_letter,
    access_question,
    consultation_scope,
    consultations_for,
    require_edit,
)
from anju.consultations.models import (
    LIST_KINDS,
    BallotState,
    Channel,
    Consultation,
    Elector,
    QuestionKind,
    SettledVote,
    Status,
)
from anju.core import jobs as jobs_core
from anju.core import paging
from anju.core.actor_names import USER_RELATED
from anju.core.audit import Actor
from anju.core.errors import AnjuError, NotFound, ValidationFailed, user_message
from anju.core.pages import attempt
from anju.core.scoping import scope_of
from anju.domain.roomcode import parse_room_query
from anju.roster.models import Building, Compound, Person, Unit
from anju.roster.queries import is_personal_number

VIEW, EDIT = Action.VIEW, Action.EDIT


@login_required
def index(request: HttpRequest) -> HttpResponse:
    consultations = consultations_for(request.user)[:200]
    return render(request, "consultations/index.html", {
        "consultations": consultations, "can_edit": scope_of(request.user).can_edit})


@login_required
def new(request: HttpRequest) -> HttpResponse:
    """A consultation of a compound, building or unit, with the questions of a template."""
    require_edit(request.user)
    compounds = Compound.objects.visible_to(request.user).order_by("name")
    units = (Unit.objects.visible_to(request.user).select_related("building__compound")
             .order_by("building__compound__name", "building__number", "number"))
    buildings = (Building.objects.visible_to(request.user).select_related("compound")
                 .order_by("compound__name", "number"))
    # A link from another page may fill in the form (长效管理's renewal vote starts from the survey results).
    prefill = request.POST if request.method == "POST" else request.GET
    ctx = {"compounds": compounds, "buildings": buildings, "units": units,
           "templates": question_templates.TEMPLATE_LABELS,
           "prefill": {"title": prefill.get("title", "")[:120], "description": prefill.get("description", ""),
                       "compound": _int(prefill.get("compound"))}}
    if request.method == "POST":
        compound, building, unit = consultation_scope(
            request.user, compound=_int(request.POST.get("compound")),
            building=_int(request.POST.get("building")) or None, unit=_int(request.POST.get("unit")) or None)
        try:
            c = services.consultation_create(
                compound=compound, building=building, unit=unit, title=request.POST.get("title", ""),
                actor=Actor.of(request.user),
                description=request.POST.get("description", ""),
                open_ballots=request.POST.get("open_ballots") == "1",
                closes_at=parse_datetime(request.POST.get("closes_at") or "") or None)
            services.questions_from_template(consultation=c, template=request.POST.get("template", ""),
                                             actor=Actor.of(request.user))
        except AnjuError as error:
            ctx["error"] = user_message(error)
            return render(request, "consultations/new.html", ctx, status=400)
        return redirect("consultations:detail", c.pk)
    return render(request, "consultations/new.html", ctx)


def _detail_ctx(request: HttpRequest, c: Consultation) -> dict:
    rooms = queries.elector_rooms(c) if c.status != Status.DRAFT else []
    current = queries.current_answers(c)  # read once for the tally and the households not heard
    return {
        "consultation": c, "tally": queries.tally(c, current=current),
        "not_heard": queries.not_heard(c, current=current)[:300], "conflicts": queries.conflicts(c),
        # 2,400 options twice: joined once here rather than rendered tag by tag by the template.
        "elector_options": format_html_join("", '<option value="{}">{}</option>', rooms),
        "letters": queries.letter_status(c),
        "can_edit": scope_of(request.user).can_edit, "accepting": services.is_accepting(c),
        "questions": list(c.questions.all()), "channels": [(Channel.PAPER, _("纸质")), (Channel.DOOR, _("上门"))],
        "corrections": c.corrections.select_related(f"elector__{queries.ROOM}", f"made_by__{USER_RELATED}").order_by("-id")[:50],
        **_ballots(request, c),
        "channel_labels": queries.CHANNEL_LABELS, "kinds": QuestionKind.choices,
    }


def _ballots(request: HttpRequest, c: Consultation) -> dict:
    """The page of the ballot list the query asks for, by channel and state, newest first."""
    channel, state = request.GET.get("channel", ""), request.GET.get("state", "")
    return {"ballots": paging.page_of(queries.ballots_of(c, channel=channel, state=state), request.GET),
            "ballot_channel": channel if channel in Channel.values else "",
            "ballot_state": state if state in BallotState.values else "",
            "ballot_channels": Channel.choices, "ballot_states": BallotState.choices}


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    c = access_consultation(request.user, pk, action=VIEW)
    return render(request, "consultations/detail.html", _detail_ctx(request, c))


@login_required
def tally(request: HttpRequest, pk: int) -> HttpResponse:
    """The tally fragment the detail page refreshes with htmx."""
    c = access_consultation(request.user, pk, action=VIEW)
    return render(request, "consultations/_tally.html", {
        "consultation": c, "tally": queries.tally(c), "channel_labels": queries.CHANNEL_LABELS})


def _answers(request: HttpRequest, c: Consultation) -> dict:
    return {str(q.pk): (request.POST.getlist(f"q{q.pk}") if q.kind in LIST_KINDS
                        else request.POST.get(f"q{q.pk}"))
            for q in c.questions.all()}


@login_required
@require_POST
def paper(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff enter a paper or door-to-door ballot for a named household, with a scan of the signed paper."""
    c = access_consultation(request.user, pk, action=EDIT)
    elector = _picked_elector(request, c)
    if elector is None:
        return redirect("consultations:detail", c.pk)
    upload = request.FILES.get("scan")
    ballot = attempt(request, lambda: services.paper_ballot_cast(
        consultation=c, household=elector, answers=_answers(request, c),
        channel=request.POST.get("channel", Channel.PAPER), actor=Actor.of(request.user),
        scan_data=upload.read() if upload else None, scan_name=upload.name if upload else "",
        signer=request.POST.get("signer", "")),
        done=lambda b: _("已录入 %(room)s 的表决票，回执码 %(receipt)s，公示编号 %(alias)s（请告知该户，公示清单凭它核对）") % {
            "room": elector.room_label, "receipt": b.receipt, "alias": elector.alias})
    if ballot is not None and ballot.state == "conflict":
        messages.warning(request, _("该户已有网上表决，两张票均暂不计入，请在下方“冲突”中选择以哪张为准。"))
    return redirect("consultations:detail", c.pk)


def _picked_elector(request: HttpRequest, c: Consultation) -> Elector | None:
    """The household the paper-ballot form names: picked from the choices, or found by the room code typed
    (without a script the choices never show); None, with the reason shown, when the room names none or several."""
    room = request.POST.get("room", "")
    if room.strip() and not request.POST.get("elector"):
        return attempt(request, lambda: queries.elector_by_room(c, room))
    return access_elector(request.user, _int(request.POST.get("elector")), action=EDIT, consultation=c)


ELECTOR_CHOICES = 12  # shown at once; more means the room typed is not yet precise enough


@login_required
@require_GET
def elector_choices(request: HttpRequest, pk: int) -> HttpResponse:
    """The paper-ballot picker: the households of the electorate at the room code typed (an htmx fragment)."""
    c = access_consultation(request.user, pk, action=EDIT)
    room = request.GET.get("room", "")
    if is_personal_number(room):
        return render(request, "consultations/_elector_choices.html", {"refused": True}, status=400)
    found = queries.electors_by_room(c, room)
    choices = list(found[:ELECTOR_CHOICES])
    total = len(choices) if len(choices) < ELECTOR_CHOICES else found.count()
    return render(request, "consultations/_elector_choices.html", {
        "room": room.strip(), "choices": choices, "total": total, "more": total - len(choices),
        "readable": parse_room_query(room[:queries.ROOM_TEXT_LENGTH]) is not None})
@login_required
@require_POST
def describe(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff write or change the proposal residents read on the vote page (sanitised when saved)."""
    c = access_consultation(request.user, pk, action=EDIT)
    attempt(request, lambda: services.consultation_describe(
        consultation=c, description=request.POST.get("description", ""), actor=Actor.of(request.user)),
        done=_("已保存表决事项说明。"))
    return redirect("consultations:detail", c.pk)


RULE_PRESETS = {
    "civil-code-278-major": {"rule": "civil-code-278-major"},
    "civil-code-278-ordinary": {"rule": "civil-code-278-ordinary"},
    "ninety-percent": question_templates.NINETY_PERCENT,
}


@login_required
@require_POST
def question_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a question to a draft; the rule is a preset or engine JSON ("custom")."""
    c = access_consultation(request.user, pk, action=EDIT)
    attempt(request, lambda: services.question_add(
        consultation=c, kind=request.POST.get("kind", ""), text=request.POST.get("text", ""),
        choices=request.POST.get("choices", "").splitlines(), unit_label=request.POST.get("unit_label", ""),
        rule=_rule(request.POST.get("rule", "civil-code-278-major"), request.POST.get("rule_json")),
        seats=request.POST.get("seats"), actor=Actor.of(request.user)))
    return redirect("consultations:detail", c.pk)


def _rule(preset: str, text: str | None) -> object:
    """The rule a preset names, or (preset "custom") the engine JSON typed on the page."""
    if preset != "custom":
        return RULE_PRESETS.get(preset, RULE_PRESETS["civil-code-278-major"])
    try:
        return json.loads(text or "null")
    except json.JSONDecodeError as error:
        raise ValidationFailed(f"规则不是有效的 JSON：{error.msg}", f"The rule is not valid JSON: {error.msg}",
                               field="rule") from None


@login_required
@require_POST
def resolve(request: HttpRequest, pk: int, ballot: int) -> HttpResponse:
    c = access_consultation(request.user, pk, action=EDIT)
    chosen = access_ballot(request.user, ballot, action=EDIT, consultation=c)
    attempt(request, lambda: services.conflict_resolve(ballot=chosen, actor=Actor.of(request.user),
                                                       reason=request.POST.get("reason", "")))
    return redirect("consultations:detail", c.pk)


@login_required
def owner_conflicts(request: HttpRequest, pk: int) -> HttpResponse:
    """Owners whose flats voted differently: each flat's vote per question, and (staff) which vote stands."""
    c = access_consultation(request.user, pk, action=VIEW)
    scope = scope_of(request.user)
    found = queries.owner_conflicts(c)
    people = Person.objects.in_bulk({pid for o in found.owners for pid in o.owner_ids})
    labels = dict(SettledVote.choices)
    owners = []
    for o in found.owners:
        owners_here = [people[pid] for pid in o.owner_ids if pid in people]
        disputed = {q.pk for q in o.questions}
        rows = [(part, [(_vote_label(v, labels), q.pk in disputed)
                        for q, v in zip(found.questions, part.votes, strict=True)]) for part in o.parts]
        owners.append({"conflict": o, "people": owners_here, "rows": rows})
    settled = queries.settlements(c)
    rooms = queries.room_labels(c, {part.elector.pk for o in found.owners for part in o.parts}
                                | {int(eid) for s, _ok in settled for eid in s.basis})
    for o in owners:
        o["rows"] = [(part, rooms.get(part.elector.pk, part.elector.key), cells) for part, cells in o["rows"]]
    history = [(s, ok, [rooms.get(int(eid), "") for eid in s.basis]) for s, ok in settled]
    return render(request, "consultations/owner_conflicts.html", {
        "consultation": c, "questions": found.questions, "owners": owners, "history": history,
        "can_edit": scope.can_edit, "sees_personal_data": scope.sees_personal_data, "votes": SettledVote.choices,
        "channel_labels": queries.CHANNEL_LABELS})


def _vote_label(vote: object, labels: dict[str, str]) -> str:
    """A flat's vote as the page shows it: 同意 / 不同意 / 弃权, or the candidates an election ballot chose."""
    if isinstance(vote, list):
        return "、".join(str(v) for v in vote) or _("未选任何候选人")
    return labels.get(str(vote), "—") if vote else "—"


@login_required
@require_POST
def owner_settle(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff record which vote stands for one owner on one question, with the reason."""
    c = access_consultation(request.user, pk, action=EDIT)
    question = access_question(request.user, _int(request.POST.get("question")), action=EDIT, consultation=c)
    attempt(request, lambda: services.owner_conflict_settle(
        consultation=c, question=question, owner_key=request.POST.get("owner", ""), vote=request.POST.get("vote", ""),
        reason=request.POST.get("reason", ""), actor=Actor.of(request.user)),
        done=_("已记录，第 %(n)s 题按认定的意见计入统计。") % {"n": question.order})
    return redirect("consultations:owner_conflicts", c.pk)


@login_required
@require_POST
def correct(request: HttpRequest, pk: int) -> HttpResponse:
    c = access_consultation(request.user, pk, action=EDIT)
    elector = access_elector(request.user, _int(request.POST.get("elector")), action=EDIT, consultation=c)
    attempt(request, lambda: services.correction_append(
        consultation=c, household=elector, answers={k: v for k, v in _answers(request, c).items() if v},
        reason=request.POST.get("reason", ""), actor=Actor.of(request.user)))
    return redirect("consultations:detail", c.pk)


@login_required
@require_POST
def transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Open, close, or start the next round."""
    c = access_consultation(request.user, pk, action=EDIT)
    actor = Actor.of(request.user)
    if action == "open":
        attempt(request, lambda: services.consultation_open(consultation=c, actor=actor))
    elif action == "close":
        if c.status == Status.CLOSED and c.closed_at == c.closes_at:  # the deadline passed before the click
            messages.info(request, _("已于截止时间自动截止。"))
        else:
            attempt(request, lambda: services.consultation_close(consultation=c, actor=actor))
    elif action == "next":
        nxt = attempt(request, lambda: services.next_round(consultation=c, actor=actor,
                                                           only_failed=request.POST.get("all") != "1"))
        if nxt is not None:
            return redirect("consultations:detail", nxt.pk)
    else:
        raise ValidationFailed("未知操作", "Unknown action")
    return redirect("consultations:detail", c.pk)


@login_required
@require_POST
def letters_job(request: HttpRequest, pk: int) -> HttpResponse:
    """The letters as one PDF, made in the background: for the households without a valid letter, or
    (reissue) for every household, which revokes the letters already handed out."""
    c = access_consultation(request.user, pk, action=EDIT)
    if attempt(request, lambda: services.letters_printable(c)) is None:
        return redirect("consultations:detail", c.pk)
    reissue = request.POST.get("reissue") == "1"
    if not reissue and not services.letters_due(c):
        messages.info(request, _("每户都已打印过告知书。遗失的请在下方单独补发；确需全部重印的，请选择“全部重新打印”。"))
        return redirect("consultations:detail", c.pk)
    job = jobs_core.job_start(kind=jobs.LETTERS, label=f"表决告知书 {c.title}", actor=Actor.of(request.user),
                              params={"consultation": c.pk, "base_url": request.build_absolute_uri("/"),
                                      "reissue": reissue},
                              subdistrict_id=c.subdistrict_id)
    return redirect("core:job", job.pk)


@login_required
@require_POST
def letter_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """One household's letter, printed now; it replaces the household's earlier letter, which only
    happens after staff checked the owner's ID card in person (the lost-letter path, audited)."""
    c = access_consultation(request.user, pk, action=EDIT)
    e = access_elector(request.user, _int(request.POST.get("elector")), action=EDIT, consultation=c)
    pdf = attempt(request, lambda: letters.render_letters(
        c, request.build_absolute_uri("/"), electors=[e], actor=Actor.of(request.user),
        reason=services.letter_replacement_check(elector=e, id_checked=request.POST.get("id_checked") == "1",
                                                 reason=request.POST.get("reason", ""))))
    if pdf is None:
        return redirect("consultations:detail", c.pk)
    response = _pdf(pdf, f"表决告知书-{e.room_label}.pdf")
    response["Cache-Control"] = "no-store"  # the code is printed once; no copy stays in a cache
    return response


@login_required
@require_POST
def letter_unlock(request: HttpRequest, pk: int, letter: int) -> HttpResponse:
    """Staff unlock a letter that too many failed owner checks locked, after talking to the household."""
    c = access_consultation(request.user, pk, action=EDIT)
    found = access_letter(request.user, letter, action=EDIT, consultation=c)
    attempt(request, lambda: services.letter_unlock(letter=found, actor=Actor.of(request.user),
                                                    reason=request.POST.get("reason", "")),
            done=_("已解锁 %(room)s 的告知书。") % {"room": found.elector.room_label})
    return redirect("consultations:detail", c.pk)


@login_required
def scan(request: HttpRequest, pk: int, ballot: int) -> FileResponse:
    """The photo or scan of a signed paper ballot, for staff who may see the consultation."""
    c = access_consultation(request.user, pk, action=VIEW)
    b = access_ballot(request.user, ballot, action=VIEW, consultation=c)
    path = (Path(settings.MEDIA_ROOT) / b.scan).resolve()
    if not b.scan or not path.is_relative_to(Path(settings.MEDIA_ROOT).resolve()) or not path.exists():
        raise NotFound("这张表决票没有扫描件", "This ballot has no scan")
    return FileResponse(path.open("rb"), filename=f"ballot-{b.elector.key}{path.suffix}")


@login_required
def notice(request: HttpRequest, pk: int) -> HttpResponse:
    """The public notice (公示) of a closed consultation as an A4 PDF."""
    c = access_consultation(request.user, pk, action=VIEW)
    url = request.build_absolute_uri(reverse("consultations:public", args=[c.pk]))
    try:
        pdf = letters.render_notice(c, url)
    except services.OwnerVotesUnsettled as error:  # staff settle them on that page, then print
        messages.error(request, user_message(error))
        return redirect("consultations:owner_conflicts", c.pk)
    return _pdf(pdf, f"表决结果公示-{c.pk}.pdf")


def _int(value: str | None) -> int:
    return int(value) if value and value.isdigit() and len(value) < 19 else 0


def _pdf(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(name)}"
    return response
