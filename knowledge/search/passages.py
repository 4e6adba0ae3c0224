"""What the answer buttons show, read from the corpus snapshot: a cited passage in full with its Penjelasan,
and the articles a cited passage refers to ("sebagaimana dimaksud dalam Pasal 7 ayat (1)")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from knowledge.index.corpus import Corpus, pasal_sort_key
from knowledge.model import BATANG_TUBUH, DICABUT, Passage, citation_label
from knowledge.search.answer import revoked_notice

MAX_RELATED = 6
_REFERENCE = re.compile(
    r"\bPasal\s+(?P<pasal>\d{1,3}[A-Z]?)\b(?:\s+ayat\s*\(\s*(?P<ayat>\d{1,3}[a-z]?)\s*\))?", re.IGNORECASE
)
# "Pasal 5 Undang-Undang Nomor 23 ..." points into another document: not followed here.
_OTHER_DOCUMENT = re.compile(
    r"^\s*(?:(?:huruf\s+\w|angka\s+\d+)\s*)*(?:undang|peraturan|keputusan|instruksi|uu|pp|perpu|perppu|perpres|"
    r"permen\w*|pmk|perda|pergub|kitab)\b",
    re.IGNORECASE,
)


def citation_dict(record: Passage) -> dict[str, Any]:
    """What an answer context keeps of a citation: enough to find the passage again after a re-ingest."""
    return {
        "id": record.id,
        "doc": record.doc,
        "pasal": record.pasal,
        "ayat": record.ayat,
        "part": record.part,
        "label": record.label,
        "status": record.status,
    }


def resolve(corpus: Corpus, cited: dict[str, Any]) -> Passage | None:
    """The cited passage in the current snapshot: by id, else (after a re-ingest) by its citation label."""
    record = corpus.by_id.get(str(cited.get("id")))
    if record is not None:
        return record
    doc, pasal, part = cited.get("doc"), cited.get("pasal"), cited.get("part")
    if doc and pasal:
        candidates = corpus.article(doc, pasal, part or BATANG_TUBUH)
    else:
        candidates = [r for r in corpus.records if r.doc == doc]
    return next((r for r in candidates if r.label == cited.get("label")), None)


@dataclass
class FullPassage:
    heading: str
    subtitle: str
    body: str
    notices: list[str]
    notes: list[tuple[str, str]]  # Penjelasan: (label, text)


def full_passage(corpus: Corpus, record: Passage) -> FullPassage:
    """The whole Pasal (or section) the record belongs to, with the Penjelasan of its ayat."""
    heading = citation_label(record.doc, record.pasal, None, record.part) if record.pasal else record.label
    body = record.parent_text or record.text
    notes: list[tuple[str, str]] = []
    if record.pasal and record.part == BATANG_TUBUH:
        seen: set[str] = set()
        for part in corpus.article(record.doc, record.pasal) or [record]:
            for note in corpus.penjelasan_for(part):
                if note.id not in seen:
                    seen.add(note.id)
                    notes.append((note.label, note.text))
    notices = [revoked_notice(record)] if record.status == DICABUT else []
    if record.scan_note:
        notices.append(record.scan_note)
    return FullPassage(heading, record.title, body, notices, notes)


def related_articles(corpus: Corpus, records: list[Passage], limit: int = MAX_RELATED) -> list[tuple[str, str]]:
    """Articles of the same document that the cited passages refer to, as (label, text), in order of mention."""
    found: list[tuple[str, str]] = []
    seen: set[tuple[str, str, str | None]] = set()
    own = {(r.doc, r.pasal) for r in records}
    for record in records:
        for match in _REFERENCE.finditer(record.text):
            if _OTHER_DOCUMENT.match(record.text[match.end() :]):
                continue
            pasal, ayat = match.group("pasal").upper(), match.group("ayat")
            key = (record.doc, pasal, ayat)
            if key in seen or (record.doc, pasal) in own:
                continue
            seen.add(key)
            item = _article_text(corpus, record.doc, pasal, ayat)
            if item is not None:
                found.append(item)
            if len(found) >= limit:
                return found
    return found


def _article_text(corpus: Corpus, doc: str, pasal: str, ayat: str | None) -> tuple[str, str] | None:
    parts = corpus.article(doc, pasal)
    if not parts:
        return None
    if ayat:
        exact = next((r for r in parts if r.ayat == ayat), None)
        if exact is not None:
            return exact.label, exact.text
    parts = sorted(parts, key=lambda r: (pasal_sort_key(r.pasal or ""), r.order))
    return citation_label(doc, pasal), parts[0].parent_text or "\n".join(r.text for r in parts)
