"""Where personal data sealed with ANJU_DATA_KEY lives, and re-sealing it under a new key.

A model lists its sealed columns in `sealed_fields`; a column named `*_encrypted` that no model
declares stops the rotation before it writes anything, so a new table cannot be left behind
under the old key unnoticed.

Resuming needs no progress table: each token says by itself which key sealed it. AES-GCM (and
Fernet) authenticate, so a token opens under the new key only if it was sealed under it (a false
open has probability 2⁻¹²⁸). A row's token and search hash are rewritten by one UPDATE, so a row
is never half done; a killed run leaves whole batches done and the rest untouched, and the next
run skips what already opens under the new key.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.apps import apps
from django.db import connection, models, transaction

from anju.core import crypto


@dataclass(frozen=True)
class SealedField:
    """A column of tokens from `crypto.encrypt`, and the search-hash column kept beside it, if any."""

    column: str  # e.g. "id_number_encrypted"
    hash_field: str = ""  # e.g. "id_number_hash"
    kind: str = ""  # the `crypto.search_hash` kind: "id", "phone"


class RotationError(Exception):
    """The rotation cannot go on; `zh` and `en` say why and what to do."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh, self.en = zh, en


def sealed_models() -> list[tuple[type[models.Model], tuple[SealedField, ...]]]:
    """Every model holding sealed values, with its declared fields; refuses undeclared `*_encrypted` columns."""
    found = []
    for model in apps.get_models():
        declared: tuple[SealedField, ...] = tuple(getattr(model, "sealed_fields", ()))
        names = {f.column for f in declared}
        missing = [f.name for f in model._meta.concrete_fields if f.name.endswith("_encrypted") and f.name not in names]
        if missing:
            raise RotationError(f"{model._meta.label} 的 {', '.join(missing)} 未在 sealed_fields 中声明",
                                f"{model._meta.label}: {', '.join(missing)} not declared in sealed_fields")
        if declared:
            found.append((model, declared))
    return found


def _holding(model: type[models.Model], fields: tuple[SealedField, ...]) -> models.QuerySet:
    """Rows with at least one sealed value (rows without any need nothing)."""
    q = models.Q()
    for f in fields:
        q |= ~models.Q(**{f.column: ""})
    return model._default_manager.filter(q)


def _opens(key: str, token: str) -> str | None:
    try:
        return crypto.decrypt_with(key, token)
    except RuntimeError:
        return None


@dataclass
class Tally:
    rows: int = 0
    rewritten: int = 0  # rows re-sealed by this run
    already: int = 0  # rows found already under the new key (a resumed run)


class _Row(NamedTuple):
    pk: int
    tokens: tuple[str, ...]  # one per sealed field
    hashes: tuple[str | None, ...]  # one per sealed field; None where the field has no search hash


def _rekey_row(row: _Row, fields: tuple[SealedField, ...], old: str, new: str, label: str) -> list[str] | None:
    """The row's new tokens, then its new hashes (fields with a hash only); None if it is already done."""
    tokens, hashes, changed = [], [], False
    for f, token, current_hash in zip(fields, row.tokens, row.hashes, strict=True):
        plain = ""
        if token:
            opened = _opens(new, token)
            if opened is None:
                opened = _opens(old, token)
                if opened is None:
                    raise RotationError(f"{label} #{row.pk} 的 {f.column} 用当前密钥和新密钥都打不开，本批未作修改",
                                        f"{label} #{row.pk} {f.column} opens under neither the current nor the new "
                                        "key; this batch changed nothing")
                token, changed = crypto.encrypt_with(new, opened), True
            plain = opened
        tokens.append(token)
        if f.hash_field:
            digest = crypto.search_hash_with(new, f.kind, plain)
            changed = changed or digest != current_hash
            hashes.append(digest)
    return tokens + hashes if changed else None


def _batches(model: type[models.Model], fields: tuple[SealedField, ...], size: int) -> Iterator[list[_Row]]:
    """The rows holding sealed values, `size` at a time in primary-key order (keyset pagination)."""
    hashed = [f.hash_field for f in fields if f.hash_field]
    last = None
    while True:
        qs = _holding(model, fields).order_by("pk")
        if last is not None:
            qs = qs.filter(pk__gt=last)
        rows = list(qs.values_list("pk", *[f.column for f in fields], *hashed)[:size])
        if not rows:
            return
        out = []
        for pk, *values in rows:
            found = dict(zip(hashed, values[len(fields):], strict=True))
            out.append(_Row(pk, tuple(values[:len(fields)]), tuple(found.get(f.hash_field) for f in fields)))
        yield out
        last = rows[-1][0]


def _column(model: type[models.Model], name: str) -> str:
    """The database column of a concrete field (sealed fields and their hashes always are)."""
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field) and field.column is not None
    return field.column


def _update_sql(model: type[models.Model], fields: tuple[SealedField, ...]) -> str:
    q = connection.ops.quote_name
    meta = model._meta
    targets = [_column(model, f.column) for f in fields]
    targets += [_column(model, f.hash_field) for f in fields if f.hash_field]
    sets = ", ".join(f"{q(c)} = %s" for c in targets)
    return f"UPDATE {q(meta.db_table)} SET {sets} WHERE {q(_column(model, meta.pk.name))} = %s"


def rotate(*, old_key: str, new_key: str, batch_size: int = 20000,
           progress: Callable[[str, Tally, int], None] = lambda label, t, total: None) -> dict[str, Tally]:
    """Re-seal every sealed value and re-key every search hash from `old_key` to `new_key`.

    When all rows fit in one batch the whole rotation is one transaction; otherwise each batch
    commits on its own (a killed run is resumed by running again). `progress(label, tally, total)`
    is called after each committed batch."""
    if crypto.fingerprint(new_key) == crypto.fingerprint(old_key):
        raise RotationError("新密钥与当前 ANJU_DATA_KEY 相同", "the new key is the current ANJU_DATA_KEY")
    plan = [(model, fields, _holding(model, fields).count()) for model, fields in sealed_models()]
    one_transaction = sum(total for *_, total in plan) <= batch_size
    tallies: dict[str, Tally] = {}
    with transaction.atomic() if one_transaction else nullcontext():
        for model, fields, total in plan:
            label = model._meta.label
            tally = tallies[label] = Tally()
            sql = _update_sql(model, fields)
            for batch in _batches(model, fields, batch_size):
                with transaction.atomic():
                    params: list[list[Any]] = []
                    for row in batch:
                        values = _rekey_row(row, fields, old_key, new_key, label)
                        if values is None:
                            tally.already += 1
                        else:
                            params.append([*values, row.pk])
                    if params:
                        with connection.cursor() as cursor:
                            cursor.executemany(sql, params)
                tally.rows += len(batch)
                tally.rewritten += len(params)
                progress(label, tally, total)
    return tallies


def check(key: str) -> dict[str, tuple[int, int]]:
    """For each model: (values that open under `key`, values that do not)."""
    out = {}
    for model, fields in sealed_models():
        good = bad = 0
        for batch in _batches(model, fields, 5000):
            for row in batch:
                for token in row.tokens:
                    if token:
                        if _opens(key, token) is None:
                            bad += 1
                        else:
                            good += 1
        out[model._meta.label] = (good, bad)
    return out


def key_opens_data(key: str) -> bool | None:
    """Whether `key` opens the first sealed value of each model (None: nothing sealed yet)."""
    verdict = None
    for model, fields in sealed_models():
        for f in fields:
            token = _holding(model, (f,)).values_list(f.column, flat=True).first()
            if token:
                if _opens(key, token) is None:
                    return False
                verdict = True
    return verdict
