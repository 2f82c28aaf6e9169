"""Uploaded pictures of residents and staff: checked and re-encoded without metadata (anju.core.images)."""

from __future__ import annotations

from anju.core.images import CleanImage
from anju.core.images import clean_image as _clean

MAX_BYTES = 8 * 1024 * 1024
MAX_PHOTOS = 3
MAX_REQUEST_BYTES = 30 * 1024 * 1024  # three photos of 8 MB and the text
__all__ = ["MAX_BYTES", "MAX_PHOTOS", "MAX_REQUEST_BYTES", "CleanImage", "clean_image"]


def clean_image(data: bytes, *, name: str) -> CleanImage:
    """A cleaned picture, up to 8 MB as uploaded; EXIF and GPS never kept."""
    return _clean(data, name=name, field="photos", max_bytes=MAX_BYTES)
