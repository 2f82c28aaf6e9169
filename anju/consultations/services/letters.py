"""Letters: a random code per printed letter, stored hashed; the owner check a letter's holder passes.

A code exists in clear only in memory and on paper (`consultations.letters` prints it); the
database keeps its hash, and a reprint revokes the household's earlier letter.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from anju.consultations.models import Consultation, Elector, Letter, Status
from anju.consultations.queries import Tally
from anju.core import audit, crypto, ratelimit
from anju.core.audit import Actor
from anju.core.errors import Conflict, NotFound, ValidationFailed
from anju.domain.errors import DomainError
from anju.domain.ids import normalize_id_number, normalize_phone
from anju.roster.models import Person

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read off paper and typed
CODE_LENGTH = 20  # 20 symbols of 32: 100 random bits, beyond guessing even without the limits


def random_code(length: int) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def normalise_code(text: str) -> str:
    """A code as typed from paper: spaces and dashes dropped, upper case."""
    return "".join(ch for ch in (text or "").upper() if ch not in " -\t")


def code_hash(code: str) -> str:
    """SHA-256 of the normalised code: the code has 100 random bits, so a plain hash cannot be reversed."""
    return hashlib.sha256(("anju-letter:" + normalise_code(code)).encode()).hexdigest()


def format_code(code: str) -> str:
    """The code as printed, in groups of four: ABCD-EFGH-…"""
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def letters_printable(consultation: Consultation) -> Consultation:
    """Letters are printed only while the consultation is open (a closed vote's code would lead nowhere,
    a draft's electorate is not frozen yet); `Conflict` otherwise. Checked before anything is drawn."""
    if consultation.status != Status.OPEN:
        raise Conflict("只有进行中的意见征求可以打印告知书", "Letters are printed only while the consultation is open")
    return consultation


class OwnerVotesUnsettled(Conflict):
    """The notice waits: an owner's flats voted differently, so some results are not computed yet."""


def notice_check(consultation: Consultation, tally: Tally) -> None:
    """The public notice exists once the consultation is closed and every result is computed (no owner
    whose flats disagree is left unsettled); `tally` is the consultation's, as the notice prints it."""
    if consultation.status != Status.CLOSED:
        raise ValidationFailed("截止后才能生成公示", "The notice exists once the consultation is closed")
    if tally.owner_conflicts:
        raise OwnerVotesUnsettled("有业主名下各户意见不一致，相关题目的结果尚未算出；请先处理，再生成公示。",
                                  "An owner's flats voted differently, so some results are not computed yet; "
                                  "settle them first, then make the notice.")


def letters_due(consultation: Consultation, *, reissue: bool = False) -> list[Elector]:
    """The households to print letters for: those without a valid letter, or (reissue) every household."""
    qs = consultation.electors.order_by("key")
    if not reissue:
        qs = qs.exclude(Exists(Letter.objects.filter(elector=OuterRef("pk"), revoked_at__isnull=True)))
    return list(qs)


def letter_codes(electors: list[Elector]) -> list[tuple[Elector, str]]:
    """A fresh code for each household, in memory only: print them, then `letters_record` them."""
    return [(e, random_code(CODE_LENGTH)) for e in electors]


@transaction.atomic
def letters_record(*, consultation: Consultation, issued: list[tuple[Elector, str]], actor: Actor,
                   reason: str = "") -> int:
    """Make the printed codes valid: store their hashes and revoke each household's earlier letter.

    Called after the PDF is made, in one short transaction, so a failed print leaves the old letters
    valid and no code that nobody holds. The audit record names the households, never a code."""
    consultation = letters_printable(Consultation.objects.select_for_update().get(pk=consultation.pk))
    if not issued:
        return 0
    now = timezone.now()
    ids = [e.pk for e, _code in issued]
    reprinted = list(Letter.objects.filter(elector_id__in=ids, revoked_at__isnull=True)
                     .values_list("elector__key", flat=True).order_by("elector__key"))
    Letter.objects.filter(elector_id__in=ids, revoked_at__isnull=True).update(revoked_at=now)
    Letter.objects.bulk_create([
        Letter(elector=e, code_hash=code_hash(code), issued_by=actor.user, issued_by_label=actor.label,
               reason=reason.strip()[:300]) for e, code in issued], batch_size=1000)
    audit.record(actor=actor, action="consultation.letters", obj=consultation, before={"revoked": reprinted},
                 after={"letters": len(issued), "households": sorted(e.key for e, _code in issued)[:50],
                        "reason": reason.strip()}, subdistrict_id=consultation.subdistrict_id)
    return len(issued)


def letter_replacement_check(*, elector: Elector, id_checked: bool, reason: str) -> str:
    """A household that already holds a valid letter gets a new one only after staff checked the
    owner's ID card in person; returns the reason to record ("" for a first letter). Like every letter,
    only while the consultation is open."""
    letters_printable(elector.consultation)
    if not Letter.objects.filter(elector=elector, revoked_at__isnull=True).exists():
        return reason.strip()
    if not id_checked:
        raise ValidationFailed("补发告知书前，请当面核对业主的身份证，并勾选“已核对”",
                               "Before re-issuing a letter, check the owner's ID card in person and tick the box",
                               field="id_checked")
    if not reason.strip():
        raise ValidationFailed("请写明补发原因（如：告知书遗失）", "Give the reason (e.g. the letter was lost)",
                               field="reason")
    return "已当面核对身份证；" + reason.strip()


def letter_limit() -> ratelimit.Limit:
    """Failed owner checks of one letter before it locks (it then stays locked until staff unlock it)."""
    return ratelimit.Limit("vote-letter", settings.ANJU_VOTE_LETTER_FAILURES, settings.ANJU_VOTE_LETTER_WINDOW)


def letter_for_code(code: str) -> Letter:
    """The valid letter of a code; NotFound for anything else (no hint whether it ever existed)."""
    letter = (Letter.objects.select_related("elector__consultation__compound", "elector__household")
              .filter(code_hash=code_hash(code), revoked_at__isnull=True).first())
    if letter is None or not normalise_code(code):
        raise NotFound("表决码无效，或这封告知书已作废（补发了新的告知书）。请核对告知书上的二维码或表决码。",
                       "This code is not valid, or the letter was replaced by a new one. Check the QR code "
                       "or the code on your letter.")
    return letter


def letter_valid(pk: int) -> Letter | None:
    """The letter a resident's session holds, if it is still valid (not replaced)."""
    return (Letter.objects.select_related("elector__consultation__compound", "elector__household")
            .filter(pk=pk, revoked_at__isnull=True).first())


@transaction.atomic
def letter_lock(*, letter: Letter, actor: Actor) -> Letter:
    """Too many failed owner checks: the letter stops working until staff unlock it."""
    letter = Letter.objects.select_for_update().select_related("elector__consultation").get(pk=letter.pk)
    if letter.locked_at is None:
        letter.locked_at = timezone.now()
        letter.save(update_fields=["locked_at"])
        c = letter.elector.consultation
        audit.record(actor=actor, action="consultation.letter_lock", obj=c, before=None,
                     after={"household": letter.elector.key}, subdistrict_id=c.subdistrict_id)
    return letter


@transaction.atomic
def letter_unlock(*, letter: Letter, actor: Actor, reason: str) -> Letter:
    """Staff unlock a letter after talking to the household (reason required, audited)."""
    letter = Letter.objects.select_for_update().select_related("elector__consultation").get(pk=letter.pk)
    if letter.locked_at is None:
        raise Conflict("这封告知书没有被锁定", "This letter is not locked")
    if not reason.strip():
        raise ValidationFailed("请写明解锁原因（如：已电话联系业主本人）", "Give the reason (e.g. called the owner)",
                               field="reason")
    letter.locked_at = None
    letter.save(update_fields=["locked_at"])
    ratelimit.clear(letter_limit(), str(letter.pk))
    c = letter.elector.consultation
    audit.record(actor=actor, action="consultation.letter_unlock", obj=c, before={"locked": True},
                 after={"household": letter.elector.key, "reason": reason.strip()[:300]},
                 subdistrict_id=c.subdistrict_id)
    return letter


class IdentityFormat(ValidationFailed):
    """What was typed is not an ID number or a mobile number at all: said plainly, not counted."""


def identity_matches(elector: Elector, *, name: str, number: str) -> bool:
    """The owner's name and their full ID number (or, for an owner registered without one, their full
    mobile number), against the owners frozen with the electorate. Compared through the keyed search
    hashes: nothing a masked number shows (its first and last digits) is enough to pass."""
    name, number = name.strip(), "".join(number.split()).upper()
    if not name or not number:
        return False
    digits = number.replace("-", "")
    try:
        if len(digits) == 18:
            kind, value = "id", normalize_id_number(digits)
        elif len(digits) == 11 and digits.isdigit():
            kind, value = "phone", normalize_phone(digits)
        else:
            raise IdentityFormat("请填写 18 位身份证号码，或 11 位手机号码",
                                 "Enter the 18-character ID number or the 11-digit mobile number", field="number")
    except DomainError:
        raise IdentityFormat("号码不对：请核对 18 位身份证号码（或 11 位手机号码）",
                             "That number is not valid: check the 18-character ID number (or 11-digit mobile)",
                             field="number") from None
    wanted = crypto.search_hash(kind, value)
    for person in Person.objects.filter(pk__in=elector.owner_ids):
        if person.name != name:
            continue
        if kind == "id" and hmac.compare_digest(person.id_number_hash, wanted):
            return True
        # The phone stands in only for an owner registered without an ID number.
        if kind == "phone" and not person.id_number_hash and hmac.compare_digest(person.phone_hash, wanted):
            return True
    return False
