"""Readers: turn a PDF, DOCX, Markdown or plain-text file into pages of text.

The file type is detected from the content (magic bytes), not trusted from the extension.
Every failure is a `ReadError` (ingest/errors.py): a code and its parameters, worded in English for logs and
in Indonesian for users; nothing from pypdf, python-docx or zipfile escapes as a traceback.
"""

from __future__ import annotations

import codecs
import io
import logging
import re
import unicodedata
import warnings
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, NamedTuple, TypeVar, cast

import charset_normalizer
import docx
from docx.exceptions import PythonDocxError
from docx.opc.exceptions import OpcError
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml.etree import LxmlError
from pypdf import PasswordType, PdfReader
from pypdf.errors import DependencyError, PyPdfError

from ingest.errors import ErrorCode, ReadError
from ingest.notices import Notice, NoticeCode
from ingest.readers.layout import page_lines
from ingest.readers.scan import PageScan, ScanError, ScanOptions, frame_count, mean_confidence, scan_image
from knowledge.numerals import to_roman

log = logging.getLogger(__name__)


@dataclass
class Page:
    number: int | None  # 1-based page number for PDFs and images, None where the format has no pages
    text: str
    # Pages read by OCR: the mean character confidence, and each line with its own (for passage confidence).
    # None / empty for text from a text layer or a text format.
    confidence: float | None = None
    lines: list[tuple[str, float]] = field(default_factory=list)

    @property
    def scanned(self) -> bool:
        return self.confidence is not None


@dataclass
class RawText:
    path: Path
    kind: str  # "pdf" | "docx" | "md" | "txt", or an image: "jpeg" | "png" | "tiff" | "webp"
    pages: list[Page] = field(default_factory=list)
    # What the reader had to assume (Notices, see ingest/notices.py): a text file that is not valid UTF-8
    # says which encoding was used and how many characters were replaced, so mojibake is never silent.
    warnings: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(page.text for page in self.pages)

    @property
    def scanned_pages(self) -> int:
        return sum(1 for page in self.pages if page.scanned)


SUPPORTED_EXTENSIONS: frozenset[str] = frozenset(
    {".pdf", ".docx", ".md", ".markdown", ".txt", ".jpg", ".jpeg", ".png", ".tif", ".tiff", ".webp"}
)
# Images read by OCR (photos of pages, scans saved as images): the kind is the format.
IMAGE_KINDS = ("jpeg", "png", "tiff", "webp")
# A PDF page with fewer characters than this in its text layer, but an image, is a scan (a page number or a
# scanner's stamp is sometimes all the text layer holds).
MIN_TEXT_LAYER_CHARS = 10

MIB = 1024 * 1024

# A DOCX is a ZIP: refuse archives that would inflate far beyond any real document before
# python-docx (which reads whole members into memory) ever touches them.
DOCX_MAX_UNCOMPRESSED = 50 * MIB
DOCX_MAX_RATIO = 100  # real DOCX XML compresses ~5-20x; images barely compress
DOCX_RATIO_MIN_SIZE = 1 * MIB  # tiny members can have huge ratios harmlessly
DOCX_MAX_MEMBERS = 10_000

_MARKDOWN_EXTENSIONS = frozenset({".md", ".markdown"})


# --------------------------------------------------------------------------- public API


def detect_kind(data: bytes, filename: str = "") -> str:
    """Return "pdf", "docx", "md" or "txt" from the content; raise ReadError for anything else."""
    return _sniff(data, filename).kind


def read_file(
    path: Path, max_bytes: int | None = None, max_pages: int | None = None, scan: ScanOptions | None = None
) -> RawText:
    """Read a document from disk. `max_bytes` is checked before the file is loaded. Scanned pages and images
    are read by OCR when `scan` is given, and refused otherwise."""
    path = Path(path)
    data = _load(path, max_bytes)
    return _read(data, path, max_pages, scan)


def read_bytes(
    data: bytes,
    filename: str,
    max_bytes: int | None = None,
    max_pages: int | None = None,
    scan: ScanOptions | None = None,
) -> RawText:
    """Read an uploaded document held in memory; `filename` is only a hint (and names it in messages)."""
    path = Path(filename)
    _check_size(len(data), max_bytes, path.name)
    return _read(data, path, max_pages, scan)


def normalize_text(text: str) -> str:
    """Light clean-up shared by every format: line ends, control chars, NFC, odd spaces."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.translate(_CHAR_MAP)
    text = _DROP_CHARS.sub("", text)
    return unicodedata.normalize("NFC", text)


# Vertical tab / form feed / Unicode line separators are line breaks in practice; the odd spaces
# would otherwise break word matching in search.
_CHAR_MAP = str.maketrans(
    {
        "\x0b": "\n",
        "\x0c": "\n",
        "\u2028": "\n",
        "\u2029": "\n",
        "\u00a0": " ",
        "\u2007": " ",
        "\u202f": " ",
    }
)
# C0/C1 controls except tab and newline, plus zero-width space and stray BOMs.
_DROP_CHARS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\u200b\ufeff]")


# --------------------------------------------------------------------------- loading and dispatch


def _load(path: Path, max_bytes: int | None) -> bytes:
    name = path.name
    try:
        _check_size(path.stat().st_size, max_bytes, name)
        with path.open("rb") as handle:
            # Read one byte past the limit so a file that grew after stat() is still caught.
            data = handle.read() if max_bytes is None else handle.read(max_bytes + 1)
    except FileNotFoundError as exc:
        raise ReadError(ErrorCode.FILE_NOT_FOUND, path=str(path), name=name) from exc
    except OSError as exc:
        raise ReadError(ErrorCode.CANNOT_OPEN, path=str(path), name=name, error=str(exc)) from exc
    _check_size(len(data), max_bytes, name)
    return data


def _read(data: bytes, path: Path, max_pages: int | None, scan: ScanOptions | None = None) -> RawText:
    name = path.name
    if scan is not None and (image := _image_kind(data)) is not None:
        pages = _read_image(data, name, image, max_pages, scan)
        log.debug("read %s as a %s image: %d page(s) by OCR", name or "<unnamed>", image, len(pages))
        return RawText(path=path, kind=image, pages=pages, warnings=_ocr_warnings(pages))
    sniffed = _sniff(data, name)
    if sniffed.kind == "pdf":
        pages = _read_pdf(data, name, max_pages, scan)
    elif sniffed.kind == "docx":
        pages = [Page(None, _read_docx(data, name))]
    else:
        pages = [Page(None, normalize_text(sniffed.text or "").strip("\n"))]
    if not any(page.text.strip() for page in pages):
        raise _empty(name)
    log.debug("read %s as %s: %d page(s)", name or "<unnamed>", sniffed.kind, len(pages))
    if sniffed.note:
        log.info("%s: %s", name or "<unnamed>", sniffed.note)
    notes: list[str] = [sniffed.note] if sniffed.note else []
    return RawText(path=path, kind=sniffed.kind, pages=pages, warnings=notes + _ocr_warnings(pages))


def _check_size(size: int, max_bytes: int | None, name: str) -> None:
    if max_bytes is None or size <= max_bytes:
        return
    raise ReadError(ErrorCode.FILE_TOO_LARGE, name=name, size=size, limit=max_bytes)


# --------------------------------------------------------------------------- detection


class _Sniffed(NamedTuple):
    kind: str
    text: str | None = None  # decoded text for md/txt, so it is decoded only once
    note: Notice | None = None  # how text that is not valid UTF-8 was decoded


# Formats people send by mistake; named (ingest/errors.py) so the user learns what the file really is.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"),
    (b"{\\rtf", "rtf"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
    (b"\x7fELF", "executable"),
    (b"\x1f\x8b", "gzip"),
    (b"Rar!\x1a\x07", "rar"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
)
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_PDF_HEADER = re.compile(rb"(?:\A|[\r\n])[ \t]*%PDF-")


def _sniff(data: bytes, filename: str) -> _Sniffed:
    name = Path(filename).name
    if not data:
        raise _empty(name)
    if _PDF_HEADER.search(data, 0, 1024):  # readers accept junk before the header; so do we
        return _Sniffed("pdf")
    if data.startswith(_ZIP_MAGICS):
        return _Sniffed(_sniff_zip(data, name))
    _reject_known_binary(data, name)
    try:
        decoded = _decode_text(data, name)
    except ReadError as exc:
        # Named .pdf or .docx but without that format's header and not text: a damaged copy, not a wrong type.
        suffix = Path(name).suffix.lower()
        if suffix in (".pdf", ".docx"):
            raise _corrupt(name, suffix[1:].upper(), "no document header") from exc
        raise
    text = cast(str, decoded.text)  # _decode_text refuses what does not decode
    return _Sniffed(_text_kind(text, name), text, decoded.note)


def _reject_known_binary(data: bytes, name: str) -> None:
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        raise _unsupported(name, "webp")
    # "MZ" alone could start a text file; a real PE header has NULs right after it.
    if data.startswith(b"MZ") and b"\x00" in data[:64]:
        raise _unsupported(name, "executable")
    for magic, found in _SIGNATURES:
        if data.startswith(magic):
            raise _unsupported(name, found)


def _sniff_zip(data: bytes, name: str) -> str:
    names = set(_zip_infos(data, name, lambda zf: zf.namelist()))
    if "word/document.xml" in names and "[Content_Types].xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        raise _unsupported(name, "xlsx")
    if "ppt/presentation.xml" in names:
        raise _unsupported(name, "pptx")
    if "mimetype" in names and "content.xml" in names:
        raise _unsupported(name, "odf")
    raise _unsupported(name, "zip")


_T = TypeVar("_T")


def _zip_infos(data: bytes, name: str, read: Callable[[zipfile.ZipFile], _T]) -> _T:
    """Run `read(zipfile)` on the archive's directory, turning a broken archive into ReadError."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return read(archive)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise _broken_zip(name, exc) from exc


class _Decoded(NamedTuple):
    text: str | None
    legacy: bool = False  # not UTF-8 at all: random bytes decode "fine" this way, so the binary check applies
    note: Notice | None = None  # for the ingest report: the encoding assumed, characters replaced


def _decode_text(data: bytes, name: str) -> _Decoded:
    decoded = _decode(data)
    text = decoded.text
    if text is None or "\x00" in text or not _few_controls(text):
        raise _unsupported(name, "binary")
    # Random bytes decode "fine" in a legacy code page; real cp1252 text is mostly ASCII.
    if decoded.legacy and _high_byte_ratio(data) > 0.3:
        raise _unsupported(name, "binary")
    return decoded


def _decode(data: bytes) -> _Decoded:
    """UTF-8 (BOM optional) or UTF-16 with BOM; UTF-8 with a few broken bytes; else a detected code page."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return _Decoded(data.decode("utf-16"))
        except UnicodeDecodeError:
            return _Decoded(None)
    if b"\x00" in data:  # never in text outside UTF-16/32
        return _Decoded(None)
    try:
        return _Decoded(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        pass
    return _damaged_utf8(data) or _legacy(data)


_UTF8_REPLACEMENT = "\ufffd".encode()


def _damaged_utf8(data: bytes) -> _Decoded | None:
    """UTF-8 with a few bad bytes (a stray byte, a truncated copy) stays UTF-8 with those bytes replaced.

    Decoding the whole file in a code page because of one bad byte would garble every accent and curly quote
    in it. The file counts as UTF-8 when it holds more valid multi-byte characters than invalid sequences:
    in real cp1252 text almost no high byte happens to form a valid UTF-8 sequence.
    """
    text = data.decode("utf-8-sig", errors="replace")
    marks = text.count("\ufffd")
    replaced = marks - data.count(_UTF8_REPLACEMENT)  # a U+FFFD already in the file was not our doing
    valid = len(text) - len(text.encode("ascii", "ignore")) - marks
    if valid <= replaced:
        return None
    return _Decoded(text, note=Notice(NoticeCode.UTF8_REPLACED, replaced=replaced))


# Indonesian Windows saves "ANSI" text as cp1252; charset-normalizer often ranks cp1250 first for the same
# bytes (both decode plain Latin text alike), so cp1252 wins whenever it reads the text as cleanly.
_PREFERRED_CODEPAGE = "cp1252"
_CHAOS_SLACK = 0.02


def _legacy(data: bytes) -> _Decoded:
    encoding = _detect_encoding(data)
    how = "detected"
    if encoding is None:  # nothing plausible: most likely binary, which the caller's checks refuse
        encoding, how = _PREFERRED_CODEPAGE, "assumed"
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError):  # the five bytes cp1252 leaves undefined
        encoding, text = "latin-1", data.decode("latin-1")
    return _Decoded(text, legacy=True, note=Notice(NoticeCode.LEGACY_ENCODING, encoding=encoding, how=how))


def _detect_encoding(data: bytes) -> str | None:
    matches = list(charset_normalizer.from_bytes(data))
    if not matches:
        return None
    best = matches[0]
    for match in matches:
        if match.chaos <= best.chaos + _CHAOS_SLACK and _PREFERRED_CODEPAGE in match.could_be_from_charset:
            return _PREFERRED_CODEPAGE
    return best.encoding


_BINARY_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f]")


def _few_controls(text: str) -> bool:
    found = sum(1 for _ in _BINARY_CONTROLS.finditer(text))
    return found <= max(2, len(text) // 200)


def _high_byte_ratio(data: bytes) -> float:
    return len(data.translate(None, bytes(range(128)))) / len(data)


_MD_HINTS = re.compile(
    r"^(?:#{1,6}[ \t]+\S|\|?[ \t]*:?-{3,}:?[ \t]*\|[ \t]*:?-{3,}:?)",  # heading, or table separator row
    re.MULTILINE,
)


def _text_kind(text: str, name: str) -> str:
    if Path(name).suffix.lower() in _MARKDOWN_EXTENSIONS:
        return "md"
    return "md" if _MD_HINTS.search(text) else "txt"


# --------------------------------------------------------------------------- PDF


class _PypdfToDebug(logging.Handler):
    """pypdf logs every broken xref it repairs as a warning; that is noise for us, keep it at debug."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            log.debug("pypdf %s: %s", record.levelname.lower(), record.getMessage())
        except Exception:  # a logging handler must never raise into the caller
            self.handleError(record)


def _quiet_pypdf_logging() -> None:
    pypdf_logger = logging.getLogger("pypdf")
    # pypdf logs through per-module child loggers, which all propagate to "pypdf".
    if not any(type(h).__name__ == _PypdfToDebug.__name__ for h in pypdf_logger.handlers):
        pypdf_logger.addHandler(_PypdfToDebug())
    pypdf_logger.propagate = False


_quiet_pypdf_logging()


# pypdf surfaces malformed input as its own errors but also as these built-ins.
_PDF_ERRORS: tuple[type[BaseException], ...] = (
    PyPdfError,
    DependencyError,
    ValueError,
    KeyError,
    TypeError,
    AttributeError,
    IndexError,
    AssertionError,
    ArithmeticError,
    NotImplementedError,
    RecursionError,
    OSError,
    EOFError,
    zlib.error,
)


def _read_pdf(data: bytes, name: str, max_pages: int | None, scan: ScanOptions | None = None) -> list[Page]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            reader = PdfReader(io.BytesIO(data), strict=False)
            _unlock(reader, name)
            count = len(reader.pages)
            _check_pages(count, max_pages, name)
            pages = [
                Page(number, normalize_text(page.extract_text() or "").strip("\n"))
                for number, page in enumerate(reader.pages, start=1)
            ]
            if scan is not None:
                # A mixed PDF keeps its text layer where it has one; only the scanned pages are read by OCR.
                scans = [
                    page
                    for page, pdf_page in zip(pages, reader.pages, strict=True)
                    if len(page.text.strip()) < MIN_TEXT_LAYER_CHARS and _has_images(pdf_page)
                ]
                if scans:
                    _ocr_pdf_pages(reader, scans, name, scan)
        except DependencyError as exc:  # pypdf decrypts AES lazily, page by page
            raise _cannot_decrypt(name, exc) from exc
        except _PDF_ERRORS as exc:
            raise _corrupt(name, "PDF", exc) from exc
        finally:
            for warning in caught:
                log.debug("pypdf warning reading %s: %s", name, warning.message)
    if not pages:
        raise _corrupt(name, "PDF", "no pages")
    if not any(page.text.strip() for page in pages):
        raise ReadError(ErrorCode.NO_TEXT_LAYER, name=name) if scan is None else _nothing_read(name)
    return pages


def _has_images(page: Any) -> bool:
    try:
        resources: Any = page.get("/Resources") or {}
        xobjects = resources.get_object().get("/XObject") if resources else None
        if not xobjects:
            return False
        return any(x.get_object().get("/Subtype") in ("/Image", "/Form") for x in xobjects.get_object().values())
    except _PDF_ERRORS:
        return False


def _ocr_pdf_pages(reader: PdfReader, scans: list[Page], name: str, scan: ScanOptions) -> None:
    """OCR the scanned pages in place, page by page (the first limit is checked before any work starts)."""
    _check_scan_pages(len(scans), scan, name, "pdf")
    for done, page in enumerate(scans, start=1):
        number = page.number or done
        pdf_page = reader.pages[number - 1]
        turn = int(pdf_page.get("/Rotate", 0) or 0) % 360  # the scanner's page rotation, clockwise
        images = _page_images(pdf_page, name, number)
        results = [_scan(image, scan, name, number, "scan", turn=turn) for image in images]
        if results:  # a form without an image inside (a template, a logo drawn as vectors) leaves the page as it is
            _fill_page(page, results)
        log.info(
            "%s: page %d read by OCR (%d of %d scanned pages, %.1f s)",
            name,
            number,
            done,
            len(scans),
            sum(r.seconds for r in results),
        )
        if scan.on_page:
            scan.on_page(done, len(scans))


def _page_images(pdf_page: Any, name: str, number: int) -> list[bytes]:
    """The page's scanned images: the large ones (a logo or a stamp beside the scan is not a page)."""
    try:
        images = [
            (image.image.width * image.image.height if image.image else 0, image.data) for image in pdf_page.images
        ]
    except Exception as exc:  # pypdf and the image decoders behind it (JBIG2, JPEG 2000) fail in many ways
        raise ReadError(ErrorCode.SCAN_IMAGE_UNSUPPORTED, name=name, page=number, error=repr(exc)) from exc
    largest = max((area for area, _ in images), default=0)
    return [data for area, data in images if area >= largest / 4]


def _read_image(data: bytes, name: str, kind: str, max_pages: int | None, scan: ScanOptions) -> list[Page]:
    frames = frame_count(data)
    _check_pages(frames, max_pages, name)
    _check_scan_pages(frames, scan, name, "image")
    pages = []
    for frame in range(frames):
        page = Page(frame + 1, "")
        _fill_page(page, [_scan(data, scan, name, frame + 1, kind, frame=frame)])
        pages.append(page)
        if scan.on_page:
            scan.on_page(frame + 1, frames)
    if not any(page.text.strip() for page in pages):
        raise _nothing_read(name)
    return pages


def _scan(
    data: bytes, scan: ScanOptions, name: str, number: int, image: str, *, frame: int = 0, turn: int = 0
) -> PageScan:
    """OCR one image; `image` says what it is ("scan", "jpeg", ...) should it be unreadable."""
    try:
        result = scan_image(data, scan, frame=frame, turn=turn)
    except ScanError as exc:
        if exc.unreadable:
            raise ReadError(
                ErrorCode.IMAGE_UNREADABLE, name=name, page=number, image=image, detail=exc.message
            ) from exc
        raise ReadError(ErrorCode.OCR_FAILED, name=name, page=number, detail=exc.message, reason=exc.pesan) from exc
    if result.seconds > scan.seconds_per_page:
        raise ReadError(
            ErrorCode.OCR_TOO_SLOW, name=name, page=number, seconds=result.seconds, limit=scan.seconds_per_page
        )
    return result


def _fill_page(page: Page, results: list[PageScan]) -> None:
    lines = [line for result in results for line in page_lines(result)]
    page.text = normalize_text("\n".join(line.text for line in lines)).strip("\n")
    page.lines = [(normalize_text(line.text), line.confidence) for line in lines if line.confidence is not None]
    page.confidence = mean_confidence(page.lines) or 0.0


def _check_scan_pages(count: int, scan: ScanOptions, name: str, source: str) -> None:
    """`source` is "pdf" or "image": what the refusal calls the file."""
    if count > scan.max_pages:
        raise ReadError(ErrorCode.TOO_MANY_SCANNED_PAGES, name=name, count=count, limit=scan.max_pages, source=source)


def _ocr_warnings(pages: list[Page]) -> list[str]:
    """One line for the ingest report: how many pages were read by OCR, and how surely."""
    scanned = [page for page in pages if page.scanned]
    if not scanned:
        return []
    confidence = mean_confidence([(page.text, page.confidence or 0.0) for page in scanned]) or 0.0
    return [Notice(NoticeCode.OCR_PAGES, scanned=len(scanned), pages=len(pages), confidence=f"{confidence:.2f}")]


def _nothing_read(name: str) -> ReadError:
    return ReadError(ErrorCode.OCR_NO_TEXT, name=name)


def _image_kind(data: bytes) -> str | None:
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith((b"II*\x00", b"MM\x00*")):
        return "tiff"
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return "webp"
    return None


def _unlock(reader: PdfReader, name: str) -> None:
    """Open an encrypted PDF if it needs no password (common for 'no copying' PDFs); else refuse."""
    if not reader.is_encrypted:
        return
    try:
        opened = reader.decrypt("") != PasswordType.NOT_DECRYPTED
    except DependencyError as exc:
        raise _cannot_decrypt(name, exc) from exc
    except _PDF_ERRORS as exc:  # an encryption handler pypdf does not know
        log.debug("cannot decrypt %s: %r", name, exc)
        opened = False
    if not opened:
        raise ReadError(ErrorCode.PDF_PASSWORD, name=name)


def _cannot_decrypt(name: str, exc: DependencyError) -> ReadError:
    # AES needs the optional `cryptography` package; without it even password-less PDFs stay shut.
    return ReadError(ErrorCode.PDF_ENCRYPTED, name=name, error=str(exc))


def _check_pages(count: int, max_pages: int | None, name: str) -> None:
    if max_pages is not None and count > max_pages:
        raise ReadError(ErrorCode.TOO_MANY_PAGES, name=name, count=count, limit=max_pages)


# --------------------------------------------------------------------------- DOCX


_DOCX_ERRORS: tuple[type[BaseException], ...] = (
    OpcError,
    PythonDocxError,
    LxmlError,
    zipfile.BadZipFile,
    KeyError,
    ValueError,
    TypeError,
    AttributeError,
    IndexError,
    NotImplementedError,
    RecursionError,
    OSError,
    EOFError,
    zlib.error,
)


def _read_docx(data: bytes, name: str) -> str:
    _check_zip_bomb(data, name)
    try:
        document = docx.Document(io.BytesIO(data))
        text = _DocxRenderer(document).render()
    except _DOCX_ERRORS as exc:
        raise _corrupt(name, "DOCX", exc) from exc
    return normalize_text(text)


def _check_zip_bomb(data: bytes, name: str) -> None:
    infos = _zip_infos(data, name, lambda zf: zf.infolist())
    reason = _zip_bomb_reason(infos)
    if reason:
        raise ReadError(ErrorCode.DOCX_ZIP_BOMB, name=name, reason=reason)


def _zip_bomb_reason(infos: list[zipfile.ZipInfo]) -> str:
    # Declared sizes can be trusted: zipfile never inflates past file_size (it fails the CRC instead).
    if len(infos) > DOCX_MAX_MEMBERS:
        return f"{len(infos)} members"
    total = sum(info.file_size for info in infos)
    if total > DOCX_MAX_UNCOMPRESSED:
        return f"{total} bytes uncompressed"
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > DOCX_RATIO_MIN_SIZE and ratio > DOCX_MAX_RATIO:
            return f"{info.filename} inflates {ratio:.0f}x"
    return ""


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_HEADING_STYLE = re.compile(r"^(?:heading|judul)\s*([1-9])$", re.IGNORECASE)
_TITLE_STYLES = frozenset({"title", "judul"})  # "Judul" is Title in Indonesian Word
# Text-bearing run children; runs inside text boxes or deletions are not body text.
_RUNS_XPATH = ".//w:r[not(ancestor::w:txbxContent) and not(ancestor::w:del) and not(ancestor::w:moveFrom)]"


@dataclass(frozen=True)
class _Level:
    fmt: str = "decimal"  # w:numFmt: decimal, lowerLetter, bullet, none, ...
    text: str = ""  # w:lvlText such as "%1." or "(%1)"; "" means the Markdown default "N."
    start: int = 1


class _Numbering:
    """List definitions from numbering.xml, resolved per numId (abstract definition + overrides)."""

    def __init__(self, document: Any):
        self._levels: dict[str, dict[int, _Level]] = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract = {
            a.get(f"{_W}abstractNumId"): self._parse_levels(a.findall(f"{_W}lvl"))
            for a in root.findall(f"{_W}abstractNum")
        }
        for num in root.findall(f"{_W}num"):
            abstract_id = num.find(f"{_W}abstractNumId")
            levels = dict(abstract.get(_val(abstract_id), {}))
            self._apply_overrides(levels, num)
            self._levels[num.get(f"{_W}numId", "")] = levels

    def level(self, num_id: str, ilvl: int) -> _Level | None:
        levels = self._levels.get(num_id)
        return None if levels is None else levels.get(ilvl, _Level())

    @staticmethod
    def _parse_levels(lvls: list[Any]) -> dict[int, _Level]:
        levels = {}
        for lvl in lvls:
            levels[_int(lvl.get(f"{_W}ilvl"), 0)] = _Level(
                fmt=_val(lvl.find(f"{_W}numFmt")) or "decimal",
                text=_val(lvl.find(f"{_W}lvlText")) or "",
                start=_int(_val(lvl.find(f"{_W}start")), 1),
            )
        return levels

    def _apply_overrides(self, levels: dict[int, _Level], num: Any) -> None:
        for override in num.findall(f"{_W}lvlOverride"):
            ilvl = _int(override.get(f"{_W}ilvl"), 0)
            lvl = override.find(f"{_W}lvl")
            if lvl is not None:
                levels.update(self._parse_levels([lvl]))
            start = override.find(f"{_W}startOverride")
            if start is not None:
                levels[ilvl] = replace(levels.get(ilvl, _Level()), start=_int(_val(start), 1))


class _DocxRenderer:
    """Renders the body in document order as Markdown-ish text: headings, lists, pipe tables."""

    def __init__(self, document: Any):
        self._document = document
        self._numbering = _Numbering(document)
        self._counters: dict[str, dict[int, int]] = {}  # numId -> level -> last number shown

    def render(self) -> str:
        text = "\n".join(block for block in self._blocks(self._document.element.body) if block)
        return re.sub(r"\n{3,}", "\n\n", text).strip("\n")

    def _blocks(self, container: Any) -> Iterator[str]:
        for child in container.iterchildren():
            if child.tag == f"{_W}p":
                yield self._paragraph(Paragraph(child, self._document))
            elif child.tag == f"{_W}tbl":
                # Blank lines around the table so Markdown renders it and parsers see its edges.
                yield f"\n{self._table(Table(child, self._document))}\n"
            elif child.tag in (f"{_W}sdt", f"{_W}customXml"):  # content controls wrap real blocks
                content = child.find(f"{_W}sdtContent")
                yield from self._blocks(child if content is None else content)

    def _paragraph(self, paragraph: Any) -> str:
        text = _paragraph_text(paragraph._p).strip()
        if not text:
            return ""
        label = self._list_label(paragraph)
        level = _heading_level(paragraph)
        if level:  # numbered headings ("BAB I") keep their number; headings must stay on one line
            return f"{'#' * level} " + " ".join(f"{label} {text}".split())
        return f"{label}{text}"

    def _list_label(self, paragraph: Any) -> str:
        """The marker Word would show before this paragraph ("1. ", "- ", "(2) "), or ""."""
        num_id, ilvl = _numbering_props(paragraph)
        if num_id is None or num_id == "0":  # numId 0 explicitly switches numbering off
            return ""
        indent = "  " * ilvl
        level = self._numbering.level(num_id, ilvl)
        if level is None:  # numbering part missing: guess from the style name
            is_bullet = "bullet" in (paragraph.style.name or "").lower()
            level = _Level(fmt="bullet" if is_bullet else "decimal")
        numbers = self._count(num_id, ilvl, level.start)
        if level.fmt == "bullet":
            return f"{indent}- "
        if level.fmt == "none":
            return indent
        return f"{indent}{self._format_label(num_id, level, numbers)} "

    def _count(self, num_id: str, ilvl: int, start: int) -> dict[int, int]:
        counters = self._counters.setdefault(num_id, {})
        counters[ilvl] = counters.get(ilvl, start - 1) + 1
        for deeper in [lvl for lvl in counters if lvl > ilvl]:  # a new parent item restarts its children
            del counters[deeper]
        return counters

    def _format_label(self, num_id: str, level: _Level, numbers: dict[int, int]) -> str:
        if not level.text:
            return f"{numbers[max(numbers)]}."

        def substitute(match: re.Match[str]) -> str:
            ilvl = int(match.group(1)) - 1
            parent = self._numbering.level(num_id, ilvl) or _Level()
            return _format_number(numbers.get(ilvl, parent.start), parent.fmt)

        return re.sub(r"%([1-9])", substitute, level.text)

    def _table(self, table: Any) -> str:
        rows = [row for row in (self._row(r) for r in table.rows) if any(row)]
        if not rows:
            return ""
        width = max(len(row) for row in rows)
        rows = [row + [""] * (width - len(row)) for row in rows]
        lines = [_pipe_row(rows[0]), _pipe_row(["---"] * width)]
        lines.extend(_pipe_row(row) for row in rows[1:])
        return "\n".join(lines)

    def _row(self, row: Any) -> list[str]:
        cells = [""] * row.grid_cols_before
        previous = None
        for cell in row.cells:
            # python-docx repeats a horizontally merged cell once per grid column; show it once.
            cells.append("" if cell._tc is previous else self._cell_text(cell))
            previous = cell._tc
        return cells + [""] * row.grid_cols_after

    def _cell_text(self, cell: Any) -> str:
        parts = []
        for block in cell.iter_inner_content():
            if isinstance(block, Paragraph):
                text = _paragraph_text(block._p).strip()
                parts.append(f"{self._list_label(block).strip()} {text}" if text else "")
            else:  # a nested table: flatten it into the cell rather than lose it
                parts.extend(self._cell_text(inner) for row in block.rows for inner in _unique_cells(row))
        return " ".join(" ".join(parts).split()).replace("|", "\\|")


def _paragraph_text(p: Any) -> str:
    """Like python-docx's Paragraph.text, but also keeps text in tracked insertions, fields, smart tags."""
    pieces = []
    for run in p.xpath(_RUNS_XPATH):
        for child in run.iterchildren():
            tag = child.tag
            if tag == f"{_W}t":
                pieces.append(child.text or "")
            elif tag == f"{_W}tab":
                pieces.append("\t")
            elif tag in (f"{_W}br", f"{_W}cr"):
                pieces.append("\n")
            elif tag == f"{_W}noBreakHyphen":
                pieces.append("-")
    return "".join(pieces)


def _heading_level(paragraph: Any) -> int:
    """Markdown heading level from the style name (Heading N / Judul N / Title) or the outline level."""
    outline = _maybe_int(_val(paragraph._p.find(f"{_W}pPr/{_W}outlineLvl")))
    style = paragraph.style
    for _ in range(10):  # follow basedOn: a custom style built on Heading 2 is a heading 2
        if style is None:
            break
        for label in (style.name or "", style.style_id or ""):
            match = _HEADING_STYLE.match(label.strip())
            if match:
                return min(int(match.group(1)), 6)
            if label.strip().lower() in _TITLE_STYLES:
                return 1
        if outline is None:
            outline = _maybe_int(_val(style.element.find(f"{_W}pPr/{_W}outlineLvl")))
        style = style.base_style
    # Outline levels 0-8 are what Word's navigation pane shows as headings; 9 is body text.
    return min(outline + 1, 6) if outline is not None and outline < 9 else 0


def _numbering_props(paragraph: Any) -> tuple[str | None, int]:
    """numId and level from the paragraph, falling back to its style chain (List Number etc.)."""
    sources = [paragraph._p]
    style = paragraph.style
    for _ in range(10):
        if style is None:
            break
        sources.append(style.element)
        style = style.base_style
    num_id: str | None = None
    ilvl: int | None = None
    for element in sources:
        num_pr = element.find(f"{_W}pPr/{_W}numPr")
        if num_pr is None:
            continue
        num_id = num_id if num_id is not None else _val(num_pr.find(f"{_W}numId"))
        level_val = _val(num_pr.find(f"{_W}ilvl"))
        ilvl = ilvl if ilvl is not None or level_val is None else _int(level_val, 0)
    return num_id, min(ilvl or 0, 8)


def _unique_cells(row: Any) -> Iterator[Any]:
    previous = None
    for cell in row.cells:
        if cell._tc is not previous:
            yield cell
        previous = cell._tc


def _pipe_row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _format_number(number: int, fmt: str) -> str:
    if fmt in ("lowerLetter", "upperLetter"):
        letters = ""
        while number > 0:
            number, rest = divmod(number - 1, 26)
            letters = chr(ord("a") + rest) + letters
        return letters.upper() if fmt == "upperLetter" else letters
    if fmt in ("lowerRoman", "upperRoman"):
        roman = _roman(number)
        return roman.lower() if fmt == "lowerRoman" else roman
    if fmt == "decimalZero":
        return f"{number:02d}"
    return str(number)


def _roman(number: int) -> str:
    return to_roman(number) or str(number)


def _val(element: Any) -> str | None:
    return None if element is None else element.get(f"{_W}val")


def _int(value: str | None, default: int) -> int:
    parsed = _maybe_int(value)
    return default if parsed is None else parsed


def _maybe_int(value: str | None) -> int | None:
    """Lenient: a malformed number in numbering.xml should not make the whole document unreadable."""
    try:
        return None if value is None else int(value)
    except ValueError:
        return None


# --------------------------------------------------------------------------- errors (worded in ingest/errors.py)


def _empty(name: str) -> ReadError:
    return ReadError(ErrorCode.EMPTY_FILE, name=name)


def _unsupported(name: str, found: str) -> ReadError:
    """`found` names what the file really is: a key of the formats in ingest/errors.py."""
    return ReadError(ErrorCode.UNSUPPORTED_TYPE, name=name, found=found)


def _broken_zip(name: str, exc: BaseException) -> ReadError:
    if Path(name).suffix.lower() == ".docx":
        return _corrupt(name, "DOCX", exc)
    return ReadError(ErrorCode.BROKEN_ZIP, name=name, error=str(exc))


def _corrupt(name: str, kind: str, cause: object) -> ReadError:
    return ReadError(ErrorCode.CORRUPT, name=name, kind=kind, cause=repr(cause))
