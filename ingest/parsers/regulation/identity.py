"""What a regulation is (kind, number, year): read from its identity header ("PERATURAN PEMERINTAH ... NOMOR 19
TAHUN 2022"), else from the Penjelasan header, else from the file name, with a warning when these disagree.

The identity names the document in every citation, so it is decided in one place; the header patterns also
serve `looks_like_regulation` and the title search.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ingest.notices import Notice, NoticeCode
from ingest.parsers.ocr import ocr_digits
from ingest.parsers.regulation.kinds import _FILE_JENIS, classify_jenis
from ingest.parsers.regulation.layout import _Layout

# "NOMOR 19 TAHUN 2022", or a ministerial "NOMOR 148/PMK.07/2012" whose year closes the number.
_ID_NUMBER = re.compile(
    r"\bN\s?O\s?M\s?O\s?R\s*:?\s*(?P<nomor>[0-9lIO]{1,4}[A-Z]?)"
    r"(?:(?:/[\w.-]+)*/(?P<slash_year>(?:19|20)\d\d)\b|(?:/[\w./-]*)?\s+T\s?A\s?H\s?U\s?N\s*:?\s+(?P<tahun>(?:19|20)\d\d)\b)"
)
_JENIS_START = re.compile(r"(?<!PENGGANTI )\b(?:PERATURAN|KEPUTUSAN|INSTRUKSI|PENETAPAN|UNDANG(?:-\s?|\s)UNDANG)\b")


@dataclass(frozen=True)
class Identity:
    doc_type: str  # "PP"
    jenis: str  # "Peraturan Pemerintah"
    nomor: str
    tahun: int

    @property
    def short_name(self) -> str:
        return f"{self.doc_type} {self.nomor}/{self.tahun}"


def _resolve_identity(text: str, layout: _Layout, source: str, warnings: list[str]) -> Identity:
    """The identity in the text; the file name only when the text has none (with a warning)."""
    identity = _identity_from_text(text, layout)
    name = Path(source).name
    if layout.body is None and identity is None:
        raise ValueError(f"{name}: not a parsable regulation (no identity header and no Pasal found)")
    from_file = _identity_from_filename(source)
    if identity is None:
        if from_file is None:
            raise ValueError(
                f"{name}: regulation without an identity header, and the file name does not follow "
                "the {jenis}-{tahun}-{nomor}.md convention"
            )
        warnings.append(Notice(NoticeCode.IDENTITY_FROM_FILE, doc=from_file.short_name))
        return from_file
    if (
        from_file is not None
        and (identity.doc_type, identity.nomor) == (from_file.doc_type, from_file.nomor)
        and identity.tahun > date.today().year
    ):
        # "TAHUN 2O2T" read as 2027: a year still to come is OCR noise; the file name has the real one.
        warnings.append(Notice(NoticeCode.YEAR_AHEAD, year=identity.tahun, doc=from_file.short_name))
        return from_file
    if from_file is not None and from_file.short_name != identity.short_name:
        warnings.append(Notice(NoticeCode.NAME_MISMATCH, file=from_file.short_name, text=identity.short_name))
    return identity


def _identity_from_text(text: str, layout: _Layout) -> Identity | None:
    """The first "<JENIS> ... NOMOR n TAHUN yyyy" in the header, else in the Penjelasan header."""
    regions = [(0, min(len(text), 6000))]
    if layout.penjelasan_start is not None:
        regions.append((layout.penjelasan_start, min(len(text), layout.penjelasan_start + 1500)))
    for lo, hi in regions:
        for match in _ID_NUMBER.finditer(text, lo, hi):
            run = re.search(r"(?:[A-Z][A-Z-]*[ \t\n]+){1,14}$", text[max(lo, match.start() - 200) : match.start()])
            if not run:
                continue
            starts = list(_JENIS_START.finditer(run.group(0)))
            # "... TENTANG PERUBAHAN ATAS UNDANG-UNDANG NOMOR 23 TAHUN 2013" names another regulation.
            if not starts or "TENTANG" in run.group(0)[: starts[-1].start()]:
                continue
            kind = classify_jenis(run.group(0)[starts[-1].start() :])
            raw = re.fullmatch(r"([0-9lIO]+?)([A-Z]?)", match.group("nomor"))
            nomor = ocr_digits(raw.group(1)) if raw else None
            if kind and nomor and raw:  # nomor implies raw
                tahun = int(match.group("tahun") or match.group("slash_year"))
                return Identity(kind[0], kind[1], str(int(nomor)) + raw.group(2), tahun)
    return None


def _identity_from_filename(source: str) -> Identity | None:
    """`pp-2022-19.md` -> PP 19/2022 (also accepts `contoh-1-2024.md`, i.e. nomor before tahun)."""
    stem = Path(source).stem.lower()
    match = re.fullmatch(r"(?P<jenis>[a-z]+)[-_](?P<a>\d{1,4}[a-z]?)[-_](?P<b>\d{1,4}[a-z]?)", stem)
    if not match or match.group("jenis") not in _FILE_JENIS:
        return None
    a, b = match.group("a"), match.group("b")
    tahun, nomor = (a, b) if _is_year(a) else (b, a)
    if not _is_year(tahun):
        return None
    jenis = match.group("jenis")
    abbr = "PERPU" if jenis == "perppu" else jenis.upper()
    return Identity(abbr, _FILE_JENIS[jenis], nomor.upper().lstrip("0") or "0", int(tahun))


def _is_year(token: str) -> bool:
    return token.isdigit() and 1900 <= int(token) <= 2099
