"""Printed documents: a letter per household (QR code of its voting link) and the public notice (公示)."""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse

from anju.consultations import queries, services
from anju.consultations.models import Consultation, Elector
from anju.core.audit import Actor
from anju.core.pdf import qr_svg, render_pdf


def letter_url(base_url: str, elector: Elector) -> str:
    """The household's voting link: base URL + /consultations/v/<token>/ (a random token, nothing personal)."""
    path = reverse("consultations:vote", args=[services.letter_token(elector.letter)])
    return base_url.rstrip("/") + path


def render_letters(consultation: Consultation, base_url: str, electors: list[Elector] | None = None,
                   progress: Callable[[int, int], None] | None = None) -> bytes:
    """One A4 page per household: the questions, its QR code and link, and how to vote on paper."""
    services.letters_issue(consultation=consultation, actor=Actor.system("letters"))
    people = electors if electors is not None else list(
        consultation.electors.select_related("letter").order_by("key"))
    pages = []
    for i, e in enumerate(people, 1):
        url = letter_url(base_url, e)
        pages.append({"elector": e, "url": url, "qr": qr_svg(url, size_mm=38)})
        if progress:
            progress(i, len(people))
    return render_pdf("consultations/print/letters.html", {
        "consultation": consultation, "pages": pages, "questions": list(consultation.questions.all()),
        "subdistrict": consultation.subdistrict,
    })


def render_notice(consultation: Consultation, public_url: str) -> bytes:
    """The public notice of a closed consultation: result, counts, and the digest of the ballot list."""
    lines = queries.canonical_lines(consultation)
    return render_pdf("consultations/print/notice.html", {
        "consultation": consultation, "tally": queries.tally(consultation), "digest": queries.digest(lines),
        "households": len(lines), "public_url": public_url, "qr": qr_svg(public_url, size_mm=28),
        "canonical_form": queries.CANONICAL_FORM, "subdistrict": consultation.subdistrict,
    })
