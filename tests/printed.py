"""What every printed document carries, read back from the PDF's text as a person would read the paper."""

from __future__ import annotations

import re

PHONE = "0719-8651216"


def give_phone(community) -> str:
    """A community with the phone its documents print (the test world has none)."""
    community.phone = PHONE
    community.save(update_fields=["phone"])
    return PHONE


def assert_official(text: str, *, issuer: str, phone: str = PHONE) -> None:
    """Issuing unit, a date of issue, page numbers, the 盖章 space and the contact phone."""
    flat = re.sub(r"\s+", "", text)
    assert issuer in flat, f"issuing unit {issuer} missing"
    assert "（盖章）" in flat
    assert f"联系电话：{phone}" in flat
    assert re.search(r"第1页共\d+页", flat)
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日", flat)
