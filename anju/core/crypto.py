"""Personal data at rest: encrypted for display, keyed hash for exact-value search.

Both keys derive from `settings.ANJU_DATA_KEY`, so a database dump alone reveals neither ID
numbers nor phones, and a hash cannot be reversed by trying all 11-digit phones without the key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


@cache
def _keys(data_key: str) -> tuple[Fernet, bytes]:
    root = hashlib.sha256(data_key.encode()).digest()
    enc = hmac.new(root, b"anju/encrypt/v1", hashlib.sha256).digest()
    mac = hmac.new(root, b"anju/search-hash/v1", hashlib.sha256).digest()
    return Fernet(base64.urlsafe_b64encode(enc)), mac


def encrypt(value: str) -> str:
    """Encrypt a normalised value; empty stays empty."""
    if not value:
        return ""
    fernet, _ = _keys(settings.ANJU_DATA_KEY)
    return fernet.encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    if not token:
        return ""
    fernet, _ = _keys(settings.ANJU_DATA_KEY)
    try:
        return fernet.decrypt(token.encode()).decode()
    except InvalidToken as exc:  # a key mix-up must not look like missing data
        raise RuntimeError("personal data cannot be decrypted: ANJU_DATA_KEY differs from the one used to write it") from exc


def search_hash(kind: str, value: str) -> str:
    """Keyed hash of a normalised value, namespaced by kind ("id", "phone")."""
    if not value:
        return ""
    _, mac = _keys(settings.ANJU_DATA_KEY)
    return hmac.new(mac, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()
