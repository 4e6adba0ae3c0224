"""Warnings of readers, parsers and the pipeline: a code and its parameters, worded once in each language.

A Notice is a `str` whose value is its English text, exactly as these warnings read before they had codes: the
log, `python -m ingest --json` and the `info` column of the documents table keep what they held, and code that
only reads warnings as text needs no change. A person reads `indonesian()`, from the same table, both in the
ingest report on the command line and in the bot's upload report. A warning that is a plain string (one
stored before, or from code that has no Notice yet) is shown as written.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Any

Params = Mapping[str, str | int]
Wording = str | Callable[[Params], str]  # a str.format template over the parameters, or a function of them


class NoticeCode(StrEnum):
    # Readers
    UTF8_REPLACED = "utf8_replaced"  # replaced: characters that were not valid UTF-8
    LEGACY_ENCODING = "legacy_encoding"  # encoding: "cp1252"; how: "detected" or "assumed"
    OCR_PAGES = "ocr_pages"  # scanned, pages; confidence: "0.87" (mean, as shown)
    # Regulations
    OCR_REPAIRED = "ocr_repaired"  # fixes
    NO_ARTICLES = "no_articles"
    ARTICLE_GAPS = "article_gaps"  # gaps: "5, 6"
    EMPTY_ARTICLE = "empty_article"  # pasal
    IDENTITY_FROM_FILE = "identity_from_file"  # doc
    YEAR_AHEAD = "year_ahead"  # year, doc (the identity the file name gives)
    NAME_MISMATCH = "name_mismatch"  # file, text (the identity each gives)
    UNREADABLE_REVOCATION = "unreadable_revocation"  # article, clause
    # Minutes and recommendation lists
    NO_MEETING_DATE = "no_meeting_date"
    REPEATED_ITEM = "repeated_item"  # label
    NO_DEADLINE = "no_deadline"  # label
    UNREADABLE_DEADLINE = "unreadable_deadline"  # label, words
    NO_UNIT = "no_unit"  # label
    UNKNOWN_STATUS = "unknown_status"  # label, status
    NO_TITLE = "no_title"  # name (what the document is called instead)
    NO_RECOMMENDATIONS = "no_recommendations"
    # The pipeline
    SAME_CONTENT = "same_content"  # source (the file indexed already)
    FOLDER_LINK_OUTSIDE = "folder_link_outside"  # target
    FILE_LINK_OUTSIDE = "file_link_outside"  # target
    LINKED_EARLIER = "linked_earlier"  # doc


def _utf8_replaced(p: Params) -> str:
    characters = "character" if p["replaced"] == 1 else "characters"
    return f"text is not valid UTF-8: read as UTF-8 with {p['replaced']} replaced {characters} (U+FFFD)"


def _legacy_encoding(p: Params) -> str:
    how = "terdeteksi otomatis" if p["how"] == "detected" else "dugaan"
    return (
        f"Teks tidak berenkode UTF-8: dibaca sebagai {p['encoding']} ({how}); tidak ada karakter yang diganti. "
        "Periksa huruf beraksen dan tanda kutip pada dokumen."
    )


def _ocr_pages(p: Params) -> str:
    percent = round(float(p["confidence"]) * 100)
    return (
        f"{p['scanned']} dari {p['pages']} halaman dibaca dari hasil pindai (OCR), keyakinan rata-rata {percent}%; "
        "periksa kutipannya dengan naskah asli."
    )


@dataclass(frozen=True)
class _Words:
    english: Wording  # as the warning read before it had a code: scripts and tests match it
    indonesian: Wording


# fmt: off
_WORDING: dict[NoticeCode, _Words] = {
    NoticeCode.UTF8_REPLACED: _Words(
        _utf8_replaced,
        "Teks tidak sepenuhnya UTF-8 yang sah: dibaca sebagai UTF-8; {replaced} karakter yang rusak diganti "
        "dengan tanda \ufffd."),
    NoticeCode.LEGACY_ENCODING: _Words(
        "text is not UTF-8: read as {encoding} ({how}), 0 replaced characters", _legacy_encoding),
    NoticeCode.OCR_PAGES: _Words(
        "OCR: {scanned} of {pages} pages read from scans, mean confidence {confidence}", _ocr_pages),
    NoticeCode.OCR_REPAIRED: _Words(
        "OCR repaired: {fixes} fixes", "Teks hasil OCR diperbaiki otomatis ({fixes} perbaikan)."),
    NoticeCode.NO_ARTICLES: _Words("No articles (Pasal) found", "Tidak ada pasal yang dapat dikenali."),
    NoticeCode.ARTICLE_GAPS: _Words(
        "Pasal numbering has gaps (missing or unreadable: {gaps})",
        "Penomoran pasal melompat; pasal yang tidak ada atau tidak terbaca: {gaps}."),
    NoticeCode.EMPTY_ARTICLE: _Words(
        "Pasal {pasal} has a heading but no text", "Pasal {pasal} memiliki judul tetapi tanpa isi."),
    NoticeCode.IDENTITY_FROM_FILE: _Words(
        "No identity header found; identity {doc} taken from the file name",
        "Kepala peraturan tidak ditemukan; identitas {doc} diambil dari nama berkas."),
    NoticeCode.YEAR_AHEAD: _Words(
        "Year {year} in the text lies ahead; {doc} from the file name",
        "Tahun {year} dalam teks belum tiba; {doc} diambil dari nama berkas."),
    NoticeCode.NAME_MISMATCH: _Words(
        "File name suggests {file} but the text says {text}; using the text",
        "Nama berkas menunjukkan {file}, tetapi teksnya menyebut {text}; yang dipakai adalah teksnya."),
    NoticeCode.UNREADABLE_REVOCATION: _Words(
        "{article}: revocation clause without a readable regulation: {clause}",
        "{article}: klausul pencabutan tanpa peraturan yang dapat dibaca: “{clause}”."),
    NoticeCode.NO_MEETING_DATE: _Words(
        "no meeting date found; relative deadlines cannot be resolved",
        "Tanggal rapat tidak ditemukan; tenggat relatif (mis. “2 minggu lagi”) tidak dapat dihitung."),
    NoticeCode.REPEATED_ITEM: _Words(
        "{label}: the same item number appears twice in this section",
        "{label}: nomor butir yang sama muncul dua kali di bagian ini."),
    NoticeCode.NO_DEADLINE: _Words("{label}: no deadline", "{label}: tanpa tenggat."),
    NoticeCode.UNREADABLE_DEADLINE: _Words(
        "{label}: no deadline ('{words}' could not be read as a date)",
        "{label}: tenggat “{words}” tidak dapat dibaca sebagai tanggal."),
    NoticeCode.NO_UNIT: _Words(
        "{label}: no responsible unit (PIC) found", "{label}: unit penanggung jawab (PIC) tidak ditemukan."),
    NoticeCode.UNKNOWN_STATUS: _Words(
        "{label}: unknown status '{status}', treated as 'baru'",
        "{label}: status “{status}” tidak dikenal, dianggap “baru”."),
    NoticeCode.NO_TITLE: _Words(
        "no title found; the document is called '{name}'", "Judul tidak ditemukan; dokumen dinamai “{name}”."),
    NoticeCode.NO_RECOMMENDATIONS: _Words(
        "a recommendation list without any recognisable item", "Daftar rekomendasi tanpa butir yang dapat dikenali."),
    NoticeCode.SAME_CONTENT: _Words(
        "same content as {source}; indexed once", "Isinya sama dengan {source}; diindeks sekali saja."),
    NoticeCode.FOLDER_LINK_OUTSIDE: _Words(
        "skipped: folder link to {target}, outside the folder", "Dilewati: tautan folder ke {target}, di luar folder."),
    NoticeCode.FILE_LINK_OUTSIDE: _Words(
        "skipped: symbolic link to {target}, outside the folder",
        "Dilewati: tautan simbolik ke {target}, di luar folder."),
    NoticeCode.LINKED_EARLIER: _Words(
        "{doc} was ingested through this link earlier; --prune removes it",
        "{doc} pernah dimasukkan melalui tautan ini; --prune menghapusnya."),
}
# fmt: on


def _say(wording: Wording, params: Params) -> str:
    return wording(params) if callable(wording) else wording.format_map(params)


class Notice(str):
    """One warning: `code` and `params`; the string is the English text. Immutable, as a str is."""

    code: NoticeCode
    params: Params

    def __new__(cls, code: NoticeCode, **params: str | int) -> Notice:
        notice = super().__new__(cls, _say(_WORDING[code].english, params))
        object.__setattr__(notice, "code", code)
        object.__setattr__(notice, "params", MappingProxyType(dict(params)))
        return notice

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"a Notice cannot be changed ({name})")

    def __reduce__(self) -> tuple[Any, ...]:  # copy and pickle: rebuilt from its code, not from its text
        return _rebuild, (self.code, dict(self.params))

    def english(self) -> str:
        return str.__str__(self)

    def indonesian(self) -> str:
        return _say(_WORDING[self.code].indonesian, self.params)


def _rebuild(code: NoticeCode, params: dict[str, str | int]) -> Notice:
    return Notice(code, **params)


def in_indonesian(warning: str) -> str:
    """What a person reads for a warning: a Notice in Indonesian, any other string as written."""
    return warning.indonesian() if isinstance(warning, Notice) else warning
