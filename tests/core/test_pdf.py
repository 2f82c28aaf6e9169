"""PDFs print the right Chinese characters: compared as pixels against the font file itself."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from django.template import engines
from PIL import Image, ImageChops, ImageDraw, ImageFont

from anju.core.pdf import font_path, html_to_pdf, print_context, qr_svg

needs_poppler = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) not installed")


def render(body: str) -> bytes:
    template = engines["django"].from_string('{% extends "core/print_base.html" %}{% block body %}' + body + "{% endblock %}")
    return html_to_pdf(template.render(print_context({})))


def ink(image: Image.Image, size: int = 48) -> Image.Image:
    """The glyph's ink, cropped to its bounding box and scaled to a fixed square, black and white."""
    gray = image.convert("L")
    box = ImageChops.invert(gray).getbbox()
    assert box, "nothing was drawn"
    return gray.crop(box).resize((size, size)).point(lambda v: 255 if v > 128 else 0)


def overlap(a: Image.Image, b: Image.Image) -> float:
    pa, pb = a.tobytes(), b.tobytes()
    both = sum(1 for x, y in zip(pa, pb, strict=True) if x == 0 and y == 0)
    either = sum(1 for x, y in zip(pa, pb, strict=True) if x == 0 or y == 0)
    return both / either


def glyph_from_font(char: str) -> Image.Image:
    font = ImageFont.truetype(str(font_path(400)), 200)
    image = Image.new("L", (300, 300), 255)
    ImageDraw.Draw(image).text((30, 10), char, font=font, fill=0)
    return ink(image)


@needs_poppler
def test_the_pdf_draws_the_glyph_the_font_has_for_each_character(tmp_path: Path):
    pdf = tmp_path / "glyph.pdf"
    no_footer = "<style>@page { @bottom-center { content: none } }</style>"
    pdf.write_bytes(render(no_footer + '<div style="font-size: 150pt; line-height: 1">南</div>'))
    subprocess.run(["pdftoppm", "-r", "72", "-png", "-singlefile", str(pdf), str(tmp_path / "page")], check=True)
    printed = ink(Image.open(tmp_path / "page.png"))
    assert overlap(printed, glyph_from_font("南")) > 0.8
    # The same comparison tells a wrong character apart (the failure seen with chunked web fonts).
    assert overlap(printed, glyph_from_font("场")) < 0.6


@needs_poppler
def test_the_complete_font_is_embedded(tmp_path: Path):
    pdf = tmp_path / "doc.pdf"
    pdf.write_bytes(render("<h1>南庄坪街道加装电梯明白账</h1><p>世纪花园 3栋2单元501</p>"))
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    embedded = [line for line in fonts.splitlines()[2:] if line.strip()]
    # Every font in the file is the bundled Noto Sans SC (named after our @font-face family), embedded as a subset.
    assert embedded and all("Anju-Print-SC" in line and " yes yes " in line for line in embedded), fonts
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "南庄坪街道加装电梯明白账" in text


def test_qr_codes_are_inline_svg_of_the_requested_size():
    svg = qr_svg("https://anju.example.org/v/abc", size_mm=30)
    assert svg.startswith("<svg") and "width:30mm" in svg and "<path" in svg
    assert " id=" not in svg  # two codes on one notice must not define the same anchor twice


def test_a_letters_qr_image_holds_exactly_the_modules_of_its_address():
    import base64
    import io
    import re

    import qrcode
    from PIL import Image

    from anju.core.pdf import qr_png

    url = "https://anju.example.org/consultations/v/ABCD-EFGH-JKLM/"
    tag = qr_png(url, size_mm=38)
    assert "width:38mm;height:38mm" in tag and "image-rendering:pixelated" in tag and 'alt="二维码"' in tag
    image = Image.open(io.BytesIO(base64.b64decode(re.search(r"base64,([^\"]+)", tag).group(1)))).convert("1")
    code = qrcode.QRCode(border=2, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(url)
    expected = code.get_matrix()  # the modules a reader decodes back to `url`, the quiet zone included
    assert image.size == (len(expected), len(expected))  # one pixel per module
    assert [[image.getpixel((x, y)) == 0 for x in range(image.width)] for y in range(image.height)] == expected


def test_one_font_configuration_serves_every_document_of_a_thread():
    import threading

    from anju.core.pdf import font_config

    assert font_config() is font_config()
    other = []
    thread = threading.Thread(target=lambda: other.append(font_config()))
    thread.start()
    thread.join()
    assert other[0] is not font_config()
