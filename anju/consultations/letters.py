"""Printed documents: a letter per household (its voting code and QR) and the public notice (公示).

A letter's code exists in clear only in the PDF made here: codes are drawn in memory, the pages are
rendered, and only then are their hashes recorded (revoking each household's earlier letter).
"""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse
from django.utils import translation

from anju.consultations import queries, queries_resident, services
from anju.consultations.models import Consultation, Elector
from anju.core.audit import Actor
from anju.core.pdf import issuing_unit, qr_png, qr_svg, render_pdf, render_pdf_each
from anju.core.sanitise import html_to_text
from anju.elevators.queries import household as elevators
from anju.roster.models import Household

LETTER_SUMMARY_CHARS = 90  # one paragraph, so the letter stays one A4 page; the vote page has all of it


def letter_url(base_url: str, code: str) -> str:
    """The household's voting link: base URL + /consultations/v/<code>/ (random, nothing personal)."""
    return base_url.rstrip("/") + reverse("consultations:vote_link", args=[code])


def render_letters(consultation: Consultation, base_url: str, *, electors: list[Elector], actor: Actor,
                   reason: str = "", progress: Callable[[int, int], None] | None = None) -> bytes:
    """One letter per household (an A4 page, numbered on its own): the questions, its QR code, link and code,
    and how to vote on paper.

    The households' earlier letters stop working once this returns (a reprint revokes them)."""
    services.letters_printable(consultation)
    issued = services.letter_codes(electors)
    homes = Household.objects.select_related("unit__building").in_bulk([e.household_id for e in electors])
    elevator = queries_resident.asks_about_elevator(consultation)
    with translation.override("zh-hans"):  # the letter is Chinese: so is the method's name on it
        shares = elevators.household_shares(homes) if elevator else {}
    full = " ".join(html_to_text(consultation.description).splitlines())  # one paragraph on paper
    summary = full if len(full) <= LETTER_SUMMARY_CHARS else full[:LETTER_SUMMARY_CHARS].rstrip() + "……"
    pages = []
    for e, code in issued:
        url = letter_url(base_url, code)
        pages.append({"elector": e, "room": homes[e.household_id].room_label, "url": url, "qr": qr_png(url, size_mm=38),
                      "code": services.format_code(code), "share": shares.get(e.household_id)})
    shared = {
        "consultation": consultation, "questions": list(consultation.questions.all()),
        "summary": summary, "summary_cut": summary != full, "elevator": elevator,
        "subdistrict": consultation.subdistrict, **issuing_unit(consultation.compound),
        "entry_url": base_url.rstrip("/") + reverse("consultations:vote"),
    }
    # Each household gets its own letter: its pages read 第 1 页 共 M 页 from its start, not the batch's.
    pdf, _pages = render_pdf_each("consultations/print/letters.html", ({**shared, "pages": [page]} for page in pages),
                                 progress=progress)
    services.letters_record(consultation=consultation, issued=issued, actor=actor, reason=reason)
    return pdf


def render_notice(consultation: Consultation, public_url: str) -> bytes:
    """The public notice of a closed consultation: result, counts, and the digest of the ballot list.

    Refused (`services.notice_check`) before the close or while an owner's flats disagree."""
    tally = queries.tally(consultation)
    services.notice_check(consultation, tally)
    lines = queries.canonical_lines(consultation)
    with translation.override("zh-hans"):  # a Chinese poster whatever the staff member's language
        return render_pdf("consultations/print/notice.html", {
            "consultation": consultation, "tally": tally, "digest": queries.digest(lines),
            "households": len(lines), "public_url": public_url, "qr": qr_svg(public_url, size_mm=28),
            "canonical_form": queries.canonical_form(consultation), "subdistrict": consultation.subdistrict,
            **issuing_unit(consultation.compound),
        })
