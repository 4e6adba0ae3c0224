"""Read errors: a code and its parameters, worded once in each language (as ingest/notices.py does for warnings).

A `ReadError` keeps what it held before it had a code: `message` in English for logs and `python -m ingest
--json`, `pesan` in Indonesian for the person who sent the file, and `str()` as both. The texts are built here
from one table, so every raise site names only what went wrong and with which values.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from knowledge.formats import format_number, format_size

Params = Mapping[str, str | int | float]
Wording = str | Callable[[Params], str]  # a str.format template over the parameters, or a function of them


class ErrorCode(StrEnum):
    # Loading a file (name: the file name, "" for an upload without one)
    FILE_NOT_FOUND = "file_not_found"  # path, name
    CANNOT_OPEN = "cannot_open"  # path, name, error
    FILE_TOO_LARGE = "file_too_large"  # name, size, limit (bytes)
    EMPTY_FILE = "empty_file"  # name
    # Detecting the type
    UNSUPPORTED_TYPE = "unsupported_type"  # name, found: a key of _FORMATS
    BROKEN_ZIP = "broken_zip"  # name, error
    CORRUPT = "corrupt"  # name, kind ("PDF", "DOCX"), cause (a repr)
    DOCX_ZIP_BOMB = "docx_zip_bomb"  # name, reason
    # PDF
    PDF_PASSWORD = "pdf_password"  # name
    PDF_ENCRYPTED = "pdf_encrypted"  # name, error (AES without `cryptography`)
    TOO_MANY_PAGES = "too_many_pages"  # name, count, limit
    NO_TEXT_LAYER = "no_text_layer"  # name
    # OCR
    SCAN_IMAGE_UNSUPPORTED = "scan_image_unsupported"  # name, page, error (a repr)
    IMAGE_UNREADABLE = "image_unreadable"  # name, page, image: a key of _FORMATS, detail (ScanError.message)
    OCR_FAILED = "ocr_failed"  # name, page, detail, reason (ScanError.message and .pesan, worded in scan.py)
    OCR_TOO_SLOW = "ocr_too_slow"  # name, page, seconds, limit (seconds)
    TOO_MANY_SCANNED_PAGES = "too_many_scanned_pages"  # name, count, limit, source: "pdf" or "image"
    OCR_NO_TEXT = "ocr_no_text"  # name
    # Photos sent to the bot
    PHOTO_UNREADABLE = "photo_unreadable"  # number, error
    PHOTO_NOT_LOADED = "photo_not_loaded"  # detail, reason (ScanError.message and .pesan, worded in scan.py)
    # Files listed for ingest (pipeline.read_limited) and the work one file would take
    LISTED_LINK_OUTSIDE = "listed_link_outside"  # name, target
    LISTED_FILE_MISSING = "listed_file_missing"  # name
    LISTED_FILE_TOO_LARGE = "listed_file_too_large"  # name, size, limit (bytes)
    TOO_MANY_PASSAGES = "too_many_passages"  # name, passages, limit
    TOO_MANY_UNITS = "too_many_units"  # name, units, limit


@dataclass(frozen=True)
class _Words:
    english: Wording  # as the message read before it had a code: logs, JSON output and tests match it
    indonesian: Wording


# What a refused file really is, named so the user learns it (UNSUPPORTED_TYPE), and the images OCR reads.
_FORMATS: dict[str, tuple[str, str]] = {  # key: (English, Indonesian)
    "ole": (
        "legacy Office document (OLE, .doc/.xls)",
        "dokumen Word/Office lama (.doc); simpan ulang sebagai DOCX atau PDF",
    ),
    "rtf": ("RTF document", "dokumen RTF; simpan ulang sebagai DOCX atau PDF"),
    "png": ("PNG image", "gambar PNG"),
    "jpeg": ("JPEG image", "gambar JPEG"),
    "gif": ("GIF image", "gambar GIF"),
    "tiff": ("TIFF image", "gambar TIFF"),
    "webp": ("WEBP image", "gambar WEBP"),
    "scan": ("scanned image", "gambar pindaian"),  # an image inside a scanned PDF page
    "executable": ("executable", "program"),
    "gzip": ("gzip archive", "arsip terkompresi"),
    "rar": ("RAR archive", "arsip terkompresi"),
    "7z": ("7z archive", "arsip terkompresi"),
    "xlsx": ("Excel workbook", "lembar kerja Excel"),
    "pptx": ("PowerPoint presentation", "presentasi PowerPoint"),
    "odf": ("OpenDocument file", "dokumen OpenDocument; simpan ulang sebagai DOCX"),
    "zip": ("ZIP archive", "arsip ZIP"),
    "binary": ("binary data", "data biner"),
}
FORMATS = frozenset(_FORMATS)

_SEND_THESE = "Kirim PDF, DOCX, MD, atau TXT."


def _q(p: Params) -> str:
    """' "name"' for messages, or nothing when the upload had no name."""
    return f' "{p["name"]}"' if p["name"] else ""


def _unnamed(p: Params) -> str:
    return str(p["name"]) or "<unnamed>"


def _human_size(size: int, decimals: int = 1) -> str:
    """Indonesian style: decimal comma, no trailing ',0' ("25,3 MB", "20 MB")."""
    if size >= 1024 * 1024:
        value, unit = size / (1024 * 1024), "MB"
    elif size >= 1024:
        value, unit = size / 1024, "KB"
    else:
        return f"{size} bita"
    number = f"{value:.{decimals}f}".rstrip("0").rstrip(".")  # decimals >= 1, so a "." is there
    return f"{number.replace('.', ',')} {unit}"


def _thousands(number: str | int | float) -> str:
    return f"{int(number):,}".replace(",", ".")


def _seconds(value: float) -> str:
    """Indonesian style, to a tenth ("75,3 detik"; a limit below a second as it was set: "0,01 detik")."""
    shown = f"{value:.1f}" if value >= 1 else f"{value:g}"
    if "." in shown:
        shown = shown.rstrip("0").rstrip(".")
    return shown.replace(".", ",") + " detik"


def _too_large(p: Params) -> str:
    size, limit = int(p["size"]), int(p["limit"])
    shown = _human_size(size)
    if shown == _human_size(limit):  # "20 MB; batasnya 20 MB" would read as a contradiction
        shown = _human_size(size, decimals=3)
    return f"Berkas{_q(p)} terlalu besar ({shown}); batasnya {_human_size(limit)}."


def _found(p: Params) -> tuple[str, str]:
    return _FORMATS[str(p["found"])]


def _ocr_too_slow(p: Params) -> str:
    seconds, limit = float(p["seconds"]), float(p["limit"])
    return (
        f"OCR too slow: page {p['page']} of {p['name']} took {seconds:.0f} s, limit {limit:g} s (OCR_SECONDS_PER_PAGE)"
    )


def _ocr_too_slow_id(p: Params) -> str:
    return (
        f"Halaman {p['page']} dari{_q(p)} memerlukan {_seconds(float(p['seconds']))} untuk dibaca dengan OCR; "
        f"batasnya {_seconds(float(p['limit']))} per halaman (pengaturan OCR_SECONDS_PER_PAGE). "
        "Kirim pindaian yang lebih kecil atau lebih jelas."
    )


def _too_many_scanned(p: Params) -> str:
    what = "PDF" if p["source"] == "pdf" else "Gambar"
    return (
        f"{what}{_q(p)} berisi {_thousands(p['count'])} halaman hasil pindaian; batas OCR "
        f"{_thousands(p['limit'])} halaman per berkas (pengaturan OCR_MAX_PAGES). "
        "Pisahkan menjadi beberapa berkas."
    )


def _listed_too_large(p: Params) -> str:
    size, limit = float(p["size"]), float(p["limit"])
    return f"{p['name']}: file too large ({size / 1048576:.1f} MB > {limit / 1048576:.0f} MB)"


# fmt: off
_WORDING: dict[ErrorCode, _Words] = {
    ErrorCode.FILE_NOT_FOUND: _Words("file not found: {path}", lambda p: f"Berkas{_q(p)} tidak ditemukan."),
    ErrorCode.CANNOT_OPEN: _Words(
        "cannot read file {path}: {error}", lambda p: f"Berkas{_q(p)} tidak dapat dibuka."),
    ErrorCode.FILE_TOO_LARGE: _Words("file too large: {name} is {size} bytes, limit {limit}", _too_large),
    ErrorCode.EMPTY_FILE: _Words(lambda p: f"empty file: {_unnamed(p)}", lambda p: f"Berkas{_q(p)} kosong."),
    ErrorCode.UNSUPPORTED_TYPE: _Words(
        lambda p: f"unsupported file type ({_found(p)[0]}): {_unnamed(p)}",
        lambda p: f"Jenis berkas{_q(p)} tidak didukung ({_found(p)[1]}). {_SEND_THESE}"),
    ErrorCode.BROKEN_ZIP: _Words(
        lambda p: f"unsupported file type (broken ZIP archive: {p['error']}): {_unnamed(p)}",
        lambda p: f"Jenis berkas{_q(p)} tidak didukung (arsip ZIP yang rusak). {_SEND_THESE}"),
    ErrorCode.CORRUPT: _Words(
        lambda p: f"corrupt or truncated {p['kind']}: {_unnamed(p)} ({p['cause']})",
        lambda p: f"Berkas {p['kind']}{_q(p)} rusak atau tidak lengkap; simpan ulang dari "
                  "aplikasi aslinya lalu kirim lagi."),
    ErrorCode.DOCX_ZIP_BOMB: _Words(
        "DOCX rejected as a likely zip bomb ({reason}): {name}",
        lambda p: f"Berkas DOCX{_q(p)} tidak wajar (isinya membengkak saat dibuka) dan ditolak demi keamanan."),
    ErrorCode.PDF_PASSWORD: _Words(
        "PDF is password-protected: {name}",
        lambda p: f"Berkas PDF{_q(p)} dilindungi kata sandi; kirim versi tanpa kata sandi."),
    ErrorCode.PDF_ENCRYPTED: _Words(
        "PDF is AES-encrypted and cannot be decrypted without `cryptography` ({error}): {name}",
        lambda p: f"Berkas PDF{_q(p)} terenkripsi dan belum dapat dibuka; kirim versi tanpa enkripsi atau kata sandi."),
    ErrorCode.TOO_MANY_PAGES: _Words(
        "PDF has too many pages: {name} has {count}, limit {limit}",
        lambda p: f"PDF{_q(p)} berisi {_thousands(p['count'])} halaman; "
                  f"batasnya {_thousands(p['limit'])} halaman."),
    ErrorCode.NO_TEXT_LAYER: _Words(
        "PDF has no text layer (scanned?), OCR needed: {name}",
        lambda p: f"PDF{_q(p)} adalah hasil pindaian tanpa lapisan teks; jalankan OCR terlebih dahulu."),
    ErrorCode.SCAN_IMAGE_UNSUPPORTED: _Words(
        "cannot extract the scanned image of page {page} of {name}: {error}",
        lambda p: f"Gambar pindaian halaman {p['page']} dari{_q(p)} tidak dapat dibuka (jenis kompresi yang belum "
                  "didukung); pindai ulang sebagai PDF biasa atau kirim sebagai foto JPEG."),
    ErrorCode.IMAGE_UNREADABLE: _Words(
        "{name}, page {page}: {detail}",
        lambda p: f"Berkas{_q(p)} berisi {_FORMATS[str(p['image'])][1]} yang rusak atau tidak dapat dibaca "
                  f"(halaman {p['page']}); simpan ulang lalu kirim lagi."),
    ErrorCode.OCR_FAILED: _Words("{name}, page {page}: {detail}", "{reason}"),
    ErrorCode.OCR_TOO_SLOW: _Words(_ocr_too_slow, _ocr_too_slow_id),
    ErrorCode.TOO_MANY_SCANNED_PAGES: _Words(
        "too many scanned pages for OCR: {name} has {count}, limit {limit} (OCR_MAX_PAGES)", _too_many_scanned),
    ErrorCode.OCR_NO_TEXT: _Words(
        "OCR found no text: {name}",
        lambda p: f"Tidak ada teks yang terbaca pada{_q(p) or ' berkas ini'}; pastikan pindaian atau foto cukup jelas "
                  "dan halaman tidak terpotong."),
    ErrorCode.PHOTO_UNREADABLE: _Words(
        "photo {number} cannot be decoded: {error}", "Foto ke-{number} tidak dapat dibuka; kirim ulang fotonya."),
    ErrorCode.PHOTO_NOT_LOADED: _Words("{detail}", "{reason}"),
    ErrorCode.LISTED_LINK_OUTSIDE: _Words(
        "{name}: symbolic link to {target}, outside the folder; not read",
        "Berkas {name} adalah tautan ke luar folder dan tidak dibaca."),
    ErrorCode.LISTED_FILE_MISSING: _Words("{name}: file not found", "Berkas {name} tidak ditemukan."),
    ErrorCode.LISTED_FILE_TOO_LARGE: _Words(
        _listed_too_large,
        lambda p: f"Berkas {p['name']} terlalu besar ({format_size(int(p['size']))}); "
                  f"batasnya {format_size(int(p['limit']))}."),
    ErrorCode.TOO_MANY_PASSAGES: _Words(
        "too much work for one file: {name} splits into {passages} passages, "
        "limit {limit} (MAX_PASSAGES_PER_FILE)",
        lambda p: f'Berkas "{p["name"]}" terpecah menjadi {format_number(int(p["passages"]))} bagian, batasnya '
                  f"{format_number(int(p['limit']))} bagian per berkas (pengaturan MAX_PASSAGES_PER_FILE). "
                  "Pisahkan dokumen menjadi beberapa berkas."),
    ErrorCode.TOO_MANY_UNITS: _Words(
        "too much work for one file: {name} needs {units} embedding units, "
        "limit {limit} (MAX_UNITS_PER_FILE)",
        lambda p: f'Berkas "{p["name"]}" menghasilkan {format_number(int(p["units"]))} potongan teks untuk '
                  f"diindeks, batasnya {format_number(int(p['limit']))} potongan per berkas "
                  "(pengaturan MAX_UNITS_PER_FILE). Pisahkan dokumen menjadi beberapa berkas."),
}
# fmt: on


def _say(wording: Wording, params: Params) -> str:
    return wording(params) if callable(wording) else wording.format_map(params)


class ReadError(Exception):
    """A file that cannot be read: `code` and `params`; `message` is English (logs), `pesan` Indonesian (users)."""

    def __init__(self, code: ErrorCode, **params: str | int | float):
        self.code = code
        self.params: Params = MappingProxyType(dict(params))
        self.message = _say(_WORDING[code].english, self.params)
        self.pesan = _say(_WORDING[code].indonesian, self.params)
        super().__init__(self.message)

    def __str__(self) -> str:
        return f"{self.message} / {self.pesan}"

    def __reduce__(self) -> tuple[Any, ...]:  # copy and pickle: rebuilt from its code, not from its text
        return _rebuild, (self.code, dict(self.params))


def _rebuild(code: ErrorCode, params: dict[str, str | int | float]) -> ReadError:
    return ReadError(code, **params)
