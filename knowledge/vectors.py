"""The dense index: passages as LlamaIndex nodes in a Chroma collection (local or a Chroma server)."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import Any

import chromadb
import numpy as np
from llama_index.core.schema import TextNode
from llama_index.vector_stores.chroma import ChromaVectorStore

from knowledge.config import Settings
from knowledge.model import Passage

log = logging.getLogger(__name__)

_CHROMA_SETTINGS = chromadb.config.Settings(anonymized_telemetry=False, allow_reset=False)


def chroma_client(settings: Settings) -> Any:
    if settings.chroma_host:
        return chromadb.HttpClient(
            host=settings.chroma_host,
            port=settings.chroma_port,
            ssl=settings.chroma_ssl,
            settings=_CHROMA_SETTINGS,
        )
    settings.chroma_path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.chroma_path), settings=_CHROMA_SETTINGS)


def passage_metadata(passage: Passage) -> dict[str, str | int]:
    """Flat metadata for Chroma (no None values: Chroma rejects them)."""
    return {
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


def embedding_text(passage: Passage) -> str:
    """What the dense model reads: the text with its place in the document, so "Pasal 7" has context."""
    heading = " ".join(h for h in (passage.title, passage.bab) if h)
    return f"{passage.label}. {heading}\n{passage.text}".strip()


class VectorIndex:
    def __init__(self, settings: Settings, collection_name: str | None = None) -> None:
        self._client = chroma_client(settings)
        self.name = collection_name or settings.chroma_collection
        # embedding_function=None: we always pass our own vectors; Chroma's default would download a model.
        self._collection = self._client.get_or_create_collection(
            self.name, embedding_function=None, metadata={"hnsw:space": "cosine"}
        )
        self._store = ChromaVectorStore(chroma_collection=self._collection)

    def count(self) -> int:
        return self._collection.count()

    def add(self, passages: Sequence[Passage], vectors: np.ndarray) -> None:
        nodes = [
            TextNode(
                id_=p.id,
                text=p.text,
                embedding=vec.tolist(),
                metadata=passage_metadata(p),
                excluded_embed_metadata_keys=list(passage_metadata(p)),
                excluded_llm_metadata_keys=list(passage_metadata(p)),
            )
            for p, vec in zip(passages, vectors, strict=True)
        ]
        if nodes:
            self._store.add(nodes)

    def delete(self, ids: Iterable[str]) -> None:
        ids = list(ids)
        for start in range(0, len(ids), 5000):
            self._collection.delete(ids=ids[start : start + 5000])

    def all_ids(self) -> set[str]:
        return set(self._collection.get(include=[])["ids"])

    def set_status(self, ids: Sequence[str], status: str) -> None:
        ids = list(ids)
        for start in range(0, len(ids), 5000):
            chunk = ids[start : start + 5000]
            self._collection.update(ids=chunk, metadatas=[{"status": status}] * len(chunk))

    def query(
        self, vector: np.ndarray, k: int, docs: Sequence[str] | None = None
    ) -> list[tuple[str, float]]:
        """Ids and cosine similarities of the k nearest passages, optionally within some documents."""
        # Straight to Chroma (ids and distances only): rebuilding full nodes costs more than the search.
        where: dict[str, Any] | None = None
        if docs:
            where = {"doc": {"$in": list(docs)}}
        k = min(k, self.count())
        if k <= 0:
            return []
        result = self._collection.query(
            query_embeddings=[vector.tolist()], n_results=k, where=where, include=["distances"]
        )
        return [(pid, 1.0 - dist) for pid, dist in zip(result["ids"][0], result["distances"][0], strict=True)]

    def drop(self) -> None:
        self._client.delete_collection(self.name)
