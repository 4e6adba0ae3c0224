"""EMBEDDING_PROVIDER=openai against a fake OpenAI-compatible /v1/embeddings server on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fakes.openai_server import EMBEDDINGS_PATH, FakeOpenAI

from ingest.pipeline import Pipeline
from knowledge.config import Settings
from knowledge.index.store import EmbeddingModelMismatch, KnowledgeStore
from knowledge.search.answer import Assistant

DOC = "CONTOH 5/2024"
MODEL = "fake-embed-1"

REGULATION = """\
PERATURAN CONTOH
NOMOR 5 TAHUN 2024
TENTANG
PEMBINAAN DAN PENGAWASAN TUGAS PEMBANTUAN

Pasal 1
(1) Menteri melakukan pembinaan atas penyelenggaraan Tugas Pembantuan oleh daerah.
(2) Pembinaan dilaksanakan melalui pemberian pedoman, bimbingan teknis, dan supervisi.

Pasal 2
Inspektorat daerah melakukan pengawasan atas penggunaan dana Tugas Pembantuan setiap semester.

Pasal 3
Peraturan Contoh ini mulai berlaku pada tanggal diundangkan.
"""

GUIDE = """\
# Panduan Rapat Koordinasi Wilayah

## Undangan

Undangan rapat koordinasi wilayah dikirim sekretariat paling lambat tujuh hari sebelum acara.

## Konsumsi

Biaya konsumsi peserta dibebankan pada anggaran satuan kerja penyelenggara.
"""

# A new version of the guide: one more section, so its re-ingest needs more than one embeddings batch.
GUIDE_V2 = (
    GUIDE
    + """
## Dokumentasi

Foto dan daftar hadir kegiatan diunggah ke sistem informasi paling lambat tiga hari setelah acara.
"""
)

Q_PENGAWASAN = "Siapa yang mengawasi penggunaan dana tugas pembantuan setiap semester?"
Q_UNDANGAN = "Kapan undangan rapat koordinasi wilayah dikirim sekretariat?"


def make_settings(data_dir: Path, provider: str, base_url: str | None = None, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "data_dir": data_dir,
        "documents_dir": None,
        "database_url": None,
        "chroma_host": None,
        "embedding_provider": provider,
        "embedding_model": MODEL,
        "embedding_base_url": base_url,
        "embedding_api_key": "sk-test-embed" if base_url else None,
        "embedding_batch_size": 2,  # several requests per document, so a failure can come half-way
        "openai_base_url": None,  # no LLM: answers quote the passages
        "openai_api_key": None,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture()
def server() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as fake:
        yield fake


@pytest.fixture()
def docs(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    # Named so the batch handles the regulation first and the guide second.
    (folder / "a-peraturan-contoh-5-2024.md").write_text(REGULATION, encoding="utf-8")
    (folder / "b-panduan-rakor.md").write_text(GUIDE, encoding="utf-8")
    return folder


def remote_settings(tmp_path: Path, server: FakeOpenAI) -> Settings:
    return make_settings(tmp_path / "data", "openai", server.base_url)


def first_label(store: KnowledgeStore, question: str) -> str:
    answer = Assistant(store, store.settings).ask(question)
    assert not answer.abstained, answer.answer
    return answer.citations[0].label


def embedded_texts(server: FakeOpenAI) -> list[str]:
    texts: list[str] = []
    for request in server.embedding_requests:
        given = request.body["input"]
        texts.extend([given] if isinstance(given, str) else given)
    return texts


def test_passages_are_embedded_by_the_server_and_the_index_records_the_model(
    tmp_path: Path, server: FakeOpenAI, docs: Path
) -> None:
    store = KnowledgeStore(remote_settings(tmp_path, server))
    report = Pipeline(store).run([docs])

    summary = report.summary()
    assert summary["added"] == 2 and summary["failed"] == []
    requests = server.embedding_requests
    assert requests, "no embeddings request reached the server"
    assert all(r.headers["authorization"] == "Bearer sk-test-embed" for r in requests)
    assert all(r.body["model"] == MODEL for r in requests)
    assert all(len(r.body["input"]) <= 2 for r in requests)  # EMBEDDING_BATCH_SIZE
    texts = embedded_texts(server)
    assert len(texts) == summary["passages"] == store.vectors.count()
    assert any("Inspektorat daerah melakukan pengawasan" in t for t in texts)
    assert store.get_meta("embedding_model") == f"openai:{MODEL}@{server.base_url}"

    # Questions are embedded by the same server, and find the passage.
    before = len(requests)
    assert first_label(store, Q_PENGAWASAN) == f"{DOC} Pasal 2"
    assert len(server.embedding_requests) == before + 1
    assert server.embedding_requests[-1].body["input"] == [Q_PENGAWASAN]


def test_switching_to_local_embeddings_needs_a_rebuild(tmp_path: Path, server: FakeOpenAI, docs: Path) -> None:
    remote = remote_settings(tmp_path, server)
    Pipeline(KnowledgeStore(remote)).run([docs])
    recorded = f"openai:{MODEL}@{server.base_url}"

    local_store = KnowledgeStore(make_settings(tmp_path / "data", "local"))
    with pytest.raises(EmbeddingModelMismatch) as refused:
        Pipeline(local_store).run([docs])
    message = str(refused.value)
    assert recorded in message and "local:multilingual-e5-small" in message
    assert "--rebuild" in message
    # Refusing changed nothing: the old index still answers.
    assert local_store.get_meta("embedding_model") == recorded
    assert first_label(KnowledgeStore(remote), Q_PENGAWASAN) == f"{DOC} Pasal 2"

    requests_before = len(server.requests)
    report = Pipeline(local_store).run([docs], rebuild=True)
    assert report.summary()["added"] == 2 and report.summary()["failed"] == []
    assert local_store.get_meta("embedding_model") == "local:multilingual-e5-small"
    assert len(server.requests) == requests_before  # the rebuild never called the server
    assert first_label(local_store, Q_PENGAWASAN) == f"{DOC} Pasal 2"
    assert first_label(local_store, Q_UNDANGAN) == "Panduan Rapat Koordinasi Wilayah, bagian Undangan"


def test_asking_with_another_embedding_model_is_refused_with_a_clear_message(
    tmp_path: Path, server: FakeOpenAI, docs: Path
) -> None:
    Pipeline(KnowledgeStore(remote_settings(tmp_path, server))).run([docs])
    local = make_settings(tmp_path / "data", "local")

    with pytest.raises(EmbeddingModelMismatch, match="--rebuild"):
        Assistant(KnowledgeStore(local), local).ask(Q_PENGAWASAN)


def test_a_server_failing_half_way_keeps_the_old_documents_answering(
    tmp_path: Path, server: FakeOpenAI, docs: Path
) -> None:
    settings = remote_settings(tmp_path, server)
    store = KnowledgeStore(settings)
    first = Pipeline(store).run([docs]).summary()
    assert first["added"] == 2
    old_guide = store.document_for_source(str((docs / "b-panduan-rakor.md").resolve()))
    assert old_guide is not None

    # The guide changes; the server serves its first batch, then fails (and fails the client's retries).
    guide = docs / "b-panduan-rakor.md"
    guide.write_text(GUIDE_V2, encoding="utf-8")
    server.fail_after(1)
    report = Pipeline(store).run([docs])

    summary = report.summary()
    assert summary["unchanged"] == 1 and summary["updated"] == 0
    assert [f["path"] for f in summary["failed"]] == [str(guide)]
    assert "InternalServerError" in summary["failed"][0]["error"]
    assert report.failed[0].pesan and "b-panduan-rakor.md" in report.failed[0].pesan
    assert len(server.embedding_requests) > 1  # it did fail half-way, after a batch was served
    # Nothing of the failed version was written; the previous version is whole.
    assert summary["documents"] == first["documents"] and summary["passages"] == first["passages"]
    current = store.document_for_source(str(guide.resolve()))
    assert current is not None and current.content_hash == old_guide.content_hash
    assert store.vectors.count() == store.passage_count() == first["passages"]

    # Once the server answers again, both documents answer as before, the new section not yet.
    server.reset()
    assert first_label(store, Q_PENGAWASAN) == f"{DOC} Pasal 2"
    assert first_label(store, Q_UNDANGAN) == "Panduan Rapat Koordinasi Wilayah, bagian Undangan"
    not_yet = Assistant(store, settings).ask("Kapan foto dan daftar hadir kegiatan diunggah?")
    assert not any("daftar hadir" in c.text for c in not_yet.citations)

    # And the next run picks the changed file up.
    again = Pipeline(store).run([docs]).summary()
    assert again["updated"] == 1 and again["failed"] == []
    answer = Assistant(store, settings).ask("Kapan foto dan daftar hadir kegiatan diunggah ke sistem informasi?")
    assert answer.citations[0].label == "Panduan Rapat Koordinasi Wilayah, bagian Dokumentasi"


def test_while_the_embeddings_server_fails_questions_are_answered_from_the_lexical_index(
    tmp_path: Path, server: FakeOpenAI, docs: Path
) -> None:
    store = KnowledgeStore(remote_settings(tmp_path, server))
    Pipeline(store).run([docs])
    server.mode = "error_500"

    assert first_label(store, Q_PENGAWASAN) == f"{DOC} Pasal 2"


def test_embeddings_requests_carry_our_texts_with_their_labels(tmp_path: Path, server: FakeOpenAI, docs: Path) -> None:
    Pipeline(KnowledgeStore(remote_settings(tmp_path, server))).run([docs])
    texts = embedded_texts(server)
    # What the dense model reads starts with the citation label, so "Pasal 2" has its context.
    assert any(t.startswith(f"{DOC} Pasal 2.") for t in texts)
    assert all(r.path == EMBEDDINGS_PATH for r in server.requests)
