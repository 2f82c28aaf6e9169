"""A small allowlist HTML sanitiser for notices, on the standard library's html.parser.

Staff write notices in a rich-text box; residents open them without logging in, so nothing
that runs (scripts, event handlers, javascript: links, styles, frames) may survive.
"""

from __future__ import annotations

import re
from html import escape
from html.parser import HTMLParser
from urllib.parse import urlsplit

ALLOWED_TAGS = {
    "p", "br", "strong", "b", "em", "i", "u", "s", "ul", "ol", "li", "h2", "h3", "h4", "blockquote",
    "a", "img", "table", "thead", "tbody", "tr", "th", "td", "hr", "span", "div",
}
VOID_TAGS = {"br", "img", "hr"}
ALLOWED_ATTRS = {"a": {"href", "title"}, "img": {"src", "alt", "width", "height"}, "td": {"colspan", "rowspan"},
                 "th": {"colspan", "rowspan"}}
DROP_CONTENT = {"script", "style", "iframe", "object", "embed", "template", "noscript", "textarea", "select", "svg", "math"}
SAFE_SCHEMES = {"http", "https", "mailto", "tel", ""}


def _safe_url(value: str, *, image: bool) -> bool:
    value = "".join(ch for ch in value if ch.isprintable() and not ch.isspace())
    parts = urlsplit(value)
    if image:  # images only from this site or https
        return parts.scheme in ("https", "") and not value.startswith("//")
    return parts.scheme.lower() in SAFE_SCHEMES


class _Sanitiser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.open: list[str] = []
        self.dropping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in DROP_CONTENT:
            if tag not in VOID_TAGS:
                self.dropping += 1
            return
        if self.dropping or tag not in ALLOWED_TAGS:
            return
        kept = []
        for name, value in attrs:
            if name not in ALLOWED_ATTRS.get(tag, set()) or value is None:
                continue
            if name in ("href", "src") and not _safe_url(value, image=name == "src"):
                continue
            if name in ("width", "height", "colspan", "rowspan") and not value.isdigit():
                continue
            kept.append(f' {name}="{escape(value, quote=True)}"')
        if tag == "a":
            kept.append(' rel="nofollow noopener"')
        self.out.append(f"<{tag}{''.join(kept)}>")
        if tag not in VOID_TAGS:
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID_TAGS and self.open and self.open[-1] == tag:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in DROP_CONTENT:
            self.dropping = max(0, self.dropping - 1)
            return
        if self.dropping or tag not in self.open:
            return
        while self.open:  # close whatever was left open inside it, so the output is well formed
            top = self.open.pop()
            self.out.append(f"</{top}>")
            if top == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self.dropping:
            self.out.append(escape(data, quote=False))

    def result(self) -> str:
        self.close()
        return "".join(self.out) + "".join(f"</{t}>" for t in reversed(self.open))


def sanitise_html(html: str) -> str:
    """Keep a safe subset of HTML: text formatting, lists, tables, links and images; drop everything else."""
    parser = _Sanitiser()
    parser.feed(html or "")
    return parser.result()


def plain_to_html(text: str) -> str:
    """Paragraphs from plain text (blank line between them), for notices typed without formatting."""
    paragraphs = [p.strip() for p in (text or "").replace("\r\n", "\n").split("\n\n") if p.strip()]
    return "".join("<p>" + escape(p).replace("\n", "<br>") + "</p>" for p in paragraphs)


_TAG = re.compile(r"<[A-Za-z!/]")


def rich_text(text: str) -> str:
    """What a rich-text box posted, made safe to store: HTML (anything with a tag) through the allowlist,
    plain text (a "<3" or "面积<60㎡" is not a tag) as paragraphs."""
    return sanitise_html(text) if _TAG.search(text or "") else plain_to_html(text)


class _Text(HTMLParser):
    BREAKS = {"p", "br", "li", "h2", "h3", "h4", "blockquote", "tr", "div", "hr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.dropping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in DROP_CONTENT:
            self.dropping += 1
        elif tag in self.BREAKS:
            self.out.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in DROP_CONTENT:
            self.dropping = max(0, self.dropping - 1)

    def handle_data(self, data: str) -> None:
        if not self.dropping:
            self.out.append(data)


def html_to_text(html: str, *, limit: int | None = None) -> str:
    """The words of an HTML text, one line per paragraph or list item; cut at `limit` characters with "……"."""
    parser = _Text()
    parser.feed(html or "")
    parser.close()
    lines = [" ".join(line.split()) for line in "".join(parser.out).split("\n")]
    text = "\n".join(line for line in lines if line)
    if limit is not None and len(text) > limit:
        text = text[:limit].rstrip() + "……"
    return text
