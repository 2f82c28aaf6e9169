"""Rows of a spreadsheet file, one at a time, whatever it is: xlsx (or xls) via calamine, CSV in any
common Chinese encoding. Cells come out as stripped strings, with the row number Excel shows.

calamine is fast but holds a whole sheet in memory (about 1.4 GB for a million-row roster), so an
xlsx larger than STREAM_ABOVE_BYTES on disk is parsed row by row instead (xlsxstream): slower, but
memory stays bounded by one row plus the workbook's shared-strings table."""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import itertools
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

import python_calamine

from anju.domain.errors import DomainError
from anju.domain.rostersheet import xlsxstream

__all__ = ["FileProblem", "Sheet", "Source", "cell_text", "open_sheets"]

Source = str | os.PathLike[str] | BinaryIO

_SAMPLE_BYTES = 256 * 1024
# An xlsx larger than this on disk is streamed rather than loaded whole by calamine. A roster row
# takes about 70 bytes in the zip and 1.3 KB in calamine's memory, so 4 MB (about 60,000 rows)
# keeps calamine near 100 MB. The importer reads files this big in a second process alongside its
# writes, where the streaming reader's lower speed costs little (at 10 MB the two processes peaked
# at 510 MB). Module-level so tests and the bench can force either path.
STREAM_ABOVE_BYTES = 4 * 1024 * 1024
_ZIP_MAGIC = b"PK\x03\x04"
# OLE/CFB container: a legacy .xls, or an xlsx that Excel encrypted with a password.
_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_DELIMITERS = (",", "\t", ";", "|")


class FileProblem(DomainError):
    """The file as a whole cannot be read; nothing in it was checked."""

    def __init__(self, zh: str, en: str, *, code: str) -> None:
        super().__init__(zh, en, field="file")
        self.code = code


EMPTY = ("文件是空的，没有任何内容。", "The file is empty.", "empty")
UNREADABLE = (
    "无法读取此文件：它不是xlsx或CSV表格，或者已经损坏。请在Excel中“另存为”xlsx后重新上传。",
    "This file cannot be read: it is not an xlsx or CSV sheet, or it is damaged. "
    "Save it as xlsx in Excel and upload it again.",
    "unreadable",
)
ENCRYPTED = (
    "文件设置了密码（或是无法识别的旧版Excel文件），无法读取。请在Excel中取消密码，另存为xlsx后重新上传。",
    "The file is password-protected (or an old Excel file that cannot be read). "
    "Remove the password in Excel, save as xlsx and upload it again.",
    "encrypted",
)
ENCODING = (
    "无法识别CSV文件的文字编码。请保存为“CSV UTF-8”或xlsx后重新上传。",
    "The text encoding of the CSV file is not recognised. "
    'Save it as "CSV UTF-8" or xlsx and upload it again.',
    "encoding",
)


@dataclass(slots=True)
class Sheet:
    """One sheet: its name (None for CSV) and its rows as (Excel row number, cells)."""

    name: str | None
    rows: Iterator[tuple[int, list[str]]]


def cell_text(value: object) -> str:
    """A cell as the text a person reads in it: 501.0 → "501", dates as YYYY-MM-DD, booleans as 是/否."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def open_sheets(source: Source) -> Iterator[Sheet]:
    """The sheets of `source` (a path or a seekable binary file), each streaming its rows.

    Raises FileProblem before the first sheet when the file is empty, damaged, encrypted or in an
    unknown encoding; a CSV that turns undecodable part-way raises FileProblem while iterating.
    """
    head = _peek(source, _SAMPLE_BYTES)
    if not head.strip(b" \t\r\n\x00"):
        raise FileProblem(*EMPTY[:2], code=EMPTY[2])
    if head.startswith(_ZIP_MAGIC) and _size(source) > STREAM_ABOVE_BYTES:
        yield from _streamed_sheets(source)
    elif head.startswith(_ZIP_MAGIC) or head.startswith(_CFB_MAGIC):
        yield from _workbook_sheets(source, encrypted_looking=head.startswith(_CFB_MAGIC))
    else:
        yield _csv_sheet(source, head)


def _peek(source: Source, size: int) -> bytes:
    if isinstance(source, str | os.PathLike):
        try:
            with open(source, "rb") as handle:
                return handle.read(size)
        except OSError as error:
            raise FileProblem(*UNREADABLE[:2], code=UNREADABLE[2]) from error
    position = source.tell()
    head = source.read(size)
    source.seek(position)
    return head


def _size(source: Source) -> int:
    if isinstance(source, str | os.PathLike):
        return os.stat(source).st_size
    position = source.tell()
    size = source.seek(0, os.SEEK_END)
    source.seek(position)
    return size


def _streamed_sheets(source: Source) -> Iterator[Sheet]:
    """A big xlsx, row by row (anju.domain.rostersheet.xlsxstream); anything that is not a plain xlsx
    (an xlsb, a damaged file) goes to calamine, which reads what it can and names what it cannot."""
    position = None if isinstance(source, str | os.PathLike) else source.tell()
    try:
        archive, sheets = xlsxstream.open_workbook(
            os.fspath(source) if isinstance(source, str | os.PathLike) else source
        )
    except Exception:
        if position is not None:
            source.seek(position)  # type: ignore[union-attr]
        yield from _workbook_sheets(source, encrypted_looking=False)
        return
    with archive:
        for sheet in sheets:
            yield Sheet(sheet.name, _streamed_rows(sheet))


def _streamed_rows(sheet: xlsxstream.StreamedSheet) -> Iterator[tuple[int, list[str]]]:
    try:
        for number, values in sheet.rows():
            yield number, [cell_text(value) for value in values]
    except Exception as error:  # a sheet damaged part-way: zip, XML or index errors
        raise FileProblem(*UNREADABLE[:2], code=UNREADABLE[2]) from error


def _workbook_sheets(source: Source, *, encrypted_looking: bool) -> Iterator[Sheet]:
    problem = ENCRYPTED if encrypted_looking else UNREADABLE
    try:
        if isinstance(source, str | os.PathLike):
            workbook = python_calamine.CalamineWorkbook.from_path(os.fspath(source))
        else:
            workbook = python_calamine.CalamineWorkbook.from_filelike(source)
        names = [
            m.name
            for m in workbook.sheets_metadata
            if m.typ == python_calamine.SheetTypeEnum.WorkSheet
            and m.visible == python_calamine.SheetVisibleEnum.Visible
        ]
    except python_calamine.PasswordError as error:
        raise FileProblem(*ENCRYPTED[:2], code=ENCRYPTED[2]) from error
    except Exception as error:  # calamine raises several unrelated types for damaged files
        raise FileProblem(*problem[:2], code=problem[2]) from error
    for name in names:
        try:
            # calamine holds one whole sheet in (compact, Rust) memory; rows reach Python one at a time.
            sheet = workbook.get_sheet_by_name(name)
        except Exception as error:
            raise FileProblem(*problem[:2], code=problem[2]) from error
        yield Sheet(name, _workbook_rows(sheet))


def _workbook_rows(sheet: python_calamine.CalamineSheet) -> Iterator[tuple[int, list[str]]]:
    # The used range may start below A1. calamine 0.9's iter_rows pads the rows above it but not the
    # columns to its left; older versions padded neither. The first used row always has a value, so
    # an empty first row tells which numbering we got.
    first_row, first_col = sheet.start or (0, 0)
    pad = [""] * first_col
    rows = sheet.iter_rows()
    first = next(rows, None)
    if first is None:
        return
    number = first_row + 1
    if first_row > 0 and not any(value not in ("", None) for value in first):
        number = 1
    for cells in itertools.chain([first], rows):
        yield number, pad + [cell_text(value) for value in cells]
        number += 1


def detect_encoding(head: bytes, *, complete: bool) -> str | None:
    """The encoding of a CSV file from its first bytes: UTF-8 (BOM or not), UTF-16 with BOM, or GB18030
    (a superset of GBK and GB2312, so 旺角 in a GBK file reads right); None when neither fits."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in head:
        return None
    for encoding in ("utf-8", "gb18030"):
        try:
            # A sample may end inside a character: only the complete file must decode to the end.
            codecs.getincrementaldecoder(encoding)().decode(head, final=complete)
        except UnicodeDecodeError:
            continue
        return "utf-8-sig" if encoding == "utf-8" else encoding
    return None


def _csv_sheet(source: Source, head: bytes) -> Sheet:
    encoding = detect_encoding(head, complete=len(head) < _SAMPLE_BYTES)
    if encoding is None:
        raise FileProblem(*ENCODING[:2], code=ENCODING[2])
    sample = head.decode(encoding, errors="ignore")
    first_lines = sample.splitlines()[:12]
    delimiter = max(_DELIMITERS, key=lambda d: sum(line.count(d) for line in first_lines))
    return Sheet(None, _csv_rows(source, encoding, delimiter))


def _csv_rows(source: Source, encoding: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    if isinstance(source, str | os.PathLike):
        text = open(source, encoding=encoding, newline="")
    else:
        text = io.TextIOWrapper(source, encoding=encoding, newline="")
    number = 0
    try:
        # The record number, not the line number: a quoted cell may hold a line break, and Excel
        # shows such a record as one row.
        for number, cells in enumerate(csv.reader(text, delimiter=delimiter), start=1):
            yield number, [cell.strip() for cell in cells]
    except (UnicodeDecodeError, csv.Error) as error:
        raise FileProblem(
            f"文件在第{number + 1}行附近无法按{encoding}编码读取（文件中混用了不同的编码或已损坏）。请另存为“CSV UTF-8”或xlsx。",
            f"The file cannot be read as {encoding} near row {number + 1} (mixed encodings or damage). "
            'Save it as "CSV UTF-8" or xlsx.',
            code="encoding",
        ) from error
    finally:
        if isinstance(source, str | os.PathLike):
            text.close()
        else:
            text.detach()
