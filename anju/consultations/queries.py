"""Reads of the consultations app: households not yet heard from, owners in conflict, the canonical
ballot list and its digest, approval rates; what counts now (`queries_current`), the live tally
(`queries_tally`) and an election's result (`queries_election`) are re-exported from here."""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from anju.consultations.models import (
    Ballot,
    BallotState,
    Channel,
    Consultation,
    Elector,
    Letter,
    OwnerSettlement,
    Question,
    QuestionKind,
    Status,
)
from anju.consultations.queries_current import (  # noqa: F401  (the app's public reads: `queries.*`)
    ROOM,
    VOTES,
    Current,
    ElectorRow,
    counts_owners,
    current_answers,
    electors,
    engine_households,
    evaluate_question,
    is_final,
    parse_rule,
    question_result,
    settlement_holds,
)
from anju.consultations.queries_election import ElectionOutcome, election_count, election_result, split_owners  # noqa: F401
from anju.consultations.queries_tally import (  # noqa: F401
    QuestionTally,
    Row,
    Tally,
    tally,
    tally_differences,
    tally_per_household,
)
from anju.core.actor_names import USER_RELATED
from anju.core.errors import ValidationFailed
from anju.core.household_links import HouseholdLink
from anju.core.household_links import register as register_household_links
from anju.core.scoping import Scope, scope_of
from anju.domain.consent import evaluate
from anju.domain.consent import owner_conflicts as engine_owner_conflicts
from anju.domain.errors import DomainError
from anju.domain.roomcode import parse_room_query
from anju.roster.models import Unit

if TYPE_CHECKING:
    from anju.core.access import User


def not_heard(consultation: Consultation, *, current: dict[int, Current] | None = None) -> QuerySet[Elector]:
    """Households with nothing that counts yet (no ballot, or an unresolved conflict): for visits.
    `current` is `current_answers(consultation)` when the caller has read it already."""
    heard = (current_answers(consultation) if current is None else current).keys()
    return (consultation.electors.exclude(pk__in=list(heard)).select_related("household__unit__building")
            .order_by("key"))


def elector_rooms(consultation: Consultation) -> list[tuple[int, str]]:
    """(elector pk, room as people read it: 3栋2单元301室) of the whole electorate by household key, as
    plain rows for the page's pickers (model instances cost ~10x more for 2,400 households)."""
    rows = consultation.electors.order_by("key").values_list(
        "pk", "household__unit__building__number", "household__unit__number", "household__room")
    return [(pk, f"{building}栋{unit}单元{room}室") for pk, building, unit, room in rows]


def conflicts(consultation: Consultation) -> QuerySet[Ballot]:
    return Ballot.objects.filter(consultation=consultation, state=BallotState.CONFLICT).select_related(
        f"elector__{ROOM}", f"entered_by__{USER_RELATED}").order_by("elector__key", "online")


def room_labels(consultation: Consultation, elector_ids: set[int]) -> dict[int, str]:
    """Elector pk -> the room as people read it (3栋2单元301室), for the electors a page names."""
    found = Elector.objects.filter(consultation=consultation, pk__in=elector_ids).select_related(ROOM)
    return {e.pk: e.room_label for e in found}


# --- owners whose flats voted differently (SPC interpretation art. 9): `queries_owners` ----------

from anju.consultations.queries_owners import OwnerConflict, OwnerConflicts, OwnerPart, owner_conflicts  # noqa: E402,F401


def settlements(consultation: Consultation) -> list[tuple[OwnerSettlement, bool]]:
    """Every settlement, newest first, with whether it still holds on the ballots as they now count."""
    base = current_answers(consultation)  # settling keeps receipts: the check sees the ballots as cast
    return [(s, settlement_holds(s.basis, base))
            for s in consultation.settlements.select_related("question", f"made_by__{USER_RELATED}").order_by("-id")]


# --- the canonical ballot list and its digest --------------------------------------------------

CANONICAL_FORM = """\
The canonical ballot list (表决结果公示的规范清单), the input of the SHA-256 digest:
one line per household of the frozen electorate, sorted by the household's alias (公示编号: eight
letters and digits, random, told only to the household on its receipt and its letter), compared
character by character; each line is three fields separated by one TAB (U+0009) and ended by one
LF (U+000A):
  1. the alias;  2. channel of what counts: online, paper, door, correction, or none;
  3. the answers, by question number ascending, "number=value" joined by ";" — value: yes, no or
     abstain; a single choice as written; several choices joined by "+" in the question's order;
     a number in plain decimal ("3000", "2.5"); "-" when not answered. Free-text answers are not
     published and appear as "text".
Rooms, floors and areas are not published, so nobody can tell whose line is whose; the totals by
area are on the notice. The whole text is encoded in UTF-8 and hashed with SHA-256; the digest is
its 64 lowercase hex digits."""

CANONICAL_FORM_OPEN = """\
The canonical ballot list (表决结果公示的规范清单), the input of the SHA-256 digest, for a vote whose
owners' rules require open ballots (记名公示): one line per household of the frozen electorate, sorted
by household key (building-unit-room, e.g. "3-1-501", compared character by character as Unicode
code points); each line is five fields separated by one TAB (U+0009) and ended by one LF (U+000A):
  1. household key;  2. floor (integer);  3. exclusive area in m² with two decimals ("72.50");
  4. channel of what counts: online, paper, door, correction, or none;
  5. the answers, by question number ascending, "number=value" joined by ";" — value: yes, no or
     abstain; a single choice as written; several choices joined by "+" in the question's order;
     a number in plain decimal ("3000", "2.5"); "-" when not answered. Free-text answers are not
     published and appear as "text".
The whole text is encoded in UTF-8 and hashed with SHA-256; the digest is its 64 lowercase hex digits."""


def canonical_form(consultation: Consultation) -> str:
    """The specification of `canonical_lines` for this consultation (by alias, or open by room)."""
    return CANONICAL_FORM_OPEN if consultation.open_ballots else CANONICAL_FORM


def _value(q: Question, answer: Any) -> str:
    if answer is None or answer == [] or answer == "":
        return "-"
    if q.kind == QuestionKind.TEXT:
        return "text"
    if q.kind in (QuestionKind.MULTIPLE, QuestionKind.ELECTION):
        return "+".join(answer)
    return str(answer)


def canonical_lines(consultation: Consultation) -> list[str]:
    r"""The published list whose SHA-256 is the notice's digest (`canonical_form` states it).

    How a flat voted is personal data: by default one line per household under its alias, sorted
    by alias, ``alias \t channel \t answers`` (``"K7QMX2PA\tonline\t1=yes\n"``), so each household
    finds its own line and nobody reads a neighbour's. With ``open_ballots`` (the owners' rules
    require open ballots) the line names the room: ``key \t floor \t area \t channel \t answers``.
    Answers are ``"<question number>=<value>"`` by question number ascending joined by ";"."""
    questions = list(consultation.questions.order_by("order"))
    current = current_answers(consultation)
    lines = []
    for e in electors(consultation):
        c = current.get(e.pk)
        answers = ";".join(f"{q.order}={_value(q, c.answers.get(str(q.pk)) if c else None)}" for q in questions)
        channel = c.channel if c else "none"
        if consultation.open_ballots:
            lines.append(f"{e.key}\t{e.floor}\t{e.area:.2f}\t{channel}\t{answers}\n")
        else:
            lines.append(f"{e.alias}\t{channel}\t{answers}\n")
    return sorted(lines)


@dataclass(frozen=True)
class LetterStatus:
    """Where the letters of an open consultation stand, for the staff page."""

    households: int
    printed: int  # households holding a valid letter
    locked: list[Letter]  # valid letters locked by failed owner checks, oldest lock first

    @property
    def missing(self) -> int:
        return self.households - self.printed


def letter_status(consultation: Consultation) -> LetterStatus:
    valid = Letter.objects.filter(elector__consultation=consultation, revoked_at__isnull=True)
    return LetterStatus(households=consultation.electors.count(), printed=valid.count(),
                        locked=list(valid.filter(locked_at__isnull=False).select_related(f"elector__{ROOM}")
                                    .order_by("locked_at")))


def digest(lines: list[str]) -> str:
    """SHA-256 (hex) of the canonical list; see `CANONICAL_FORM`."""
    return hashlib.sha256("".join(lines).encode("utf-8")).hexdigest()


# --- for other apps: number answers (an elevator's willingness to pay) ----------------------------


def number_questions_covering(user: User, unit: Unit, *, unit_labels: Collection[str]) -> list[Question]:
    """Number questions asked in one of `unit_labels` (元, 万元…) of opened consultations `user` may see
    whose scope contains `unit`: the unit itself, its building or its whole compound. Newest first."""
    covers = (Q(consultation__unit_id=unit.pk)
              | Q(consultation__unit__isnull=True, consultation__building_id=unit.building_id)
              | Q(consultation__building__isnull=True, consultation__compound_id=unit.building.compound_id))
    return list(Question.objects.visible_to(user)
                .filter(covers, kind=QuestionKind.NUMBER, unit_label__in=list(unit_labels))
                .exclude(consultation__status=Status.DRAFT)
                .select_related("consultation__compound", "consultation__building", "consultation__unit")
                .order_by("-consultation__created", "-consultation_id", "order"))


def counted_answers(question: Question, household_ids: Collection[int]) -> dict[int, Any]:
    """Roster household id -> its answer to `question` as counted now (the counted ballot or a later
    correction), for the given households; households without an answer are left out."""
    consultation = question.consultation
    household_of = dict(Elector.objects.filter(consultation=consultation, household_id__in=list(household_ids))
                        .values_list("pk", "household_id"))
    key = str(question.pk)
    return {household_of[eid]: current.answers[key] for eid, current in current_answers(consultation).items()
            if eid in household_of and current.answers.get(key) is not None}


# --- for the dashboard ------------------------------------------------------------------------


@dataclass(frozen=True)
class ApprovalRate:
    """One yes/no question of a consultation: how many households said yes, of those who answered."""

    consultation_id: int
    title: str
    compound_name: str
    question: str
    yes_households: int
    participating_households: int
    eligible_households: int
    approval: Fraction  # yes / participating households
    passed: bool
    pending: bool = False  # an owner's flats voted differently: no result until staff settle it (neither passed nor failed)
    final: bool = True  # closed or past its closing time; an open vote has live figures and no result yet


def approval_rates(scope: Scope) -> list[ApprovalRate]:
    """Every yes/no question of the open and closed consultations within `scope`, newest first."""
    out = []
    consultations = (Consultation.objects.within(scope).exclude(status=Status.DRAFT).select_related("compound")
                     .prefetch_related("questions"))
    for c in consultations:
        people = electors(c)
        current = current_answers(c)
        final = is_final(c)
        for q in c.questions.all():
            if q.kind != QuestionKind.YES_NO:
                continue
            answers = [current[e.pk].answers.get(str(q.pk)) for e in people if e.pk in current]
            answers = [a for a in answers if a]
            yes = sum(a == "yes" for a in answers)
            households = engine_households(q, people, current)
            try:
                passed, pending = evaluate(households, parse_rule(q), closed=final).passed, False
            except DomainError:
                passed, pending = False, bool(households) and bool(engine_owner_conflicts(households))
            out.append(ApprovalRate(c.pk, c.title, c.compound.name, q.text, yes, len(answers), len(people),
                                    Fraction(yes, len(answers)) if answers else Fraction(0), passed, pending, final))
    return out


CHANNEL_LABELS = dict(Channel.choices) | {"correction": "更正"}


def ballots_of(consultation: Consultation, *, channel: str = "", state: str = "") -> QuerySet[Ballot]:
    """Every ballot of a consultation as cast, history included (replaced and set-aside ones keep their
    state), newest first; `channel` and `state` keep one of each (an unknown value keeps them all)."""
    ballots = consultation.ballots.select_related(f"elector__{ROOM}", f"entered_by__{USER_RELATED}")
    if channel in Channel.values:
        ballots = ballots.filter(channel=channel)
    if state in BallotState.values:
        ballots = ballots.filter(state=state)
    return ballots.order_by("-id")


def household_ballots(scope: Scope, household_id: int) -> list[tuple[Elector, Ballot | None]]:
    """The consultations a household is (frozen) an elector of, newest first, with its counted ballot if any."""
    electors = list(Elector.objects.within(scope).filter(household_id=household_id)
                    .select_related("consultation").order_by("-consultation_id"))
    counted = {b.elector_id: b for b in Ballot.objects.filter(elector__in=electors, state=BallotState.COUNTED)}
    return [(e, counted.get(e.pk)) for e in electors]


def _household_links(user: object, household: Any) -> list[HouseholdLink]:
    """The household page's lines about its votes (see `anju.core.household_links`)."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    scope = scope_of(user)  # type: ignore[arg-type]  # the registry passes the request's user
    return [HouseholdLink("ballots", e.consultation.title,
                          f"{e.consultation.get_status_display()} · {_('已表决') if ballot else _('未表决')}",
                          reverse("consultations:detail", args=[e.consultation_id]))
            for e, ballot in household_ballots(scope, household.pk)]


register_household_links("consultations", _household_links)
ROOM_TEXT_LENGTH = 40  # longer than any room code with its compound's name


def electors_by_room(consultation: Consultation, text: str) -> QuerySet[Elector]:
    """The households of `consultation`'s electorate at the room `text` names (3-2-501, 3栋2单元501, 501):
    every part given must match; a compound name before the code must be part of the consultation's
    compound's name. Empty when `text` is not a room."""
    electors = consultation.electors.select_related("household__unit__building").order_by("key")
    place = parse_room_query(text[:ROOM_TEXT_LENGTH])
    if place is None or len(text) > ROOM_TEXT_LENGTH:
        return electors.none()
    if place.compound and place.compound not in unicodedata.normalize("NFKC", consultation.compound.name).upper():
        return electors.none()
    if place.building is not None:
        electors = electors.filter(household__unit__building__number=place.building)
    if place.unit is not None:
        electors = electors.filter(household__unit__number=place.unit)
    if place.room is not None:
        electors = electors.filter(household__room=place.room)
    return electors


def elector_by_room(consultation: Consultation, text: str) -> Elector:
    """The one household of the electorate at the room `text` names; ValidationFailed (field "room")
    when the text is not a room, no household of the electorate is there, or several are."""
    typed = text.strip()[:ROOM_TEXT_LENGTH]
    if parse_room_query(typed) is None:
        raise ValidationFailed(
            f"无法识别房号“{typed}”，请按 3-2-501、3栋2单元501 或 501 的格式填写。",
            f"The room “{typed}” is not recognised: write it as 3-2-501, 3栋2单元501 or 501.", field="room")
    found = list(electors_by_room(consultation, typed)[:2])
    if not found:
        raise ValidationFailed(f"房号“{typed}”不在本次表决范围内。", f"The room “{typed}” is not in this consultation.",
                               field="room")
    if len(found) > 1:
        count = electors_by_room(consultation, typed).count()
        raise ValidationFailed(
            f"房号“{typed}”在本次表决范围内有 {count} 户，请写明楼栋和单元，如 3-2-501。",
            f"{count} households of this consultation are at “{typed}”: give the building and unit, e.g. 3-2-501.",
            field="room")
    return found[0]
