"""An in-memory, read-only snapshot of the live passages, for fast retrieval and exact article look-up.

A snapshot is tied to the store's generation: when an ingest finishes, the next question loads a new
snapshot while answers already under way finish on the old one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from knowledge.bm25 import BM25Index
from knowledge.db import DocumentRow, PassageRow
from knowledge.model import BATANG_TUBUH, PENJELASAN
from knowledge.store import KnowledgeStore
from knowledge.vectors import unit_passage_id


@dataclass(frozen=True)
class Record:
    id: str
    doc: str
    title: str
    doc_type: str
    pasal: str | None
    ayat: str | None
    part: str | None
    label: str
    text: str
    parent_text: str
    source: str
    status: str
    revoked_by: str | None
    position: int
    bab: str | None = None
    page: int | None = None
    section: str | None = None
    item: str | None = None

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
        }


@dataclass
class DocInfo:
    doc: str
    title: str
    doc_type: str
    status: str
    revoked_by: str | None
    source: str
    info: dict[str, Any]
    pasals: list[str] = field(default_factory=list)  # batang tubuh articles, in order


def pasal_sort_key(pasal: str) -> tuple[int, str]:
    match = re.match(r"(\d+)(.*)", pasal)
    return (int(match.group(1)), match.group(2)) if match else (10**6, pasal)


class Corpus:
    def __init__(self, records: list[Record], docs: dict[str, DocInfo], bm25: BM25Index, generation: str):
        self.records = records
        self.by_id = {r.id: r for r in records}
        self.docs = docs
        self.bm25 = bm25
        self.generation = generation
        self._by_article: dict[tuple[str, str], list[Record]] = {}
        for record in records:
            if record.pasal:
                self._by_article.setdefault((record.doc, record.pasal), []).append(record)
        self.definitions = _definitions(records)
        # BM25 rows -> records, once, so scoring a query is a vector operation
        self.bm25_records = [self.by_id.get(unit_passage_id(uid)) for uid in bm25.ids]

    @classmethod
    def load(cls, store: KnowledgeStore) -> Corpus:
        generation = store.generation()
        bm25 = store.load_bm25()
        with store.sessions() as session:
            documents = {row.id: row for row in session.scalars(select(DocumentRow))}
            rows = session.scalars(select(PassageRow).order_by(PassageRow.document_id, PassageRow.position))
            records = [_record(row, documents[row.document_id]) for row in rows]
        docs: dict[str, DocInfo] = {}
        for row in documents.values():
            docs[row.doc] = DocInfo(
                row.doc, row.title, row.doc_type, row.status, row.revoked_by, row.source, dict(row.info or {})
            )
        for record in records:
            info = docs[record.doc]
            if record.part == BATANG_TUBUH and record.pasal and record.pasal not in info.pasals:
                info.pasals.append(record.pasal)
        return cls(records, docs, bm25, generation)

    def article(self, doc: str, pasal: str, part: str = BATANG_TUBUH) -> list[Record]:
        return [r for r in self._by_article.get((doc, pasal), []) if r.part == part]

    def penjelasan_for(self, record: Record) -> list[Record]:
        """The elucidation of an ayat (or of the whole article when it has none of its own)."""
        if not record.pasal or record.part != BATANG_TUBUH:
            return []
        notes = self.article(record.doc, record.pasal, PENJELASAN)
        exact = [n for n in notes if n.ayat == record.ayat]
        return exact or [n for n in notes if n.ayat is None]

    def has_article(self, doc: str, pasal: str, ayat: str | None = None) -> bool:
        records = self._by_article.get((doc, pasal), [])
        if ayat is None:
            return bool(records)
        return any(r.ayat == ayat for r in records)


_DEFINITION = re.compile(
    r"(?:^|\n|(?<=[.;:]\s))\s*(?:\d+\s*\.?\s+)?(?P<term>[A-Z][\w/()\-]*(?:[ ,][\w/()\-]+){0,14}?)"
    r"(?:,?\s+yang\s+selanjutnya\s+(?:disebut|disingkat)\s+(?P<alias>[\w/()\-]+(?:\s[\w/()\-]+){0,6}?),?)?"
    r"\s+adalah\b"
)


def normalize_term(term: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[^\w/ ]", " ", term.lower())).strip()


def _definitions(records: list[Record]) -> dict[str, list[Record]]:
    """Defined term (and its short form) -> the passages that define it ("X adalah ...")."""
    found: dict[str, list[Record]] = {}
    for record in records:
        if " adalah " not in record.text:
            continue
        for match in _DEFINITION.finditer(record.text):
            for term in (match.group("term"), match.group("alias")):
                if term:
                    key = normalize_term(term)
                    if key and record not in found.setdefault(key, []):
                        found[key].append(record)
    return found


def _record(row: PassageRow, document: DocumentRow) -> Record:
    info = row.info or {}
    return Record(
        id=row.id,
        doc=row.doc,
        title=document.title,
        doc_type=document.doc_type,
        pasal=row.pasal,
        ayat=row.ayat,
        part=row.part,
        label=row.label,
        text=row.text,
        parent_text=row.parent_text,
        source=document.source,
        status=document.status,
        revoked_by=document.revoked_by,
        position=row.position,
        bab=info.get("bab"),
        page=info.get("page"),
        section=info.get("section"),
        item=info.get("item"),
    )
