"""A Chroma server instead of the embedded store (CHROMA_HOST/CHROMA_PORT): the real `chroma run` on a free port."""

from __future__ import annotations

import logging
from pathlib import Path

import chromadb
import pytest
from answer_corpus import write_corpus
from bot_harness import Corpus, async_test, bot_env
from services import ChromaServer

from ingest.pipeline import Pipeline
from knowledge.config import Settings
from knowledge.index.store import KnowledgeStore
from knowledge.search.answer import Assistant

QUESTION = "Siapa yang membiayai Penugasan Daerah?"
DENSE_FAILED = "dense retrieval failed"


def server_settings(tmp_path: Path, chroma: ChromaServer) -> Settings:
    return Settings(
        data_dir=tmp_path / "data", chroma_host="127.0.0.1", chroma_port=chroma.port,
        primary_document="CONTOH 5/2023", _env_file=None,
    )  # fmt: skip


def test_ingest_and_questions_go_through_the_chroma_server(tmp_path: Path) -> None:
    with ChromaServer(tmp_path / "server") as chroma:
        settings = server_settings(tmp_path, chroma)
        store = KnowledgeStore(settings)
        report = Pipeline(store).run([write_corpus(tmp_path / "docs")])
        assert not report.failed and report.summary()["added"] == 3

        # The vectors live in the server, not in DATA_DIR.
        client = chromadb.HttpClient(host="127.0.0.1", port=chroma.port)
        assert client.get_collection(settings.chroma_collection).count() == store.vectors.count() > 0
        assert not settings.chroma_path.exists()

        answer = Assistant(KnowledgeStore(settings), settings).ask(QUESTION)
        assert not answer.abstained and answer.citations[0].label == "CONTOH 5/2023 Pasal 3 ayat (1)"

        # A changed document replaces its vectors in the server too.
        before = store.vectors.count()
        assert Pipeline(store).run([tmp_path / "docs"], prune=True).summary()["unchanged"] == 3
        assert store.vectors.count() == before


@async_test
async def test_the_bot_answers_while_the_chroma_server_restarts(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    chroma = ChromaServer(tmp_path / "server")
    chroma.start()
    try:
        settings = server_settings(tmp_path, chroma)
        store = KnowledgeStore(settings)
        assert not Pipeline(store).run([write_corpus(tmp_path / "docs")]).failed
        async with bot_env(Corpus(store, settings.data_dir), tmp_path, primary_document="CONTOH 5/2023") as env:
            budi = env.member()
            caplog.set_level(logging.WARNING, logger="knowledge.search.retrieval")

            [before] = await env.send(budi, QUESTION)
            assert "Pasal 3 ayat (1)" in before["text"] and DENSE_FAILED not in caplog.text

            chroma.stop()
            [during] = await env.send(budi, QUESTION)
            assert "Pasal 3 ayat (1)" in during["text"]  # answered from the keyword index
            assert DENSE_FAILED in caplog.text

            chroma.start()  # same folder, same port: the bot is not restarted
            caplog.clear()
            [after] = await env.send(budi, QUESTION)
            assert "Pasal 3 ayat (1)" in after["text"] and DENSE_FAILED not in caplog.text
    finally:
        chroma.stop()
