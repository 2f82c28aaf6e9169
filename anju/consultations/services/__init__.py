"""Every write of the consultations app, by stage: `lifecycle` (drafting, opening, closing, the next
round), `letters` (codes and the owner check), `ballots` (the one write path for every channel) and
`corrections` (settled owner votes, corrections after the close).

Callers import `anju.consultations.services` and use the names below: where a function lives is
the package's business, what it promises is in its docstring.
"""

from anju.consultations.services.ballots import (
    ANY,
    SCAN_FORMATS,
    SCAN_MAX_BYTES,
    STAFF_CHANNELS,
    answers_validate,
    ballot_cast,
    ballot_scan_attach,
    conflict_resolve,
    elector_of,
    paper_ballot_cast,
    scan_discard,
    scan_store,
)
from anju.consultations.services.corrections import correction_append, owner_conflict_settle
from anju.consultations.services.home import home_suggestion_submit
from anju.consultations.services.letters import (
    CODE_ALPHABET,
    CODE_LENGTH,
    IdentityFormat,
    OwnerVotesUnsettled,
    code_hash,
    format_code,
    identity_matches,
    letter_codes,
    letter_for_code,
    letter_limit,
    letter_lock,
    letter_replacement_check,
    letter_unlock,
    letter_valid,
    letters_due,
    letters_printable,
    letters_record,
    normalise_code,
    notice_check,
    random_code,
)
from anju.consultations.services.lifecycle import (
    ALIAS_LENGTH,
    AUTO_CLOSE,
    FORBIDDEN_IN_CHOICES,
    close_due,
    close_if_due,
    consultation_close,
    consultation_create,
    consultation_describe,
    consultation_held,
    consultation_open,
    elector_key,
    households_of,
    is_accepting,
    is_due,
    next_round,
    owner_keys,
    question_add,
    questions_from_template,
    rule_validate,
)

__all__ = [
    "ALIAS_LENGTH", "ANY", "AUTO_CLOSE", "CODE_ALPHABET", "CODE_LENGTH", "FORBIDDEN_IN_CHOICES",
    "SCAN_FORMATS", "SCAN_MAX_BYTES", "STAFF_CHANNELS", "IdentityFormat", "OwnerVotesUnsettled",
    "answers_validate", "ballot_cast", "ballot_scan_attach", "close_due", "close_if_due", "code_hash", "conflict_resolve",
    "consultation_close", "consultation_create", "consultation_describe", "consultation_held", "consultation_open",
    "correction_append", "elector_key",
    "elector_of", "format_code", "home_suggestion_submit", "households_of", "identity_matches", "is_accepting", "is_due",
    "letter_codes", "letter_for_code", "letter_limit", "letter_lock", "letter_replacement_check",
    "letter_unlock", "letter_valid", "letters_due", "letters_printable", "letters_record", "next_round",
    "normalise_code", "notice_check", "owner_conflict_settle", "owner_keys", "paper_ballot_cast",
    "question_add", "questions_from_template", "random_code", "rule_validate", "scan_discard", "scan_store",
]
