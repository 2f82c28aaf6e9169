"""Print-ready A4 PDFs in Chinese with WeasyPrint.

The font is the complete Noto Sans SC TTF (one file per weight); the chunked web font prints
wrong characters in WeasyPrint (see shared/recipes.md), so print templates never use it.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

FONT_FILES = {400: "400Regular/NotoSansSC_400Regular.ttf", 700: "700Bold/NotoSansSC_700Bold.ttf"}


class FontMissing(RuntimeError):
    pass


_fonts = threading.local()


def font_config() -> Any:
    """This thread's WeasyPrint font configuration, made once and kept.

    A new configuration per document reads the 10.5 MB Noto Sans SC files again and copies them into a
    fresh temporary folder for fontconfig (a quarter of a statement's time, and the memory of every
    document laid out so far). One per thread: fontconfig objects are not shared across threads."""
    config = getattr(_fonts, "config", None)
    if config is None:
        from weasyprint.text.fonts import FontConfiguration  # imported late: it loads Pango

        config = _fonts.config = FontConfiguration()
    return config


def font_path(weight: int = 400) -> Path:
    path = Path(settings.ANJU_PDF_FONT_DIR) / FONT_FILES[weight]
    if not path.exists():
        raise FontMissing(f"PDF 字体缺失，请运行 npm ci / PDF font missing ({path}): run `npm ci`")
    return path


def font_face_css() -> str:
    return "\n".join(
        f'@font-face {{ font-family: "Anju Print SC"; src: url("{font_path(w).as_uri()}"); font-weight: {w}; }}'
        for w in FONT_FILES
    )


@dataclass(frozen=True)
class Issuer:
    """Who signs and stamps a printed document, when it was issued, and whom to call."""

    name: str
    issued: dt.date
    phone: str

    def css(self, text: str) -> SafeString:
        """`text` as a CSS string for a page-margin box (the template's <style> is not HTML-escaped)."""
        clean = "".join(ch for ch in text if ch >= " ").replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ")
        return mark_safe(f'"{clean}"')

    @property
    def css_name(self) -> SafeString:
        return self.css(self.name)

    @property
    def css_phone(self) -> SafeString:
        return self.css(f"联系电话：{self.phone}" if self.phone else "")


def issuing_unit(place: Any, *, issued: dt.date | dt.datetime | None = None, name: str = "") -> dict[str, Issuer]:
    """The `issuer` context of print_base.html for a compound, community or sub-district.

    A compound's documents are issued by its community's residents' committee (居民委员会); the phone
    falls back to the sub-district's when the community has none. Duck-typed on the roster models
    (`issuer`, `phone`, `community`, `subdistrict`), since core imports no app."""
    unit = getattr(place, "community", None) or place
    phone = unit.phone or getattr(getattr(unit, "subdistrict", None), "phone", "")
    day = issued if issued is not None else timezone.localdate()
    if isinstance(day, dt.datetime):
        day = timezone.localdate(day) if timezone.is_aware(day) else day.date()
    return {"issuer": Issuer(name=name or unit.issuer, issued=day, phone=phone)}


def render_pdf(template_name: str, context: dict[str, Any], *, request: Any = None) -> bytes:
    """Render a template that extends `core/print_base.html` to PDF bytes."""
    return html_to_pdf(render_to_string(template_name, print_context(context), request=request))


def render_pdf_each(template_name: str, contexts: Iterable[dict[str, Any]], *,
                    progress: Callable[[int, int], None] | None = None) -> tuple[bytes, int]:
    """Several documents of one template in one PDF (and its page count), each numbered on its own.

    A household's letter or statement is a document of its own: its pages read 第 1 页 共 M 页 from its start,
    whatever else is printed with it. Each context is laid out separately (so `progress(done, total)` can be
    reported document by document) and the pages are then written out together."""
    from weasyprint import HTML  # imported late: it loads Pango

    contexts = list(contexts)
    documents = []
    for done, context in enumerate(contexts, start=1):
        html = render_to_string(template_name, print_context(context))
        documents.append(HTML(string=html, base_url=str(settings.BASE_DIR)).render(font_config=font_config()))
        if progress is not None:
            progress(done, len(contexts))
    if not documents:
        return b"", 0
    pages = [page for document in documents for page in document.pages]
    return documents[0].copy(pages).write_pdf(), len(pages)


def print_context(context: dict[str, Any]) -> dict[str, Any]:
    return {**context, "print_font_css": mark_safe(font_face_css())}


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML  # imported late: it loads Pango, which pages that never print do not need

    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(font_config=font_config())


def qr_svg(data: str, *, size_mm: float = 28) -> SafeString:
    """A QR code as inline SVG (sharp at any print resolution), `size_mm` wide."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, border=2, box_size=10,
                         error_correction=qrcode.constants.ERROR_CORRECT_M)
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    svg = svg[svg.index("<svg"):].replace(' id="qr-path"', "")  # several codes on one page must not share an id
    svg = svg.replace("<svg ", f'<svg style="width:{size_mm}mm;height:{size_mm}mm" ', 1)
    return mark_safe(svg)


def qr_png(data: str, *, size_mm: float = 28, alt: str = "二维码") -> SafeString:
    """A QR code as a tiny PNG (one pixel per module) drawn `size_mm` wide with sharp edges.

    For documents printed by the hundred (a compound's letters): WeasyPrint parses an SVG path of a
    few thousand segments per code, a fifth of a letter's time; a 37×37-pixel image costs nothing, and
    `image-rendering: pixelated` keeps its modules square at any print resolution."""
    import qrcode

    code = qrcode.QRCode(border=2, box_size=1, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(data)
    buffer = io.BytesIO()
    code.make_image().save(buffer, format="PNG")
    src = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
    return mark_safe(f'<img src="{src}" alt="{alt}" style="width:{size_mm}mm;height:{size_mm}mm;'
                     'image-rendering:pixelated">')

