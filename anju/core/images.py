"""Uploaded pictures (site photos, suggestion photos, notice images, ballot scans): checked to really be
images, within size limits, and, where they are shown again, re-encoded without metadata.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from anju.core.errors import ValidationFailed

MAX_SIDE = 1600
MAX_PIXELS = 50_000_000  # a phone photo is well below; more is a decompression bomb
PICTURE_FORMATS = frozenset({"JPEG", "PNG", "WEBP", "MPO", "GIF"})
GPS_IFD = 0x8825
ORIENTATION = 0x0112


@dataclass(frozen=True)
class CleanImage:
    content: bytes  # JPEG
    width: int
    height: int


def open_checked(data: bytes, *, name: str, field: str, max_bytes: int,
                 formats: frozenset[str] = PICTURE_FORMATS) -> Image.Image:
    """The decoded image, or ValidationFailed naming the file: too large, not an image, or an unwanted format."""
    megabytes = max_bytes // (1024 * 1024)
    if len(data) > max_bytes:
        raise ValidationFailed(f"图片“{name}”超过 {megabytes} MB", f"Image “{name}” is larger than {megabytes} MB", field=field)
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationFailed(f"图片“{name}”尺寸过大", f"Image “{name}” has too many pixels", field=field)
            probe.verify()
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise ValidationFailed(f"“{name}”不是有效的图片", f"“{name}” is not a valid image", field=field) from exc
    if image.format not in formats:
        listed = "、".join(sorted(f for f in formats if f != "MPO"))
        raise ValidationFailed(f"“{name}”的格式不支持（请用 {listed}）", f"“{name}”: unsupported format (use {listed})", field=field)
    return image


def clean_image(data: bytes, *, name: str, field: str = "photos", max_bytes: int = 8 * 1024 * 1024,
                keep_location: bool = False) -> CleanImage:
    """Check, turn upright, shrink to 1600 px and re-encode as JPEG.

    Re-encoding keeps pixels only: EXIF, GPS positions and comments never reach the disk, unless
    `keep_location`, when the original EXIF is written back because the person chose to record
    where the photo was taken.
    """
    image = open_checked(data, name=name, field=field, max_bytes=max_bytes)
    exif = image.getexif()
    upright = ImageOps.exif_transpose(image)
    upright.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    if upright.mode in ("RGBA", "LA", "P"):  # transparent parts become white, not black
        background = Image.new("RGB", upright.size, "white")
        converted = upright.convert("RGBA")
        background.paste(converted, mask=converted.split()[-1])
        upright = background
    options: dict = {"quality": 85, "optimize": True}
    if keep_location and exif:
        exif[ORIENTATION] = 1  # already turned upright
        options["exif"] = exif.tobytes()
    out = io.BytesIO()
    upright.convert("RGB").save(out, "JPEG", **options)
    return CleanImage(out.getvalue(), upright.width, upright.height)


def has_gps(data: bytes) -> bool:
    """Whether a JPEG carries GPS EXIF."""
    with Image.open(io.BytesIO(data)) as image:
        return bool(image.getexif().get_ifd(GPS_IFD))
