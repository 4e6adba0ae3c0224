"""The dense index: passages as LlamaIndex nodes in a Chroma collection (local or a Chroma server)."""

from __future__ import annotations

import logging
import re
import threading
import weakref
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import chromadb
import numpy as np
from chromadb.api.shared_system_client import SharedSystemClient
from llama_index.core.schema import BaseNode, TextNode
from llama_index.vector_stores.chroma import ChromaVectorStore

from knowledge.config import Settings
from knowledge.model import Passage, is_placeholder

log = logging.getLogger(__name__)


def _chroma_settings() -> chromadb.config.Settings:
    # A fresh object per client: HttpClient writes the server's host and port into the one it is given, and
    # refuses a second server (or the same one on another port) with a shared object.
    return chromadb.config.Settings(anonymized_telemetry=False, allow_reset=False)


def chroma_client(settings: Settings) -> Any:
    if settings.chroma_host:
        return chromadb.HttpClient(
            host=settings.chroma_host,
            port=settings.chroma_port,
            ssl=settings.chroma_ssl,
            settings=_chroma_settings(),
        )
    settings.chroma_path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.chroma_path), settings=_chroma_settings())


def passage_metadata(passage: Passage) -> dict[str, str | int | float]:
    """Flat metadata for Chroma (no None values: Chroma rejects them)."""
    metadata: dict[str, str | int | float] = {
        "passage_id": passage.id,
        "doc": passage.doc,
        "title": passage.title,
        "doc_type": passage.doc_type,
        "label": passage.label,
        "bab": passage.bab or "",
        "pasal": passage.pasal or "",
        "ayat": passage.ayat or "",
        "part": passage.part or "",
        "section": passage.section or "",
        "item": passage.item or "",
        "page": passage.page or 0,
        "source": passage.source,
        "content_hash": passage.content_hash,
        "status": passage.status,
    }
    if passage.ocr_confidence is not None:  # read from a scan: how surely
        metadata["ocr_confidence"] = round(passage.ocr_confidence, 4)
    return metadata


REINDEX_INFIX = "-reindex-"  # collection names of /reindex targets: f"{CHROMA_COLLECTION}-reindex-<8 hex>"
WINDOW_CHARS = 900
UNIT_SEPARATOR = ":"


def windows(text: str, size: int = WINDOW_CHARS) -> list[str]:
    """Cut a long passage at line (list item) or sentence boundaries into pieces of about `size` chars.

    Pasal 1's twenty definitions are one citable passage, but a question about one definition must find
    it: each window is indexed on its own and leads back to the whole passage.
    """
    if len(text) <= size * 1.2:
        return [text]
    pieces = [p for p in re.split(r"\n+|(?<=[.;:])\s+(?=\S)", text) if p.strip()]
    out: list[str] = []
    current = ""
    for piece in pieces:
        if current and len(current) + len(piece) + 1 > size:
            out.append(current)
            current = piece
        else:
            current = f"{current}\n{piece}" if current else piece
    if current:
        out.append(current)
    return out


def unit_passage_id(unit_id: str) -> str:
    return unit_id.split(UNIT_SEPARATOR, 1)[0]


def index_units(passage: Passage) -> list[tuple[str, str]]:
    """(unit id, text) pairs to index for a passage: itself, or its windows when it is long."""
    if is_placeholder(passage.text):
        return []
    parts = windows(passage.text)
    if len(parts) == 1:
        return [(passage.id, passage.text)]
    return [(f"{passage.id}{UNIT_SEPARATOR}{n}", part) for n, part in enumerate(parts)]


def embedding_text(passage: Passage, text: str | None = None) -> str:
    """What the dense model reads: the text with its place in the document, so "Pasal 7" has context."""
    heading = " ".join(h for h in (passage.title, passage.bab) if h)
    return f"{passage.label}. {heading}\n{text if text is not None else passage.text}".strip()


@dataclass
class Embedded:
    """Vectors for one document's index units, ready to be written."""

    passages: list[Passage]  # the passage of each unit
    ids: list[str]
    texts: list[str]
    vectors: np.ndarray


# Every open index on an embedded Chroma folder, so that all of them can be reconnected at once.
_open: dict[str, weakref.WeakSet[VectorIndex]] = {}
_open_lock = threading.Lock()


def reload_local_chroma(settings: Settings) -> None:
    """Make this process read the embedded Chroma files afresh, after another process wrote them.

    Chroma keeps one in-memory view per folder per process, shared by its clients, and never rereads the
    files while any client is open: a reader would go on finding vectors that another process deleted. So
    the shared view is stopped and every index of this process on that folder connects again.
    """
    if settings.chroma_host:
        return  # a Chroma server is one view for everybody
    path = str(settings.chroma_path)
    with _open_lock:
        indexes = list(_open.get(path, ()))
        for index in indexes:
            index._lock.acquire()
        try:
            system = SharedSystemClient._identifier_to_system.pop(path, None)
            SharedSystemClient._identifier_to_refcount.pop(path, None)
            if system is not None:
                system.stop()
            for index in indexes:
                index._connect(create=False)
        finally:
            for index in indexes:
                index._lock.release()


class VectorIndex:
    def __init__(self, settings: Settings, collection_name: str | None = None) -> None:
        self._settings = settings
        self._closed = False
        self._lock = threading.RLock()  # a query never runs on a view being replaced
        self.name = collection_name or settings.chroma_collection
        self._connect(create=True)
        if not settings.chroma_host:
            with _open_lock:
                _open.setdefault(str(settings.chroma_path), weakref.WeakSet()).add(self)

    def _connect(self, create: bool) -> None:
        self._client = chroma_client(self._settings)
        if create:
            # embedding_function=None: we pass our own vectors; Chroma's default would download a model.
            self._collection = self._client.get_or_create_collection(
                self.name, embedding_function=None, metadata={"hnsw:space": "cosine"}
            )
        else:
            try:
                self._collection = self._client.get_collection(self.name, embedding_function=None)
            except Exception as exc:  # dropped by another process (an old collection after /reindex)
                log.info("collection %s is gone: %s", self.name, exc)
        self._store = ChromaVectorStore(chroma_collection=self._collection)

    def count(self) -> int:
        return self._collection.count()

    def add(self, embedded: Embedded) -> None:
        nodes: list[BaseNode] = []  # what ChromaVectorStore.add takes
        for unit_id, passage, text, vector in zip(
            embedded.ids, embedded.passages, embedded.texts, embedded.vectors, strict=True
        ):
            metadata = passage_metadata(passage)
            nodes.append(
                TextNode(
                    id_=unit_id,
                    text=text,
                    embedding=vector.tolist(),
                    metadata=metadata,
                    excluded_embed_metadata_keys=list(metadata),
                    excluded_llm_metadata_keys=list(metadata),
                )
            )
        if nodes:
            self._store.add(nodes)

    def _unit_ids(self, passage_ids: Sequence[str]) -> list[str]:
        units: list[str] = []
        for start in range(0, len(passage_ids), 2000):
            chunk = list(passage_ids[start : start + 2000])
            units.extend(self._collection.get(where={"passage_id": {"$in": chunk}}, include=[])["ids"])
        return units

    def delete(self, passage_ids: Iterable[str]) -> None:
        """Delete every unit of the given passages."""
        units = self._unit_ids(list(passage_ids))
        for start in range(0, len(units), 5000):
            self._collection.delete(ids=units[start : start + 5000])

    def all_passage_ids(self) -> set[str]:
        return {unit_passage_id(u) for u in self._collection.get(include=[])["ids"]}

    def set_status(self, passage_ids: Sequence[str], status: str) -> None:
        units = self._unit_ids(list(passage_ids))
        for start in range(0, len(units), 5000):
            chunk = units[start : start + 5000]
            self._collection.update(ids=chunk, metadatas=[{"status": status}] * len(chunk))

    def query(self, vector: np.ndarray, k: int, docs: Sequence[str] | None = None) -> list[tuple[str, float]]:
        """Ids and cosine similarities of the k nearest passages, optionally within some documents."""
        # Straight to Chroma (ids and distances only): rebuilding full nodes costs more than the search.
        where: dict[str, Any] | None = None
        if docs:
            where = {"doc": {"$in": list(docs)}}
        # Chroma returns fewer than k when fewer exist, so no count() round trip per question.
        with self._lock:
            result = self._collection.query(
                query_embeddings=[vector.tolist()], n_results=k, where=where, include=["distances"]
            )
        best: dict[str, float] = {}
        for unit_id, distance in zip(result["ids"][0], result["distances"][0], strict=True):
            best.setdefault(unit_passage_id(unit_id), 1.0 - distance)  # results come nearest first
        return list(best.items())

    def export(self, page: int = 2000) -> Iterator[dict[str, Any]]:
        """Every stored unit as Chroma holds it (id, vector, metadata, text), page by page: for backups."""
        offset = 0
        while True:
            with self._lock:
                batch = self._collection.get(
                    include=["embeddings", "metadatas", "documents"], limit=page, offset=offset
                )
            if not batch["ids"]:
                return
            yield batch
            offset += len(batch["ids"])

    def restore(self, ids: list[str], vectors: np.ndarray, metadatas: list[Any], documents: list[Any]) -> None:
        """Write units exactly as `export` gave them (a backup being restored)."""
        for start in range(0, len(ids), 2000):
            end = start + 2000
            self._collection.add(
                ids=ids[start:end], embeddings=vectors[start:end], metadatas=metadatas[start:end],
                documents=documents[start:end],
            )  # fmt: skip

    def drop(self) -> None:
        self._client.delete_collection(self.name)

    def drop_siblings(self, prefix: str) -> list[str]:
        """Drop other collections named like reindex targets: leftovers of a reindex that died before its switch."""
        pattern = re.compile(rf"{re.escape(prefix)}{REINDEX_INFIX}[0-9a-f]{{8}}")
        dropped = []
        for collection in self._client.list_collections():
            name = str(getattr(collection, "name", collection))
            if name != self.name and pattern.fullmatch(name):
                self._client.delete_collection(name)
                dropped.append(name)
        return dropped
