"""Site photos: really images, at most 1600 px, location stripped unless kept on purpose."""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from anju.core.errors import ValidationFailed

MAX_BYTES = 15 * 1024 * 1024
MAX_SIDE = 1600
ACCEPTED = {"JPEG", "PNG", "WEBP", "MPO"}
GPS_IFD = 0x8825
Image.MAX_IMAGE_PIXELS = 60_000_000  # a phone photo is ~50 MP at most; larger is a decompression bomb


@dataclass(frozen=True)
class Photo:
    content: bytes
    width: int
    height: int


def process_photo(data: bytes, *, name: str, keep_location: bool = False) -> Photo:
    """Check `data` is a JPEG/PNG/WebP image, turn it upright, shrink it to 1600 px and re-encode it as JPEG.

    Re-encoding drops every metadata block; with `keep_location` the original EXIF (GPS included)
    is written back, because the person chose to record where the photo was taken.
    """
    if len(data) > MAX_BYTES:
        raise ValidationFailed(f"照片“{name}”超过 15 MB", f"Photo “{name}” is larger than 15 MB", field="photos")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise ValidationFailed(f"“{name}”不是有效的图片", f"“{name}” is not a valid image", field="photos") from exc
    if image.format not in ACCEPTED:
        raise ValidationFailed(f"“{name}”的格式不支持（请用 JPEG、PNG 或 WebP）",
                               f"“{name}”: unsupported format (use JPEG, PNG or WebP)", field="photos")
    exif = image.getexif()
    upright = ImageOps.exif_transpose(image)
    upright.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    options: dict = {"quality": 85, "optimize": True}
    if keep_location and exif:
        exif[0x0112] = 1  # already turned upright
        options["exif"] = exif.tobytes()
    upright.convert("RGB").save(out, "JPEG", **options)
    return Photo(out.getvalue(), upright.width, upright.height)


def has_gps(data: bytes) -> bool:
    """Whether a JPEG carries GPS EXIF (used by tests and the photo page)."""
    with Image.open(io.BytesIO(data)) as image:
        return bool(image.getexif().get_ifd(GPS_IFD))
