"""The live tally of a consultation (the staff page, its htmx fragment, the API, the notice), and
the check that it equals a household-by-household recount. Re-exported by `queries`.

`tally` reads the frozen electorate and what counts now once (a handful of queries), groups the
households of each question by (floor, channel, answer) in one pass, and builds every breakdown
from those groups; only the art. 278 engine and the election count read the electorate flat by flat,
as the law asks (one owner of several flats counts once, with all their area). `tally_per_household`
is the plain computation it replaced, kept as the reference `tally_differences` checks against."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, fields
from decimal import Decimal
from fractions import Fraction
from typing import Any

from anju.consultations.models import Ballot, BallotState, Consultation, Question, QuestionKind
from anju.consultations.queries_current import (
    VOTES,
    Current,
    ElectorRow,
    current_answers,
    electors,
    engine_households,
    is_final,
    parse_rule,
)
from anju.consultations.queries_election import ElectionOutcome, election_count, split_owners
from anju.domain.consent import Headcount, Result, Vote, evaluate
from anju.domain.consent import Household as EngineHousehold
from anju.domain.consent import owner_conflicts as engine_owner_conflicts
from anju.domain.consent.grouped import Grouping, evaluate_votes, grouping
from anju.domain.errors import DomainError


@dataclass
class Row:
    """Households and area answering one way within a group (a channel or a floor)."""

    label: str
    households: int = 0
    area: Decimal = Decimal(0)
    yes: int = 0
    yes_area: Decimal = Decimal(0)
    no: int = 0
    abstain: int = 0
    eligible: int = 0

    @property
    def approval(self) -> Fraction:
        return Fraction(self.yes, self.households) if self.households else Fraction(0)


@dataclass
class QuestionTally:
    question: Question
    result: Result | None  # yes/no questions
    error: str  # an engine refusal (e.g. one owner voted differently for two flats)
    owner_conflicts: list[str]  # owner keys whose flats carry different votes: staff settle them
    by_channel: list[Row]
    by_floor: list[Row]
    answered: int
    choices: list[tuple[str, int]]  # single/multiple choice counts
    numbers: list[Decimal]
    texts: list[str]
    election: ElectionOutcome | None = None  # election questions (`queries_election`)


@dataclass
class Tally:
    consultation: Consultation
    eligible: int
    eligible_area: Decimal
    heard: int
    heard_area: Decimal
    conflicts: int
    by_channel: dict[str, int]
    questions: list[QuestionTally]

    @property
    def participation(self) -> Fraction:
        return Fraction(self.heard, self.eligible) if self.eligible else Fraction(0)

    @property
    def owner_conflicts(self) -> int:
        """How many owners have flats that voted differently on some question (each counted once)."""
        return len({key for qt in self.questions for key in qt.owner_conflicts})

def tally(consultation: Consultation, *, current: dict[int, Current] | None = None) -> Tally:
    """The live tally of every question: a handful of queries and one pass over the households per
    question, grouped before anything is summed (see the module's docstring). `current` is
    `current_answers(consultation)` when the caller has read it already."""
    people = electors(consultation)
    current = current_answers(consultation) if current is None else current
    closed = is_final(consultation)
    heard = [(e, current[e.pk]) for e in people if e.pk in current]
    floors: dict[int, int] = defaultdict(int)
    for e in people:
        floors[e.floor] += 1
    channels: dict[str, int] = defaultdict(int)
    for c in current.values():
        channels[c.channel] += 1
    engine = _Engine(people, current, closed)
    questions = [_grouped_question_tally(q, engine, heard, floors) for q in consultation.questions.all()]
    return Tally(consultation, len(people), sum((e.area for e in people), Decimal(0)), len(current),
                 sum((e.area for e, _ in heard), Decimal(0)), _conflicts(consultation), dict(channels), questions)


def _conflicts(consultation: Consultation) -> int:
    return Ballot.objects.filter(consultation=consultation, state=BallotState.CONFLICT).values(
        "elector").distinct().count()


_NONE: dict[str, Any] = {}


class _Engine:
    """The art. 278 engine over one electorate for many questions: the households are grouped into
    voters once per headcount (`anju.domain.consent.grouped`), each question brings its votes."""

    def __init__(self, people: list[ElectorRow], current: dict[int, Current], closed: bool) -> None:
        self.people, self.current, self.closed = people, current, closed
        self.answers = [current[e.pk].answers if e.pk in current else _NONE for e in people]
        self.groupings: dict[str, Grouping | None] = {}

    def grouping(self, headcount: Headcount) -> Grouping | None:
        if headcount not in self.groupings:
            try:
                self.groupings[headcount] = grouping(
                    [EngineHousehold(e.key, e.area, e.owner_key) for e in self.people], headcount)
            except DomainError:  # no electorate yet, or a bad area: `evaluate` says why, question by question
                self.groupings[headcount] = None
        return self.groupings[headcount]

    def result(self, q: Question) -> tuple[Result | None, str, list[str]]:
        """The result of a yes/no question, or the engine's refusal and the owners in conflict."""
        rule, key = parse_rule(q), str(q.pk)
        g = self.grouping(rule.headcount)
        try:
            if g is None:
                return evaluate(engine_households(q, self.people, self.current), rule, closed=self.closed), "", []
            votes = [VOTES.get(a) or Vote(a) if (a := answers.get(key)) else None
                     for answers in self.answers]
            return evaluate_votes(g, votes, rule, closed=self.closed), "", []
        except DomainError as exc:
            households = engine_households(q, self.people, self.current)
            owners = [c.owner for c in engine_owner_conflicts(households)] if households else []
            return None, f"{exc.zh} / {exc.en}", owners


def _grouped_question_tally(q: Question, engine: _Engine, heard: list[tuple[ElectorRow, Current]],
                            floors: dict[int, int]) -> QuestionTally:
    key = str(q.pk)
    result, error, owners = engine.result(q) if q.kind == QuestionKind.YES_NO else (None, "", [])
    election, error = (election_count(q, engine.people, engine.current, final=engine.closed)
                       if q.kind == "election" else (None, error))
    if election is None and q.kind == QuestionKind.ELECTION:
        owners = split_owners(q, engine.people, engine.current)  # named on the owner-conflicts page, counted in the alert
    groups: dict[tuple[int, str, Any], list[Any]] = {}  # (floor, channel, answer) -> [households, area]
    answers: list[Any] = []  # in household order, for the choice counts, numbers and texts
    listed = q.kind in (QuestionKind.MULTIPLE, QuestionKind.ELECTION)
    for e, c in heard:
        answer = c.answers.get(key)
        if answer is None:
            continue
        answers.append(answer)
        group = (e.floor, c.channel, tuple(answer) if listed else answer)
        found = groups.get(group)
        if found is None:
            groups[group] = [1, e.area]
        else:
            found[0] += 1
            found[1] += e.area
    by_floor = {f: Row(f"{f}", eligible=floors[f]) for f in sorted(floors)}
    by_channel: dict[str, Row] = {}
    for (floor, channel, answer), (n, area) in groups.items():
        for row in (by_floor[floor], by_channel.setdefault(channel, Row(channel))):
            row.households += n
            row.area += area
            if answer == "yes":
                row.yes += n
                row.yes_area += area
            elif answer == "no":
                row.no += n
            elif answer == "abstain":
                row.abstain += n
    choices: dict[str, int] = {c: 0 for c in q.choices}
    numbers: list[Decimal] = []
    texts: list[str] = []
    if q.kind == QuestionKind.SINGLE:
        for a in answers:
            choices[a] = choices.get(a, 0) + 1
    elif listed:
        for a in answers:
            for x in a:
                choices[x] = choices.get(x, 0) + 1
    elif q.kind == QuestionKind.NUMBER:
        numbers = [Decimal(a) for a in answers]
    elif q.kind == QuestionKind.TEXT:
        texts = list(answers)
    return QuestionTally(q, result, error, owners, sorted(by_channel.values(), key=lambda r: r.label),
                         list(by_floor.values()), len(answers), list(choices.items()), numbers, texts, election)


# --- the reference: household by household, as the tally was computed before it was grouped -----


def tally_per_household(consultation: Consultation) -> Tally:
    """The tally computed flat by flat for every question (slow: ~0.1 ms a household); `tally` must
    equal it exactly, which `tally_differences` checks."""
    people = electors(consultation)
    current = current_answers(consultation)
    closed = is_final(consultation)
    questions = []
    channels: dict[str, int] = defaultdict(int)
    for c in current.values():
        channels[c.channel] += 1
    for q in consultation.questions.all():
        questions.append(_per_household_question(q, people, current, closed))
    heard_area = sum((e.area for e in people if e.pk in current), Decimal(0))
    conflicts = Ballot.objects.filter(consultation=consultation, state=BallotState.CONFLICT).values("elector").distinct().count()
    return Tally(consultation, len(people), sum((e.area for e in people), Decimal(0)), len(current), heard_area,
                 conflicts, dict(channels), questions)


def _per_household_question(q: Question, people: list[ElectorRow], current: dict[int, Current], closed: bool) -> QuestionTally:
    key = str(q.pk)
    result, error, owners = None, "", []
    if q.kind == QuestionKind.YES_NO:
        households = engine_households(q, people, current)
        try:
            result = evaluate(households, parse_rule(q), closed=closed)
        except DomainError as exc:
            error = f"{exc.zh} / {exc.en}"
            owners = [c.owner for c in engine_owner_conflicts(households)] if households else []
    election, error = election_count(q, people, current, final=closed) if q.kind == "election" else (None, error)
    if election is None and q.kind == QuestionKind.ELECTION:
        owners = split_owners(q, people, current)
    by_channel: dict[str, Row] = {}
    by_floor: dict[int, Row] = {}
    choices: dict[str, int] = {c: 0 for c in q.choices}
    numbers, texts, answered = [], [], 0
    for e in people:
        floor = by_floor.setdefault(e.floor, Row(f"{e.floor}"))
        floor.eligible += 1
        c = current.get(e.pk)
        answer = c.answers.get(key) if c else None
        if c is None or answer is None:
            continue
        answered += 1
        rows = [floor, by_channel.setdefault(c.channel, Row(c.channel))]
        for row in rows:
            row.households += 1
            row.area += e.area
            if answer == "yes":
                row.yes += 1
                row.yes_area += e.area
            elif answer == "no":
                row.no += 1
            elif answer == "abstain":
                row.abstain += 1
        if q.kind == QuestionKind.SINGLE:
            choices[answer] = choices.get(answer, 0) + 1
        elif q.kind in (QuestionKind.MULTIPLE, QuestionKind.ELECTION):
            for a in answer:
                choices[a] = choices.get(a, 0) + 1
        elif q.kind == QuestionKind.NUMBER:
            numbers.append(Decimal(answer))
        elif q.kind == QuestionKind.TEXT:
            texts.append(answer)
    return QuestionTally(q, result, error, owners, sorted(by_channel.values(), key=lambda r: r.label),
                         [by_floor[f] for f in sorted(by_floor)], answered, list(choices.items()), numbers, texts,
                         election)


def tally_differences(consultation: Consultation, computed: Tally | None = None) -> list[str]:
    """Where `computed` (by default `tally` now) differs from the household-by-household recount
    from the rows, as readable lines: empty when they agree, as they must."""
    fast, slow = computed if computed is not None else tally(consultation), tally_per_household(consultation)
    out = []
    for f in fields(Tally):
        if f.name != "questions" and getattr(fast, f.name) != getattr(slow, f.name):
            out.append(f"{f.name}: {getattr(fast, f.name)!r} != {getattr(slow, f.name)!r}")
    if len(fast.questions) != len(slow.questions):
        return [*out, f"questions: {len(fast.questions)} != {len(slow.questions)}"]
    for a, b in zip(fast.questions, slow.questions, strict=True):
        for f in fields(QuestionTally):
            if getattr(a, f.name) != getattr(b, f.name):
                out.append(f"question {a.question.order} {f.name}: {getattr(a, f.name)!r} != {getattr(b, f.name)!r}")
    return out
