"""An ingest that dies half-way leaves the previous knowledge base answering, and the next run repairs it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

from fakes.openai_server import EMBEDDINGS_PATH, FakeOpenAI

from ingest.pipeline import Pipeline, parse_document
from ingest.readers.files import read_file
from knowledge.config import Settings
from knowledge.index.corpus import Corpus
from knowledge.index.store import KnowledgeStore
from knowledge.search.answer import Assistant

ROOT = Path(__file__).resolve().parent.parent

GUIDE_V1 = """\
# Pedoman Pelaporan Triwulan

## Jadwal
Laporan triwulan disampaikan paling lambat tanggal 15 bulan berikutnya.

## Format
Laporan memuat capaian fisik, realisasi anggaran, dan kendala pelaksanaan.
"""

GUIDE_V2 = GUIDE_V1.replace("tanggal 15", "tanggal 10") + "\n## Sanksi\nKeterlambatan dicatat dalam evaluasi tahunan.\n"

NOTES = """\
# Catatan Sekretariat

## Kontak
Pertanyaan tentang aplikasi pelaporan disampaikan kepada sekretariat direktorat melalui surel resmi.
"""


def remote_settings(data_dir: Path, server: FakeOpenAI, db_url: str) -> Settings:
    return Settings(
        data_dir=data_dir,
        database_url=db_url,
        embedding_provider="openai",
        embedding_base_url=server.base_url,
        embedding_api_key="uji",
        _env_file=None,
    )


def texts_of(settings: Settings, doc: str) -> str:
    return "\n".join(r.text for r in Corpus.load(KnowledgeStore(settings)).records if r.doc == doc)


def test_a_process_killed_during_ingest_leaves_the_old_version_answering(tmp_path: Path, db_url: str) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a-pedoman.md").write_text(GUIDE_V1)
    (docs / "b-catatan.md").write_text(NOTES)
    with FakeOpenAI() as server:
        settings = remote_settings(tmp_path / "data", server, db_url)
        assert Pipeline(KnowledgeStore(settings)).run([docs]).summary()["added"] == 2

        (docs / "a-pedoman.md").write_text(GUIDE_V2)
        server.block_event = threading.Event()  # the next embeddings request hangs until we kill the ingest
        already = len(server.embedding_requests)
        env = os.environ | {
            "DATA_DIR": str(settings.data_dir),
            "DATABASE_URL": db_url,
            "EMBEDDING_PROVIDER": "openai",
            "EMBEDDING_BASE_URL": server.base_url,
            "EMBEDDING_API_KEY": "uji",
        }
        process = subprocess.Popen(
            [sys.executable, "-m", "ingest", str(docs), "--json"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        try:
            assert server.wait_for_requests(already + 1, EMBEDDINGS_PATH, timeout=60)
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=30)
        finally:
            if process.poll() is None:
                process.kill()
        server.reset()

        # The old version is whole and is what questions see.
        assert "tanggal 15" in texts_of(settings, "Pedoman Pelaporan Triwulan")
        answer = Assistant(KnowledgeStore(settings), settings).ask("Kapan laporan triwulan disampaikan?")
        assert answer.citations and "tanggal 15" in answer.citations[0].text

        # The next run finishes the job.
        again = Pipeline(KnowledgeStore(settings)).run([docs]).summary()
        assert (again["updated"], again["unchanged"], again["failed"]) == (1, 1, [])
        assert "tanggal 10" in texts_of(settings, "Pedoman Pelaporan Triwulan")


def test_vectors_left_by_an_interrupted_write_are_invisible_and_collected(tmp_path: Path, db_url: str) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    guide = docs / "a-pedoman.md"
    guide.write_text(GUIDE_V1)
    settings = Settings(data_dir=tmp_path / "data", database_url=db_url, _env_file=None)
    store = KnowledgeStore(settings)
    Pipeline(store).run([docs])
    live = {r.id for r in Corpus.load(store).records}

    # The first half of a write happened (new vectors added), then the process died before the switch.
    guide.write_text(GUIDE_V2)
    raw = read_file(guide)
    new_version = parse_document(raw, str(guide.resolve()), "hash-of-the-unfinished-version")
    store.vectors.add(store.embed(new_version.passages))
    assert store.vectors.all_passage_ids() - live  # orphans exist

    answer = Assistant(KnowledgeStore(settings), settings).ask("Kapan laporan triwulan disampaikan?")
    assert {h.record.id for h in answer.retrieved} <= live
    assert "tanggal 15" in answer.citations[0].text

    Pipeline(KnowledgeStore(settings)).run([docs])
    store = KnowledgeStore(settings)
    assert store.vectors.all_passage_ids() == {r.id for r in Corpus.load(store).records}
    assert "tanggal 10" in texts_of(settings, "Pedoman Pelaporan Triwulan")
