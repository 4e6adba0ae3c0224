"""Read errors as codes with parameters: every code is worded in English (logs, JSON) and Indonesian (users),
the texts read exactly as they did before codes existed, and the readers raise coded errors."""

from __future__ import annotations

import copy
import pickle
from collections.abc import Callable
from pathlib import Path

import pytest

from ingest.errors import FORMATS, ErrorCode, ReadError
from ingest.pipeline import read_limited
from ingest.readers.files import read_bytes, read_file

SAMPLES: dict[ErrorCode, dict[str, str | int | float]] = {
    ErrorCode.FILE_NOT_FOUND: {"path": "/data/pp.pdf", "name": "pp.pdf"},
    ErrorCode.CANNOT_OPEN: {"path": "/data/pp.pdf", "name": "pp.pdf", "error": "[Errno 13] Permission denied"},
    ErrorCode.FILE_TOO_LARGE: {"name": "pp.pdf", "size": 21_000_000, "limit": 20 * 1024 * 1024},
    ErrorCode.EMPTY_FILE: {"name": ""},
    ErrorCode.UNSUPPORTED_TYPE: {"name": "a.xlsx", "found": "xlsx"},
    ErrorCode.BROKEN_ZIP: {"name": "a.zip", "error": "File is not a zip file"},
    ErrorCode.CORRUPT: {"name": "a.pdf", "kind": "PDF", "cause": "'no pages'"},
    ErrorCode.DOCX_ZIP_BOMB: {"name": "b.docx", "reason": "10001 members"},
    ErrorCode.PDF_PASSWORD: {"name": "rahasia.pdf"},
    ErrorCode.PDF_ENCRYPTED: {"name": "aes.pdf", "error": "cryptography is required"},
    ErrorCode.TOO_MANY_PAGES: {"name": "tebal.pdf", "count": 1200, "limit": 1000},
    ErrorCode.NO_TEXT_LAYER: {"name": "scan.pdf"},
    ErrorCode.SCAN_IMAGE_UNSUPPORTED: {"name": "scan.pdf", "page": 2, "error": "NotImplementedError('JBIG2')"},
    ErrorCode.IMAGE_UNREADABLE: {"name": "foto.png", "page": 1, "image": "png", "detail": "image cannot be read"},
    ErrorCode.OCR_FAILED: {"name": "scan.pdf", "page": 3, "detail": "engine failed", "reason": "OCR gagal."},
    ErrorCode.OCR_TOO_SLOW: {"name": "scan.pdf", "page": 4, "seconds": 75.34, "limit": 60.0},
    ErrorCode.TOO_MANY_SCANNED_PAGES: {"name": "scan.pdf", "count": 1500, "limit": 50, "source": "pdf"},
    ErrorCode.OCR_NO_TEXT: {"name": ""},
    ErrorCode.PHOTO_UNREADABLE: {"number": 2, "error": "cannot identify image file"},
    ErrorCode.PHOTO_NOT_LOADED: {"detail": "image cannot be read", "reason": "Gambar tidak dapat dibaca."},
    ErrorCode.LISTED_LINK_OUTSIDE: {"name": "tautan.pdf", "target": "/etc/passwd"},
    ErrorCode.LISTED_FILE_MISSING: {"name": "hilang.pdf"},
    ErrorCode.LISTED_FILE_TOO_LARGE: {"name": "besar.pdf", "size": 3_000_000, "limit": 1_000_000},
    ErrorCode.TOO_MANY_PASSAGES: {"name": "besar.docx", "passages": 54000, "limit": 5000},
    ErrorCode.TOO_MANY_UNITS: {"name": "besar.docx", "units": 120000, "limit": 20000},
}


def test_every_code_has_a_sample() -> None:
    assert set(SAMPLES) == set(ErrorCode)


@pytest.mark.parametrize("code", list(ErrorCode))
def test_every_code_is_worded_in_both_languages(code: ErrorCode) -> None:
    error = ReadError(code, **SAMPLES[code])
    assert error.message.strip() and error.pesan.strip()
    assert error.message != error.pesan
    for text in (error.message, error.pesan):
        assert "{" not in text and "}" not in text, text  # every placeholder filled
    assert str(error) == f"{error.message} / {error.pesan}"
    assert error.code is code and dict(error.params) == SAMPLES[code]


@pytest.mark.parametrize("found", sorted(FORMATS))
def test_every_refused_format_is_named_in_both_languages(found: str) -> None:
    error = ReadError(ErrorCode.UNSUPPORTED_TYPE, name="x", found=found)
    assert "()" not in error.message and "()" not in error.pesan


# The texts as they read before codes existed: logs, `python -m ingest --json` and the bot's replies keep them.
@pytest.mark.parametrize(
    ("code", "message", "pesan"),
    [
        (
            ErrorCode.FILE_TOO_LARGE,
            "file too large: pp.pdf is 21000000 bytes, limit 20971520",
            'Berkas "pp.pdf" terlalu besar (20,027 MB); batasnya 20 MB.',
        ),
        (ErrorCode.EMPTY_FILE, "empty file: <unnamed>", "Berkas kosong."),
        (
            ErrorCode.UNSUPPORTED_TYPE,
            "unsupported file type (Excel workbook): a.xlsx",
            'Jenis berkas "a.xlsx" tidak didukung (lembar kerja Excel). Kirim PDF, DOCX, MD, atau TXT.',
        ),
        (
            ErrorCode.CORRUPT,
            "corrupt or truncated PDF: a.pdf ('no pages')",
            'Berkas PDF "a.pdf" rusak atau tidak lengkap; simpan ulang dari aplikasi aslinya lalu kirim lagi.',
        ),
        (
            ErrorCode.TOO_MANY_PAGES,
            "PDF has too many pages: tebal.pdf has 1200, limit 1000",
            'PDF "tebal.pdf" berisi 1.200 halaman; batasnya 1.000 halaman.',
        ),
        (
            ErrorCode.OCR_TOO_SLOW,
            "OCR too slow: page 4 of scan.pdf took 75 s, limit 60 s (OCR_SECONDS_PER_PAGE)",
            'Halaman 4 dari "scan.pdf" memerlukan 75,3 detik untuk dibaca dengan OCR; batasnya 60 detik per halaman '
            "(pengaturan OCR_SECONDS_PER_PAGE). Kirim pindaian yang lebih kecil atau lebih jelas.",
        ),
        (
            ErrorCode.TOO_MANY_SCANNED_PAGES,
            "too many scanned pages for OCR: scan.pdf has 1500, limit 50 (OCR_MAX_PAGES)",
            'PDF "scan.pdf" berisi 1.500 halaman hasil pindaian; batas OCR 50 halaman per berkas '
            "(pengaturan OCR_MAX_PAGES). Pisahkan menjadi beberapa berkas.",
        ),
        (
            ErrorCode.OCR_NO_TEXT,
            "OCR found no text: ",
            "Tidak ada teks yang terbaca pada berkas ini; pastikan pindaian atau foto cukup jelas "
            "dan halaman tidak terpotong.",
        ),
        (
            ErrorCode.LISTED_FILE_TOO_LARGE,
            "besar.pdf: file too large (2.9 MB > 1 MB)",
            "Berkas besar.pdf terlalu besar (2,9 MB); batasnya 976,6 KB.",
        ),
        (
            ErrorCode.TOO_MANY_PASSAGES,
            "too much work for one file: besar.docx splits into 54000 passages, limit 5000 (MAX_PASSAGES_PER_FILE)",
            'Berkas "besar.docx" terpecah menjadi 54.000 bagian, batasnya 5.000 bagian per berkas '
            "(pengaturan MAX_PASSAGES_PER_FILE). Pisahkan dokumen menjadi beberapa berkas.",
        ),
    ],
)
def test_texts_read_as_before(code: ErrorCode, message: str, pesan: str) -> None:
    error = ReadError(code, **SAMPLES[code])
    assert (error.message, error.pesan) == (message, pesan)


def test_a_read_error_survives_copy_and_pickle() -> None:
    error = ReadError(ErrorCode.TOO_MANY_PAGES, **SAMPLES[ErrorCode.TOO_MANY_PAGES])
    for again in (copy.copy(error), pickle.loads(pickle.dumps(error))):
        assert again.code is error.code and dict(again.params) == dict(error.params)
        assert (again.message, again.pesan, str(again)) == (error.message, error.pesan, str(error))


def refusal(read: Callable[[], object]) -> ReadError:
    with pytest.raises(ReadError) as caught:
        read()
    return caught.value


def test_readers_raise_the_coded_error_worded_from_the_table(tmp_path: Path) -> None:
    cases: list[tuple[Callable[[], object], ErrorCode, dict[str, str | int | float]]] = [
        (lambda: read_bytes(b"", "kosong.txt"), ErrorCode.EMPTY_FILE, {"name": "kosong.txt"}),
        (lambda: read_bytes(b"{\\rtf1 x}", "surat.rtf"), ErrorCode.UNSUPPORTED_TYPE,
         {"name": "surat.rtf", "found": "rtf"}),
        (lambda: read_bytes(b"abc" * 10, "a.txt", max_bytes=5), ErrorCode.FILE_TOO_LARGE,
         {"name": "a.txt", "size": 30, "limit": 5}),
        (lambda: read_file(tmp_path / "hilang.pdf"), ErrorCode.FILE_NOT_FOUND,
         {"path": str(tmp_path / "hilang.pdf"), "name": "hilang.pdf"}),
        (lambda: read_limited(tmp_path / "hilang.pdf", 10), ErrorCode.LISTED_FILE_MISSING, {"name": "hilang.pdf"}),
    ]  # fmt: skip
    for read, code, params in cases:
        error = refusal(read)
        expected = ReadError(code, **params)
        assert (error.code, dict(error.params)) == (code, params)
        assert (error.message, error.pesan) == (expected.message, expected.pesan)
