"""The knowledge store: the SQL source of truth plus the Chroma and BM25 indexes derived from it.

Writes are ordered so that a crash at any point leaves the previous state answering: new vectors are added
under new ids first, then one SQL transaction switches the document to its new version, and only then are
the old vectors deleted. Vectors that no SQL row points to are invisible and are collected on the next run.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

import numpy as np
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from knowledge.config import Settings
from knowledge.db import DocumentRow, MetaRow, PassageRow, StatusSourceRow, utcnow
from knowledge.index.bm25 import BM25Index
from knowledge.index.embeddings import Embedder, make_embedder
from knowledge.index.status import StatusGraph, delete_edges, replace_edges
from knowledge.index.vectors import (
    REINDEX_INFIX,
    UNIT_SEPARATOR,
    Embedded,
    VectorIndex,
    embedding_text,
    index_units,
    reload_local_chroma,
    windows,
)
from knowledge.index.writer import WriterBusy, exclusive_writer
from knowledge.migrate import init_db
from knowledge.model import BERLAKU, DICABUT, Document, FollowUp, Passage, StatusEdge, is_placeholder

log = logging.getLogger(__name__)

# (units embedded so far, units in total); called after each batch, from the embedding thread.
EmbedProgress = Callable[[int, int], None]
# The generation a writer finished last (keyword index built): readers switch to it, never to a half-run.
PUBLISHED = "published_generation"
# Key of DocumentRow.info set once the document's status clauses are stored.
STATUS_READ = "status_read"
# The meta key naming the live Chroma collection; absent means settings.chroma_collection.
VECTOR_COLLECTION = "vector_collection"
# One BM25 save at a time in this process: a question that finds the index stale rebuilds it too, and two
# saves share the same temporary folder.
_BM25_LOCK = threading.RLock()


class EmbeddingModelMismatch(RuntimeError):
    pass


class DocumentSync(Protocol):
    """What a writer keeps in step with its documents inside the store's transaction (ingest passes the
    follow-up sync): called for every document written, replaced or removed, with the items it now holds."""

    def __call__(
        self,
        session: Session,
        *,
        source: str,
        doc: str,
        items: list[FollowUp],
        passage_ids: dict[str, str],
        meeting_date: date | None,
    ) -> object: ...


def _no_sync(session: Session, **_: object) -> None:
    return None


@dataclass
class WriteResult:
    replaced: list[str] = field(default_factory=list)  # sources of the versions this write replaced
    passages_added: int = 0
    passages_removed: int = 0
    synced: object = None  # what the DocumentSync hook returned for the document written or removed


@dataclass
class StatusChange:
    doc: str
    old: str
    new: str
    revoked_by: str | None


@dataclass
class StatusSource:
    """A regulation read for its status clauses only."""

    source: str
    doc: str
    title: str
    content_hash: str
    edges: list[StatusEdge]


@dataclass
class ReindexResult:
    documents: int
    passages: int
    vectors: int
    collection: str
    previous: str
    embedding_model: str
    seconds: float


class KnowledgeStore:
    def __init__(self, settings: Settings, embedder: Embedder | None = None) -> None:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        self.settings = settings
        self.sessions: sessionmaker[Session] = init_db(settings.db_url, lock=self._upgrade_lock)
        # A /reindex builds a new collection and records its name; every store opened later follows it.
        self.vectors = VectorIndex(settings, self.get_meta(VECTOR_COLLECTION))
        self._embedder = embedder
        self.published_here: str | None = None  # the last generation this process published itself

    def _upgrade_lock(self) -> AbstractContextManager[None]:
        """A schema upgrade is a write like any other: one process at a time."""

        def waiting(holder: str) -> None:
            log.warning("Waiting for %s before upgrading the database schema", holder)

        return exclusive_writer(
            self.settings.data_dir, "database upgrade", wait=self.settings.writer_wait_seconds, on_wait=waiting
        )

    # --- embeddings ---------------------------------------------------------------------------------

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = make_embedder(self.settings)
        return self._embedder

    def get_meta(self, key: str) -> str | None:
        with self.sessions() as session:
            row = session.get(MetaRow, key)
            return row.value if row else None

    def _set_meta(self, session: Session, key: str, value: str) -> None:
        session.merge(MetaRow(key=key, value=value))

    def check_embedding_model(self) -> None:
        """Refuse to mix vectors of two models in one index."""
        recorded = self.get_meta("embedding_model")
        wanted = self.embedder.name
        if recorded is None or (recorded != wanted and self.passage_count() == 0):
            with self.sessions.begin() as session:
                self._set_meta(session, "embedding_model", wanted)
            return
        if recorded != wanted:
            raise EmbeddingModelMismatch(
                f"The index was built with embedding model {recorded!r} but {wanted!r} is configured. "
                "Run `python -m ingest --rebuild PATH` to rebuild it with the new model, "
                "or set the EMBEDDING_* variables back."
            )

    def require_embedding_model(self) -> None:
        """Read-only check before answering: a question embedded by another model finds nonsense."""
        recorded = self.get_meta("embedding_model")
        if recorded is not None and recorded != self.embedder.name and self.passage_count():
            raise EmbeddingModelMismatch(
                f"The index was built with embedding model {recorded!r} but {self.embedder.name!r} is configured. "
                "Run `python -m ingest --rebuild PATH` to rebuild it, or set the EMBEDDING_* variables back."
            )

    def embed(self, passages: list[Passage], progress: EmbedProgress | None = None) -> Embedded:
        owners, ids, texts = [], [], []
        for passage in passages:
            for unit_id, text in index_units(passage):
                owners.append(passage)
                ids.append(unit_id)
                texts.append(text)
        inputs = [embedding_text(p, t) for p, t in zip(owners, texts, strict=True)]
        # Batches of similar length waste less work on padding.
        order = sorted(range(len(inputs)), key=lambda i: len(inputs[i]))
        batch = 32
        vectors: np.ndarray | None = None
        for start in range(0, len(order), batch):
            rows = order[start : start + batch]
            part = self.embedder.embed_passages([inputs[i] for i in rows])
            if vectors is None:
                vectors = np.zeros((len(inputs), part.shape[1]), dtype=np.float32)
            vectors[rows] = part
            if progress is not None:
                progress(min(start + batch, len(order)), len(order))
        if vectors is None:
            vectors = np.zeros((0, 0), dtype=np.float32)
        return Embedded(owners, ids, texts, vectors)

    # --- reading ------------------------------------------------------------------------------------

    def documents(self) -> list[DocumentRow]:
        with self.sessions() as session:
            return list(session.scalars(select(DocumentRow).order_by(DocumentRow.doc)))

    def document_for_source(self, source: str) -> DocumentRow | None:
        with self.sessions() as session:
            return session.scalar(select(DocumentRow).where(DocumentRow.source == source))

    def document_with_hash(self, digest: str) -> DocumentRow | None:
        with self.sessions() as session:
            return session.scalar(select(DocumentRow).where(DocumentRow.content_hash == digest).limit(1))

    def document_named(self, doc: str) -> DocumentRow | None:
        with self.sessions() as session:
            return session.scalar(select(DocumentRow).where(DocumentRow.doc == doc).limit(1))

    def passage_count(self) -> int:
        with self.sessions() as session:
            return session.scalar(select(func.count(PassageRow.id))) or 0

    def generation(self) -> str:
        return self.get_meta("generation") or ""

    # --- writing ------------------------------------------------------------------------------------

    def revocations(self, session: Session) -> dict[str, str]:
        """Short name of each regulation revoked whole -> the regulation that revoked it, from every clause
        read so far (indexed documents and status-only sources)."""
        return StatusGraph.load(session).revocations()

    def write_document(self, document: Document, embedded: Embedded, sync: DocumentSync = _no_sync) -> WriteResult:
        """Replace whatever version of this file (or of this same document) the store had with `document`."""
        result = WriteResult()
        with self.sessions() as session:
            revoked_by = self.revocations(session).get(document.doc)
        for passage in document.passages:
            passage.status = DICABUT if revoked_by else BERLAKU
            passage.revoked_by = revoked_by
        self.vectors.add(embedded)

        old_ids: list[str] = []
        with self.sessions.begin() as session:
            olds = session.scalars(
                select(DocumentRow).where((DocumentRow.source == document.source) | (DocumentRow.doc == document.doc))
            ).all()
            for old in olds:
                old_ids.extend(session.scalars(select(PassageRow.id).where(PassageRow.document_id == old.id)))
                result.replaced.append(old.source)
                if old.source != document.source:
                    # A new file for the same document (e.g. a re-downloaded PDF) takes over its items.
                    sync(session, source=old.source, doc=old.doc, items=[], passage_ids={}, meeting_date=None)
                session.delete(old)
            session.flush()
            row = DocumentRow(
                source=document.source,
                doc=document.doc,
                title=document.title,
                doc_type=document.doc_type,
                content_hash=document.content_hash,
                passage_count=len(document.passages),
                revokes=list(document.revokes),
                status=DICABUT if revoked_by else BERLAKU,
                revoked_by=revoked_by,
                info=_document_info(document),
            )
            session.add(row)
            session.flush()
            session.add_all(_passage_row(row.id, p) for p in document.passages)
            for old in olds:
                delete_edges(session, old.source)
            replace_edges(session, document.source, document.status_edges)
            passage_ids = {p.label: p.id for p in document.passages}
            result.synced = sync(
                session,
                source=document.source,
                doc=document.doc,
                items=document.followups,
                passage_ids=passage_ids,
                meeting_date=document.meeting.date if document.meeting else None,
            )
            self._set_meta(session, "generation", uuid.uuid4().hex)
        new_ids = {p.id for p in document.passages}
        stale = [pid for pid in old_ids if pid not in new_ids]
        self.vectors.delete(stale)
        result.passages_added = len(new_ids - set(old_ids))
        result.passages_removed = len(stale)
        return result

    def remove_document(self, source: str, sync: DocumentSync = _no_sync) -> WriteResult:
        result = WriteResult()
        with self.sessions.begin() as session:
            row = session.scalar(select(DocumentRow).where(DocumentRow.source == source))
            if row is None:
                return result
            ids = list(session.scalars(select(PassageRow.id).where(PassageRow.document_id == row.id)))
            result.synced = sync(session, source=source, doc=row.doc, items=[], passage_ids={}, meeting_date=None)
            session.delete(row)
            delete_edges(session, source)
            self._set_meta(session, "generation", uuid.uuid4().hex)
        self.vectors.delete(ids)
        result.passages_removed = len(ids)
        result.replaced.append(source)
        return result

    def refresh_statuses(self) -> list[StatusChange]:
        """Mark documents (and their vectors) revoked or in force according to the documents present."""
        changes: list[StatusChange] = []
        to_update: list[tuple[list[str], str]] = []
        with self.sessions.begin() as session:
            revoked = self.revocations(session)
            for row in session.scalars(select(DocumentRow)):
                by = revoked.get(row.doc)
                status = DICABUT if by else BERLAKU
                if row.status != status or row.revoked_by != by:
                    changes.append(StatusChange(row.doc, row.status, status, by))
                    row.status, row.revoked_by = status, by
                    ids = list(session.scalars(select(PassageRow.id).where(PassageRow.document_id == row.id)))
                    to_update.append((ids, status))
            if changes:
                self._set_meta(session, "generation", uuid.uuid4().hex)
        for ids, status in to_update:
            self.vectors.set_status(ids, status)
        return changes

    # --- status-only sources ---------------------------------------------------------------------------

    def status_sources(self) -> dict[str, str]:
        """Source path -> content hash of every regulation read for its status clauses only."""
        with self.sessions() as session:
            return dict(session.execute(select(StatusSourceRow.source, StatusSourceRow.content_hash)).all())

    def write_status_sources(self, sources: list[StatusSource]) -> int:
        """Store what a batch of status-only regulations says about others (one transaction per batch)."""
        edges = 0
        with self.sessions.begin() as session:
            for item in sources:
                row = session.scalar(select(StatusSourceRow).where(StatusSourceRow.source == item.source))
                if row is None:
                    row = StatusSourceRow(source=item.source)
                    session.add(row)
                row.doc, row.title, row.content_hash = item.doc, item.title, item.content_hash
                row.edge_count = replace_edges(session, item.source, item.edges)
                row.ingested_at = utcnow()
                edges += row.edge_count
            self._set_meta(session, "generation", uuid.uuid4().hex)
        return edges

    def write_document_status(self, source: str, edges: list[StatusEdge]) -> None:
        """Store what an indexed, unchanged document says about others (read again for a store that predates
        the status graph); its passages and vectors are left as they are."""
        with self.sessions.begin() as session:
            row = session.scalar(select(DocumentRow).where(DocumentRow.source == source))
            if row is None:
                return
            replace_edges(session, source, edges)
            row.info = {**(row.info or {}), STATUS_READ: True}
            self._set_meta(session, "generation", uuid.uuid4().hex)

    def remove_status_sources(self, sources: list[str]) -> None:
        with self.sessions.begin() as session:
            for source in sources:
                session.execute(delete(StatusSourceRow).where(StatusSourceRow.source == source))
                delete_edges(session, source)
            self._set_meta(session, "generation", uuid.uuid4().hex)

    def collect_garbage(self) -> int:
        """Delete vectors no live passage points to (left by a crash between the two halves of a write)."""
        with self.sessions() as session:
            live = set(session.scalars(select(PassageRow.id)))
        orphans = self.vectors.all_passage_ids() - live
        self.vectors.delete(orphans)
        return len(orphans)

    def rebuild_bm25(self) -> BM25Index:
        with _BM25_LOCK:
            return self._rebuild_bm25()

    def _rebuild_bm25(self) -> BM25Index:
        """Build and save the keyword index for the store as it is, and publish that state to readers."""
        with self.sessions() as session:
            rows = session.execute(
                select(PassageRow.id, PassageRow.text, PassageRow.info).order_by(PassageRow.id)
            ).all()
            generation = self.generation()
        ids, texts = [], []
        for row in rows:
            if is_placeholder(row.text):
                continue
            for n, window in enumerate(windows(row.text)):
                ids.append(row.id if n == 0 else f"{row.id}{UNIT_SEPARATOR}{n}")
                texts.append(bm25_text(window, row.info))
        index = BM25Index.build(ids, texts, generation)
        index.save(self.settings.bm25_path)
        with self.sessions.begin() as session:
            self._set_meta(session, PUBLISHED, generation)
        self.published_here = generation
        return index

    def load_bm25(self) -> BM25Index:
        """The persisted BM25 index. If it lags behind the published state (a crash between a write and its
        rebuild), it is rebuilt — unless a writer is at work, which will publish a new one itself: a reader
        never writes into a writer's run."""
        with _BM25_LOCK:  # never read the folder while another thread swaps it
            index = BM25Index.load(self.settings.bm25_path)
            if index is not None and index.generation in (self.published_generation(), self.generation()):
                return index
            try:
                with self.writing("repairing the keyword index", wait=0):
                    return self._rebuild_bm25()
            except WriterBusy:
                return index if index is not None else BM25Index.build([], [], "")

    def published_generation(self) -> str:
        """The last state a writer finished (its keyword index built): what readers answer from. Stores
        written before this was recorded publish every generation."""
        return self.get_meta(PUBLISHED) or self.generation()

    @contextmanager
    def writing(self, purpose: str, *, wait: float | None = None, on_wait=None) -> Iterator[None]:
        """Hold the one-writer lock of DATA_DIR (see `knowledge.index.writer`)."""
        with exclusive_writer(
            self.settings.data_dir,
            purpose,
            wait=self.settings.writer_wait_seconds if wait is None else wait,
            on_wait=on_wait,
        ):
            yield

    def reopen_vectors(self) -> None:
        """See what another process wrote (the embedded Chroma keeps its view of the files it opened), in
        the collection the store now uses (another process's /reindex may have switched it)."""
        reload_local_chroma(self.settings)
        name = self.get_meta(VECTOR_COLLECTION) or self.settings.chroma_collection
        if name != self.vectors.name:
            self.vectors = VectorIndex(self.settings, name)

    def reset(self) -> None:
        """Forget everything indexed (for a rebuild with another embedding model). Follow-ups are kept."""
        self.vectors.drop()
        self.vectors = VectorIndex(self.settings)
        with self.sessions.begin() as session:
            session.execute(delete(PassageRow))
            session.execute(delete(DocumentRow))
            session.execute(delete(MetaRow).where(MetaRow.key.in_(["embedding_model", VECTOR_COLLECTION])))
            self._set_meta(session, "generation", uuid.uuid4().hex)

    # --- rebuilding the dense index -----------------------------------------------------------------

    def reindex(
        self, progress: EmbedProgress | None = None, on_wait: Callable[[str], None] | None = None
    ) -> ReindexResult:
        """`_reindex` under the one-writer lock of DATA_DIR."""
        with self.writing("reindex", on_wait=on_wait):
            return self._reindex(progress)

    def _reindex(self, progress: EmbedProgress | None = None) -> ReindexResult:
        """Embed every live passage again into a new collection, then switch to it in one SQL transaction.

        Questions keep using the current collection until the switch, and SQL (the source of truth) is only
        read, so a failure or a crash half-way changes nothing. Embeds with the configured model, which makes
        this the way to move the index to another embedding model without a pause in service.
        """
        started = time.perf_counter()
        prefix = self.settings.chroma_collection
        for leftover in self.vectors.drop_siblings(prefix):
            log.info("dropped collection %s left by an interrupted reindex", leftover)
        name = f"{prefix}{REINDEX_INFIX}{uuid.uuid4().hex[:8]}"
        target = VectorIndex(self.settings, name)
        try:
            indexed: dict[str, str] = {}  # passage id -> status its vectors carry
            passages: list[Passage] = []
            for _ in range(5):  # writes from other processes meanwhile are caught up, a few times at most
                generation = self.generation()
                passages = self.live_passages()
                self._catch_up(target, passages, indexed, progress)
                if self._switch(name, generation):
                    break
            else:
                raise RuntimeError("the knowledge base kept changing during the reindex; try again later")
        except BaseException:
            target.drop()
            raise
        previous, self.vectors = self.vectors, target
        try:
            previous.drop()
        except Exception as exc:  # an old collection left behind costs disk space, nothing else
            log.warning("could not drop the previous collection %s: %s", previous.name, exc)
        self.rebuild_bm25()
        return ReindexResult(
            documents=len({p.source for p in passages}),
            passages=len(indexed),
            vectors=target.count(),
            collection=name,
            previous=previous.name,
            embedding_model=self.embedder.name,
            seconds=time.perf_counter() - started,
        )

    def live_passages(self) -> list[Passage]:
        """Every live passage rebuilt from its SQL row, as the parser made it (same id, same metadata)."""
        with self.sessions() as session:
            rows = session.execute(
                select(PassageRow, DocumentRow)
                .join(DocumentRow, PassageRow.document_id == DocumentRow.id)
                .order_by(PassageRow.document_id, PassageRow.position)
            ).all()
        passages = []
        for row, document in rows:
            passage = passage_from_row(row, document)
            if passage.derived_id() != row.id:  # a mismatch would leave the passage unfindable
                raise RuntimeError(f"passage {row.id} ({row.label}) does not rebuild to the same id")
            passages.append(passage)
        return passages

    def _catch_up(
        self, target: VectorIndex, passages: list[Passage], indexed: dict[str, str], progress: EmbedProgress | None
    ) -> None:
        wanted = {p.id: p.status for p in passages}
        stale = [pid for pid in indexed if pid not in wanted]
        target.delete(stale)
        for pid in stale:
            del indexed[pid]
        missing = [p for p in passages if p.id not in indexed]
        total = sum(len(index_units(p)) for p in missing)
        done = 0
        by_document: dict[str, list[Passage]] = {}
        for passage in missing:
            by_document.setdefault(passage.source, []).append(passage)
        # One document at a time: memory stays bounded by the largest document, not the whole corpus.
        for group in by_document.values():
            offset = done
            report = None if progress is None else (lambda n, _t, offset=offset: progress(offset + n, total))
            embedded = self.embed(group, report)
            target.add(embedded)
            done += len(embedded.ids)
        for passage in passages:
            if passage.id in indexed and indexed[passage.id] != passage.status:
                target.set_status([passage.id], passage.status)
            indexed[passage.id] = passage.status

    def _switch(self, name: str, generation: str) -> bool:
        """Make `name` the live collection, unless the store changed since `generation` was read."""
        with self.sessions.begin() as session:
            row = session.get(MetaRow, "generation")
            if (row.value if row else "") != generation:
                return False
            self._set_meta(session, VECTOR_COLLECTION, name)
            self._set_meta(session, "embedding_model", self.embedder.name)
            self._set_meta(session, "generation", uuid.uuid4().hex)
        return True


def bm25_text(text: str, info: dict) -> str:
    # The chapter heading gives short articles the topic words their own text leaves implicit; a minutes
    # section's name ("Kesimpulan", "Peserta") does the same for the meeting's paragraphs.
    return f"{info.get('bab') or ''} {info.get('section') or ''} {text}"


def _document_info(document: Document) -> dict:
    meeting = document.meeting
    return {
        "jenis": document.jenis,
        "nomor": document.nomor,
        "tahun": document.tahun,
        "warnings": list(document.warnings),
        # Stores written before the status graph existed hold documents whose clauses were never read.
        STATUS_READ: True,
        "meeting": None
        if meeting is None
        else {
            "title": meeting.title,
            "date": meeting.date.isoformat() if meeting.date else None,
            "place": meeting.place,
            "chair": meeting.chair,
            "participants": list(meeting.participants),
        },
    }


# Where each Passage field is kept in SQL. Its own columns:
PASSAGE_COLUMNS = ("doc", "pasal", "ayat", "part", "label", "text", "parent_text")
# In the `info` JSON, in this order (the stored JSON keeps it). ocr_confidence is None unless the passage was
# read from a scan. The document's title and type are repeated there for whoever reads rows alone.
PASSAGE_INFO = ("bab", "bagian", "paragraf", "page", "section", "item", "ocr_confidence")
# From its document's row.
PASSAGE_DOCUMENT = ("title", "doc_type", "status", "revoked_by", "source", "content_hash")


def passage_from_row(row: PassageRow, document: DocumentRow, **read_time: Any) -> Passage:
    """The passage a row holds, as the parser made it; `read_time` fields (a status read from the status
    graph, notes) replace what the rows say."""
    info = row.info or {}
    fields: dict[str, Any] = {name: getattr(row, name) for name in PASSAGE_COLUMNS}
    fields.update((name, info.get(name)) for name in PASSAGE_INFO)
    fields.update((name, getattr(document, name)) for name in PASSAGE_DOCUMENT)
    fields.update(id=row.id, order=row.position)
    fields.update(read_time)
    return Passage(**fields)


def _passage_row(document_id: int, p: Passage) -> PassageRow:
    info: dict[str, Any] = {name: getattr(p, name) for name in PASSAGE_INFO}
    info.update(title=p.title, doc_type=p.doc_type)
    columns = {name: getattr(p, name) for name in PASSAGE_COLUMNS}
    return PassageRow(id=p.id, document_id=document_id, position=p.order, info=info, **columns)
