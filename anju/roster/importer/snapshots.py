"""What the audit records of an import hold: households and owners before and after, personal data masked."""

from __future__ import annotations

import json
from typing import Any

from anju.core import crypto
from anju.domain.ids import mask_id_number, mask_phone
from anju.domain.rostersheet import RosterRow
from anju.roster.models import Household, Occupancy, Person


def created_json(row: RosterRow) -> str:
    """The audit record's "after" of a household created from `row`, as the database stores it (SQLite)."""
    return json.dumps(household_snapshot_of_row(row) | {"owner": row_owner_snapshot(row)})


def household_snapshot_of_row(r: RosterRow) -> dict[str, Any]:
    return {
        "floor": r.floor, "room": r.room, "exclusive_area": str(r.exclusive_area),
        "occupancy": r.occupancy or Occupancy.OWNER, "note": r.note,
    }


def household_snapshot(h: Household) -> dict[str, Any]:
    return {
        "floor": h.floor, "room": h.room, "exclusive_area": str(h.exclusive_area),
        "occupancy": h.occupancy, "note": h.note,
    }


def row_owner_snapshot(row: RosterRow) -> dict[str, Any]:
    return {
        "name": row.owner_name, "sex": row.sex or "", "birth_year": row.birth_year,
        "id_number": mask_id_number(row.id_number), "phone": _mask_normal_phone(row.phone),
        "party_member": bool(row.party_member), "limited_mobility": bool(row.limited_mobility),
    }


def _mask_normal_phone(phone: str | None) -> str:
    """mask_phone for a number the reader has already normalised (skips normalising it again)."""
    if not phone:
        return ""
    if "-" in phone:
        area, subscriber = phone.split("-")
        return f"{area}-****{subscriber[-2:]}"
    return f"{phone[:3]}****{phone[-4:]}"


def person_snapshot(p: Person) -> dict[str, Any]:
    """Personal data masked: the audit history never holds a number in clear."""
    return {
        "name": p.name, "sex": p.sex, "birth_year": p.birth_year,
        "id_number": mask_id_number(crypto.decrypt(p.id_number_encrypted)) if p.id_number_encrypted else "",
        "phone": mask_phone(crypto.decrypt(p.phone_encrypted)) if p.phone_encrypted else "",
        "party_member": p.party_member, "limited_mobility": p.limited_mobility,
    }
