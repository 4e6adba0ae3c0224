"""The shapes every part of Sinergi agrees on: documents, citable passages, follow-up items.

Parsers in `ingest/` produce these; the stores in `knowledge/` persist them; the bot renders them.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any


class PassagePart(StrEnum):
    """Values of Passage.part: where in a regulation a passage stands (None for non-regulations)."""

    BATANG_TUBUH = "batang_tubuh"
    PENJELASAN = "penjelasan"
    PENJELASAN_UMUM = "penjelasan_umum"


class DocumentKind(StrEnum):
    """Values of Document.doc_type for non-regulations (a regulation's is its kind: "PP", "UU", ...)."""

    NOTULEN = "notulen"
    REKOMENDASI = "rekomendasi"
    DOKUMEN = "dokumen"


class LegalStatus(StrEnum):
    """Values of Document.status / Passage.status."""

    BERLAKU = "berlaku"
    DICABUT = "dicabut"
    # A passage whose article a later regulation amended (its text is not the one in force).
    DIUBAH = "diubah"


class StatusKind(StrEnum):
    """Kinds of StatusEdge: what one regulation says about another."""

    REVOKED = "dicabut"  # the whole regulation
    REVOKED_IN_PART = "dicabut_sebagian"  # the article in `pasal` (or a part the clause describes)
    AMENDED = "diubah"  # the article in `pasal` now reads `text`; without `pasal`: the regulation was amended
    INSERTED = "disisipkan"  # a new article `pasal` reading `text`
    DELETED = "dihapus"  # the article in `pasal` was deleted
    IMPLEMENTING_KEPT = "pelaksanaan_tetap_berlaku"  # the target's implementing rules stay in force for now


class FollowUpStatus(StrEnum):
    """Values of FollowUp.status. TERLAMBAT is also derived: see knowledge.reminders.effective_status."""

    BARU = "baru"
    BERJALAN = "berjalan"
    SELESAI = "selesai"
    TERLAMBAT = "terlambat"
    DIBATALKAN = "dibatalkan"


# The names every module imported before the enums existed. They are the enum members, typed `str` so that
# code mixing them with plain strings read from the database (dict keys, `x if c else y`) type-checks as before.
BATANG_TUBUH: str = PassagePart.BATANG_TUBUH
PENJELASAN: str = PassagePart.PENJELASAN
PENJELASAN_UMUM: str = PassagePart.PENJELASAN_UMUM
NOTULEN: str = DocumentKind.NOTULEN
REKOMENDASI: str = DocumentKind.REKOMENDASI
DOKUMEN: str = DocumentKind.DOKUMEN
BERLAKU: str = LegalStatus.BERLAKU
DICABUT: str = LegalStatus.DICABUT
DIUBAH: str = LegalStatus.DIUBAH
REVOKED: str = StatusKind.REVOKED
REVOKED_IN_PART: str = StatusKind.REVOKED_IN_PART
AMENDED: str = StatusKind.AMENDED
INSERTED: str = StatusKind.INSERTED
DELETED: str = StatusKind.DELETED
IMPLEMENTING_KEPT: str = StatusKind.IMPLEMENTING_KEPT
STATUS_KINDS: tuple[str, ...] = tuple(StatusKind)
FOLLOWUP_STATUSES: tuple[str, ...] = tuple(FollowUpStatus)


@dataclass
class Passage:
    """The smallest citable unit: one ayat, a whole short Pasal, a minutes item or section paragraph.

    One type on both sides of the store. Parsers build passages field by field and `Document.finalize()`
    stamps them; the corpus snapshot (`knowledge.index.corpus`) reads them back from SQL with the status they
    have at read time (the fields under "Read time"), and treats them as read-only from then on.
    """

    text: str
    label: str = ""  # filled by Document.finalize() when empty
    part: str | None = None  # a PassagePart; None for non-regulations
    bab: str | None = None  # "BAB II PENYELENGGARAAN DEKONSENTRASI KEPADA GWPP"
    bagian: str | None = None
    paragraf: str | None = None
    pasal: str | None = None  # "7", "2A"
    ayat: str | None = None  # "5"
    page: int | None = None  # 1-based page of the source where the passage starts
    # Mean character confidence of the OCR that read this passage from a scan or photo (0..1); None for text
    # that came from a text layer or a text format.
    ocr_confidence: float | None = None
    section: str | None = None  # minutes: "Rekomendasi"
    item: str | None = None  # minutes: "3" (butir)
    parent_text: str = ""  # whole Pasal (or section) for display
    # Filled by Document.finalize():
    doc: str = ""
    title: str = ""
    doc_type: str = ""
    status: str = LegalStatus.BERLAKU  # a LegalStatus
    revoked_by: str | None = None
    source: str = ""
    content_hash: str = ""
    order: int = 0  # place in its document (the `position` column)
    # Stable within one version of one file, changes when the file changes (see `derived_id`); an amended
    # article's wording in force, made at read time, has an id of its own ("ubah-...").
    id: str = ""
    # Read time (the corpus snapshot), from the legal status graph and the OCR notice threshold:
    amended_by: str | None = None  # "UU 9/2015 Pasal I angka 4": the article now reads otherwise
    status_note: str | None = None  # what an answer quoting this passage must say about its status
    current_of: str | None = None  # for an amended wording: the id of the passage it replaces
    scan_note: str | None = None  # what an answer quoting it must say: its OCR confidence is low

    # Equal passages have equal ids, so the id is a hash consistent with equality. Only read-time passages,
    # which nothing changes, are hashed (deduplicated with dict.fromkeys, kept in sets).
    def __hash__(self) -> int:
        return hash(self.id)

    def derived_id(self) -> str:
        """The id this passage's place in its file gives it (what `Document.finalize()` stamps)."""
        key = f"{self.content_hash}|{self.order}|{self.part}|{self.pasal}|{self.ayat}|{self.item}"
        return hashlib.sha1(key.encode()).hexdigest()[:20]

    @property
    def cited_label(self) -> str:
        """The label with the page it stands on, for source lists ("..., hal. 2"): the reader can find it in the
        original, which matters most for a scan."""
        return f"{self.label}, hal. {self.page}" if self.page else self.label

    def citation(self, score: float | None = None) -> dict[str, Any]:
        """The CIT object of the JSON answer format."""
        return {
            "doc": self.doc,
            "title": self.title,
            "doc_type": self.doc_type,
            "pasal": self.pasal,
            "ayat": self.ayat,
            "part": self.part,
            "label": self.label,
            "text": self.text,
            "source": self.source,
            "score": None if score is None else round(float(score), 4),
            "status": self.status,
            "revoked_by": self.revoked_by,
            "amended_by": self.amended_by,
            "page": self.page,
            "ocr_confidence": None if self.ocr_confidence is None else round(self.ocr_confidence, 4),
        }


@dataclass
class StatusEdge:
    """One regulation's statement about another, with the clause it was read from."""

    source: str  # "UU 1/2022": the regulation that says it
    source_article: str | None  # "UU 1/2022 Pasal 189", "UU 9/2015 Pasal I angka 4"
    target: str  # "UU 33/2004"
    kind: StatusKind
    pasal: str | None = None  # the target's article, when the statement is about one
    detail: str | None = None  # "ayat (2)", "angka 4", "kecuali ..." within that article
    text: str = ""  # the article's new wording (amended or inserted)
    clause: str = ""  # the words the statement was read from


@dataclass
class Meeting:
    title: str = ""
    date: date | None = None
    place: str | None = None
    chair: str | None = None
    participants: list[str] = field(default_factory=list)


@dataclass
class FollowUp:
    """A recommendation / tindak lanjut item found in minutes or a recommendation list."""

    text: str
    units: list[str] = field(default_factory=list)
    officials: list[str] = field(default_factory=list)
    due: date | None = None
    due_text: str | None = None  # the words the date was read from, kept when unparsable
    status: str = FollowUpStatus.BARU
    section: str | None = None
    item: str | None = None
    passage_label: str | None = None  # citation of the passage it came from


@dataclass
class Document:
    doc: str  # canonical short name: "PP 19/2022", "Notulen Rakor Dekonsentrasi 6 Februari 2024"
    title: str  # "Dekonsentrasi dan Tugas Pembantuan"
    doc_type: str  # "PP", "UU", "PERMENDAGRI", ... or notulen / rekomendasi / dokumen
    jenis: str | None = None  # "Peraturan Pemerintah"
    nomor: str | None = None
    tahun: int | None = None
    passages: list[Passage] = field(default_factory=list)
    revokes: list[str] = field(default_factory=list)  # short names this document revokes whole
    status_edges: list[StatusEdge] = field(default_factory=list)  # all it says about other regulations
    meeting: Meeting | None = None
    followups: list[FollowUp] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    source: str = ""
    content_hash: str = ""

    def finalize(self) -> Document:
        """Stamp document-level fields, citation labels and ids onto every passage."""
        for order, passage in enumerate(self.passages):
            passage.doc = self.doc
            passage.title = self.title
            passage.doc_type = self.doc_type
            passage.source = self.source
            passage.content_hash = self.content_hash
            passage.order = order
            if not passage.label:
                passage.label = citation_label(
                    self.doc, passage.pasal, passage.ayat, passage.part, passage.section, passage.item
                )
            passage.id = passage.derived_id()
        return self


def citation_label(
    doc: str,
    pasal: str | None = None,
    ayat: str | None = None,
    part: str | None = None,
    section: str | None = None,
    item: str | None = None,
) -> str:
    """Human citation, e.g. `PP 19/2022 Pasal 7 ayat (5)` or `Penjelasan PP 19/2022 Pasal 9 ayat (2)`."""
    if part == PENJELASAN_UMUM:
        return f"Penjelasan Umum {doc}"
    if pasal:
        label = f"{doc} Pasal {pasal}"
        if ayat:
            label += f" ayat ({ayat})"
        return f"Penjelasan {label}" if part == PENJELASAN else label
    if section:
        label = f"{doc}, bagian {section}"
        return f"{label} butir {item}" if item else label
    return doc


_PLACEHOLDER = re.compile(r"^\W*cukup\s+jelas\W*$", re.IGNORECASE)


def is_placeholder(text: str) -> bool:
    """ "Cukup jelas." explains nothing: kept for look-up, never worth indexing or quoting."""
    return bool(_PLACEHOLDER.match(text))


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
