"""An xlsx read row by row in bounded memory: the sheet XML is parsed incrementally (ElementTree
iterparse over the zip member), each row dropped once read; only the shared-strings table and the
date styles are held for the whole workbook.

Values come out as calamine gives them, so both readers make the same cells: every number a float
(Excel stores doubles), dates as datetime, booleans as bool, text as str, error cells (#N/A) and
formulas without a computed value as blanks; rows numbered as Excel shows them, starting at row 1,
with an empty list for every row the XML leaves out.
"""

from __future__ import annotations

import datetime
import itertools
import posixpath
import re
import zipfile
from array import array
from collections.abc import Iterator
from typing import BinaryIO
from xml.etree import ElementTree

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

__all__ = ["StreamedSheet", "open_workbook"]

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_STRICT = "http://purl.oclc.org/ooxml/spreadsheetml/main"
_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_STRICT_DOC_REL = "http://purl.oclc.org/ooxml/officeDocument/relationships"
# Built-in number formats that show a date or time; 27-36 and 50-58 are the East Asian date formats
# (yyyy年m月d日 …) Excel writes by id alone in a Chinese locale.
_DATE_IDS = frozenset({*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)})
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


class StreamedSheet:
    """One visible worksheet; `rows()` streams (row number, values)."""

    def __init__(self, workbook: _Workbook, name: str, path: str) -> None:
        self.workbook = workbook
        self.name = name
        self.path = path

    def rows(self) -> Iterator[tuple[int, list[object]]]:
        return self.workbook.rows(self.path)


def open_workbook(source: str | BinaryIO) -> tuple[zipfile.ZipFile, list[StreamedSheet]]:
    """The zip and the visible worksheets of an xlsx. Raises (any exception) when it is not one."""
    archive = zipfile.ZipFile(source)
    try:
        workbook = _Workbook(archive)
        return archive, workbook.sheets
    except BaseException:
        archive.close()
        raise


def _date(serial: float, epoch: datetime.datetime) -> object:
    """A date-formatted number as a date; one outside the calendar (an ID number typed into a date
    column) stays the number it is."""
    try:
        return from_excel(serial, epoch)
    except (ValueError, OverflowError):
        return serial


def _unescape(text: str) -> str:
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


class _Strings:
    """The shared-strings table, compact: a million-row roster holds a million or more distinct texts
    (ID numbers, phones), which as separate str objects would take some 250 MB. Here every 4,096
    texts are one joined str with their offsets, and a lookup slices the text out."""

    _BITS = 12
    _MASK = (1 << _BITS) - 1

    def __init__(self) -> None:
        self.blocks: list[str] = []
        self.offsets: list[array[int]] = []
        self.pending: list[str] = []

    def append(self, text: str) -> None:
        self.pending.append(text)
        if len(self.pending) > self._MASK:
            self.seal()

    def seal(self) -> None:
        if self.pending:
            self.blocks.append("".join(self.pending))
            self.offsets.append(array("L", itertools.accumulate(map(len, self.pending), initial=0)))
            self.pending = []

    def __getitem__(self, index: int) -> str:
        if index < 0:
            raise IndexError(index)
        block, at = index >> self._BITS, index & self._MASK
        offsets = self.offsets[block]
        return self.blocks[block][offsets[at] : offsets[at + 1]]


class _Workbook:
    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        book_path = "xl/workbook.xml"
        for rel in self._relationships("_rels/.rels"):
            if rel[0].endswith("/officeDocument"):
                book_path = self._resolve("", rel[1])
        book = ElementTree.fromstring(archive.read(book_path))
        ns = _STRICT if book.tag.startswith("{" + _STRICT) else _MAIN
        self.ns = ns
        folder = posixpath.dirname(book_path)
        rels = {
            rel_id: (kind, self._resolve(folder, target))
            for kind, target, rel_id in self._relationships(
                posixpath.join(folder, "_rels", posixpath.basename(book_path) + ".rels")
            )
        }
        properties = book.find(f"{{{ns}}}workbookPr")
        date1904 = properties is not None and properties.get("date1904", "0").lower() in ("1", "true")
        self.epoch = CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900
        self.strings = _Strings()
        self.date_styles: frozenset[int] = frozenset()
        for kind, path in rels.values():
            if kind.endswith("/sharedStrings"):
                self.strings = self._shared_strings(path)
            elif kind.endswith("/styles"):
                self.date_styles = self._date_styles(path)
        self.sheets: list[StreamedSheet] = []
        for sheet in book.iterfind(f"{{{ns}}}sheets/{{{ns}}}sheet"):
            rel_id = sheet.get(f"{{{_DOC_REL}}}id") or sheet.get(f"{{{_STRICT_DOC_REL}}}id")
            kind, path = rels.get(rel_id or "", ("", ""))
            if kind.endswith("/worksheet") and sheet.get("state", "visible") == "visible":
                self.sheets.append(StreamedSheet(self, sheet.get("name", ""), path))

    def _relationships(self, path: str) -> list[tuple[str, str, str]]:
        try:
            root = ElementTree.fromstring(self.archive.read(path))
        except KeyError:
            return []
        return [
            (r.get("Type", ""), r.get("Target", ""), r.get("Id", ""))
            for r in root.iter(f"{{{_REL_NS}}}Relationship")
            if r.get("TargetMode") != "External"
        ]

    @staticmethod
    def _resolve(folder: str, target: str) -> str:
        if target.startswith("/"):
            return target.lstrip("/")
        return posixpath.normpath(posixpath.join(folder, target))

    def _shared_strings(self, path: str) -> _Strings:
        ns = self.ns
        si, t, r = f"{{{ns}}}si", f"{{{ns}}}t", f"{{{ns}}}r"
        strings = _Strings()
        with self.archive.open(path) as xml:
            events = ElementTree.iterparse(xml, events=("start", "end"))
            _, table = next(events)
            for event, element in events:
                if event != "end" or element.tag != si:
                    continue
                # Plain text, or rich-text runs; phonetic guides (rPh) are not part of the value.
                parts = [
                    (child.text or "") if child.tag == t else (child.findtext(t) or "")
                    for child in element
                    if child.tag == t or child.tag == r
                ]
                strings.append(_unescape("".join(parts)))
                table.clear()  # the <si> just read, and the emptied ones before it
        strings.seal()
        return strings

    def _date_styles(self, path: str) -> frozenset[int]:
        ns = self.ns
        root = ElementTree.fromstring(self.archive.read(path))
        custom = {
            int(f.get("numFmtId", "-1")): f.get("formatCode", "")
            for f in root.iterfind(f"{{{ns}}}numFmts/{{{ns}}}numFmt")
        }
        dates = set()
        for index, xf in enumerate(root.iterfind(f"{{{ns}}}cellXfs/{{{ns}}}xf")):
            number_format = int(xf.get("numFmtId", "0"))
            code = custom.get(number_format)
            if code is not None:
                if is_date_format(code):
                    dates.add(index)
            elif number_format in _DATE_IDS or is_date_format(BUILTIN_FORMATS.get(number_format, "")):
                dates.add(index)
        return frozenset(dates)

    def rows(self, path: str) -> Iterator[tuple[int, list[object]]]:
        ns = self.ns
        row_tag, cell_tag, data_tag = f"{{{ns}}}row", f"{{{ns}}}c", f"{{{ns}}}sheetData"
        value_tag, inline_tag, text_tag, run_tag = f"{{{ns}}}v", f"{{{ns}}}is", f"{{{ns}}}t", f"{{{ns}}}r"
        strings, date_styles, epoch = self.strings, self.date_styles, self.epoch
        columns: dict[str, int] = {}
        number = 0
        with self.archive.open(path) as xml:
            events = ElementTree.iterparse(xml, events=("start", "end"))
            sheet_data = None
            for _event, element in events:  # the first event for sheetData is its start
                if element.tag == data_tag:
                    sheet_data = element
                    break
            for event, element in events:
                if event != "end" or element.tag != row_tag:
                    continue
                at = element.get("r")
                row_number = int(at) if at else number + 1
                while number + 1 < row_number:  # rows the XML leaves out are blank
                    number += 1
                    yield number, []
                number = row_number
                values: list[object] = []
                col = -1
                for cell in element:
                    if cell.tag != cell_tag:
                        continue
                    ref = cell.get("r")
                    if ref:
                        letters = ref.rstrip("0123456789")
                        col = columns.get(letters, -1)
                        if col < 0:
                            col = 0
                            for letter in letters:
                                col = col * 26 + ord(letter) - 64
                            col -= 1
                            columns[letters] = col
                    else:
                        col += 1
                    kind = cell.get("t", "n")
                    if kind == "inlineStr":
                        inline = cell.find(inline_tag)
                        value: object = (
                            None
                            if inline is None
                            else _unescape(
                                "".join(
                                    (c.text or "") if c.tag == text_tag else (c.findtext(text_tag) or "")
                                    for c in inline
                                    if c.tag == text_tag or c.tag == run_tag
                                )
                            )
                        )
                    else:
                        text = cell.findtext(value_tag)
                        if text is None or text == "":
                            value = None
                        elif kind == "s":
                            value = strings[int(text)]
                        elif kind == "n":
                            value = float(text)
                            style = cell.get("s")
                            if style is not None and int(style) in date_styles:
                                value = _date(value, epoch)
                        elif kind == "str":
                            value = _unescape(text)
                        elif kind == "b":
                            value = text.strip() in ("1", "true")
                        elif kind == "e":  # #N/A, #DIV/0! …: blank, as calamine reads them
                            value = None
                        else:  # "d": an ISO date, which cell_text shows as written
                            value = text
                    if value is None:
                        continue
                    if col >= len(values):
                        values.extend([None] * (col + 1 - len(values)))
                    values[col] = value
                yield number, values
                element.clear()
                if sheet_data is not None:
                    sheet_data.clear()  # drop the emptied row elements too
