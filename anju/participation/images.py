"""Uploaded pictures: really images, at most 1600 px, every metadata block (EXIF, GPS) dropped."""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from anju.core.errors import ValidationFailed

MAX_BYTES = 8 * 1024 * 1024
MAX_SIDE = 1600
MAX_PHOTOS = 3
MAX_REQUEST_BYTES = 30 * 1024 * 1024  # three photos of 8 MB and the text
ACCEPTED = {"JPEG", "PNG", "WEBP", "MPO", "GIF"}
MAX_PIXELS = 50_000_000  # a phone photo is well below; more is a decompression bomb


@dataclass(frozen=True)
class CleanImage:
    content: bytes
    width: int
    height: int


def clean_image(data: bytes, *, name: str) -> CleanImage:
    """Check that `data` is a JPEG/PNG/WebP/GIF picture, turn it upright, shrink it and re-encode it as JPEG.

    Re-encoding keeps pixels only: EXIF, GPS positions and comments never reach the disk.
    """
    if len(data) > MAX_BYTES:
        raise ValidationFailed(f"图片“{name}”超过 8 MB", f"Image “{name}” is larger than 8 MB", field="photos")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationFailed(f"图片“{name}”尺寸过大", f"Image “{name}” has too many pixels", field="photos")
            probe.verify()
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise ValidationFailed(f"“{name}”不是有效的图片", f"“{name}” is not a valid image", field="photos") from exc
    if image.format not in ACCEPTED:
        raise ValidationFailed(f"“{name}”的格式不支持（请用 JPEG、PNG 或 WebP）",
                               f"“{name}”: unsupported format (use JPEG, PNG or WebP)", field="photos")
    upright = ImageOps.exif_transpose(image)
    upright.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    if upright.mode in ("RGBA", "LA", "P"):
        background = Image.new("RGB", upright.size, "white")
        converted = upright.convert("RGBA")
        background.paste(converted, mask=converted.split()[-1])
        upright = background
    out = io.BytesIO()
    upright.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
    return CleanImage(out.getvalue(), upright.width, upright.height)
