"""Pages residents open from a QR code, without an account: suggestion box, receipt, board, notices."""

from __future__ import annotations

from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from anju.core import ratelimit
from anju.core.audit import Actor
from anju.core.bounds import parse_id
from anju.core.errors import NotFound, ValidationFailed
from anju.participation import queries, services
from anju.participation.access import (
    public_building,
    public_compound,
    public_notice,
    public_notice_image,
    public_suggestion,
)
from anju.participation.forms import SuggestionForm, TrackForm
from anju.participation.images import MAX_REQUEST_BYTES
from anju.roster.models import Building, Compound


def _compound_from(request: HttpRequest) -> tuple[Compound | None, Building | None]:
    compound = building = None
    if (compound_id := parse_id(request.GET.get("compound"))) is not None:
        compound = Compound.objects.filter(pk=compound_id).first()
    if compound is not None and (building_id := parse_id(request.GET.get("building"))) is not None:
        building = Building.objects.filter(pk=building_id, compound=compound).first()
    return compound, building


@never_cache
@require_http_methods(["GET", "POST"])
def suggestion_new(request: HttpRequest) -> HttpResponse:
    """The suggestion box: compound and building come from the QR code's link, or are chosen here."""
    compound, building = _compound_from(request)
    if request.method == "GET":
        initial = {"compound": compound, "building": building}
        return render(request, "participation/public/suggest.html",
                      {"form": SuggestionForm(initial=initial, compound=compound), "compound": compound})
    ratelimit.per_address(request, "suggest", settings.ANJU_PARTICIPATION_RATE_LIMITS["suggest"])
    if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_REQUEST_BYTES:
        raise ValidationFailed("提交内容过大（照片每张不超过 8 MB）", "Too large (photos at most 8 MB each)", field="photos")
    form = SuggestionForm(request.POST, request.FILES, compound=compound)
    if form.is_spam():
        raise ValidationFailed("提交未通过检查", "The submission did not pass the checks")
    if form.is_valid():
        data = form.cleaned_data
        try:
            suggestion = services.suggestion_submit(
                compound=data["compound"], building=data["building"], category=data["category"], title=data["title"],
                body=data["body"], contact_name=data["contact_name"], contact_phone=data["contact_phone"],
                photos=[(f.name, f.read()) for f in data["photos"]], actor=Actor.system("resident"),
            )
        except ValidationFailed as error:
            form.add_error(error.field if error.field in form.fields else None, error.message())
        else:
            return redirect("participation:receipt", suggestion.receipt_code)
    return render(request, "participation/public/suggest.html", {"form": form, "compound": compound}, status=400)


@never_cache
def track(request: HttpRequest) -> HttpResponse:
    form = TrackForm(request.GET or None)
    if form.is_valid():
        return redirect("participation:receipt", form.cleaned_data["code"].strip().upper())
    return render(request, "participation/public/track.html", {"form": form})


@never_cache
def receipt(request: HttpRequest, code: str) -> HttpResponse:
    """What the sender sees with the receipt code: status, official reply, the meetings where it was discussed."""
    ratelimit.per_address(request, "track", settings.ANJU_PARTICIPATION_RATE_LIMITS["track"])
    try:
        suggestion = public_suggestion(code)
    except NotFound:  # the lookup form again, with the code to correct
        return render(request, "participation/public/track.html",
                      {"form": TrackForm(initial={"code": code}), "not_found": True}, status=404)
    meetings = suggestion.meetings.prefetch_related("decisions").order_by("starts_at")
    return render(request, "participation/public/receipt.html", {
        "s": suggestion, "meetings": meetings, "photo_count": suggestion.photos.count(), "timing": queries.timing(suggestion),
        "reply_days": queries.reply_days(),
    })


def board(request: HttpRequest) -> HttpResponse:
    """Answered suggestions and their replies; no names, phones or photos."""
    compound, _building = _compound_from(request)
    rows = [(s, queries.scrub(s.title), queries.scrub(s.reply)) for s in queries.public_board(compound=compound)]
    return render(request, "participation/public/board.html", {"rows": rows, "compound": compound})


def notice(request: HttpRequest, pk: int) -> HttpResponse:
    n = public_notice(pk)
    return render(request, "participation/public/notice.html", {"n": n, "images": queries.images_not_in_body(n)})


def notice_image(request: HttpRequest, pk: int) -> FileResponse:
    """A notice's picture: public once the notice is, otherwise for staff in scope."""
    image = public_notice_image(request.user, pk)
    return FileResponse(image.image.open("rb"), content_type="image/jpeg")


def place(request: HttpRequest, compound: int, building: int | None = None) -> HttpResponse:
    """The notices of a compound, or of one building (the QR on a stairwell notice board leads here)."""
    node = public_compound(compound)
    b = public_building(building, compound=node) if building else None
    return render(request, "participation/public/place.html", {
        "compound": node, "building": b, "notices": queries.notices_for_place(node, b),
        "buildings": node.buildings.order_by("id"), "answered": queries.public_board(compound=node, limit=5),
    })
