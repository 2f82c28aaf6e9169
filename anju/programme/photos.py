"""Site photos: really images, at most 1600 px, location stripped unless kept on purpose."""

from __future__ import annotations

from anju.core.images import CleanImage, clean_image, has_gps

MAX_BYTES = 15 * 1024 * 1024
MAX_PHOTOS = 10  # per upload, on the page and through the API
MAX_REQUEST_BYTES = MAX_PHOTOS * MAX_BYTES + 1024 * 1024  # the photos and the form fields
Photo = CleanImage
__all__ = ["MAX_BYTES", "MAX_PHOTOS", "MAX_REQUEST_BYTES", "Photo", "has_gps", "process_photo"]


def process_photo(data: bytes, *, name: str, keep_location: bool = False) -> Photo:
    """A cleaned site photo (see `anju.core.images.clean_image`), up to 15 MB as uploaded."""
    return clean_image(data, name=name, field="photos", max_bytes=MAX_BYTES, keep_location=keep_location)
