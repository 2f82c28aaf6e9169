"""xlsx reading of roster sheets: rows/s and peak memory of `read_roster` alone, calamine vs streaming.

    .venv/bin/python bench/rostersheet_xlsx_bench.py                    # 200,000 and 1,000,000 rows
    .venv/bin/python bench/rostersheet_xlsx_bench.py --sizes 50000 --dir /tmp/rsx

Generates the same realistic roster as bench/roster_import_bench.py (reused, not copied) as xlsx,
once per size (kept in --dir), in two shapes: as openpyxl writes it (every cell an inline string,
blanks included) and as Excel saves it (a shared-strings table, short numbers such as floors, rooms
and areas as number cells, blank cells left out). Each file is read in a child process per reader
path, forced through anju.domain.rostersheet.source.STREAM_ABOVE_BYTES. The child reports wall time
and its peak resident memory (VmHWM); its baseline (interpreter and imports) is shown separately.
Not part of `make test`.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def peak_kb() -> int:
    """This process's peak resident memory. VmHWM, not ru_maxrss: Linux carries ru_maxrss across
    exec, so a child would report the parent's peak when the parent was bigger."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def child(path: str, mode: str) -> None:
    from anju.domain.rostersheet import RosterRow, read_roster, source

    source.STREAM_ABOVE_BYTES = 0 if mode == "stream" else 1 << 62
    base = peak_kb()
    start = time.perf_counter()
    rows = problems = 0
    for item in read_roster(path):
        if isinstance(item, RosterRow):
            rows += 1
        else:
            problems += 1
    elapsed = time.perf_counter() - start
    peak = peak_kb()
    print(
        json.dumps({"rows": rows, "problems": problems, "seconds": elapsed, "peak_kb": peak, "base_kb": base})
    )


_INLINE = re.compile(r'<c r="([A-Z]+\d+)" t="inlineStr"><is><t>([^<]*)</t></is></c>')
_SHORT_NUMBER = re.compile(r"\d{1,6}(?:\.\d+)?")


def excel_like(source: Path, target: Path) -> None:
    """The openpyxl file rewritten as Excel saves it: shared strings, short numbers as numbers."""
    index: dict[str, int] = {}
    strings: list[str] = []

    def cell(match: re.Match) -> str:
        ref, text = match.group(1), match.group(2)
        if not text:
            return ""
        if _SHORT_NUMBER.fullmatch(text):
            return f'<c r="{ref}"><v>{text}</v></c>'
        position = index.setdefault(text, len(strings))
        if position == len(strings):
            strings.append(text)
        return f'<c r="{ref}" t="s"><v>{position}</v></c>'

    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in original.infolist():
            if item.filename.startswith("xl/worksheets/"):
                # Row by row, so a million-row sheet is never in memory at once.
                with original.open(item) as xml, out.open(item.filename, "w") as sheet:
                    rest = b""
                    while chunk := xml.read(1 << 20):
                        rest += chunk
                        done, end, rest = rest.rpartition(b"</row>")
                        sheet.write(_INLINE.sub(cell, (done + end).decode()).encode())
                    sheet.write(rest)
                continue
            data = original.read(item.filename)
            if item.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdSST" Target="sharedStrings.xml" Type="http://schemas.openxmlformats'
                    b'.org/officeDocument/2006/relationships/sharedStrings"/></Relationships>',
                )
            elif item.filename == "[Content_Types].xml":
                data = data.replace(
                    b"</Types>",
                    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
                    b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
                )
            out.writestr(item.filename, data)
        table = "".join(f"<si><t>{html.escape(text, quote=False)}</t></si>" for text in strings)
        out.writestr(
            "xl/sharedStrings.xml",
            '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            f'count="{len(strings)}" uniqueCount="{len(strings)}">{table}</sst>',
        )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="200000,1000000")
    parser.add_argument("--dir", default=None, help="keep generated files here (default: a temp dir)")
    parser.add_argument("--child", nargs=2, metavar=("PATH", "MODE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return 0
    from roster_import_bench import write_xlsx

    folder = Path(args.dir or tempfile.mkdtemp(prefix="rostersheet-xlsx-"))
    folder.mkdir(parents=True, exist_ok=True)
    print(
        f"{'rows':>9} {'file':>8} {'MB':>6} {'path':>9} {'seconds':>8} {'rows/s':>8} {'peak MB':>8} {'base MB':>8}"
    )
    for size, shape, mode in (
        (int(size), shape, mode)
        for size in args.sizes.split(",")
        for shape in ("openpyxl", "excel")
        for mode in ("calamine", "stream")
    ):
        path = folder / f"roster-{size}.xlsx"
        if not path.exists():
            write_xlsx(path, size)
        if shape == "excel":
            path = folder / f"roster-{size}-excel.xlsx"
            if not path.exists():
                excel_like(folder / f"roster-{size}.xlsx", path.with_suffix(".tmp"))
                path.with_suffix(".tmp").rename(path)
        megabytes = path.stat().st_size / 1e6
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(path), mode], capture_output=True, text=True, check=True
        ).stdout
        r = json.loads(out.splitlines()[-1])
        assert r["rows"] == size and r["problems"] == 0, r
        print(
            f"{size:>9,} {shape:>8} {megabytes:>6.1f} {mode:>9} {r['seconds']:>8.1f} {size / r['seconds']:>8,.0f} "
            f"{r['peak_kb'] / 1024:>8.0f} {r['base_kb'] / 1024:>8.0f}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
