"""Staff pages of 共建共治: overview, suggestion triage and replies, notices and their A4 PDF."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from anju.core import paging
from anju.core.access import Action, require_edit
from anju.core.actor_names import USER_RELATED
from anju.core.audit import Actor
from anju.core.bounds import parse_id
from anju.core.errors import Forbidden, ValidationFailed
from anju.core.models import AuditEvent
from anju.core.pages import attempt
from anju.core.pdf import issuing_unit, qr_svg, render_pdf
from anju.core.scoping import scope_of
from anju.participation import forms, queries, services
from anju.participation.access import (
    access_meeting,
    access_notice,
    access_suggestion,
    access_suggestion_contact,
    access_suggestion_photo,
)
from anju.participation.models import Category, Meeting, Notice, SuggestionStatus
from anju.roster.models import Building, Community, Compound

HISTORY_LABELS = {"suggestion_submit": gettext_lazy("居民提交"), "suggestion_assign": gettext_lazy("转办"),
                  "suggestion_reply": gettext_lazy("答复"), "suggestion_close": gettext_lazy("办结")}


def compounds_of(request: HttpRequest) -> QuerySet[Compound]:
    return Compound.objects.visible_to(request.user).order_by("id")


@login_required
def index(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request.user)
    return render(request, "participation/index.html", {
        "figures": queries.suggestion_figures(scope),
        "overdue": queries.suggestions_for(scope, overdue=True)[:10],
        "overdue_actions": queries.overdue_actions(scope)[:10],
        "notices": Notice.objects.within(scope).select_related("compound", "building")[:5],
        "meetings": queries.meetings_for(scope)[:5],
        "compounds": compounds_of(request),
    })


# ---------------------------------------------------------------- suggestions

@login_required
def suggestions(request: HttpRequest) -> HttpResponse:
    """Suggestions newest first, a page at a time, by status, category, compound and overdue."""
    status = request.GET.get("status", "")
    status = status if status in SuggestionStatus.values else ""
    overdue = request.GET.get("overdue") == "1"
    category = request.GET.get("category", "")
    category = category if category in Category.values else ""
    compound = parse_id(request.GET.get("compound"))
    page = paging.page_of(queries.suggestions_for(scope_of(request.user), status=status, overdue=overdue,
                                                  category=category, compound_id=compound), request.GET)
    return render(request, "participation/suggestions.html", {
        "page": page, "rows": [(s, queries.timing(s)) for s in page], "status": status, "overdue": overdue,
        "category": category, "compound": compound, "compounds": compounds_of(request).only("id", "name")[:1000],
        "statuses": SuggestionStatus.choices, "categories": Category.choices,
    })


def _assign_form(request: HttpRequest, data=None) -> forms.AssignForm:
    scope = scope_of(request.user)
    communities = Community.objects.filter(subdistrict_id=scope.subdistrict_id) if scope.subdistrict_id else Community.objects.all()
    compounds = Compound.objects.filter(community__in=communities)
    return forms.AssignForm(data, communities=communities.order_by("id"), compounds=compounds.order_by("id"))


@login_required
def suggestion(request: HttpRequest, pk: int) -> HttpResponse:
    s = access_suggestion(request.user, pk, action=Action.VIEW)
    scope = scope_of(request.user)
    meetings_here = Meeting.objects.within(scope).filter(compound=s.compound).order_by("-starts_at")[:20]
    return render(request, "participation/suggestion.html", {
        "s": s, "timing": queries.timing(s), "subject_link": queries.subject_link(s.subject), "photos": s.photos.all(), "meetings": s.meetings.order_by("starts_at"),
        "assign_form": _assign_form(request), "reply_form": forms.ReplyForm(initial={"reply": s.reply, "show_on_board": s.show_on_board}),
        "can_edit": scope.can_edit, "sees_personal_data": scope.sees_personal_data, "meetings_here": meetings_here,
        "history": [(e, HISTORY_LABELS.get(e.action, e.action)) for e in
                    AuditEvent.objects.filter(object_type="participation.suggestion", object_id=str(s.pk))
                    .select_related(f"actor__{USER_RELATED}").order_by("at", "id")],
    })


@never_cache
@login_required
@require_POST
def suggestion_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """显示: the full phone a resident left, for staff whose role needs it; the look is logged."""
    s = access_suggestion_contact(request.user, pk)
    phone = services.suggestion_contact_reveal(suggestion=s, actor=Actor.of(request.user))
    if request.headers.get("HX-Request"):
        return render(request, "participation/_revealed_phone.html", {"phone": phone})
    return render(request, "participation/revealed_phone.html", {"s": s, "phone": phone})


@login_required
@require_POST
def suggestion_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Assign, reply, close or link to a meeting; an AnjuError becomes a message on the same page."""
    s = access_suggestion(request.user, pk, action=Action.EDIT)
    actor = Actor.of(request.user)

    def assign() -> object:
        form = _assign_form(request, request.POST)
        if not form.is_valid():
            raise ValidationFailed("转办信息有误", "Check the assignment")
        d = form.cleaned_data
        return services.suggestion_assign(suggestion=s, community=d["community"], compound=d["compound"], org=d["org"],
                                          category=d["category"] or None, actor=actor)

    def reply() -> object:
        form = forms.ReplyForm(request.POST)
        if not form.is_valid():
            raise ValidationFailed("请填写答复", "Please write the reply", field="reply")
        return services.suggestion_reply(suggestion=s, reply=form.cleaned_data["reply"],
                                         show_on_board=form.cleaned_data["show_on_board"], actor=actor)

    if action == "assign":
        attempt(request, assign, done=_("已保存"))
    elif action == "reply":
        attempt(request, reply, done=_("已保存"))
    elif action == "close":
        attempt(request, lambda: services.suggestion_close(suggestion=s, actor=actor), done=_("已保存"))
    elif action == "meeting":
        meeting = access_meeting(request.user, parse_id(request.POST.get("meeting")) or 0, action=Action.EDIT)
        attempt(request, lambda: services.meeting_link_suggestion(meeting=meeting, suggestion=s, actor=actor), done=_("已保存"))
    else:
        raise Forbidden("未知操作", "Unknown action")
    return redirect("participation:suggestion", s.pk)


@login_required
def suggestion_photo(request: HttpRequest, pk: int) -> FileResponse:
    photo = access_suggestion_photo(request.user, pk, action=Action.VIEW)
    return FileResponse(photo.image.open("rb"), content_type="image/jpeg")


# ---------------------------------------------------------------- notices

@login_required
def notices(request: HttpRequest) -> HttpResponse:
    rows = paging.page_of(Notice.objects.visible_to(request.user).select_related("compound", "building"), request.GET)
    return render(request, "participation/notices.html", {"rows": rows, "can_edit": scope_of(request.user).can_edit})


def _notice_form(request: HttpRequest, data=None, initial=None) -> forms.NoticeForm:
    compounds = compounds_of(request)
    return forms.NoticeForm(data, initial=initial, compounds=compounds,
                            buildings=Building.objects.filter(compound__in=compounds).select_related("compound").order_by("compound_id", "id"))


@login_required
def notice_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    node = access_notice(request.user, pk, action=Action.EDIT) if pk else None
    if node is None:
        require_edit(request.user)
    initial = None
    if node is not None:
        initial = {"compound": node.compound, "building": node.building, "kind": node.kind, "title": node.title,
                   "issuer": node.issuer, "body_html": node.body_html}
    form = _notice_form(request, request.POST if request.method == "POST" else None, initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            node = services.notice_save(notice=node, compound=d["compound"], building=d["building"], title=d["title"],
                                        body_html=d["body_html"], kind=d["kind"], issuer=d["issuer"], actor=Actor.of(request.user))
        except ValidationFailed as error:
            form.add_error(error.field if error.field in form.fields else None, error.message())
        else:
            return redirect("participation:notice_detail", node.pk)
    # Pictures already uploaded to this notice, for the editor's "insert image" button.
    images = [{"src": reverse("participation:notice_image", args=[i.pk]), "alt": i.caption}
              for i in (node.images.all() if node else [])]
    return render(request, "participation/notice_edit.html", {"form": form, "node": node, "images": images},
                  status=400 if request.method == "POST" else 200)


def notice_links(request: HttpRequest, node: Notice) -> dict[str, str]:
    """The public addresses a printed notice points to: itself, and the suggestion box of its place."""
    suggest = reverse("participation:suggest") + f"?compound={node.compound_id}" + (f"&building={node.building_id}" if node.building_id else "")
    return {"public_url": request.build_absolute_uri(reverse("participation:notice", args=[node.pk])),
            "suggest_url": request.build_absolute_uri(suggest)}


@login_required
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    node = access_notice(request.user, pk, action=Action.VIEW)
    return render(request, "participation/notice_detail.html", {
        "n": node, "images": node.images.all(), "image_form": forms.NoticeImageForm(),
        "can_edit": scope_of(request.user).can_edit, **notice_links(request, node),
    })


@login_required
@require_POST
def notice_publish(request: HttpRequest, pk: int) -> HttpResponse:
    node = access_notice(request.user, pk, action=Action.EDIT)
    services.notice_publish(notice=node, publish=request.POST.get("publish") != "0", actor=Actor.of(request.user))
    return redirect("participation:notice_detail", node.pk)


@login_required
@require_POST
def notice_image_add(request: HttpRequest, pk: int) -> HttpResponse:
    node = access_notice(request.user, pk, action=Action.EDIT)
    form = forms.NoticeImageForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["image"]
        attempt(request, lambda: services.notice_add_image(notice=node, name=upload.name, data=upload.read(),
                                                           caption=form.cleaned_data["caption"], actor=Actor.of(request.user)))
    else:
        messages.error(request, _("请选择图片"))
    return redirect("participation:notice_detail", node.pk)


@login_required
def notice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The notice as an A4 page to print and post: QR codes to the online version and to the suggestion box."""
    node = access_notice(request.user, pk, action=Action.VIEW)
    links = notice_links(request, node)
    images = [(Path(i.image.path).as_uri(), i.caption) for i in queries.images_not_in_body(node)]
    pdf = render_pdf("participation/print/notice.html", {
        "n": node, "images": images, "body_html": queries.body_for_print(node), **links,
        **issuing_unit(node.compound, issued=node.published_at or node.created, name=node.issuer),
        "qr_notice": qr_svg(links["public_url"], size_mm=26), "qr_suggest": qr_svg(links["suggest_url"], size_mm=26),
    })
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(node.title + '.pdf')}"
    return response
