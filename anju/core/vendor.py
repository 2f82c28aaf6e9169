"""Copy the front-end files Anju serves out of node_modules into var/vendor (no CDN, pages work offline)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from django.conf import settings

# (source under node_modules, destination under var/vendor)
FILES = [
    ("bootstrap/dist/css/bootstrap.min.css", "bootstrap/bootstrap.min.css"),
    ("bootstrap/dist/js/bootstrap.bundle.min.js", "bootstrap/bootstrap.bundle.min.js"),
    ("htmx.org/dist/htmx.min.js", "htmx/htmx.min.js"),
    ("echarts/dist/echarts.min.js", "echarts/echarts.min.js"),
]
FONT_WEIGHTS = (400, 700)
FONT_PACKAGE = "@fontsource/noto-sans-sc"
_WOFF_FALLBACK = re.compile(r",\s*url\([^)]*\.woff\) format\('woff'\)")


class MissingAssets(RuntimeError):
    pass


def vendor(node_modules: Path | None = None, dest: Path | None = None) -> int:
    """Copy the assets; returns how many files were written. Raises MissingAssets with the fix."""
    node_modules = node_modules or settings.BASE_DIR / "node_modules"
    dest = dest or settings.VAR_DIR / "vendor"
    if not (node_modules / "bootstrap").is_dir():
        raise MissingAssets("前端资源未安装，请先运行 npm ci / front-end assets missing: run `npm ci` first")
    written = 0
    for src, dst in FILES:
        written += _copy(node_modules / src, dest / dst)
    font_src = node_modules / FONT_PACKAGE
    for weight in FONT_WEIGHTS:
        css = (font_src / f"{weight}.css").read_text(encoding="utf-8")
        # Only woff2 is shipped; every browser that runs htmx 2 reads woff2.
        target = dest / "noto-sans-sc" / f"{weight}.css"
        target.parent.mkdir(parents=True, exist_ok=True)
        slim = _WOFF_FALLBACK.sub("", css)
        if not target.exists() or target.read_text(encoding="utf-8") != slim:
            target.write_text(slim, encoding="utf-8")
            written += 1
        for woff2 in (font_src / "files").glob(f"*-{weight}-normal.woff2"):
            written += _copy(woff2, dest / "noto-sans-sc" / "files" / woff2.name)
    return written


def _copy(src: Path, dst: Path) -> int:
    if dst.exists() and dst.stat().st_size == src.stat().st_size and dst.stat().st_mtime >= src.stat().st_mtime:
        return 0
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(src, dst)
    return 1
