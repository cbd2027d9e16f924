"""The text encoding of a CSV file: UTF-8 (with or without a byte-order mark), UTF-16 (little- or
big-endian, with its mark, as Excel's "Unicode text" writes it), or Windows-1258, the code page
Excel uses for CSV on a Vietnamese Windows.

A file without a mark that is valid UTF-8 is UTF-8. One that is not is read as Windows-1258 only
if every letter it holds, once the tone marks Windows writes apart are set on their vowels, is a
Vietnamese letter: bytes of another code page (Latin-1 "Müller", a TCVN3 font's "ng©n") give
letters Vietnamese does not have, and such a file is refused rather than misread. (A general
detector, such as charset-normalizer, guesses wrong on files as short as a department's: it
takes "Bác" in Latin-1 for Big5.) The encoding assumed is said in the file's report.
"""

from __future__ import annotations

import codecs
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from monitor.ingest.columns import FileError
from monitor.ingest.shown import quoted

SAMPLE_BYTES = 1 << 20  # what is looked at to tell UTF-8 from Windows-1258


@dataclass(frozen=True)
class TextEncoding:
    codec: str  # Python's name of the codec
    name: str  # as people name it
    legacy: bool = False  # a code page: its tone marks are composed, its letters checked


UTF8 = TextEncoding("utf-8-sig", "UTF-8")
UTF16 = TextEncoding("utf-16", "UTF-16")
WINDOWS_1258 = TextEncoding("cp1258", "Windows-1258", legacy=True)


def _vietnamese_letters() -> frozenset[str]:
    vowels = "aăâeêioôơuưy"
    tones = ["", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"]
    letters = {unicodedata.normalize("NFC", v + t) for v in vowels for t in tones} | {"đ"}
    return frozenset(letters | {letter.upper() for letter in letters})


# Letters of Vietnamese, and the marks an office file holds beside them (dashes, quotes, the
# no-break space, "m²"), in Windows-1258.
ALLOWED = _vietnamese_letters() | frozenset("\u00a0–—‘’“”…•°±×÷€§«»·²³₫")


def detect(path: Path) -> TextEncoding:
    """The encoding `path` is read in; `FileError` for a file that is none of those taken."""
    with path.open("rb") as handle:
        sample = handle.read(SAMPLE_BYTES)
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return UTF16
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(sample, final=len(sample) < SAMPLE_BYTES)  # a cut character at the end is no error
        return UTF8
    except UnicodeDecodeError as exc:
        not_utf8 = f"not UTF-8 text ({exc.reason} at byte {exc.start})"
    try:
        text = sample.decode("cp1258")
    except UnicodeDecodeError as exc:
        raise FileError(f"{not_utf8}, nor Windows-1258 (byte {exc.start}); save the CSV as UTF-8") from exc
    stranger = foreign(unicodedata.normalize("NFC", text))
    if stranger is not None:
        raise FileError(
            f"{not_utf8}, and read as Windows-1258 it holds {quoted(stranger)}, which is no Vietnamese letter; "
            "save the CSV as UTF-8"
        )
    return WINDOWS_1258


def foreign(text: str) -> str | None:
    """The first character of `text` that is neither ASCII nor a Vietnamese letter or mark."""
    if text.isascii():
        return None
    for character in text:
        if character >= "\x80" and character not in ALLOWED:
            return character
    return None


def name(encoding: TextEncoding, path: Path) -> str:
    """The encoding as a report says it: UTF-16 with its byte order."""
    if encoding is UTF16:
        with path.open("rb") as handle:
            little = handle.read(2) == codecs.BOM_UTF16_LE
        return f"UTF-16 {'LE' if little else 'BE'}"
    return encoding.name


def lines(handle: IO[str], encoding: TextEncoding) -> Iterator[str]:
    """The lines of a text file opened in `encoding`; a code page's tone marks set on their vowels,
    and each line checked to hold Vietnamese letters only."""
    if not encoding.legacy:
        yield from handle
        return
    for number, line in enumerate(handle, start=1):
        if line.isascii():
            yield line
            continue
        composed = unicodedata.normalize("NFC", line)
        stranger = foreign(composed)
        if stranger is not None:
            raise FileError(
                f"line {number}: read as Windows-1258 it holds {quoted(stranger)}, which is no Vietnamese letter; "
                "save the CSV as UTF-8"
            )
        yield composed
